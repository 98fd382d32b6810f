"""Parser of the CMS HCPCS Level II Alpha-Numeric file (fixed-width text, and its xlsx twin).

CMS publishes the Level II codes (A0000-V9999) and the HCPCS modifiers every year, and again
with each quarterly update, as ``HCPC2020_ANWEB_w_disclaimer.txt`` (``HCPC2026_APR_ANWEB...``
for a quarterly update) beside an Excel copy of the same records. The text file is the "HCPCS
Contractor Record" of CMS's record layout (``HCPCS2019_recordlayout.txt``): 320-character
fixed-width records, one or more per code::

    cols 1-5   code (modifiers: blank 1-3, the modifier in 4-5)
    cols 6-10  sequence number, by 100s within a code
    col  11    record id: 3 = first line of a code, 4 = its continuation lines,
                          7 = first line of a modifier, 8 = its continuation lines
    cols 12-91 a piece of the long description; 92-293 the detail fields (first lines only)

Contract: ``parse_hcpcs_alpha(stream, name)`` (text) and ``parse_hcpcs_alpha_xlsx(stream,
name)`` (workbook) return ``FileHeader(system="hcpcs", kind="alpha", ...)`` and, in document
order, one ``HcpcsCode`` per procedure code and one ``HcpcsModifier`` per modifier, each with
its continuation lines folded into ``long_description`` and ``line`` pointing at its first
record. The release is dated from the file name (see ``release_of``), since the records carry
no release date of their own.

The text parser skips the disclaimer CMS prints above the records (everything before the first
line that looks like a record); after that, every non-blank line must be a record. It is
strict: an unknown record id, a code that is not a Level II code or modifier, a non-numeric
sequence or base-unit field, a date that is not a real ``YYYYMMDD`` day, a continuation line
without its first line, a repeated code, detail data on a continuation line, a first line
shorter than the detail fields (a cut file) or a file that ends mid-record is an
``ImportFormatError`` naming the file and the line (the sheet row for the workbook).
"""

from __future__ import annotations

import calendar
import re
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from typing import IO, Any

from chartcode.errors import ImportFormatError
from chartcode.sources.delimited import basename, quarter_end, squash
from chartcode.sources.records import FileHeader, ParsedFile
from chartcode.sources.xlsx import XLSX_MAGIC, cell_text, is_xlsx, open_workbook, sheet_rows

SYSTEM = "hcpcs"
KIND = "alpha"

# Field positions (1-based, inclusive) of the "HCPCS Contractor Record - 2019" in CMS's
# HCPCS2019_recordlayout.txt (2019-HCPCS-Record-Layout.zip). The positions hold unchanged for
# the 2020 to 2026 files (the 2026 record layout prints the same columns). Fields that OCCUR
# several times (pricing indicator x4, CIM x3, MCM x3, lab cert x8, cross-ref x5, TOS x5) are
# given as their whole span; ``_OCCURS_WIDTH`` says how wide one occurrence is.
HCPCS_2019_RECORD_LAYOUT: tuple[tuple[str, int, int], ...] = (
    ("code", 1, 5),  # 1. HCPCS code; 4. modifier code in 4-5 (1-3 filler)
    ("sequence", 6, 10),  # 5. sequence number, NUM
    ("record_id", 11, 11),  # 6. record identification code: 3, 4, 7 or 8
    ("long_description", 12, 91),  # 7. long description, continued on 4/8 records
    ("short_description", 92, 119),  # 8. short description (28)
    ("pricing_indicators", 120, 127),  # 9. pricing indicator, 2 chars, OCCURS 1-4
    ("multiple_pricing", 128, 128),  # 10. multiple pricing indicator
    ("cim_refs", 129, 146),  # 11. coverage issues manual section, 6 chars, OCCURS 0-3
    ("mcm_refs", 147, 170),  # 12. carriers manual section, 8 chars, OCCURS 0-3
    ("statute", 171, 180),  # 13. statute number
    ("lab_cert", 181, 204),  # 14. lab certification code, 3 chars, OCCURS 0-8
    ("cross_ref", 205, 229),  # 15. cross reference code, 5 chars, OCCURS 0-5
    ("coverage", 230, 230),  # 16. coverage code: C, D, I, M, S
    ("asc_group", 231, 232),  # 17. ASC payment group ("YY" = approved for ASC)
    ("asc_effective", 233, 240),  # 18. ASC payment group effective date, NUM
    ("opps_group", 241, 243),  # 19. MOG (OPPS) payment group
    ("opps_pi", 244, 244),  # 20. MOG payment policy indicator
    ("opps_effective", 245, 252),  # 21. MOG effective date, NUM
    ("processing_note", 253, 256),  # 22. processing note number
    ("betos", 257, 259),  # 23. Berenson-Eggers type of service; 24. filler at 260
    ("type_of_service", 261, 265),  # 25. type of service, 1 char, OCCURS 1-5
    ("anesthesia_base_units", 266, 268),  # 26. anesthesia base units, NUM
    ("add_date", 269, 276),  # 27. code added date, NUM
    ("action_effective_date", 277, 284),  # 28. action effective date, NUM
    ("termination_date", 285, 292),  # 29. termination date, NUM
    ("action_code", 293, 293),  # 30. action code; 31. filler 294-320
)
RECORD_LENGTH = 320

