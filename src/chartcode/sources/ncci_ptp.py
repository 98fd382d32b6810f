"""Parser of the CMS NCCI procedure-to-procedure (PTP) edit files, practitioner and hospital.

CMS publishes the Medicare PTP edits every quarter as zips named like ``ccipra-v321r0-f1.zip``
(practitioner services) and ``ccioph-v321r0-f1.zip`` (outpatient hospital services). Each zip
holds the same table twice: a tab-delimited text file (``.txt``/``.TXT``) and an ``.xlsx``.
The table is cut into parts ``f1``..``f4`` by code range, each part a file of its own.

Layout (both variants): a copyright preamble (the AMA CPT notice, and in the text files a
"Column1/Column2 Edits" title line), then the column header, then one edit per row::

    Column 1 | Column 2 | *=in existence prior to 1996 | Effective Date |
    Deletion Date *=no data | Modifier 0=not allowed 1=allowed 9=not applicable |
    PTP Edit Rationale

The real files split the header cells over several physical rows ("Effective" on one row,
"Date" under it, the modifier legend one value a row: four rows in the 2026 text files as
reported by their users; no copy was at hand when this was written). The parser therefore
finds the row whose first two cells read "Column 1" and "Column 2" and merges every following
row whose first two cells are empty into it, column by column: a one-row, two-row or four-row
header gives the same merged header, which is then checked cell by cell. The text files are
Excel exports (cp1252, CRLF, rows padded with tabs, a cell with a line break quoted), so they
are read with ``csv``'s Excel quoting.

Contract: ``parse_ncci_ptp(stream, name)`` (text) and ``parse_ncci_ptp_xlsx(stream, name)``
return a ``ParsedFile`` whose header is ``FileHeader(system="ncci", kind="ptp_practitioner"
| "ptp_hospital", version="32.1r0", ...)`` with the quarter the version is in force, and whose
records are one ``PtpEdit`` per data row, in file order, deleted edits included (a pair may
appear several times with disjoint date windows; nothing is merged or dropped).

The kind, the version and so the quarter come from the file name, the only place CMS prints
them: a renamed file is refused rather than guessed at. CMS numbers PTP versions by quarter:
version ``XX.Y`` is in force in quarter ``Y + 1`` of year ``1994 + XX`` (17.0 = January 2011,
31.3 = October 2025, 32.1 = April 2026, 32.2 = July 2026); ``rN`` is a revision of the same
quarter's edits, and a revised file replaces the earlier one for that quarter.

The parser is strict: a data row whose code is not five characters, whose date is not a real
YYYYMMDD date, whose modifier indicator is not 0, 1 or 9, or whose prior-1996 mark is anything
but ``*`` or blank, is an ``ImportFormatError`` naming the file and the line (the sheet row in
an xlsx). Only wholly blank lines are passed over.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import IO, Any

from chartcode.errors import ImportFormatError
from chartcode.sources.delimited import basename, delimited_rows, quarter_end, squash
from chartcode.sources.records import FileHeader, ParsedFile
from chartcode.sources.xlsx import (
    XLSX_MAGIC,
    SheetRow,
    Where,
    cell_code,
    cell_text,
    from_first_filled,
    is_blank_row,
    is_xlsx,
    open_workbook,
    sheet_rows,
    sheet_where,
    text_where,
)

SYSTEM = "ncci"

# File-name prefix -> FileHeader.kind, and the setting named in the title.
_PREFIX_KINDS: dict[str, str] = {"pra": "ptp_practitioner", "oph": "ptp_hospital"}
KIND_SETTINGS: dict[str, str] = {
    "ptp_practitioner": "practitioner services",
    "ptp_hospital": "outpatient hospital services",
}

# CMS file names: cci + pra|oph, version digits (last digit = quarter index), revision, part.
# Searched in the last path component, so "ccipra-v321r0-f1.zip!ccipra-v321r0-f1.txt" works.
_NAME_RE = re.compile(
    r"cci(?P<prefix>pra|oph)-v(?P<major>\d{1,2})(?P<minor>\d)r(?P<rev>\d+)(?:-f(?P<part>\d+))?",
    re.IGNORECASE,
)

# One major version a year, one minor per quarter: the year is this offset plus the major
# version (checkpoints in the module docstring).
_VERSION_YEAR_OFFSET = 1994

# How far into a file the header may be: the preamble is a handful of lines; a file without
# the header in its first hundred records is not a PTP file.
_HEADER_SEARCH_ROWS = 100

_CODE_RE = re.compile(r"[0-9A-Z]{5}")
_DATE_RE = re.compile(r"\d{8}")
_MODIFIER_INDICATORS = frozenset({"0", "1", "9"})

# The merged header, squashed, column by column: (the texts it may read, the column's name).
# Whole-cell comparison, so a data row that lost its codes cannot pass for a continuation of
# the header; the deletion date and the modifier are also accepted without their legends.
# The rationale column is absent from files older than it.
_HEADER: tuple[tuple[frozenset[str], str], ...] = (
    (frozenset({"column1"}), "Column 1"),
    (frozenset({"column2"}), "Column 2"),
    (frozenset({"inexistencepriorto1996"}), "*=in existence prior to 1996"),
    (frozenset({"effectivedate"}), "Effective Date"),
    (frozenset({"deletiondatenodata", "deletiondate"}), "Deletion Date *=no data"),
    (
        frozenset({"modifier0notallowed1allowed9notapplicable", "modifier"}),
        "Modifier 0=not allowed 1=allowed 9=not applicable",
    ),
    (frozenset({"ptpeditrationale"}), "PTP Edit Rationale"),
)
_REQUIRED_COLUMNS = 6  # the rationale column is optional


@dataclass(frozen=True, slots=True)
class PtpEdit:
    """One PTP edit: column 2 is not paid with column 1 on the same date of service.

    ``deletion`` is None while the edit is active (CMS prints ``*``, "no data").
    ``modifier_indicator`` is kept as the character CMS prints: ``0`` no modifier bypasses the
    edit, ``1`` an NCCI-associated modifier may, ``9`` not applicable (the edit is deleted).
    ``line`` is the physical line of the text file, or the sheet row of an xlsx.
    """

    column1: str
    column2: str
    prior_1996: bool
    effective: date
    deletion: date | None
    modifier_indicator: str
    rationale: str | None
    line: int


@dataclass(frozen=True, slots=True)
class PtpFileName:
    """What a CMS PTP file name says: the setting, the version and the part."""

    kind: str  # ptp_practitioner | ptp_hospital
    major: int
    minor: int  # 0..3, the quarter index
    revision: int
    part: int | None

    @property
    def version(self) -> str:
        """CMS's version label, e.g. ``32.1r0``."""
        return f"{self.major}.{self.minor}r{self.revision}"

    @property
    def year(self) -> int:
        return _VERSION_YEAR_OFFSET + self.major

    @property
    def quarter(self) -> int:
        return self.minor + 1

    @property
    def effective_from(self) -> date:
        return date(self.year, 3 * self.minor + 1, 1)

    @property
    def effective_to(self) -> date:
        return quarter_end(self.effective_from)


