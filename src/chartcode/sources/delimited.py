"""Reading the CMS delimited text files (csv and tab-delimited) shared by their parsers.

CMS exports these files from Excel: Windows text (cp1252, sometimes re-saved as UTF-8 with a
byte-order mark), CRLF or LF, a cell with a comma or a line break quoted. The helpers here
read such a file into rows numbered by the physical line each starts on, and hold the small
cell and date rules several parsers apply in the same way:

- ``decoded_lines``, ``delimited_rows``, ``csv_rows``: the rows, with their lines; a quoting
  error is an ``ImportFormatError`` at the record's first line.
- ``squash``, ``basename``: header cells and file names compared the same way everywhere.
- ``is_blank``, ``is_text_line``, ``split_marks``, ``footnote_of``, ``find_titled_header``,
  ``attach_footnotes``: the title, separator and asterisk-footnote conventions of the PFS
  locality files (GPCI, LOCCO, ANES).
- ``decimal_cell``, ``year_bounds``, ``annual_header``, ``quarter_end``: values and the
  periods files are in force for.
"""

from __future__ import annotations

import csv
import dataclasses
import re
from collections.abc import Callable, Iterator, Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import IO, Any, Protocol, TypeVar

from chartcode.errors import ImportFormatError
from chartcode.sources.records import FileHeader

Row = tuple[int, list[str]]  # (physical line the record starts on, cells)

_DECIMAL_RE = re.compile(r"\d+(?:\.\d*)?|\.\d+")
_MARKS_RE = re.compile(r"^(.*?)\s*(\*+)$", re.DOTALL)
_FOOTNOTE_MARK_RE = re.compile(r"^(\*+)\s*(\S.*)$", re.DOTALL)


def squash(text: str) -> str:
    """Letters and digits only, lower case.

    Header cells are compared this way so CMS's trailing spaces, wrapping and punctuation do
    not matter.
    """
    return re.sub(r"[^0-9a-z]", "", text.lower())


def basename(name: str) -> str:
    """The last component of a display name (``"rvu.zip!GPCI2026.csv"`` -> ``"GPCI2026.csv"``).

    Display names join a zip and its member with ``!``; the file's own name is what carries
    CMS's year, quarter or setting.
    """
    return re.split(r"[!/\\]", name)[-1]


def decoded_lines(stream: IO[bytes]) -> Iterator[str]:
    """The stream's physical lines as text, line endings kept (for ``csv``).

    CMS text files are cp1252 (a CPT(R) mark in a notice is a raw 0xAE byte); the data is
    ASCII. Each line is tried as UTF-8 first (a re-saved file, with or without BOM), then
    cp1252, then latin-1, which decodes any byte, so no line is lost to its encoding.
    """
    first = True
    for raw in stream:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            try:
                text = raw.decode("cp1252")
            except UnicodeDecodeError:
                text = raw.decode("latin-1")
        if first:
            text = text.removeprefix("\ufeff")
            first = False
        yield text


def delimited_rows(
    stream: IO[bytes], name: str, delimiter: str, what: str = "delimited text"
) -> Iterator[Row]:
    """Records of a delimited text file with the physical line each one starts on.

    ``csv`` with Excel's quoting, because CMS exports these files from Excel: a cell with a
    line break (the AMA notice, a wrapped header cell) comes quoted over several lines.

    Args:
        stream: the file's bytes.
        name: the file name, for messages.
        delimiter: a comma, or a tab for the tab-delimited files.
        what: how a quoting error names the format (``"malformed <what> (...)"``).

    Raises:
        ImportFormatError: a quoting error, at the first line of the record it is in.
    """
    reader = csv.reader(decoded_lines(stream), delimiter=delimiter, strict=True)
    start = 1
    try:
        for cells in reader:
            yield start, cells
            start = reader.line_num + 1
    except csv.Error as exc:
        raise ImportFormatError(name, f"malformed {what} ({exc})", start) from exc


def csv_rows(stream: IO[bytes], name: str) -> Iterator[Row]:
    """Csv records with the physical line each starts on (see ``delimited_rows``)."""
    return delimited_rows(stream, name, ",", "csv")


def is_blank(cells: Sequence[str]) -> bool:
    """A separator row: no cell holds anything but spaces (25LOCCO has `` , , , , ``)."""
    return all(not c.strip() for c in cells)


def is_text_line(cells: Sequence[str]) -> bool:
    """A title or footnote row: only the first cell filled, and not with a number.

    A row starting with a digit is taken as a (possibly damaged) data row, so a truncated
    data row is reported rather than skipped as a footnote.
    """
    first = cells[0].strip() if cells else ""
    return bool(first) and not first[0].isdigit() and is_blank(cells[1:])


