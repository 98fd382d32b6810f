"""Reading ``redaction/data``: plain lines, TSV tables and the named word lists.

Rules are data: word lists live in ``data/`` beside the code that reads them, each file saying
where it comes from in its header, and are read once with ``importlib.resources``.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from importlib import resources


class DataFileError(ValueError):
    """A packaged data file does not have the layout its loader expects (a packaging bug)."""


def lines(filename: str) -> Iterator[str]:
    """The data lines of ``redaction/data/<filename>``: no comments, no blank lines."""
    text = resources.files("chartcode.redaction").joinpath("data", filename).read_text("utf-8")
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            yield line.rstrip(" \r\n")


def table(filename: str, header: tuple[str, ...]) -> Iterator[list[str]]:
    """The rows of a TSV data file whose first data line is ``header``."""
    it = lines(filename)
    first = next(it, "")
    if tuple(first.split("\t")) != header:
        raise DataFileError(f"{filename}: header must be {'<TAB>'.join(header)}")
    for number, line in enumerate(it, start=2):
        fields = line.split("\t")
        if len(fields) != len(header):
            raise DataFileError(f"{filename}: data line {number} needs {len(header)} fields")
        yield fields


@cache
def _word_lists() -> dict[str, frozenset[str]]:
    lists: dict[str, set[str]] = {}
    for name, words in table("word_lists.tsv", ("list", "words")):
        lists.setdefault(name, set()).update(words.split())
    return {name: frozenset(words) for name, words in lists.items()}


def word_list(name: str) -> frozenset[str]:
    """One named list of ``data/word_lists.tsv`` (lower-case words)."""
    try:
        return _word_lists()[name]
    except KeyError as exc:
        raise DataFileError(f"word_lists.tsv has no list {name!r}") from exc
