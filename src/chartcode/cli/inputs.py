"""The text a command is given: a file, or ``-`` for standard input."""

from __future__ import annotations

import sys
from pathlib import Path

from chartcode.errors import InvalidInput


def read_text(file: str) -> str:
    """The whole text of ``file`` (UTF-8), or standard input for ``-``."""
    if file == "-":
        return sys.stdin.read()
    path = Path(file)
    if not path.is_file():
        raise InvalidInput(f"no such file: {file}")
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"{file} is not UTF-8 text") from exc