def split_marks(text: str) -> tuple[str, str]:
    """A name and its trailing footnote mark: ``"ALASKA*"`` -> ``("ALASKA", "*")``."""
    m = _MARKS_RE.match(text.strip())
    if m is None:
        return text.strip(), ""
    return m[1], m[2]


def footnote_of(cells: Sequence[str]) -> tuple[str, str] | None:
    """(mark, text) of a footnote row that defines a mark (``*Work GPCI reflects...``)."""
    m = _FOOTNOTE_MARK_RE.match(cells[0].strip()) if cells else None
    return (m[1], " ".join(m[2].split())) if m else None


def find_titled_header(
    rows: Iterator[Row],
    name: str,
    is_header: Callable[[Sequence[str]], bool],
    what: str,
    missing: str,
    search_rows: int = 10,
) -> tuple[int, list[str], str | None]:
    """Skip the title and blank rows above a header; return the header and the title.

    The PFS locality files open with an optional one-cell title, blank rows, then the header;
    anything else above the header means the file is not the one expected.

    Args:
        rows: the file's rows; the header and the rows above it are consumed.
        name: the file name, for messages.
        is_header: whether a row is the header.
        what: the header's name in a message (``"GPCI header"``).
        missing: the message when no header is found in the first ``search_rows`` rows.
        search_rows: how many rows the header may be down.

    Returns:
        (header line, header cells, the first title printed or None).

    Raises:
        ImportFormatError: a row that is neither title, blank nor header, or no header.
    """
    title: str | None = None
    for count, (line, cells) in enumerate(rows):
        if count >= search_rows:
            break
        if is_header(cells):
            return line, cells, title
        if is_blank(cells):
            continue
        if is_text_line(cells):
            title = title or " ".join(cells[0].split())
            continue
        raise ImportFormatError(name, f"expected the title or the {what}, found {cells!r}", line)
    raise ImportFormatError(name, missing)


class Marked(Protocol):
    """A record whose name may carry a footnote mark (see ``split_marks``)."""

    @property
    def marks(self) -> str: ...

    @property
    def line(self) -> int: ...


M = TypeVar("M", bound=Marked)


def attach_footnotes(
    records: list[M], footnotes: dict[str, str], name: str, label: Callable[[M], str]
) -> list[M]:
    """The records, each marked one with ``footnote`` set to the text its mark points to.

    The footnotes come after the data, so marks are resolved once the whole file is read.

    Args:
        records: dataclass records with ``marks``, ``line`` and a ``footnote`` field.
        footnotes: mark -> footnote text, from ``footnote_of``.
        name: the file name, for messages.
        label: how a message names the marked cell (``"locality name 'ALASKA*'"``).

    Raises:
        ImportFormatError: a mark the file has no footnote for, at the record's line.
    """
    resolved: list[M] = []
    for rec in records:
        if rec.marks:
            if rec.marks not in footnotes:
                raise ImportFormatError(
                    name,
                    f"{label(rec)} points to footnote {rec.marks!r}, which the file does not have",
                    rec.line,
                )
            record: Any = rec  # a dataclass; the protocol cannot say so to ``replace``
            rec = dataclasses.replace(record, footnote=footnotes[rec.marks])
        resolved.append(rec)
    return resolved


def decimal_cell(text: str) -> Decimal | None:
    """A non-negative decimal as printed, or None when the cell is not one."""
    text = text.strip()
    return Decimal(text) if _DECIMAL_RE.fullmatch(text) else None


def year_bounds(year: int) -> tuple[date, date]:
    """1 January and 31 December: the PFS locality files are annual (calendar year)."""
    return date(year, 1, 1), date(year, 12, 31)


def annual_header(system: str, kind: str, year: int, title: str) -> FileHeader:
    """The header of an annual file: version ``"<year>"``, in force for the calendar year.

    The GPCI, LOCCO and ANES files each carry one payment year and are replaced by the next
    year's file, so their release is the year alone.
    """
    start, end = year_bounds(year)
    return FileHeader(
        system=system,
        kind=kind,
        version=str(year),
        title=title,
        effective_from=start,
        effective_to=end,
    )


def quarter_end(start: date) -> date:
    """Last day of the calendar quarter that ``start`` falls in.

    Quarterly CMS files (NCCI edits, HCPCS updates, ZIP code files) are in force until the
    next quarter's file replaces them.

    >>> quarter_end(date(2026, 4, 1))
    datetime.date(2026, 6, 30)
    """
    first_month = 3 * ((start.month - 1) // 3) + 1
    if first_month == 10:
        return date(start.year, 12, 31)
    return date(start.year, first_month + 3, 1) - timedelta(days=1)