_OCCURS_WIDTH: dict[str, int] = {
    "pricing_indicators": 2,
    "cim_refs": 6,
    "mcm_refs": 8,
    "lab_cert": 3,
    "cross_ref": 5,
    "type_of_service": 1,
}
_DATE_FIELDS = (
    "asc_effective",
    "opps_effective",
    "add_date",
    "action_effective_date",
    "termination_date",
)
_SLICES: dict[str, slice] = {f: slice(a - 1, b) for f, a, b in HCPCS_2019_RECORD_LAYOUT}
_DESC = _SLICES["long_description"]
_DESC_WIDTH = _DESC.stop - _DESC.start
_DETAIL_START = _SLICES["short_description"].start  # col 92: continuation lines stop before
_DETAIL_END = _SLICES["action_code"].stop  # col 293: a first line must reach it

FIRST_CODE, MORE_CODE, FIRST_MODIFIER, MORE_MODIFIER = "3", "4", "7", "8"
_RECORD_IDS = frozenset({FIRST_CODE, MORE_CODE, FIRST_MODIFIER, MORE_MODIFIER})
_CONTINUES = {MORE_CODE: FIRST_CODE, MORE_MODIFIER: FIRST_MODIFIER}

# What columns 1-5 hold on a record: five code characters, or 3 blanks + a modifier.
_CODE_FIELD_RE = re.compile(r"[0-9A-Z]{5}| {3}[0-9A-Z]{2}")
_LEVEL2_RE = re.compile(r"[A-Z]\d{4}")  # Level II codes: a letter and four digits
_MODIFIER_RE = re.compile(r"[0-9A-Z]{2}")
_DIGITS_RE = re.compile(r"\d+")
_YMD_RE = re.compile(r"(\d{4})(\d{2})(\d{2})")

_MONTH_NAMES = tuple(calendar.month_name)[1:]  # English: Python never sets LC_TIME itself
# A month token of a file name ("APR", "April") -> month number.
_MONTH_TOKENS: dict[str, int] = {
    t: i for i, m in enumerate(_MONTH_NAMES, start=1) for t in (m.lower(), m[:3].lower())
}
_PREAMBLE_YEAR_RE = re.compile(r"(?<!\d)((?:19|20)\d{2}) HCPCS")
_HEADER_SEARCH_ROWS = 50

Detail = dict[str, Any]  # field -> stripped text, or tuple of texts for OCCURS fields


