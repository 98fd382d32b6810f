"""Parser of the CMS ZIP code to carrier/locality file (``ZIP5_OCT2025.txt``).

CMS publishes each quarter which Medicare carrier (MAC) and payment locality every five-digit
ZIP code belongs to, as ``ZIP5_<MON><YYYY>.txt`` (in the "zip code to carrier locality"
zip). The file has no header: one fixed-width 80-character ASCII record per ZIP code, CRLF
terminated, laid out by CMS's ``ZIP5lyout.txt`` ("Zip5 Record Layout"), reproduced as
``ZIP5_RECORD_LAYOUT`` below::

    AL350041011200 Z9   0 A                                                    20254

Quirks of the layout document, handled in the table:

* It describes no position 22 (it jumps from Plus Four Flag, 21, to Part B Payment
  Indicator, 23); position 22 is blank in every record and is treated as filler.
* It gives the second filler as positions 24-75 but "length 53"; the positions are right
  (24-75 is 52 characters, and Year/Quarter 76-80 ends the 80-character record).
* It defines no state codes. Besides postal codes the file uses ``EK``/``WK`` (east/west
  Kansas) and ``EM``/``WM`` (east/west Missouri), and territories (``AS``, ``GU``, ``FM``,
  ``MH``, ``MP``, ``PW``); no ``KS`` or ``MO`` occur. Any two capital letters are accepted.

Contract: ``parse_pfs_zip(stream, name)`` takes the uncompressed text and returns
``FileHeader(system="pfs", kind="zip", version="2025-10", ...)`` in force from the first of
the month in the file name to the end of that quarter, and one ``ZipLocality`` per record in
file order. The month comes from the name (``ZIP5_OCT2025``); every record's Year/Quarter
field (``20254``) must name the same quarter, and stands in for a renamed file (then dated
the quarter's first day).

The parser is strict: a record that is not 80 characters, a ZIP that is not five digits, a
carrier or locality that is not digits, a code outside the layout's values, a filler that is
not blank, a ZIP twice, or records of different quarters are ``ImportFormatError``s naming
the file and the line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import IO

from chartcode.errors import ImportFormatError
from chartcode.sources.delimited import basename, quarter_end
from chartcode.sources.records import FileHeader, ParsedFile

SYSTEM = "pfs"
KIND = "zip"

RECORD_LENGTH = 80


@dataclass(frozen=True, slots=True)
class LayoutField:
    """One field of a fixed-width layout: 1-based inclusive positions, as CMS prints them."""

    name: str  # the ZipLocality attribute, or "filler"
    title: str  # the field name in ZIP5lyout.txt
    start: int
    end: int

    @property
    def slice(self) -> slice:
        return slice(self.start - 1, self.end)


# ZIP5lyout.txt, "Zip5 Record Layout" (Field Name, Beg. Position, End Position, Comments).
ZIP5_RECORD_LAYOUT: tuple[LayoutField, ...] = (
    LayoutField("state", "State", 1, 2),
    LayoutField("zip5", "Zip Code", 3, 7),
    LayoutField("carrier", "Carrier", 8, 12),
    LayoutField("locality", "Pricing Locality", 13, 14),
    # Blank = urban, R = rural, B = super rural (2013 OMB delineations, 2010 RUCA codes,
    # effective 1/1/2015).
    LayoutField("rural_indicator", "Rural Indicator", 15, 15),
    # Lab competitive bid locality: Z1 = CBA 1, Z2 = CBA 2, Z9 = not a demonstration locality.
    LayoutField("bene_lab_cb_locality", "Bene Lab CB Locality", 16, 17),
    # "What was effective 12/1/2006 based on MSA": blank, R or B like Rural Indicator.
    LayoutField("rural_indicator2", "Rural Indicator2", 18, 18),
    LayoutField("filler", "Filler", 19, 20),
    # 0 = no +4 extension, 1 = +4 extension (the ZIP is split between localities by ZIP+4,
    # and the ZIP9 file has the split).
    LayoutField("plus4_flag", "Plus Four Flag", 21, 21),
    # Not in the layout document: 21 is followed by 23. Blank in every record; checked blank.
    LayoutField("filler", "not in the layout", 22, 22),
    LayoutField("part_b_payment_indicator", "Part B Payment Indicator", 23, 23),
    # The layout says length 53; 24-75 is 52, and the record is 80 with Year/Quarter 76-80.
    LayoutField("filler", "Filler", 24, 75),
    LayoutField("year_quarter", "Year/Quarter", 76, 80),  # YYYYQ
)

_FIELDS = {f.name: f for f in ZIP5_RECORD_LAYOUT if f.name != "filler"}
_FILLERS = tuple(f for f in ZIP5_RECORD_LAYOUT if f.name == "filler")

_RURAL = frozenset({"", "R", "B"})
_STATE_RE = re.compile(r"[A-Z]{2}")
_LAB_CB_RE = re.compile(r"Z\d")  # the layout lists Z1, Z2, Z9
_YEAR_QUARTER_RE = re.compile(r"(\d{4})([1-4])")
_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_NAME_RE = re.compile(r"ZIP5_?(" + "|".join(_MONTHS) + r")[A-Z]*_?(\d{4})", re.IGNORECASE)
# A whole record, for sniffing: the fillers blank, the codes in the layout's shapes.
_RECORD_RE = re.compile(r"[A-Z]{2}\d{12}[ RB]Z\d[ RB]  [01] \S {52}\d{4}[1-4]")


@dataclass(frozen=True, slots=True)
class ZipLocality:
    """One five-digit ZIP code's Medicare carrier and payment locality.

    Names follow ZIP5lyout.txt. ``carrier`` (the MAC, five digits) and ``locality`` (two
    digits) join the GPCI file. ``rural_indicator`` and ``rural_indicator2`` are ``""``
    (urban), ``"R"`` (rural) or ``"B"`` (super rural); the second is the 12/1/2006 MSA-based
    one. ``plus4_flag`` is True where the ZIP is split by ZIP+4 extension.
    ``year_quarter`` is the record's ``YYYYQ``.
    """

    state: str
    zip5: str
    carrier: str
    locality: str
    rural_indicator: str
    bene_lab_cb_locality: str
    rural_indicator2: str
    plus4_flag: bool
    part_b_payment_indicator: str
    year_quarter: str
    line: int


def _name_month(name: str) -> date | None:
    m = _NAME_RE.search(basename(name))
    if m is None:
        return None
    return date(int(m[2]), _MONTHS.index(m[1].upper()) + 1, 1)


def _record(text: str, name: str, line: int) -> ZipLocality:
    def fail(message: str) -> ImportFormatError:
        return ImportFormatError(name, message, line)

    if len(text) != RECORD_LENGTH:
        raise fail(f"record is {len(text)} characters; ZIP5lyout.txt records are 80")

    def get(field: str) -> str:
        return text[_FIELDS[field].slice]

    state, zip5, carrier, locality = get("state"), get("zip5"), get("carrier"), get("locality")
    if not _STATE_RE.fullmatch(state):
        raise fail(f"state {state!r} is not two capital letters")
    if not (zip5.isascii() and zip5.isdigit()):
        raise fail(f"ZIP code {zip5!r} is not five digits")
    if not (carrier.isascii() and carrier.isdigit()):
        raise fail(f"carrier {carrier!r} is not five digits")
    if not (locality.isascii() and locality.isdigit()):
        raise fail(f"pricing locality {locality!r} is not two digits")
    rural, rural2 = get("rural_indicator").strip(), get("rural_indicator2").strip()
    if rural not in _RURAL:
        raise fail(f"rural indicator {rural!r} is not blank, R or B")
    if rural2 not in _RURAL:
        raise fail(f"rural indicator2 {rural2!r} is not blank, R or B")
    lab = get("bene_lab_cb_locality")
    if not _LAB_CB_RE.fullmatch(lab):
        raise fail(f"lab CB locality {lab!r} is not Z1, Z2, Z9 or another Z<digit>")
    plus4 = get("plus4_flag")
    if plus4 not in ("0", "1"):
        raise fail(f"plus four flag {plus4!r} is not 0 or 1")
    part_b = get("part_b_payment_indicator").strip()
    if not part_b:
        raise fail("Part B payment indicator is blank")
    year_quarter = get("year_quarter")
    if not _YEAR_QUARTER_RE.fullmatch(year_quarter):
        raise fail(f"year/quarter {year_quarter!r} is not YYYYQ")
    for filler in _FILLERS:
        if text[filler.slice].strip():
            where = (
                f"position {filler.start}"
                if filler.start == filler.end
                else f"positions {filler.start}-{filler.end}"
            )
            raise fail(
                f"{where} ({filler.title}) holds {text[filler.slice].strip()!r}; "
                "the layout has it blank"
            )
    return ZipLocality(
        state=state,
        zip5=zip5,
        carrier=carrier,
        locality=locality,
        rural_indicator=rural,
        bene_lab_cb_locality=lab,
        rural_indicator2=rural2,
        plus4_flag=plus4 == "1",
        part_b_payment_indicator=part_b,
        year_quarter=year_quarter,
        line=line,
    )


def _decode(raw: bytes, name: str, line: int) -> str:
    if line == 1 and raw.startswith(b"\x1f\x8b"):
        raise ImportFormatError(name, "gzip-compressed; the parser takes the unzipped text", 1)
    # Record length is checked after the line ending (CRLF in CMS's file, LF accepted).
    body = raw.removesuffix(b"\n").removesuffix(b"\r")
    try:
        return body.decode("ascii")
    except UnicodeDecodeError as exc:
        raise ImportFormatError(name, f"record is not ASCII ({exc})", line) from exc


def parse_pfs_zip(stream: IO[bytes], name: str) -> ParsedFile:
    """Parse a CMS ``ZIP5_<MON><YYYY>.txt`` file (uncompressed).

    Args:
        stream: the file's bytes, decompressed.
        name: the file name as CMS publishes it; it carries the month the file starts.

    Raises:
        ImportFormatError: a record is not ZIP5lyout.txt's layout, or the records' quarter
            contradicts the name's.
    """
    records: list[ZipLocality] = []
    seen: dict[str, int] = {}
    for line, raw in enumerate(stream, start=1):
        rec = _record(_decode(raw, name, line), name, line)
        first = seen.setdefault(rec.zip5, line)
        if first != line:
            raise ImportFormatError(name, f"ZIP code {rec.zip5} already on line {first}", line)
        if records and rec.year_quarter != records[0].year_quarter:
            raise ImportFormatError(
                name,
                f"year/quarter {rec.year_quarter} differs from line 1's {records[0].year_quarter}",
                line,
            )
        records.append(rec)
    if not records:
        raise ImportFormatError(name, "empty file; not a CMS ZIP5 file")

    yq = records[0].year_quarter
    year, quarter = int(yq[:4]), int(yq[4])
    start = _name_month(name)
    if start is None:
        start = date(year, 3 * quarter - 2, 1)
    elif (start.year, (start.month - 1) // 3 + 1) != (year, quarter):
        raise ImportFormatError(
            name,
            f"the file name says {start:%B %Y} but the records' year/quarter is {yq} "
            f"({year} Q{quarter})",
        )
    header = FileHeader(
        system=SYSTEM,
        kind=KIND,
        version=f"{start:%Y-%m}",
        title=f"Medicare ZIP code to carrier and locality file, {start:%B %Y}",
        effective_from=start,
        effective_to=quarter_end(start),
    )
    return ParsedFile(header=header, records=records)


def sniff(name: str, head: bytes) -> bool:
    """Whether a file is a CMS ZIP5 file, from its first 64 KB (decompressed).

    There is no header, so the records decide: every complete line of the head (CRLF or LF
    stripped; the last piece may be cut off by the 64 KB limit) must be an 80-character ZIP5
    record, blank fillers and all. The blank fillers should also keep out CMS's ZIP9 file,
    which carries +4 ranges in its records (no ZIP9 file was at hand to check). The name is
    not needed.
    """
    lines = head.split(b"\n")
    if len(lines) > 1:
        lines = lines[:-1]  # the piece after the last newline is empty or cut off
    texts = [raw.removesuffix(b"\r").decode("latin-1") for raw in lines]
    return bool(texts) and all(_RECORD_RE.fullmatch(t) is not None for t in texts)
