"""Safe, fast XML reading shared by the CDC/CMS XML parsers.

lxml with entity resolution and network access off (the files are data, never trusted to
fetch anything). Parse errors become ImportFormatError naming the file and line.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

from lxml import etree

from chartcode.errors import ImportFormatError


def parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True
    )


@contextmanager
def parse_errors(name: str) -> Iterator[None]:
    """Turn any XML or I/O failure inside the block into an ImportFormatError for ``name``."""
    try:
        yield
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno else None
        raise ImportFormatError(name, f"not well-formed XML ({exc.msg})", line) from exc
    except (EOFError, OSError, UnicodeDecodeError) as exc:
        raise ImportFormatError(name, f"unreadable or truncated file ({exc})") from exc


def parse_tree(stream: IO[bytes], name: str, expected_root: str) -> etree._Element:
    """Parse a whole file and check its root element."""
    with parse_errors(name):
        tree = etree.parse(stream, parser())
    root = tree.getroot()
    if root.tag != expected_root:
        raise ImportFormatError(name, f"expected root <{expected_root}>, found <{root.tag}>")
    return root


def text_of(el: etree._Element | None) -> str:
    """All text inside an element, whitespace collapsed."""
    if el is None:
        return ""
    return " ".join("".join(str(t) for t in el.itertext()).split())


def child_text(el: etree._Element, tag: str) -> str | None:
    c = el.find(tag)
    return text_of(c) if c is not None else None
