"""Helpers the parser tests share: editing a sample file, checking an error, writing xlsx.

The parser tests break one line of an official-shaped sample and check that the parser
names the file and the line; these helpers keep that pattern the same in every test module.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import openpyxl
import pytest

from chartcode.errors import ImportFormatError


def edit_line(
    path: Path, line_no: int, old: str, new: str, *, encoding: str = "ascii", eol: str = ""
) -> str:
    """The file's text with the first ``old`` on line ``line_no`` (1-based) made ``new``.

    ``old`` must be on that line, so a sample that changes under a test fails loudly rather
    than leaving the test checking an unedited file. Lines are split on ``eol``, by default
    CRLF where the file has any, else LF.
    """
    data = path.read_bytes()
    sep = eol or ("\r\n" if b"\r\n" in data else "\n")
    lines = data.decode(encoding).split(sep)
    assert old in lines[line_no - 1], lines[line_no - 1]
    lines[line_no - 1] = lines[line_no - 1].replace(old, new, 1)
    return sep.join(lines)


def assert_format_error(
    parse: Callable[[], object], name: str, line: int | None, match: str
) -> None:
    """``parse()`` raises an ImportFormatError matching ``match`` at ``name``, ``line``.

    Checks the attributes and the printed prefix (``name:line: `` or ``name: ``), since the
    message is what a user reads to find the broken row.
    """
    with pytest.raises(ImportFormatError, match=match) as info:
        parse()
    assert info.value.path == name
    assert info.value.line == line
    assert str(info.value).startswith(f"{name}:{line}: " if line else f"{name}: ")


def write_workbook(path: Path, sheets: dict[str, Sequence[Sequence[object]]]) -> Path:
    """Save an xlsx with one sheet per entry (title -> rows, in order) and return its path."""
    wb = openpyxl.Workbook()
    for i, (title, rows) in enumerate(sheets.items()):
        ws = wb.active if i == 0 else wb.create_sheet(title)
        ws.title = title
        for r in rows:
            ws.append(list(r))
    wb.save(path)
    return path


def format_error(parse: Callable[[], object], match: str) -> ImportFormatError:
    """The ImportFormatError matching ``match`` that ``parse()`` raises, for further checks."""
    with pytest.raises(ImportFormatError, match=match) as info:
        parse()
    return info.value


def replaced(data: bytes, old: bytes, new: bytes) -> bytes:
    """``data`` with its first ``old`` made ``new``; ``old`` must be there (see edit_line)."""
    assert old in data
    return data.replace(old, new, 1)
