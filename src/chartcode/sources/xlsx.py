"""Reading CMS xlsx workbooks shared by the NCCI and HCPCS parsers.

CMS publishes several tables as ``.xlsx`` next to their text form. The helpers here open a
workbook read-only (openpyxl, imported on first use so the text parsers do not need it),
number a sheet's rows from 1, turn cells back into the text the text files print, and spot a
workbook from a file's first bytes and name:

- ``open_workbook``: a damaged or truncated workbook is an ``ImportFormatError``.
- ``sheet_rows``, ``from_first_filled``: rows with their sheet row numbers.
- ``cell_text``, ``cell_code``, ``is_blank_row``: cells as text.
- ``Where``, ``text_where``, ``sheet_where``: how an error names a position.
- ``XLSX_MAGIC``, ``is_xlsx``: detection, since the sheets are compressed.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime
from typing import IO, Any

from chartcode.errors import ImportFormatError
from chartcode.sources.delimited import basename

SheetRow = tuple[int, Sequence[Any]]  # (sheet row, cell values)
Where = Callable[[int], str]  # how a message names a position ("" for text lines)

# The zip signature every Office Open XML package starts with.
XLSX_MAGIC = b"PK\x03\x04"


def open_workbook(stream: IO[bytes], name: str) -> Any:
    """An openpyxl workbook in read-only mode, or ImportFormatError for a damaged file.

    openpyxl needs a seekable file, so a zip member is read into memory first; a read that
    fails (a truncated member) is reported the same way as a damaged workbook.
    """
    import openpyxl  # imported on use: the text parsers do not need it
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        data: IO[bytes] = stream if stream.seekable() else io.BytesIO(stream.read())
        return openpyxl.load_workbook(data, read_only=True, data_only=True)
    except (
        zipfile.BadZipFile,
        InvalidFileException,
        KeyError,
        OSError,
        ValueError,
        EOFError,
    ) as exc:
        raise ImportFormatError(name, f"not a readable xlsx workbook ({exc})") from exc


def sheet_rows(ws: Any) -> Iterator[SheetRow]:
    """Rows of a read-only worksheet numbered from 1, blank rows included (empty).

    ``reset_dimensions`` because read-only mode otherwise trusts the sheet's stored
    dimension, which some writers get wrong, and would stop reading early.
    """
    ws.reset_dimensions()
    yield from enumerate(ws.iter_rows(values_only=True), start=1)


def cell_text(value: object) -> str:
    """A cell as text: strings stripped, whole numbers without ``.0``, dates as YYYYMMDD."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.strftime("%Y%m%d")
    return str(value).strip()


def cell_code(value: object) -> str:
    """A HCPCS/CPT code cell as text.

    An xlsx cell not formatted as text holds a numeric CPT code as a number, which loses its
    leading zeros (00100 becomes 100); CPT numeric codes are five digits, so a whole number
    below 100000 is zero-padded back. Text cells are taken as printed.
    """
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float) and float(value).is_integer() and 0 <= value < 100000:
        return f"{int(value):05d}"
    return cell_text(value)


def is_blank_row(cells: Sequence[Any]) -> bool:
    """Whether no cell holds any text (empty cells, spaces, None)."""
    return all(cell_text(c) == "" for c in cells)


def from_first_filled(rows: Iterator[SheetRow]) -> Iterator[SheetRow] | None:
    """The rows from the first one with content on, or None for an empty sheet.

    An empty sheet holds nothing to lose, so callers pass it over; any other sheet is read
    whole, so content without the expected header is reported rather than skipped.
    """
    first = next((r for r in rows if not is_blank_row(r[1])), None)
    if first is None:
        return None
    return _chain(first, rows)


def _chain(first: SheetRow, rest: Iterator[SheetRow]) -> Iterator[SheetRow]:
    yield first
    yield from rest


def text_where(number: int) -> str:
    """No prefix: in a text file the line number alone names the position."""
    return ""


def sheet_where(title: str) -> Where:
    """A message prefix naming a sheet row (``"sheet 'Sheet1' row 4: "``)."""

    def where(number: int) -> str:
        return f"sheet {title!r} row {number}: "

    return where


def is_xlsx(name: str, head: bytes) -> bool:
    """Whether a file looks like an xlsx workbook from its name and first bytes.

    The zip signature and an ``.xlsx`` name, plus an Office Open XML part name in the head;
    the sheets themselves are compressed, so the callers add a check of CMS's file name.
    """
    return (
        head.startswith(XLSX_MAGIC)
        and basename(name).lower().endswith(".xlsx")
        and (b"xl/" in head or b"[Content_Types].xml" in head)
    )