@dataclass(frozen=True, slots=True)
class HcpcsCode:
    """One Level II procedure code with its Medicare administrative data.

    Text fields are stripped; a blank field is None, a blank OCCURS field the empty tuple.
    Indicator values are kept as CMS prints them (e.g. pricing ``"13"``, coverage ``"C"``),
    because their meanings are CMS tables that change over time. ``line`` is the line (sheet
    row) of the code's first record.
    """

    code: str
    long_description: str
    short_description: str | None
    pricing_indicators: tuple[str, ...]
    multiple_pricing: str | None
    cim_refs: tuple[str, ...]
    mcm_refs: tuple[str, ...]
    statute: str | None
    lab_cert: tuple[str, ...]
    cross_ref: tuple[str, ...]
    coverage: str | None
    asc_group: str | None
    asc_effective: date | None
    opps_group: str | None
    opps_pi: str | None
    opps_effective: date | None
    processing_note: str | None
    betos: str | None
    type_of_service: tuple[str, ...]
    anesthesia_base_units: int | None
    add_date: date | None
    action_effective_date: date | None
    termination_date: date | None
    action_code: str | None
    line: int

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: dates as ISO strings, tuples as lists."""
        return _jsonable(self)


@dataclass(frozen=True, slots=True)
class HcpcsModifier:
    """One HCPCS modifier (record ids 7/8); its code is columns 4-5 of the record.

    ``coverage`` is kept too: CMS fills the coverage code on modifier records (``C`` mostly).
    """

    code: str
    long_description: str
    short_description: str | None
    add_date: date | None
    action_effective_date: date | None
    termination_date: date | None
    action_code: str | None
    line: int
    coverage: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: dates as ISO strings."""
        return _jsonable(self)


def _jsonable(record: HcpcsCode | HcpcsModifier) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in record.__slots__:
        value = getattr(record, name)
        if isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, tuple):
            value = list(value)
        out[name] = value
    return out


# --- release naming -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Release:
    """The release a file name states: a year, and the month of a quarterly update."""

    year: int
    month: int | None


def _name_tokens(text: str) -> list[str]:
    return re.findall(r"[A-Za-z]+|\d+", text)


def release_of(name: str, fallback_year: int | None = None) -> Release:
    """The year (and update month) a file name carries, e.g. ``HCPC2026_APR_ANWEB.txt``.

    The member's own name is read first, then the whole name (a zip's name, before ``!``),
    so ``april-2026-alpha-numeric-hcpcs-file.zip!HCPC2026_ANWEB.txt`` is April 2026 too.
    A month is a token of its own (``APR``, ``April``), never part of a word.

    Raises:
        ImportFormatError: no four-digit year in the name and no ``fallback_year``.
    """
    year: int | None = None
    month: int | None = None
    for text in (basename(name), name):
        for token in _name_tokens(text):
            low = token.lower()
            if year is None and len(token) == 4 and token.isdigit() and 1980 <= int(token) <= 2099:
                year = int(token)
            elif month is None and low in _MONTH_TOKENS:
                month = _MONTH_TOKENS[low]
    if year is None:
        year = fallback_year
    if year is None:
        raise ImportFormatError(
            name,
            "no year in the file name (expected e.g. 'HCPC2020_ANWEB_w_disclaimer.txt' or "
            "'HCPC2026_APR_ANWEB.txt'); the release is dated from the name",
        )
    return Release(year, month)


def file_header(name: str, fallback_year: int | None = None) -> FileHeader:
    """The header a file name implies.

    An annual file (``HCPC2020_ANWEB...``: no month in the name) is in force from January 1 of
    its year with an open end (``effective_to`` None): CMS says the annual file is replaced
    only by the next release, and temporary codes change during the year without a new file.
    A quarterly update (``HCPC2026_APR...``) is in force from the first day of its month to the
    end of that calendar quarter, since the next quarterly update replaces it; ``JAN`` files
    are quarterly updates too (January to March).
    """
    rel = release_of(name, fallback_year)
    if rel.month is None:
        return FileHeader(
            system=SYSTEM,
            kind=KIND,
            version=str(rel.year),
            title=f"HCPCS Level II Alpha-Numeric file {rel.year}",
            effective_from=date(rel.year, 1, 1),
            effective_to=None,
        )
    start = date(rel.year, rel.month, 1)
    return FileHeader(
        system=SYSTEM,
        kind=KIND,
        version=f"{rel.year}-{rel.month:02d}",
        title=f"HCPCS Level II Alpha-Numeric file, {_MONTH_NAMES[rel.month - 1]} {rel.year} update",
        effective_from=start,
        effective_to=quarter_end(start),
    )


# --- shared record assembly ----------------------------------------------------------------


@dataclass(slots=True)
class _Open:
    """A code or modifier whose continuation lines may still follow."""

    record_id: str
    code: str
    line: int
    sequence: int
    parts: list[str]
    detail: Detail = field(default_factory=dict)


