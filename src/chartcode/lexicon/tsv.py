"""Reading the packaged TSV data files: header checked, every row with its line number."""

from __future__ import annotations

from collections.abc import Iterator
from importlib import resources


class LexiconDataError(ValueError):
    """A packaged data file does not have the layout its loader expects (a packaging bug)."""


def rows(filename: str, header: tuple[str, ...]) -> Iterator[tuple[int, list[str]]]:
    """(line number, fields) for each data row of ``lexicon/data/<filename>``.

    The line number is 1-based and counts the header, so it is the line a reader opens the
    file at; explanations cite it.
    """
    text = resources.files("chartcode.lexicon").joinpath("data", filename).read_text("utf-8")
    lines = text.splitlines()
    if not lines or tuple(lines[0].split("\t")) != header:
        raise LexiconDataError(f"{filename}: header must be {'<TAB>'.join(header)}")
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        fields = line.split("\t")
        if len(fields) != len(header):
            raise LexiconDataError(f"{filename} line {number}: {len(header)} fields expected")
        yield number, [f.strip() for f in fields]


def exists(filename: str) -> bool:
    return resources.files("chartcode.lexicon").joinpath("data", filename).is_file()