def read_file_name(name: str) -> PtpFileName:
    """Setting, version and part from a CMS PTP file name, or ImportFormatError.

    Raises:
        ImportFormatError: the name is not a CMS PTP name; the setting and the quarter
            are printed nowhere else, so they are not guessed.
    """
    m = _NAME_RE.search(basename(name))
    if m is None:
        raise ImportFormatError(
            name,
            "not a CMS PTP file name (expected e.g. 'ccipra-v321r0-f1.txt' for practitioner "
            "or 'ccioph-v321r0-f1.txt' for outpatient hospital edits); the setting and the "
            "quarter are taken from the name",
        )
    minor = int(m["minor"])
    if minor > 3:
        raise ImportFormatError(
            name, f"version v{m['major']}{m['minor']}: the last digit is the quarter (0-3)"
        )
    return PtpFileName(
        kind=_PREFIX_KINDS[m["prefix"].lower()],
        major=int(m["major"]),
        minor=minor,
        revision=int(m["rev"]),
        part=int(m["part"]) if m["part"] else None,
    )


def _file_header(name: str) -> FileHeader:
    fn = read_file_name(name)
    part = f", part {fn.part}" if fn.part is not None else ""
    title = (
        f"Medicare NCCI PTP edits, {KIND_SETTINGS[fn.kind]}, version {fn.version}{part} "
        f"({fn.year} Q{fn.quarter})"
    )
    return FileHeader(
        system=SYSTEM,
        kind=fn.kind,
        version=fn.version,
        title=title,
        effective_from=fn.effective_from,
        effective_to=fn.effective_to,
    )


# --- the header ---------------------------------------------------------------------------

Row = SheetRow  # (line or sheet row, cells): text files give str cells, xlsx any value