def _join_description(parts: Sequence[str]) -> str:
    """Fold the 80-column pieces of a long description into one text.

    CMS wraps descriptions at a word boundary and pads each piece with blanks (2020: no piece
    fills all 80 columns), so pieces are joined with one space. A piece that does fill all 80
    columns with no trailing blank was cut mid-word, and the next piece is glued on directly.
    """
    text = ""
    glue = False
    for raw in parts:
        piece = raw.strip()
        if not piece:
            glue = False
            continue
        if not text:
            text = piece
        elif glue and not raw[:1].isspace():
            text += piece
        else:
            text += " " + piece
        glue = len(raw) >= _DESC_WIDTH and not raw[-1:].isspace()
    return text


class _Assembler:
    """Turns records (text lines or sheet rows) into codes and modifiers, strictly."""

    def __init__(self, name: str, where: Callable[[int], str]) -> None:
        self.name = name
        self.where = where  # "sheet 'x' row 12" for a workbook; "" for text (name:line)
        self.records: list[HcpcsCode | HcpcsModifier] = []
        self.open: _Open | None = None
        self.first_line: dict[tuple[str, str], int] = {}  # (record id, code) -> line
        self._dates: dict[str, date] = {}

    def fail(self, line: int, message: str) -> ImportFormatError:
        where = self.where(line)
        return ImportFormatError(self.name, f"{where}: {message}" if where else message, line)

    def add(
        self,
        line: int,
        code_field: str,
        sequence: str,
        record_id: str,
        piece: str,
        detail: Callable[[], Detail],
    ) -> None:
        """One record. ``detail`` is read only for first lines (3/7), where the layout has it."""
        if record_id not in _RECORD_IDS:
            raise self.fail(line, f"record id {record_id!r} in column 11 is not 3, 4, 7 or 8")
        if not _DIGITS_RE.fullmatch(sequence):
            raise self.fail(line, f"sequence number {sequence!r} (columns 6-10) is not numeric")
        seq = int(sequence)
        is_modifier = record_id in (FIRST_MODIFIER, MORE_MODIFIER)
        code = self._code(line, code_field, record_id, is_modifier)
        if record_id in _CONTINUES:
            cur = self.open
            if cur is None or cur.record_id != _CONTINUES[record_id] or cur.code != code:
                what = "modifier" if is_modifier else "code"
                raise self.fail(
                    line,
                    f"continuation record (id {record_id}) of {what} {code!r} without its "
                    f"first line (id {_CONTINUES[record_id]}) just above",
                )
            if seq <= cur.sequence:
                raise self.fail(
                    line, f"sequence number {seq} does not follow {cur.sequence} of {code}"
                )
            cur.parts.append(piece)
            cur.sequence = seq
            return
        self.close()
        key = (record_id, code)
        if key in self.first_line:
            what = "modifier" if is_modifier else "code"
            raise self.fail(
                line, f"duplicate {what} {code} (first seen on line {self.first_line[key]})"
            )
        self.first_line[key] = line
        self.open = _Open(record_id, code, line, seq, [piece], detail())

    def _code(self, line: int, code_field: str, record_id: str, is_modifier: bool) -> str:
        if is_modifier:
            # Layout item 4: the modifier is in columns 4-5, columns 1-3 are filler.
            code = code_field.strip()
            if code_field[:3].strip() or not _MODIFIER_RE.fullmatch(code):
                raise self.fail(
                    line,
                    f"modifier record (id {record_id}) with code field {code_field!r}; "
                    "a modifier is two characters in columns 4-5",
                )
            return code
        if not _LEVEL2_RE.fullmatch(code_field):
            raise self.fail(
                line, f"code {code_field!r} is not a Level II HCPCS code (a letter, 4 digits)"
            )
        return code_field

    def day(self, line: int, column: str, text: str) -> date | None:
        if not text:
            return None
        found = self._dates.get(text)
        if found is None:
            m = _YMD_RE.fullmatch(text)
            try:
                if m is None:
                    raise ValueError("not YYYYMMDD")
                found = date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError as exc:
                raise self.fail(line, f"{column} {text!r} is not a YYYYMMDD date ({exc})") from exc
            self._dates[text] = found
        return found

    def close(self) -> None:
        cur = self.open
        if cur is None:
            return
        self.open = None
        d = cur.detail
        description = _join_description(cur.parts)
        if not description:
            raise self.fail(cur.line, f"{cur.code} has an empty long description")
        dates = {f: self.day(cur.line, f, d.get(f) or "") for f in _DATE_FIELDS}
        short = d.get("short_description") or None
        if cur.record_id == FIRST_MODIFIER:
            self.records.append(
                HcpcsModifier(
                    code=cur.code,
                    long_description=description,
                    short_description=short,
                    add_date=dates["add_date"],
                    action_effective_date=dates["action_effective_date"],
                    termination_date=dates["termination_date"],
                    action_code=d.get("action_code") or None,
                    line=cur.line,
                    coverage=d.get("coverage") or None,
                )
            )
            return
        units_text = d.get("anesthesia_base_units") or ""
        if units_text and not _DIGITS_RE.fullmatch(units_text):
            raise self.fail(
                cur.line, f"anesthesia base units {units_text!r} (columns 266-268) not numeric"
            )
        self.records.append(
            HcpcsCode(
                code=cur.code,
                long_description=description,
                short_description=short,
                pricing_indicators=d.get("pricing_indicators", ()),
                multiple_pricing=d.get("multiple_pricing") or None,
                cim_refs=d.get("cim_refs", ()),
                mcm_refs=d.get("mcm_refs", ()),
                statute=d.get("statute") or None,
                lab_cert=d.get("lab_cert", ()),
                cross_ref=d.get("cross_ref", ()),
                coverage=d.get("coverage") or None,
                asc_group=d.get("asc_group") or None,
                asc_effective=dates["asc_effective"],
                opps_group=d.get("opps_group") or None,
                opps_pi=d.get("opps_pi") or None,
                opps_effective=dates["opps_effective"],
                processing_note=d.get("processing_note") or None,
                betos=d.get("betos") or None,
                type_of_service=d.get("type_of_service", ()),
                anesthesia_base_units=int(units_text) if units_text else None,
                add_date=dates["add_date"],
                action_effective_date=dates["action_effective_date"],
                termination_date=dates["termination_date"],
                action_code=d.get("action_code") or None,
                line=cur.line,
            )
        )

    def finish(self) -> list[HcpcsCode | HcpcsModifier]:
        self.close()
        if not self.records:
            raise ImportFormatError(self.name, "no HCPCS code or modifier records")
        return self.records


