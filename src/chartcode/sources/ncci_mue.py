"""Parser of the CMS NCCI medically unlikely edit (MUE) tables.

CMS publishes three Medicare MUE tables every quarter, each as a csv and an xlsx, named for
the setting and the first day in force::

    MCR_MUE_PractitionerServices_Eff_04-01-2026.csv
    MCR_MUE_OutpatientHospitalServices_Eff_04-01-2026.csv
    MCR_MUE_DMESupplierServices_Eff_04-01-2026.csv

Layout (both variants): a copyright preamble (the AMA CPT notice: in the csv one quoted cell
over several lines, padded with empty cells), then the header, then one code per row::

    HCPCS/CPT Code | <Setting> Services MUE Values | MUE Adjudication Indicator | MUE Rationale

The first header cell is wrapped ("HCPCS/" line break "CPT Code") in the real files; header
cells are compared on their letters and digits only. The second header cell names the table:
"Practitioner Services MUE Values", "Outpatient Hospital Services MUE Values" or "DME Supplier
Services MUE Values", which gives ``FileHeader.kind`` ``mue_practitioner``, ``mue_outpatient``
or ``mue_dme``. A file name that names a different setting is refused.

The MUE adjudication indicator (MAI) cell holds the digit and its meaning, e.g.
"1 Line Edit", "2 Date of Service Edit: Policy", "3 Date of Service Edit: Clinical" (the
meanings CMS gives on its "Medicare NCCI Medically Unlikely Edits" page; the NCCI policy
manual, chapter I section V, describes MUEs themselves). The digit is kept as an int and the
text as printed.

Contract: ``parse_ncci_mue(stream, name)`` (csv) and ``parse_ncci_mue_xlsx(stream, name)``
return ``FileHeader(system="ncci", kind=..., version="2026Q2", ...)`` in force from the date in
the file name to the end of its quarter, and one ``MueEdit`` per data row in file order. The
date is taken from the name (``Eff_MM-DD-YYYY``) because the file prints it nowhere else; a
renamed file is refused rather than dated by guess.

The parser is strict: a code that is not five characters, an MUE value that is not a
whole number of units, or an MAI that is not 1, 2 or 3 (or whose text contradicts its digit)
is an ``ImportFormatError`` naming the file and the line (the sheet row in an xlsx). Only
wholly blank rows are passed over.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import IO, Any

from chartcode.errors import ImportFormatError
from chartcode.sources import xlsx
from chartcode.sources.delimited import basename, delimited_rows, quarter_end, squash
from chartcode.sources.ncci_ptp import Row, merge_header
from chartcode.sources.records import FileHeader, ParsedFile

SYSTEM = "ncci"

# Squashed second header cell -> FileHeader.kind.
_VALUE_COLUMN_KINDS: dict[str, str] = {
    "practitionerservicesmuevalues": "mue_practitioner",
    "outpatienthospitalservicesmuevalues": "mue_outpatient",
    "dmesupplierservicesmuevalues": "mue_dme",
}
KIND_SETTINGS: dict[str, str] = {
    "mue_practitioner": "practitioner services",
    "mue_outpatient": "outpatient hospital services",
    "mue_dme": "DME supplier services",
}
# Squashed words of a CMS file name -> the kind it names, checked against the header.
_NAME_KINDS: dict[str, str] = {
    "practitionerservices": "mue_practitioner",
    "outpatienthospitalservices": "mue_outpatient",
    "dmesupplierservices": "mue_dme",
}

_EFF_RE = re.compile(r"Eff[_\- ]?(\d{1,2})-(\d{1,2})-(\d{4})", re.IGNORECASE)
_CODE_RE = re.compile(r"[0-9A-Z]{5}")
_UNITS_RE = re.compile(r"\d+")
# The MAI cell: the digit, then its meaning. The meaning must agree with the digit (CMS's MUE
# page: 1 = line edit, 2 = date of service edit: policy, 3 = date of service edit: clinical);
# one word of it is checked, so CMS may reword the rest.
_MAI_RE = re.compile(r"([0-9]+)(?:\s*[-:.]?\s+(.*)|\s*)", re.DOTALL)
_MAI_WORDS: dict[int, str] = {1: "line", 2: "policy", 3: "clinical"}

_HEADER_SEARCH_ROWS = 100
_HEADER_FIRST = "hcpcscptcode"
_HEADER_MAI = "mueadjudicationindicator"
_HEADER_RATIONALE = "muerationale"


@dataclass(frozen=True, slots=True)
class MueEdit:
    """One MUE: the most units of ``code`` one beneficiary is expected to receive.

    ``value`` is a unit count (0 is a real value: the code is not payable in the setting).
    ``adjudication_indicator`` is how the value is applied: 1 per claim line, 2 per date of
    service and absolute (policy), 3 per date of service on clinical grounds.
    ``line`` is the physical line the csv record starts on, or the sheet row of an xlsx.
    """

    code: str
    value: int
    adjudication_indicator: int
    adjudication_text: str
    rationale: str | None
    line: int


def effective_date_of(name: str) -> date:
    """The first day in force, from CMS's ``Eff_MM-DD-YYYY`` in the file name.

    Raises:
        ImportFormatError: the name carries no such date, or an impossible one.
    """
    m = _EFF_RE.search(basename(name))
    if m is None:
        raise ImportFormatError(
            name,
            "the file name carries no 'Eff_MM-DD-YYYY' date (CMS names MUE tables like "
            "'MCR_MUE_PractitionerServices_Eff_04-01-2026.csv'); the quarter is taken from it",
        )
    try:
        return date(int(m[3]), int(m[1]), int(m[2]))
    except ValueError as exc:
        raise ImportFormatError(name, f"effective date in the name is impossible ({exc})") from exc


def _name_kind(name: str) -> str | None:
    base = squash(basename(name))
    for words, kind in _NAME_KINDS.items():
        if words in base:
            return kind
    return None


def _file_header(name: str, kind: str) -> FileHeader:
    start = effective_date_of(name)
    quarter = (start.month - 1) // 3 + 1
    starts_quarter = start.day == 1 and start.month in (1, 4, 7, 10)
    # A table in force from a quarter's first day (every regular release) is labelled by the
    # quarter, like the add-on code file's V2026Q2; an off-cycle correction by its date.
    version = f"{start.year}Q{quarter}" if starts_quarter else start.isoformat()
    title = (
        f"Medicare NCCI MUE table, {KIND_SETTINGS[kind]}, effective {start.isoformat()} "
        f"({start.year} Q{quarter})"
    )
    return FileHeader(
        system=SYSTEM,
        kind=kind,
        version=version,
        title=title,
        effective_from=start,
        effective_to=quarter_end(start),
    )


def _find_header(rows: Iterator[Row], name: str, where: xlsx.Where) -> tuple[str, bool, Row | None]:
    """Skip the preamble; check the header; return (kind, has rationale column, next row)."""
    for count, (number, cells) in enumerate(rows):
        if count >= _HEADER_SEARCH_ROWS:
            break
        if not cells or squash(xlsx.cell_text(cells[0])) != _HEADER_FIRST:
            continue
        merged, following = merge_header(rows, cells, 1)
        while merged and not merged[-1]:
            merged.pop()  # csv rows are padded with empty cells
        keys = [squash(c) for c in merged]

        def fail(message: str, number: int = number) -> ImportFormatError:
            return ImportFormatError(name, f"{where(number)}MUE header {message}", number)

        if len(keys) not in (3, 4):
            raise fail(f"has {len(keys)} columns, expected 4: {merged!r}")
        kind = _VALUE_COLUMN_KINDS.get(keys[1])
        if kind is None:
            raise fail(
                f"column 2 reads {merged[1]!r}, expected 'Practitioner Services MUE Values', "
                "'Outpatient Hospital Services MUE Values' or 'DME Supplier Services MUE Values'"
            )
        if keys[2] != _HEADER_MAI:
            raise fail(f"column 3 reads {merged[2]!r}, expected 'MUE Adjudication Indicator'")
        if len(keys) == 4 and keys[3] != _HEADER_RATIONALE:
            raise fail(f"column 4 reads {merged[3]!r}, expected 'MUE Rationale'")
        return kind, len(keys) == 4, following
    raise ImportFormatError(
        name,
        "no MUE header row ('HCPCS/CPT Code', '... MUE Values', ...) in the first "
        f"{_HEADER_SEARCH_ROWS} rows; not an NCCI MUE table",
    )


class _RowReader:
    def __init__(self, name: str, columns: int, where: xlsx.Where) -> None:
        self.name = name
        self.columns = columns
        self.where = where
        self._texts: dict[str, str] = {}

    def fail(self, number: int, message: str) -> ImportFormatError:
        return ImportFormatError(self.name, f"{self.where(number)}{message}", number)

    def shared(self, text: str) -> str:
        return self._texts.setdefault(text, text)

    def row(self, number: int, cells: Sequence[Any]) -> MueEdit:
        cells = list(cells)
        extra = [xlsx.cell_text(c) for c in cells[self.columns :]]
        if any(extra):
            raise self.fail(
                number, f"{len(cells)} cells where the header has {self.columns}: {extra!r}"
            )
        if len(cells) < 3:
            raise self.fail(
                number, f"{len(cells)} cells, expected code, MUE value, MAI and rationale"
            )
        cells.extend([None] * (self.columns - len(cells)))
        code = xlsx.cell_code(cells[0])
        if not _CODE_RE.fullmatch(code):
            raise self.fail(number, f"HCPCS/CPT code {code!r} is not a five-character code")
        units = xlsx.cell_text(cells[1])
        if not _UNITS_RE.fullmatch(units):
            raise self.fail(number, f"MUE value {units!r} is not a whole number of units")
        mai_raw = xlsx.cell_text(cells[2])
        m = _MAI_RE.fullmatch(mai_raw)
        mai = int(m[1]) if m else None
        if m is None or mai not in _MAI_WORDS:
            raise self.fail(
                number, f"MUE adjudication indicator {mai_raw!r} does not start with 1, 2 or 3"
            )
        meaning = (m[2] or "").strip()
        if meaning and _MAI_WORDS[mai] not in meaning.lower():
            raise self.fail(
                number,
                f"MUE adjudication indicator {mai_raw!r}: MAI {mai} is a "
                f"'{_MAI_WORDS[mai]}' edit, the text says otherwise",
            )
        rationale = xlsx.cell_text(cells[3]) if self.columns > 3 else ""
        return MueEdit(
            code=code,
            value=int(units),
            adjudication_indicator=mai,
            adjudication_text=self.shared(mai_raw),
            rationale=self.shared(rationale) if rationale else None,
            line=number,
        )


def _parse_table(rows: Iterator[Row], name: str, where: xlsx.Where) -> tuple[str, list[MueEdit]]:
    kind, has_rationale, following = _find_header(rows, name, where)
    named = _name_kind(name)
    if named is not None and named != kind:
        raise ImportFormatError(
            name,
            f"the file name names the {KIND_SETTINGS[named]} table but the header is the "
            f"{KIND_SETTINGS[kind]} table's",
        )
    reader = _RowReader(name, 4 if has_rationale else 3, where)
    edits: list[MueEdit] = []
    if following is not None and not xlsx.is_blank_row(following[1]):
        edits.append(reader.row(*following))
    for number, cells in rows:
        if not xlsx.is_blank_row(cells):
            edits.append(reader.row(number, cells))
    return kind, edits


def parse_ncci_mue(stream: IO[bytes], name: str) -> ParsedFile:
    """Parse a CMS MUE table in its csv form.

    Args:
        stream: the file's bytes.
        name: the file name as CMS publishes it; it carries the effective date.

    Raises:
        ImportFormatError: the name, the header or any data row is not CMS's layout.
    """
    effective_date_of(name)  # refuse an undated file before reading it
    kind, records = _parse_table(delimited_rows(stream, name, ","), name, xlsx.text_where)
    if not records:
        raise ImportFormatError(name, "MUE header but no rows")
    return ParsedFile(header=_file_header(name, kind), records=records)


def parse_ncci_mue_xlsx(stream: IO[bytes], name: str) -> ParsedFile:
    """Parse a CMS MUE table in its xlsx form (the table on its first non-empty sheet).

    Raises:
        ImportFormatError: the name, the workbook, the header or a data row is not CMS's
            layout, or a second sheet holds anything (it would otherwise go unread).
    """
    effective_date_of(name)
    wb = xlsx.open_workbook(stream, name)
    found: tuple[str, list[MueEdit]] | None = None
    try:
        for ws in wb.worksheets:
            title = ws.title
            rows = xlsx.from_first_filled(xlsx.sheet_rows(ws))
            if rows is None:
                continue  # an empty sheet holds nothing to lose
            if found is not None:
                raise ImportFormatError(
                    name, f"sheet {title!r} holds data besides the MUE table's sheet"
                )
            found = _parse_table(rows, name, xlsx.sheet_where(title))
    finally:
        wb.close()
    if found is None or not found[1]:
        raise ImportFormatError(name, "workbook holds no MUE rows")
    kind, records = found
    return ParsedFile(header=_file_header(name, kind), records=records)


def sniff(name: str, head: bytes) -> bool:
    """Whether a file is a CMS MUE table, from its name and first 64 KB.

    Csv: the header's three fixed cells, compared on letters and digits so the wrapped
    "HCPCS/ CPT Code" cell matches. Xlsx: the zip signature of an Office Open XML package
    plus an MUE file name with its effective date, since sheet content is compressed.
    """
    base = basename(name)
    if head.startswith(xlsx.XLSX_MAGIC):
        return (
            xlsx.is_xlsx(name, head) and "mue" in base.lower() and _EFF_RE.search(base) is not None
        )
    text = squash(head.decode("latin-1"))
    return _HEADER_FIRST in text and "servicesmuevalues" in text and _HEADER_MAI in text