def merge_header(
    rows: Iterator[Row], first: Sequence[Any], key_columns: int
) -> tuple[list[str], Row | None]:
    """Merge a header split over several rows into one text per column.

    ``first`` is the header's first row; every following row whose first ``key_columns``
    cells are empty (and that is not wholly blank) continues it. Returns the merged cells
    and the first row after the header (None at end of file), which the caller must parse.
    """
    merged = [cell_text(c) for c in first]
    for row in rows:
        _, cells = row
        if is_blank_row(cells) or any(cell_text(c) for c in cells[:key_columns]):
            return merged, row
        for i, c in enumerate(cells):
            text = cell_text(c)
            if not text:
                continue
            if i >= len(merged):
                merged.extend([""] * (i + 1 - len(merged)))
            merged[i] = f"{merged[i]} {text}".strip()
    return merged, None


# --- the PTP table --------------------------------------------------------------------------


def _find_header(rows: Iterator[Row], name: str, where: Where) -> tuple[int, Row | None]:
    """Skip the preamble, merge and check the header; return its column count and next row."""
    for count, (number, cells) in enumerate(rows):
        if count >= _HEADER_SEARCH_ROWS:
            break
        keys = [squash(cell_text(c)) for c in cells[:2]]
        if keys != ["column1", "column2"]:
            continue
        merged, following = merge_header(rows, cells, 2)
        return _check_header(merged, name, number, where), following
    raise ImportFormatError(
        name,
        "no PTP header row ('Column 1', 'Column 2', ...) in the first "
        f"{_HEADER_SEARCH_ROWS} rows; not an NCCI PTP edit file",
    )


def _check_header(merged: list[str], name: str, number: int, where: Where) -> int:
    while merged and not merged[-1]:
        merged.pop()  # Excel exports pad rows with empty cells
    if len(merged) > len(_HEADER):
        raise ImportFormatError(
            name,
            f"{where(number)}PTP header has {len(merged)} columns, expected at most "
            f"{len(_HEADER)}: {merged!r}",
            number,
        )
    if len(merged) < _REQUIRED_COLUMNS:
        raise ImportFormatError(
            name,
            f"{where(number)}PTP header has {len(merged)} columns, expected "
            f"{len(_HEADER)}: {merged!r}",
            number,
        )
    for i, (text, (accepted, label)) in enumerate(zip(merged, _HEADER, strict=False)):
        if squash(text) not in accepted:
            raise ImportFormatError(
                name,
                f"{where(number)}PTP header column {i + 1} reads {text!r}, expected {label!r}",
                number,
            )
    return len(merged)


class _RowReader:
    """Turns data rows into ``PtpEdit``s, sharing equal dates and rationales between rows.

    A practitioner part holds several hundred thousand rows that repeat a few thousand dates
    and a dozen rationale texts; sharing them keeps the record list a fraction of its size.
    """

    def __init__(self, name: str, columns: int, where: Where) -> None:
        self.name = name
        self.columns = columns
        self.where = where
        self._dates: dict[str, date] = {}
        self._texts: dict[str, str] = {}

    def fail(self, number: int, message: str) -> ImportFormatError:
        return ImportFormatError(self.name, f"{self.where(number)}{message}", number)

    def code(self, value: object, texts: list[str], i: int, number: int, column: str) -> str:
        code = texts[i] if isinstance(value, str) else cell_code(value)
        if not _CODE_RE.fullmatch(code):
            raise self.fail(number, f"{column} code {code!r} is not a five-character code")
        return code

    def day(self, text: str, number: int, column: str) -> date:
        found = self._dates.get(text)
        if found is not None:
            return found
        if not _DATE_RE.fullmatch(text):
            raise self.fail(number, f"{column} {text!r} is not a YYYYMMDD date")
        try:
            day = date(int(text[:4]), int(text[4:6]), int(text[6:]))
        except ValueError as exc:
            raise self.fail(number, f"{column} {text!r} is not a real date ({exc})") from exc
        self._dates[text] = day
        return day

    def row(self, number: int, cells: Sequence[Any]) -> PtpEdit | None:
        """The row's edit, or None for a wholly blank row."""
        # Text files give str cells; xlsx cells may be numbers or dates (see cell_text).
        texts = [c.strip() if isinstance(c, str) else cell_text(c) for c in cells]
        if not any(texts):
            return None
        if any(texts[self.columns :]):
            raise self.fail(
                number,
                f"{len(texts)} cells where the header has {self.columns}: "
                f"{texts[self.columns :]!r}",
            )
        if len(texts) < _REQUIRED_COLUMNS:
            raise self.fail(
                number,
                f"{len(texts)} cells, expected {self.columns} (column 1, column 2, prior-1996 "
                "mark, effective date, deletion date, modifier indicator, rationale)",
            )
        column1 = self.code(cells[0], texts, 0, number, "column 1")
        column2 = self.code(cells[1], texts, 1, number, "column 2")
        mark = texts[2]
        if mark not in ("", "*"):
            # CMS: "* = in existence prior to 1996"; any other mark is not in the legend.
            raise self.fail(number, f"prior-1996 mark {mark!r} is neither '*' nor blank")
        effective = self.day(texts[3], number, "effective date")
        # CMS: "Deletion Date *=no data". Blank is read the same way: reports of the real
        # 2026 files show both for active edits.
        deletion = None if texts[4] in ("", "*") else self.day(texts[4], number, "deletion date")
        modifier = texts[5]
        if modifier not in _MODIFIER_INDICATORS:
            raise self.fail(
                number, f"modifier indicator {modifier!r} is not 0, 1 or 9 (CMS legend)"
            )
        rationale: str | None = None
        if self.columns > _REQUIRED_COLUMNS and len(texts) > _REQUIRED_COLUMNS and texts[6]:
            rationale = self._texts.setdefault(texts[6], texts[6])
        return PtpEdit(
            column1=column1,
            column2=column2,
            prior_1996=mark == "*",
            effective=effective,
            deletion=deletion,
            modifier_indicator=modifier,
            rationale=rationale,
            line=number,
        )