# --- fixed-width text ------------------------------------------------------------------------


def _decode(data: bytes) -> str:
    # CMS writes the file in Windows-1252 (the disclaimer's "CMS’" is byte 0x92); latin-1 is
    # the fallback for the five bytes cp1252 leaves undefined.
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _read_all(stream: IO[bytes], name: str) -> bytes:
    try:
        return stream.read()
    except (EOFError, zipfile.BadZipFile, OSError) as exc:
        raise ImportFormatError(name, f"truncated or corrupt ({exc})") from exc


def _is_record(line: str) -> bool:
    """Whether a line is a record: a record id in column 11 and a code field in 1-5."""
    return (
        len(line) >= 11
        and line[10] in _RECORD_IDS
        and _CODE_FIELD_RE.fullmatch(line[:5]) is not None
    )


def _occurs(text: str, width: int) -> tuple[str, ...]:
    return tuple(v for v in (text[i : i + width].strip() for i in range(0, len(text), width)) if v)


def _text_detail(line: str) -> Detail:
    padded = line.ljust(RECORD_LENGTH)
    out: Detail = {}
    for f, s in _SLICES.items():
        width = _OCCURS_WIDTH.get(f)
        out[f] = _occurs(padded[s], width) if width else padded[s].strip()
    return out


def _text_where(line: int) -> str:
    return ""  # ImportFormatError already prints "name:line"


def _text_lines(text: str) -> Iterator[tuple[int, str]]:
    for number, raw in enumerate(text.split("\n"), start=1):
        yield number, raw[:-1] if raw.endswith("\r") else raw


