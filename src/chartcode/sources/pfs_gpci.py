"""Parser of the CMS geographic practice cost indices (GPCIs) by Medicare payment locality.

CMS publishes the GPCIs each year as Addendum E of the Physician Fee Schedule final rule and
as ``GPCI<year>.csv`` inside the RVU zips (``rvu26b.zip`` holds ``GPCI2026.csv``). Layout of
the csv (Excel exports, CRLF or LF line endings)::

    ADDENDUM E. FINAL CY 2026 GEOGRAPHIC PRACTICE COST INDICES (GPCIs) BY ... LOCALITY,,,...
    ,,,,,,,
    Medicare Administrative Contractor (MAC),State,Locality Number,Locality Name,
        2026 PW GPCI (without 1.0 Floor),2026 PW GPCI (with 1.0 Floor),2026 PE GPCI,2026 MP GPCI
    10112,AL,00,ALABAMA,0.988,1.000,0.875,0.566
    ...
    "MAC Assignments as of November 22, 2023",,,...
    *Work GPCI reflects a 1.5 floor in Alaska established by the MIPPA.,,,...

The 2025 file has a single work column, ``2025 PW GPCI (with 1.0 Floor)``; the 2026 file has
the work GPCI both without and with the 1.0 floor, because the floor was extended into 2026
by statute after the rule was written (CMS's note at the foot of GPCI2026.csv). A later file
may print a plain ``PW GPCI`` column, which is then the one applied.

Contract: ``parse_pfs_gpci(stream, name)`` returns ``FileHeader(system="pfs", kind="gpci",
version="2026", ...)`` in force from 1 January to 31 December of that year, and one
``GpciRecord`` per locality in file order. The year comes from the header cells
(``2026 PE GPCI``), which every GPCI column repeats; the printed title and a ``GPCI<year>``
file name, when present, must agree with it.

Rows before the header must be the title (one filled cell) or blank; rows after the data
must be footnotes (one filled cell, not a number) or blank. A footnote starting with
asterisks defines the mark that follows a locality name (``ALASKA*``, ``WYOMING**``): the
mark is split off the name into ``GpciRecord.marks`` and the footnote's text is attached as
``GpciRecord.footnote``. Anything else (a data row that is not five-digit MAC, two-letter
state, two-digit locality, a name and non-negative decimals; a mark without its footnote; a
locality twice; a data row after the footnotes) is an ``ImportFormatError`` naming the file
and the line.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import IO

from chartcode.errors import ImportFormatError
from chartcode.sources.delimited import (
    Row,
    annual_header,
    attach_footnotes,
    basename,
    csv_rows,
    decimal_cell,
    find_titled_header,
    footnote_of,
    is_blank,
    is_text_line,
    split_marks,
    squash,
)
from chartcode.sources.records import ParsedFile

SYSTEM = "pfs"
KIND = "gpci"

_MAC_RE = re.compile(r"\d{5}")
_LOCALITY_RE = re.compile(r"\d{2}")
_STATE_RE = re.compile(r"[A-Z]{2}")
# A GPCI header cell: "2026 PE GPCI", "2026 PW GPCI (with 1.0 Floor)". Older addenda say
# "Work GPCI" for the physician work ("PW") index.
_GPCI_CELL_RE = re.compile(
    r"(?P<year>\d{4})\s+(?P<what>PW|WORK|PE|MP)\s+GPCI"
    r"(?:\s*\(\s*(?P<floor>with|without)\s+(?:a\s+)?1\.0\s+floor\s*\))?",
    re.IGNORECASE,
)
_TITLE_YEAR_RE = re.compile(r"\bCY\s*(\d{4})\b", re.IGNORECASE)
_NAME_YEAR_RE = re.compile(r"GPCI_?(\d{4})", re.IGNORECASE)
_HEADER_SEARCH_ROWS = 10


@dataclass(frozen=True, slots=True)
class GpciRecord:
    """The three GPCIs of one Medicare payment locality.

    ``mac`` (five digits) and ``locality`` (two digits) are kept as printed, leading zeros
    included: together they name the locality, as on claims and in the ZIP code file.
    ``pw_gpci`` is the work GPCI as applied in payment (with the 1.0 floor where the law
    applies one); ``pw_gpci_no_floor`` is the unfloored value where the file prints it (2026),
    else None. Values are Decimals as printed (``1`` and ``1.000`` compare equal).
    ``locality_name`` is without its footnote mark; ``marks`` is the mark (``*``, ``**`` or
    ``""``) and ``footnote`` the text of the footnote it points to.
    """

    mac: str
    state: str
    locality: str
    locality_name: str
    pw_gpci: Decimal
    pw_gpci_no_floor: Decimal | None
    pe_gpci: Decimal
    mp_gpci: Decimal
    line: int
    marks: str = ""
    footnote: str | None = None


# --- GPCI file ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Columns:
    year: int
    pw: int  # the work GPCI applied: "with 1.0 Floor", else plain "PW GPCI"
    pw_no_floor: int | None
    pe: int
    mp: int
    count: int


def _is_header(cells: Sequence[str]) -> bool:
    first = squash(cells[0]) if cells else ""
    return first.startswith("medicareadministrativecontractor") or first == "mac"


def _read_columns(cells: Sequence[str], name: str, line: int) -> _Columns:
    def fail(message: str) -> ImportFormatError:
        return ImportFormatError(name, f"GPCI header {message}: {list(cells)!r}", line)

    texts = [" ".join(c.split()) for c in cells]
    while texts and not texts[-1]:
        texts.pop()
    keys = [squash(t) for t in texts]
    # The first four columns: MAC, State, Locality Number, Locality Name.
    if len(keys) < 4 or keys[1] != "state" or keys[2] not in ("localitynumber", "locality"):
        raise fail("does not start MAC, State, Locality Number, Locality Name")
    if keys[3] != "localityname":
        raise fail("column 4 is not 'Locality Name'")
    years: set[int] = set()
    found: dict[str, int] = {}
    for index, text in enumerate(texts[4:], start=4):
        m = _GPCI_CELL_RE.fullmatch(text)
        if m is None:
            raise fail(f"column {index + 1} {text!r} is not a '<year> PW|PE|MP GPCI' column")
        years.add(int(m["year"]))
        what = "pw" if m["what"].upper() in ("PW", "WORK") else m["what"].lower()
        key = what + (f"_{m['floor'].lower()}" if m["floor"] else "")
        if key in found:
            raise fail(f"column {index + 1} {text!r} repeats an earlier column")
        found[key] = index
    if len(years) != 1:
        raise fail(f"GPCI columns name different years {sorted(years)}")
    pw = found.get("pw_with", found.get("pw"))
    if pw is None:
        # A file with only the unfloored value does not say which value is applied.
        raise fail("has no applied work GPCI ('PW GPCI (with 1.0 Floor)' or 'PW GPCI')")
    if "pw_with" in found and "pw" in found:
        raise fail("has both a plain and a floored PW GPCI column")
    if "pe" not in found or "mp" not in found:
        raise fail("lacks the PE GPCI or the MP GPCI column")
    return _Columns(
        year=years.pop(),
        pw=pw,
        pw_no_floor=found.get("pw_without"),
        pe=found["pe"],
        mp=found["mp"],
        count=len(texts),
    )


def _find_header(rows: Iterator[Row], name: str) -> tuple[_Columns, str | None]:
    """Skip the title; return the columns and the printed title."""
    line, cells, title = find_titled_header(
        rows,
        name,
        _is_header,
        "GPCI header",
        "no GPCI header row ('Medicare Administrative Contractor (MAC),State,Locality "
        f"Number,...') in the first {_HEADER_SEARCH_ROWS} rows; not a CMS GPCI file",
        _HEADER_SEARCH_ROWS,
    )
    return _read_columns(cells, name, line), title


def _record(cells: list[str], cols: _Columns, name: str, line: int) -> GpciRecord:
    def fail(message: str) -> ImportFormatError:
        return ImportFormatError(name, message, line)

    extra = [c for c in cells[cols.count :] if c.strip()]
    if extra:
        raise fail(f"{len(cells)} cells where the header has {cols.count}: {extra!r}")
    cells = [c.strip() for c in cells] + [""] * (cols.count - len(cells))
    mac, state, locality, printed_name = cells[:4]
    if not _MAC_RE.fullmatch(mac):
        raise fail(f"MAC {mac!r} is not five digits")
    if not _STATE_RE.fullmatch(state):
        raise fail(f"state {state!r} is not a two-letter code")
    if not _LOCALITY_RE.fullmatch(locality):
        raise fail(f"locality number {locality!r} is not two digits")
    locality_name, marks = split_marks(printed_name)
    if not locality_name:
        raise fail("locality name is empty")

    def gpci(index: int, label: str) -> Decimal:
        value = decimal_cell(cells[index])
        if value is None:
            raise fail(f"{label} {cells[index]!r} is not a non-negative decimal")
        return value

    return GpciRecord(
        mac=mac,
        state=state,
        locality=locality,
        locality_name=locality_name,
        pw_gpci=gpci(cols.pw, "PW GPCI"),
        pw_gpci_no_floor=(
            None if cols.pw_no_floor is None else gpci(cols.pw_no_floor, "PW GPCI (no floor)")
        ),
        pe_gpci=gpci(cols.pe, "PE GPCI"),
        mp_gpci=gpci(cols.mp, "MP GPCI"),
        line=line,
        marks=marks,
    )


def parse_pfs_gpci(stream: IO[bytes], name: str) -> ParsedFile:
    """Parse a CMS ``GPCI<year>.csv`` (Addendum E).

    Args:
        stream: the file's bytes.
        name: the file name, for messages; a ``GPCI<year>`` in it is checked against the
            year the header columns carry.

    Raises:
        ImportFormatError: the header, a data row or a footnote is not CMS's layout.
    """
    rows = csv_rows(stream, name)
    cols, title = _find_header(rows, name)
    year = cols.year
    m = _TITLE_YEAR_RE.search(title or "")
    if m and int(m[1]) != year:
        raise ImportFormatError(name, f"title says CY {m[1]} but the GPCI columns say {year}")
    m = _NAME_YEAR_RE.search(basename(name))
    if m and int(m[1]) != year:
        raise ImportFormatError(name, f"file name says {m[1]} but the GPCI columns say {year}")

    records: list[GpciRecord] = []
    seen: dict[tuple[str, str], int] = {}
    footnotes: dict[str, str] = {}
    in_footnotes = False
    for line, cells in rows:
        if is_blank(cells):
            continue
        if is_text_line(cells):
            # A footnote ("MAC Assignments as of...", "*Work GPCI reflects...", "Note: ...").
            in_footnotes = True
            note = footnote_of(cells)
            if note is not None:
                footnotes.setdefault(note[0], note[1])
            continue
        if in_footnotes:
            raise ImportFormatError(name, f"data row after the footnotes: {cells!r}", line)
        rec = _record(cells, cols, name, line)
        key = (rec.mac, rec.locality)
        if key in seen:
            raise ImportFormatError(
                name, f"locality {rec.mac}/{rec.locality} already on line {seen[key]}", line
            )
        seen[key] = line
        records.append(rec)
    if not records:
        raise ImportFormatError(name, "GPCI header but no locality rows")

    resolved = attach_footnotes(
        records, footnotes, name, lambda rec: f"locality name {rec.locality_name + rec.marks!r}"
    )

    title = f"Medicare PFS geographic practice cost indices (GPCIs) by locality, CY {year}"
    header = annual_header(SYSTEM, KIND, year, title)
    return ParsedFile(header=header, records=resolved)


def sniff(name: str, head: bytes) -> bool:
    """Whether a file is a CMS GPCI csv, from its first 64 KB.

    The header row gives it away: MAC, State, Locality Number, Locality Name, then
    ``<year> PW|PE|MP GPCI`` columns. The name is not needed.
    """
    text = head.decode("latin-1")
    lines = text.splitlines()[:_HEADER_SEARCH_ROWS]
    try:
        for cells in csv.reader(lines):
            if cells and _is_header(cells):
                _read_columns(cells, name, 1)
                return True
    except (csv.Error, ImportFormatError):
        return False
    return False
