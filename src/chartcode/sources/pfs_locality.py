"""Parser of the CMS locality-to-county crosswalk (``25LOCCO.csv``).

CMS ships ``<yy>LOCCO.csv`` in the RVU zips (``rvu25d.zip`` holds ``25LOCCO.csv``): which
counties make up each Medicare payment locality. Layout of the 2025 csv (CRLF)::

    COUNTIES INCLUDED IN 2025 LOCALITIES. (ALPHABETICALLY BY STATE AND ...),,,,
    ,,,,
    Medicare Adminstrative Contractor,Locality Number,State ,Fee Schedule Area ,Counties
    ,,,,
    10112,0,ALABAMA ,STATEWIDE ,ALL COUNTIES
    ,,,,
    ...
    1182,18,CALIFORNIA,LOS ANGELES-LONG BEACH-ANAHEIM (LOS ANGELES CNTY),LOS ANGELES /...
    1112,52,,SAN FRANCISCO-OAKLAND-BERKELEY (MARIN CNTY),MARIN
    ...
    *  Payment locality is serviced by two carriers.,,,,

Quirks of the file, each handled where it is read:

* The header misspells "Adminstrative"; header cells are compared on letters and digits and
  both spellings are accepted.
* Each state's rows are a group between blank separator rows (``,,,,``, once `` , , , , ``).
  Only a group's first row names the state; the others leave the cell empty (once a single
  space) and continue the state from the row above. A nameless row right after a separator
  has no state to continue and is refused.
* The MAC and the locality number lost their leading zeros (the file went through a
  spreadsheet): ``2102,1`` is MAC ``02102``, locality ``01``. They are padded back to five
  and two digits, the widths of the GPCI, anesthesia and ZIP code files.
* States are full names (``ALABAMA``, ``HAWAII/GUAM``), not the GPCI file's postal codes.
* A trailing ``*`` on a fee schedule area points to the footnote at the end ("Payment
  locality is serviced by two carriers"); it is split off into ``marks`` and the footnote
  text attached, like the GPCI parser does.
* The 2025 file has 110 locality rows for the 109 localities of GPCI2025: MAC 05302,
  locality 99 (Missouri, rest of state) is printed twice, identical but for trailing spaces.
  Rows are returned as printed, the repeat included, so (mac, locality) is not unique here.
* ``Counties`` is kept as the text printed, not split into a list: CMS writes it as prose
  ("ALL COUNTIES, EXCEPT ...", "... IN VIRGINIA; MONTGOMERY AND PRINCE GEORGE'S IN
  MARYLAND", "SAN FRANCISCO/ALAMEDA/..."), so no separator splits it reliably.

Contract: ``parse_pfs_locality(stream, name)`` returns ``FileHeader(system="pfs",
kind="locality", version="2025", ...)`` in force 1 January to 31 December, and one
``LocalityCounty`` per data row in file order. The year comes from the file name
(``25LOCCO`` -> 2025); the title's year, when printed, must agree, and stands in for a
renamed file. A data row that is not digits for MAC and locality, or that lacks the fee
schedule area or counties, a row that is neither data, separator nor footnote, and a mark
with no footnote are ``ImportFormatError``s naming the file and the line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import IO

from chartcode.errors import ImportFormatError
from chartcode.sources import delimited
from chartcode.sources.records import ParsedFile

SYSTEM = "pfs"
KIND = "locality"

COLUMNS = 5  # MAC, Locality Number, State, Fee Schedule Area, Counties
_NAME_RE = re.compile(r"(\d{2})LOCCO", re.IGNORECASE)
_TITLE_YEAR_RE = re.compile(r"\b((?:19|20)\d{2})\b")
# Up to five and two digits: the widths the zeros were stripped from.
_MAC_RE = re.compile(r"\d{1,5}")
_LOCALITY_RE = re.compile(r"\d{1,2}")
_HEADER_SEARCH_ROWS = 10
_HEADER_TAIL = ["localitynumber", "state", "feeschedulearea", "counties"]


@dataclass(frozen=True, slots=True)
class LocalityCounty:
    """One locality row of the crosswalk: the counties a payment locality covers.

    ``mac`` and ``locality`` are zero-padded back to five and two digits (the csv lost the
    zeros), so they join the GPCI and ZIP code files. ``state`` is the full state name,
    continued from the row above where the file leaves it empty. ``fee_schedule_area`` is
    without its footnote mark; ``marks``/``footnote`` are the mark and its text.
    ``counties`` is the text as published.
    """

    mac: str
    locality: str
    state: str
    fee_schedule_area: str
    counties: str
    line: int
    marks: str = ""
    footnote: str | None = None


def _is_header(cells: Sequence[str]) -> bool:
    if not cells:
        return False
    first = delimited.squash(cells[0])
    # CMS's header says "Adminstrative"; accept the correct spelling too.
    return first in ("medicareadminstrativecontractor", "medicareadministrativecontractor")


def _check_header(cells: Sequence[str], name: str, line: int) -> None:
    keys = [delimited.squash(c) for c in cells]
    while keys and not keys[-1]:
        keys.pop()
    if keys[1:] != _HEADER_TAIL:
        raise ImportFormatError(
            name,
            "locality header is not 'Medicare Administrative Contractor, Locality Number, "
            f"State, Fee Schedule Area, Counties': {list(cells)!r}",
            line,
        )


def _find_header(rows: Iterator[delimited.Row], name: str) -> str | None:
    """Skip the title and blank rows; check the header; return the printed title."""
    line, cells, title = delimited.find_titled_header(
        rows,
        name,
        _is_header,
        "locality header",
        "no locality header row ('Medicare Adminstrative Contractor,Locality Number,State,"
        f"Fee Schedule Area,Counties') in the first {_HEADER_SEARCH_ROWS} rows; not a CMS "
        "LOCCO file",
        _HEADER_SEARCH_ROWS,
    )
    _check_header(cells, name, line)
    return title


def _year(name: str, title: str | None) -> int:
    named = _NAME_RE.search(delimited.basename(name))
    titled = _TITLE_YEAR_RE.search(title or "")
    year_of_name = 2000 + int(named[1]) if named else None
    year_of_title = int(titled[1]) if titled else None
    if year_of_name and year_of_title and year_of_name != year_of_title:
        raise ImportFormatError(
            name, f"file name says {year_of_name} but the title says {year_of_title}"
        )
    year = year_of_name or year_of_title
    if year is None:
        raise ImportFormatError(
            name,
            "neither the file name ('25LOCCO.csv') nor the title ('COUNTIES INCLUDED IN 2025 "
            "LOCALITIES') gives the year",
        )
    return year


def parse_pfs_locality(stream: IO[bytes], name: str) -> ParsedFile:
    """Parse a CMS ``<yy>LOCCO.csv`` locality-to-county crosswalk.

    Args:
        stream: the file's bytes.
        name: the file name as CMS publishes it (``25LOCCO.csv``); it carries the year.

    Raises:
        ImportFormatError: the header, a row or a footnote is not CMS's layout.
    """
    rows = delimited.csv_rows(stream, name)
    title = _find_header(rows, name)
    year = _year(name, title)

    records: list[LocalityCounty] = []
    footnotes: dict[str, str] = {}
    in_footnotes = False
    state: str | None = None  # the state of the group being read, None after a separator
    for line, cells in rows:
        if delimited.is_blank(cells):
            state = None  # a separator ends the state's group
            continue
        if delimited.is_text_line(cells):
            in_footnotes = True
            note = delimited.footnote_of(cells)
            if note is not None:
                footnotes.setdefault(note[0], note[1])
            continue

        def fail(message: str, line: int = line) -> ImportFormatError:
            return ImportFormatError(name, message, line)

        if in_footnotes:
            raise fail(f"data row after the footnotes: {cells!r}")
        extra = [c for c in cells[COLUMNS:] if c.strip()]
        if extra:
            raise fail(f"{len(cells)} cells where the header has {COLUMNS}: {extra!r}")
        mac, locality, printed_state, area, counties = (
            [c.strip() for c in cells[:COLUMNS]] + [""] * COLUMNS
        )[:COLUMNS]
        if not _MAC_RE.fullmatch(mac):
            raise fail(f"MAC {mac!r} is not a number of up to five digits")
        if not _LOCALITY_RE.fullmatch(locality):
            raise fail(f"locality number {locality!r} is not a number of up to two digits")
        if printed_state:
            state = printed_state
        elif state is None:
            # Only rows that continue a group leave the state empty (see the module notes).
            raise fail("no state, and no row above in the same group to continue it from")
        fee_schedule_area, marks = delimited.split_marks(area)
        if not fee_schedule_area:
            raise fail("fee schedule area is empty")
        if not counties:
            raise fail("counties is empty")
        records.append(
            LocalityCounty(
                # 25LOCCO.csv lost the leading zeros ("2102,1" for 02102/01): pad them back.
                mac=mac.zfill(5),
                locality=locality.zfill(2),
                state=state,
                fee_schedule_area=fee_schedule_area,
                counties=counties,
                line=line,
                marks=marks,
            )
        )
    if not records:
        raise ImportFormatError(name, "locality header but no locality rows")

    resolved = delimited.attach_footnotes(
        records,
        footnotes,
        name,
        lambda rec: f"fee schedule area {rec.fee_schedule_area + rec.marks!r}",
    )

    title = f"Medicare PFS payment localities and their counties, {year}"
    header = delimited.annual_header(SYSTEM, KIND, year, title)
    return ParsedFile(header=header, records=resolved)


def sniff(name: str, head: bytes) -> bool:
    """Whether a file is a CMS LOCCO crosswalk, from its first 64 KB.

    Its header row (MAC, Locality Number, State, Fee Schedule Area, Counties) is unlike any
    other CMS file's; the name is not needed.
    """
    for line in head.decode("latin-1").splitlines()[:_HEADER_SEARCH_ROWS]:
        cells = line.split(",")
        if _is_header(cells):
            keys = [delimited.squash(c) for c in cells]
            while keys and not keys[-1]:
                keys.pop()
            return keys[1:] == _HEADER_TAIL
    return False