def parse_hcpcs_alpha(stream: IO[bytes], name: str) -> ParsedFile:
    """Parse the fixed-width Alpha-Numeric HCPCS file (``HCPC2020_ANWEB_w_disclaimer.txt``).

    Args:
        stream: the file's bytes.
        name: the file name as CMS publishes it (a zip member may be ``zip!member``); it
            carries the release year and, for a quarterly update, the month.

    Raises:
        ImportFormatError: the file is empty or damaged, or a record breaks the layout.
    """
    data = _read_all(stream, name)
    if not data.strip():
        raise ImportFormatError(name, "empty file")
    text = _decode(data)
    asm = _Assembler(name, _text_where)
    preamble: list[str] = []
    started = False
    last: tuple[int, str] | None = None
    final = 0
    for number, line in _text_lines(text):
        final = number
        if not started:
            if not _is_record(line):
                if len(line) >= _DETAIL_END:
                    # The disclaimer is prose; a record-sized line is a damaged first record.
                    raise asm.fail(
                        number,
                        f"a {len(line)}-character line above the first record that "
                        f"is not a record (columns 1-11: {line[:11]!r})",
                    )
                preamble.append(line)  # CMS's coverage/payment disclaimer above the records
                continue
            started = True
        if not line.strip():
            continue
        if not _is_record(line):
            raise asm.fail(
                number,
                f"not a HCPCS record (column 11 holds {line[10:11]!r}, columns 1-5 "
                f"{line[:5]!r}): expected record id 3, 4, 7 or 8 after a code",
            )
        if len(line) > RECORD_LENGTH:
            raise asm.fail(number, f"record is {len(line)} characters, longer than 320")
        record_id = line[10]
        if record_id in (FIRST_CODE, FIRST_MODIFIER):
            if len(line) < _DETAIL_END:
                # A first line holds the detail fields through the action code (col 293).
                raise asm.fail(
                    number,
                    f"first record of {line[:5].strip()} is {len(line)} characters; it must "
                    f"reach column {_DETAIL_END} (action code): truncated?",
                )
        elif line[_DETAIL_START:].strip():
            # Layout item 6: 4/8 records have "no detail information in positions 92-275".
            raise asm.fail(number, "continuation record with data past column 91")
        # Continuation records are cut after column 91; pad so a short piece reads as padded.
        piece = line[_DESC].ljust(_DESC_WIDTH)
        asm.add(number, line[:5], line[5:10], record_id, piece, partial(_text_detail, line))
        last = (number, line)
    if last is not None and last[0] == final and not data.endswith(b"\n"):
        number, line = last
        # A first line is whole once it reaches the action code (col 293; the filler after it
        # may be trimmed), and CMS cuts continuation records after column 91: anything shorter
        # with no line break after it is where the file was cut.
        full = _DETAIL_END if line[10] in (FIRST_CODE, FIRST_MODIFIER) else _DESC.stop
        if len(line) < full:
            raise asm.fail(number, "the file ends inside this record (no line break): truncated")
    records = asm.finish()
    m = _PREAMBLE_YEAR_RE.search("\n".join(preamble))
    header = file_header(name, int(m[1]) if m else None)
    return ParsedFile(header=header, records=records)


def sniff(name: str, head: bytes) -> bool:
    """Whether a file is the fixed-width Alpha-Numeric HCPCS file.

    Decided on content, not name (CMS renames the file between years): some complete line of
    ``head`` must be a first record (id 3 or 7) reaching column 293 with a numeric sequence
    and an ``YYYYMMDD`` add date. Workbooks and zips are left to their own sniffers.
    """
    if head.startswith(XLSX_MAGIC) or head.startswith(b"\xd0\xcf\x11\xe0"):
        return False
    text = _decode(head)
    lines = text.split("\n")[:-1]  # the last piece may be cut by the 64 KB limit
    for raw in lines[:200]:
        line = raw.rstrip("\r")
        if (
            _DETAIL_END <= len(line) <= RECORD_LENGTH
            and _is_record(line)
            and line[10] in (FIRST_CODE, FIRST_MODIFIER)
            and _DIGITS_RE.fullmatch(line[5:10])
            and _YMD_RE.fullmatch(line[_SLICES["add_date"]])
        ):
            return True
    return False


# --- xlsx ------------------------------------------------------------------------------------


