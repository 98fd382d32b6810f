"""Safe, fast XML reading shared by the CDC/CMS XML parsers.

lxml with entity resolution and network access off (the files are data, never trusted to
fetch anything). Parse errors become ImportFormatError naming the file and line.

Besides parsing: ``text_of``/``child_text`` read an element's text, ``elements`` its child
elements without processing instructions, ``leaf_text`` the text of an element that must hold
no markup, and ``index_version``/``main_terms`` the version and the ``<mainTerm>``s of a CDC
index file (ICD-10-CM and ICD-10-PCS print their indexes the same way).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
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


def elements(el: etree._Element) -> Iterator[etree._Element]:
    """Child elements only: processing instructions are not part of the data."""
    for child in el:
        if isinstance(child.tag, str):
            yield child


def leaf_text(el: etree._Element, name: str) -> str:
    """The text of an element that must hold plain text, whitespace collapsed.

    Why: markup inside a label, title or definition would be flattened silently by
    ``text_of``; the official files have none, so any is a format change worth stopping on.
    Collapsing whitespace is deliberate: a few PCS texts carry doubled spaces ("vestibular
    system  in both ears") that are typing slips, not meaning.

    Raises:
        ImportFormatError: a child element inside ``el``.
    """
    if len(el):
        for child in elements(el):
            raise ImportFormatError(
                name, f"unexpected <{child.tag}> inside <{el.tag}>", child.sourceline
            )
        return text_of(el)  # only processing instructions inside: keep the text around them
    return " ".join((el.text or "").split())


def main_terms(root: etree._Element, name: str) -> Iterator[tuple[etree._Element, str | None]]:
    """Each ``<mainTerm>`` of an index file with the title of the ``<letter>`` it is under.

    Both CDC index files group their main terms by letter (``<letter><title>A</title>
    <mainTerm>...``); anything else in a letter is a layout this code does not know.

    Raises:
        ImportFormatError: an element other than ``<title>`` or ``<mainTerm>`` in a letter.
    """
    for letter_el in root.findall("letter"):
        letter = text_of(letter_el.find("title")) or None
        for child in letter_el:
            if not isinstance(child.tag, str) or child.tag == "title":
                continue
            if child.tag != "mainTerm":
                raise ImportFormatError(
                    name, f"unexpected <{child.tag}> in <letter>", child.sourceline
                )
            yield child, letter


def index_version(
    root: etree._Element, name: str, children: Collection[str], what: str = "index file"
) -> str:
    """The ``<version>`` of an index file, after checking the elements under its root.

    An element the parser does not know is refused rather than skipped, so a layout change
    cannot drop terms silently.

    Args:
        root: the parsed root element.
        name: the file name, for messages.
        children: the element names allowed under the root.
        what: the file in the "not a complete ..." message.

    Raises:
        ImportFormatError: no ``<version>``, or an unknown element under the root.
    """
    version = (root.findtext("version") or "").strip()
    if not version:
        raise ImportFormatError(name, f"no <version> element: not a complete {what}")
    for child in root:
        if isinstance(child.tag, str) and child.tag not in children:
            raise ImportFormatError(
                name, f"unexpected <{child.tag}> under <{root.tag}>", child.sourceline
            )
    return version
