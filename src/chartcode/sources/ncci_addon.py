"""Parser of the CMS NCCI add-on code (AOC) edit file, xlsx form.

CMS publishes the Medicare add-on code edits every quarter as ``AOC_V2026Q2-MCR.xlsx`` (the
year and quarter in the name; ``MCR`` = Medicare). The workbook has one sheet: row 1 is the
AMA CPT notice (one cell), row 2 the header, then one edit per row::

    AOC_Edit_Type | Add-On_Code | AOC_DelDT | Primary_Code | Primary_Code_DelDT |
    AOC_Edit_EffDT | AOC_Edit_DelDT | Special_Instruction_Notes

An edit says that ``Add-On_Code`` is payable with ``Primary_Code``. Edit types, as CMS's
"Medicare NCCI Add-on Code Edits" page defines them: 1 = CPT/HCPCS names the eligible primary
codes; 2 = no primary codes are named, the contractor defines them (the primary code is
printed ``CCCCC``); 3 = some primary codes are named, and the contractor may allow others.
(The NCCI policy manual, chapter I section R, describes add-on codes; the 2025 Medicaid
edition calls 47544 "a Type I AOC" whose primary codes the CPT codebook defines.)
In the 2026 Q2 file every type 2 edit and 8 type 3 edits carry ``CCCCC``.

Dates are Julian ``YYYYDDD`` (``2013091`` = 2013-04-01, ``2017365`` = 2017-12-31); a blank
cell or ``*`` means none. ``AOC_DelDT`` and ``Primary_Code_DelDT`` are the deletion dates of
the codes themselves, ``AOC_Edit_EffDT``/``AOC_Edit_DelDT`` those of the edit.

Contract: ``parse_ncci_addon_xlsx(stream, name)`` returns ``FileHeader(system="ncci",
kind="aoc", version="2026Q2", ...)`` in force for the quarter in the file name, and one
``AddonEdit`` per data row in sheet order; a pair repeated with other dates is kept as
printed. The quarter comes from the name because the file prints it nowhere else; a renamed
file is refused. Medicaid's AOC files (``-MCD``) carry other edits and are refused too.

The parser is strict: an edit type other than 1, 2 or 3, a code that is not five characters,
a date that is not a real ``YYYYDDD`` day, a missing edit effective date or an unexpected
header is an ``ImportFormatError`` naming the file and the sheet row.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import IO, Any

from chartcode.errors import ImportFormatError
from chartcode.sources.delimited import basename, quarter_end, squash
from chartcode.sources.records import FileHeader, ParsedFile
from chartcode.sources.xlsx import (
    cell_code,
    cell_text,
    is_blank_row,
    is_xlsx,
    open_workbook,
    sheet_rows,
)

SYSTEM = "ncci"
KIND = "aoc"

# "Contractor-defined primary codes": the Primary_Code of every type 2 edit (CMS AOC file).
CONTRACTOR_DEFINED = "CCCCC"

HEADER: tuple[str, ...] = (
    "AOC_Edit_Type",
    "Add-On_Code",
    "AOC_DelDT",
    "Primary_Code",
    "Primary_Code_DelDT",
    "AOC_Edit_EffDT",
    "AOC_Edit_DelDT",
    "Special_Instruction_Notes",
)

_NAME_RE = re.compile(
    r"AOC_V(?P<year>\d{4})Q(?P<quarter>[1-4])(?:_(?P<rev>\d+))?(?:-(?P<program>MCR|MCD))?",
    re.IGNORECASE,
)
_CODE_RE = re.compile(r"[0-9A-Z]{5}")
_JULIAN_RE = re.compile(r"(\d{4})(\d{3})")
_EDIT_TYPES = frozenset({1, 2, 3})
_HEADER_SEARCH_ROWS = 20

_HEADER_KEYS = tuple(squash(h) for h in HEADER)


@dataclass(frozen=True, slots=True)
class AddonEdit:
    """One add-on code edit: ``addon_code`` is payable with ``primary_code``.

    ``primary_code`` is kept as printed; ``CCCCC`` (type 2 edits) is not a code but "the
    contractor defines the primary codes", flagged by ``contractor_defined``.
    ``addon_deletion``/``primary_deletion`` are the codes' own deletion dates; ``effective``
    and ``deletion`` the edit's. ``line`` is the sheet row.
    """

    edit_type: int
    addon_code: str
    addon_deletion: date | None
    primary_code: str
    contractor_defined: bool
    primary_deletion: date | None
    effective: date
    deletion: date | None
    notes: str | None
    line: int


def julian_date(text: str) -> date:
    """A Julian ``YYYYDDD`` date as a date.

    >>> julian_date("2013091"), julian_date("2017365")
    (datetime.date(2013, 4, 1), datetime.date(2017, 12, 31))

    Raises:
        ValueError: not seven digits, or day 0 or past the year's last day.
    """
    m = _JULIAN_RE.fullmatch(text)
    if m is None:
        raise ValueError(f"{text!r} is not a YYYYDDD date")
    year, day = int(m[1]), int(m[2])
    first = date(year, 1, 1)
    last = date(year, 12, 31)
    if not 1 <= day <= (last - first).days + 1:
        raise ValueError(f"{text!r}: {year} has no day {day}")
    return first + timedelta(days=day - 1)


def _file_header(name: str) -> FileHeader:
    m = _NAME_RE.search(basename(name))
    if m is None:
        raise ImportFormatError(
            name,
            "not a CMS add-on code file name (expected e.g. 'AOC_V2026Q2-MCR.xlsx'); the "
            "quarter is taken from the name",
        )
    if (m["program"] or "").upper() == "MCD":
        raise ImportFormatError(
            name, "a Medicaid (MCD) add-on code file; only Medicare's (MCR) is read"
        )
    year, quarter = int(m["year"]), int(m["quarter"])
    version = f"{year}Q{quarter}" + (f"_{m['rev']}" if m["rev"] else "")
    start = date(year, 3 * quarter - 2, 1)
    return FileHeader(
        system=SYSTEM,
        kind=KIND,
        version=version,
        title=f"Medicare NCCI add-on code edits, {year} Q{quarter}"
        + (f" (revision {m['rev']})" if m["rev"] else ""),
        effective_from=start,
        effective_to=quarter_end(start),
    )


class _RowReader:
    def __init__(self, name: str, sheet: str) -> None:
        self.name = name
        self.sheet = sheet
        self._dates: dict[str, date] = {}
        self._texts: dict[str, str] = {}

    def fail(self, number: int, message: str) -> ImportFormatError:
        return ImportFormatError(self.name, f"sheet {self.sheet!r} row {number}: {message}", number)

    def day(self, value: object, number: int, column: str) -> date | None:
        text = cell_text(value)
        if text in ("", "*"):
            return None
        found = self._dates.get(text)
        if found is None:
            try:
                found = julian_date(text)
            except ValueError as exc:
                raise self.fail(number, f"{column}: {exc}") from exc
            self._dates[text] = found
        return found

    def required_date(self, value: object, number: int, column: str) -> date:
        found = self.day(value, number, column)
        if found is None:
            raise self.fail(number, f"{column} is empty: an edit has an effective date")
        return found

    def code(self, value: object, number: int, column: str) -> str:
        code = cell_code(value)
        if not _CODE_RE.fullmatch(code):
            raise self.fail(number, f"{column} {code!r} is not a five-character code")
        return code

    def row(self, number: int, cells: Sequence[Any]) -> AddonEdit:
        cells = list(cells)
        extra = [cell_text(c) for c in cells[len(HEADER) :]]
        if any(extra):
            raise self.fail(number, f"cells beyond the header's {len(HEADER)}: {extra!r}")
        cells.extend([None] * (len(HEADER) - len(cells)))
        type_text = cell_text(cells[0])
        if type_text not in {str(t) for t in _EDIT_TYPES}:
            raise self.fail(number, f"AOC_Edit_Type {type_text!r} is not 1, 2 or 3")
        primary = self.code(cells[3], number, "Primary_Code")
        effective = self.required_date(cells[5], number, "AOC_Edit_EffDT")
        notes = cell_text(cells[7])
        return AddonEdit(
            edit_type=int(type_text),
            addon_code=self.code(cells[1], number, "Add-On_Code"),
            addon_deletion=self.day(cells[2], number, "AOC_DelDT"),
            primary_code=primary,
            contractor_defined=primary == CONTRACTOR_DEFINED,
            primary_deletion=self.day(cells[4], number, "Primary_Code_DelDT"),
            effective=effective,
            deletion=self.day(cells[6], number, "AOC_Edit_DelDT"),
            notes=self._texts.setdefault(notes, notes) if notes else None,
            line=number,
        )


def parse_ncci_addon_xlsx(stream: IO[bytes], name: str) -> ParsedFile:
    """Parse a CMS Medicare add-on code edit workbook (``AOC_V2026Q2-MCR.xlsx``).

    Args:
        stream: the workbook's bytes.
        name: the file name as CMS publishes it; it carries the quarter.

    Raises:
        ImportFormatError: the name, the workbook, the header or any data row is not CMS's
            layout, or a second sheet holds anything (it would otherwise go unread).
    """
    header = _file_header(name)
    wb = open_workbook(stream, name)
    records: list[AddonEdit] = []
    header_seen = False
    try:
        for ws in wb.worksheets:
            reader = _RowReader(name, ws.title)
            in_table = False
            preamble: tuple[int, list[str]] | None = None  # first content row above a header
            for number, cells in sheet_rows(ws):
                if is_blank_row(cells):
                    continue
                if in_table:
                    records.append(reader.row(number, cells))
                    continue
                texts = [cell_text(c) for c in cells]
                if tuple(squash(t) for t in texts[: len(HEADER)]) != _HEADER_KEYS:
                    if number > _HEADER_SEARCH_ROWS or squash(texts[0]) == _HEADER_KEYS[0]:
                        # Past the notice rows, or a header that is not CMS's 8 columns.
                        raise reader.fail(
                            number, f"expected the AOC header {', '.join(HEADER)}; found {texts!r}"
                        )
                    preamble = preamble or (number, texts)  # the AMA notice above the header
                    continue
                if header_seen:
                    raise reader.fail(number, "a second sheet with add-on code edits")
                extra = texts[len(HEADER) :]
                if any(extra):
                    raise reader.fail(number, f"unexpected header columns {extra!r}")
                header_seen = in_table = True
            if not in_table and preamble is not None:
                # A sheet with content but no header would otherwise go unread.
                raise reader.fail(preamble[0], "sheet content but no AOC header row")
    finally:
        wb.close()
    if not header_seen:
        raise ImportFormatError(name, "no add-on code edit header found in the workbook")
    if not records:
        raise ImportFormatError(name, "add-on code header but no edit rows")
    return ParsedFile(header=header, records=records)


def sniff(name: str, head: bytes) -> bool:
    """Whether a file is a CMS Medicare add-on code edit workbook.

    The zip signature of an Office Open XML package plus CMS's ``AOC_VyyyyQn`` name: the
    sheet itself is compressed and cannot be read from the first 64 KB.
    """
    return is_xlsx(name, head) and _NAME_RE.search(basename(name)) is not None