# Column names of CMS's workbook (HCPC, SEQNUM, RECID, LONG DESCRIPTION, ..., ADD DT,
# ACT EFF DT, TERM DT, ACTION CD), squashed to lower-case letters and digits so that
# "ADD DT", "ADD_DT" and "Add Dt" are one name; a few spelled-out variants are accepted.
_XLSX_COLUMNS: dict[str, str] = {}
for _field, _names in {
    "code": ("hcpc", "hcpcs", "hcpccode", "hcpcscode"),
    "sequence": ("seqnum", "seq", "seqno", "sequence", "sequencenumber"),
    "record_id": ("recid", "recordid", "rid", "recordidentificationcode"),
    "long_description": ("longdescription", "longdesc", "longdescr"),
    "short_description": ("shortdescription", "shortdesc", "shortdescr"),
    "multiple_pricing": ("multpi", "multiplepricing", "multiplepricingindicator", "multpricing"),
    "statute": ("statute", "statutenumber"),
    "coverage": ("cov", "coverage", "coveragecode"),
    "asc_group": ("ascgrp", "ascgroup"),
    "asc_effective": ("ascdt", "asceffdt", "asceffectivedate", "ascgrpdt"),
    "opps_group": ("opps", "oppsgrp", "oppsgroup", "mog"),
    "opps_pi": ("oppspi", "mogpi"),
    "opps_effective": ("oppsdt", "oppseffdt", "oppseffectivedate", "mogdt"),
    "processing_note": ("procnote", "processingnote", "processingnotenumber"),
    "betos": ("betos",),
    "anesthesia_base_units": ("anestbu", "anesthesiabaseunits", "anestbaseunits", "anesbu"),
    "add_date": ("adddt", "adddate", "codeaddeddate"),
    "action_effective_date": ("acteffdt", "actioneffdt", "actioneffectivedate", "acteffdate"),
    "termination_date": ("termdt", "termdate", "terminationdate"),
    "action_code": ("actioncd", "actcd", "actioncode"),
}.items():
    for _n in _names:
        _XLSX_COLUMNS[_n] = _field
_XLSX_OCCURS_RE = re.compile(
    r"(price|pricing|pricingindicator|cim|mcm|labcert|xref|crossref|tos)"
    r"(\d)"
)
_XLSX_OCCURS: dict[str, tuple[str, int]] = {  # prefix -> field, max occurrences
    "price": ("pricing_indicators", 4),
    "pricing": ("pricing_indicators", 4),
    "pricingindicator": ("pricing_indicators", 4),
    "cim": ("cim_refs", 3),
    "mcm": ("mcm_refs", 3),
    "labcert": ("lab_cert", 8),
    "xref": ("cross_ref", 5),
    "crossref": ("cross_ref", 5),
    "tos": ("type_of_service", 5),
}
_XLSX_REQUIRED = ("code", "record_id", "long_description", "short_description")
# CHAR fields a spreadsheet may have turned into numbers, and their printed width (leading
# zeros matter: pricing "00", processing note "0088").
_ZERO_PADDED = {"pricing_indicators": 2, "lab_cert": 3, "processing_note": 4}


def _cell_field(value: object, f: str) -> str:
    text = cell_text(value)
    width = _ZERO_PADDED.get(f)
    if width and text and isinstance(value, int | float):
        text = text.zfill(width)
    return text


@dataclass(frozen=True, slots=True)
class _Columns:
    single: dict[str, int]  # field -> column index
    occurs: dict[str, list[int]]  # field -> column indexes in occurrence order


def _header_columns(texts: Sequence[str]) -> _Columns | None:
    single: dict[str, int] = {}
    numbered: dict[str, dict[int, int]] = {}
    for i, text in enumerate(texts):
        key = squash(text)
        if not key:
            continue
        if key in _XLSX_COLUMNS:
            single.setdefault(_XLSX_COLUMNS[key], i)
            continue
        m = _XLSX_OCCURS_RE.fullmatch(key)
        if m:
            f, most = _XLSX_OCCURS[m[1]]
            if 1 <= int(m[2]) <= most:
                numbered.setdefault(f, {}).setdefault(int(m[2]), i)
    if not all(f in single for f in _XLSX_REQUIRED):
        return None
    return _Columns(single, {f: [cols[n] for n in sorted(cols)] for f, cols in numbered.items()})


def _row_detail(cells: Sequence[Any], cols: _Columns) -> Detail:
    def cell(i: int) -> Any:
        return cells[i] if i < len(cells) else None

    out: Detail = {f: _cell_field(cell(i), f) for f, i in cols.single.items()}
    for f, idx in cols.occurs.items():
        out[f] = tuple(v for v in (_cell_field(cell(i), f) for i in idx) if v)
    return out