def _parse_table(rows: Iterator[Row], name: str, where: Where) -> list[PtpEdit]:
    columns, following = _find_header(rows, name, where)
    reader = _RowReader(name, columns, where)
    edits: list[PtpEdit] = []
    pending: Iterable[Row] = (following,) if following is not None else ()
    for chunk in (pending, rows):
        for number, cells in chunk:
            edit = reader.row(number, cells)
            if edit is not None:  # wholly blank rows carry nothing
                edits.append(edit)
    return edits


def parse_ncci_ptp(stream: IO[bytes], name: str) -> ParsedFile:
    """Parse a CMS PTP edit text file (tab-delimited ``ccipra-…``/``ccioph-…`` ``.txt``).

    Args:
        stream: the file's bytes.
        name: the file name as CMS publishes it; it carries the setting and the version.

    Raises:
        ImportFormatError: the name, the header or any data row is not CMS's layout.
    """
    header = _file_header(name)
    records = _parse_table(delimited_rows(stream, name, "\t"), name, text_where)
    if not records:
        raise ImportFormatError(name, "PTP header but no edit rows")
    return ParsedFile(header=header, records=records)


def parse_ncci_ptp_xlsx(stream: IO[bytes], name: str) -> ParsedFile:
    """Parse the xlsx variant of a CMS PTP edit file.

    Every worksheet that holds the PTP header is read (CMS publishes one); a worksheet with
    content but no header is refused rather than passed over. Positions in errors are
    sheet rows.

    Raises:
        ImportFormatError: the name, the workbook, a header or a data row is not CMS's layout.
    """
    header = _file_header(name)
    wb = open_workbook(stream, name)
    records: list[PtpEdit] = []
    try:
        for ws in wb.worksheets:
            rows = from_first_filled(sheet_rows(ws))
            if rows is None:
                continue  # an empty sheet holds nothing to lose
            records.extend(_parse_table(rows, name, sheet_where(ws.title)))
    finally:
        wb.close()
    if not records:
        raise ImportFormatError(name, "workbook holds no PTP edit rows")
    return ParsedFile(header=header, records=records)


# --- detection ------------------------------------------------------------------------------

_TEXT_HEADER_RE = re.compile(rb"(?m)^\"?Column ?1\"?\tColumn ?2\t", re.IGNORECASE)


def sniff(name: str, head: bytes) -> bool:
    """Whether a file is a CMS PTP edit file, from its name and first 64 KB.

    Text: the tab-delimited "Column 1<TAB>Column 2" header row near the top. Xlsx: the zip
    signature of an Office Open XML package plus a CMS PTP file name, since a sheet's
    content is compressed and cannot be read from the head.
    """
    if head.startswith(XLSX_MAGIC):
        return is_xlsx(name, head) and _NAME_RE.search(basename(name)) is not None
    return _TEXT_HEADER_RE.search(head) is not None and b"1996" in head