def _sheet_where(title: str, row: int) -> str:
    return f"sheet {title!r} row {row}"


def _parse_sheet(cols: _Columns, rows: Iterator[tuple[int, Any]], asm: _Assembler) -> None:
    code_i = cols.single["code"]
    seq_i = cols.single.get("sequence")
    rid_i = cols.single["record_id"]
    desc_i = cols.single["long_description"]
    for number, cells in rows:
        if cells is None or all(cell_text(c) == "" for c in cells):
            continue
        cells = tuple(cells)

        def cell(i: int | None, cells: tuple[Any, ...] = cells) -> Any:
            return cells[i] if i is not None and i < len(cells) else None

        rid = cell_text(cell(rid_i))
        raw_code = cell(code_i)
        code_text = raw_code.rstrip() if isinstance(raw_code, str) else cell_text(raw_code)
        if rid in (FIRST_MODIFIER, MORE_MODIFIER) and len(code_text.strip()) == 2:
            code_text = code_text.strip().rjust(5)  # "A1" or "   A1": layout cols 4-5
        # No SEQNUM column: number the rows, which keeps pieces in sheet order.
        seq = cell_text(cell(seq_i)) if seq_i is not None else str(number)
        raw_desc = cell(desc_i)
        piece = raw_desc if isinstance(raw_desc, str) else cell_text(raw_desc)
        asm.add(number, code_text, seq, rid, piece, partial(_row_detail, cells, cols))


def parse_hcpcs_alpha_xlsx(stream: IO[bytes], name: str) -> ParsedFile:
    """Parse CMS's workbook of the Alpha-Numeric HCPCS file (``HCPC2026_APR_ANWEB.xlsx``).

    The workbook holds the records of the text file as rows (HCPC, SEQNUM, RECID, LONG
    DESCRIPTION, ...), continuation rows included. The header row is found by its cells
    (notice rows may sit above it); sheets without that header (a disclaimer sheet) are
    skipped, and a second sheet with the header is refused rather than silently merged.

    Raises:
        ImportFormatError: not a workbook, no header, or a row breaks the layout.
    """
    header = file_header(name)
    wb = open_workbook(stream, name)
    found: str | None = None
    records: list[HcpcsCode | HcpcsModifier] = []
    try:
        for ws in wb.worksheets:
            rows = sheet_rows(ws)
            cols: _Columns | None = None
            header_row = 0
            for number, cells in rows:
                if number > _HEADER_SEARCH_ROWS:
                    break
                cols = _header_columns([cell_text(c) for c in cells or ()])
                if cols is not None:
                    header_row = number
                    break
            if cols is None:
                continue
            title = ws.title
            if found is not None:
                raise ImportFormatError(
                    name,
                    f"sheet {title!r} row {header_row}: a second sheet of HCPCS records "
                    f"(the first is {found!r})",
                    header_row,
                )
            found = title
            asm = _Assembler(name, partial(_sheet_where, title))
            _parse_sheet(cols, rows, asm)
            records = asm.finish()
    except (EOFError, zipfile.BadZipFile) as exc:
        raise ImportFormatError(name, f"truncated or corrupt workbook ({exc})") from exc
    finally:
        wb.close()
    if found is None:
        raise ImportFormatError(
            name,
            "no sheet with the HCPCS header (HCPC, RECID, LONG DESCRIPTION, SHORT "
            f"DESCRIPTION) in its first {_HEADER_SEARCH_ROWS} rows",
        )
    return ParsedFile(header=header, records=records)


def sniff_xlsx(name: str, head: bytes) -> bool:
    """Whether a file is CMS's Alpha-Numeric HCPCS workbook.

    The sheet is compressed, so this relies on the zip signature of an Office Open XML package
    and CMS's name (``HCPC<year>...ANWEB...xlsx``); the transaction report
    (``HCPC2020_TRANS_ALPHA...``) is another layout and is not claimed.
    """
    base = basename(name)
    return (
        is_xlsx(name, head)
        and re.match(r"HCPC\d{4}", base, re.IGNORECASE) is not None
        and "anweb" in base.lower()
    )
