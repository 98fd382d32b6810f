"""Parser of the CDC ICD-10-CM index XML files (root ``<ICD10CM.index>``).

One schema serves four files, told apart here and named in ``FileHeader.kind``:

* ``index``    - Alphabetic Index to Diseases and Injuries (``icd10cm_index_YYYY.xml``)
* ``neoplasm`` - Table of Neoplasms (``icd10cm_neoplasm_YYYY.xml``)
* ``drug``     - Table of Drugs and Chemicals (``icd10cm_drug_YYYY.xml``)
* ``eindex``   - External Cause of Injuries Index (``icd10cm_eindex_YYYY.xml``)

Contract: ``parse_icd10cm_index(stream, name)`` returns the header and one ``IndexTerm`` per
``<mainTerm>`` and nested ``<term>``, in document order, ids from 1, each carrying the id of
the term it is nested under, its letter, its title without the nonessential modifiers
(``<nemod>``, kept apart), its path from the main term, and what it points to: a code
(``<code>``, ``<seecat>``, ``<subcat>``), a manifestation code (``<manif>``), ``<see>`` and
``<seeAlso>`` references, and for the two tables the printed cells under their column heads.
Codes are kept exactly as printed ("E11.40", "C79.8-", "D05.-"); cells printed as "--" or "-"
mean "no code" and are left out.

The parser is strict: an element the schema does not have, a term with two codes, a cell
under no column head or a missing ``<version>`` is an ``ImportFormatError`` naming the file
(and line), because a silently dropped code is worse than a refused import.
"""

from __future__ import annotations

import re
from pathlib import PurePath
from typing import IO

from lxml import etree

from chartcode.errors import ImportFormatError
from chartcode.sources.records import FileHeader, IndexCell, IndexTerm, ParsedFile
from chartcode.sources.xml import index_version, main_terms, parse_tree, text_of

ROOT_TAG = "ICD10CM.index"

# Human titles, built like the tabular parser's ("ICD-10-CM Tabular List 2026") rather than
# copied from <title>: the main index prints "ICD-10-CM INDEX TO DISEASES and INJURIES" and
# the two tables print no title at all.
KIND_TITLES: dict[str, str] = {
    "index": "ICD-10-CM Index to Diseases and Injuries",
    "neoplasm": "ICD-10-CM Table of Neoplasms",
    "drug": "ICD-10-CM Table of Drugs and Chemicals",
    "eindex": "ICD-10-CM External Cause of Injuries Index",
}

# Phrases of the file's own <title>, lower-cased, and the kind each one names. Checked in
# order: "external cause ... index" must win over a bare "index".
_TITLE_KINDS: tuple[tuple[str, str], ...] = (
    ("external cause", "eindex"),
    ("neoplasm", "neoplasm"),
    ("drug", "drug"),
    ("diseases and injuries", "index"),
)

# The first column head of the two tables (the index files have no <indexHeading>).
_HEADING_KINDS: dict[str, str] = {"neoplasm": "neoplasm", "substance": "drug"}

# Words of a file name and the kind they name: CDC's current names (icd10cm_eindex_2023.xml)
# and the FY2014-era ones (ICD10CM_FY2014_Full_XML_DIndex.xml, ..._EIndex.xml).
_NAME_KINDS: dict[str, str] = {
    "eindex": "eindex",
    "neoplasm": "neoplasm",
    "drug": "drug",
    "dindex": "index",
    "index": "index",
}

# What the root holds: the index files carry a <title>, the two tables an <indexHeading>.
_ROOT_CHILDREN = frozenset({"version", "title", "indexHeading", "letter"})

# Elements that give a term its code, and the code_kind chartcode records for each. <seecat>
# ("see category T71") and <subcat> ("see subcategory T75.0") point to a code family rather
# than to one code; they appear in the External Cause Index.
_CODE_TAGS: dict[str, str] = {"code": "code", "seecat": "seecat", "subcat": "subcat"}

# A code as the index prints it: category, optional dot and up to four characters, optional
# trailing dash ("E11.40", "G63", "L97.4-", "D05.-").
_CODE_RE = re.compile(r"[A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{0,4})?-?")

# Cells that mean "no code": the drug table prints "--", the neoplasm table "-".
_NO_CODE_RE = re.compile(r"[-\u2013\u2014]*")


def _kind(root: etree._Element, headings: dict[int, str], name: str) -> str:
    """Which of the four files this is.

    Why in this order: the <title> is the file's own statement (the main index and the
    external cause index carry one); the two tables carry none but their first column head
    is unmistakable; the file name is the last resort because users rename files.
    """
    title = " ".join((root.findtext("title") or "").lower().split())
    for phrase, kind in _TITLE_KINDS:
        if phrase in title:
            return kind
    first = headings.get(1, "").strip().lower()
    if first in _HEADING_KINDS:
        return _HEADING_KINDS[first]
    # A zip member is shown as "codes.zip!icd10cm_drug_2023.xml": judge the member's name.
    base = PurePath(name.rsplit("!", 1)[-1]).name.lower()
    for word in re.split(r"[^a-z0-9]+", base):
        if word in _NAME_KINDS:
            return _NAME_KINDS[word]
    raise ImportFormatError(
        name,
        "cannot tell which ICD-10-CM index file this is (no recognised <title>, "
        "<indexHeading> or file name)",
    )


def _headings(root: etree._Element, name: str) -> dict[int, str]:
    """Column heads of a table file, by column number (empty for the index files)."""
    heads: dict[int, str] = {}
    heading = root.find("indexHeading")
    if heading is None:
        return heads
    for head in heading.iter("head"):
        heads[_int_attr(head, "col", name)] = text_of(head)
    return heads


def _int_attr(el: etree._Element, attr: str, name: str) -> int:
    raw = (el.get(attr) or "").strip()
    if not raw.isdigit():
        raise ImportFormatError(
            name, f"<{el.tag}> has {attr}={raw!r}, expected a number", el.sourceline
        )
    return int(raw)


def _split_title(title_el: etree._Element, name: str) -> tuple[str, str | None]:
    """The title text without its nonessential modifiers, and the modifiers.

    Quirk: <nemod> sits inside <title>, anywhere in it and often unspaced
    ("homologues<nemod>(acetyl) ...</nemod>", "autonomic<nemod>(poly)</nemod>neuropathy",
    "Abandonment<nemod>(...)</nemod> NEC"); the pieces around it are joined with one space so
    the title reads "autonomic neuropathy", and runs of spaces the files carry are collapsed.
    """
    parts = [title_el.text or ""]
    nemods: list[str] = []
    for child in title_el:
        if not isinstance(child.tag, str):  # a processing instruction: no text of its own
            parts.append(child.tail or "")
            continue
        if child.tag != "nemod":
            raise ImportFormatError(
                name, f"unexpected <{child.tag}> inside a <title>", child.sourceline
            )
        text = text_of(child)
        if text:
            nemods.append(text)
        parts.append(child.tail or "")
    title = " ".join(" ".join(parts).split())
    return title, " ".join(nemods) if nemods else None


def parse_icd10cm_index(stream: IO[bytes], name: str) -> ParsedFile:
    """Parse any of the four ICD-10-CM index files into ``IndexTerm`` records.

    Args:
        stream: the file's bytes (already un-gzipped / taken out of its zip).
        name: the file's name as shown to users; it names errors and, failing a <title> or
            column heads, tells the four files apart.

    Returns:
        The header (system "icd10cm", kind index | neoplasm | drug | eindex) and the terms in
        document order (see the module contract).

    Raises:
        ImportFormatError: not well-formed, not an ``ICD10CM.index``, no ``<version>``, no
            main terms, an unknown element, or a term with more than one code.
    """
    root = parse_tree(stream, name, ROOT_TAG)
    version = index_version(root, name, _ROOT_CHILDREN)
    headings = _headings(root, name)
    kind = _kind(root, headings, name)
    header = FileHeader("icd10cm", kind, version, f"{KIND_TITLES[kind]} {version}")
    terms: list[IndexTerm] = []

    def add(el: etree._Element, parent: IndexTerm | None, letter: str | None) -> None:
        title_el = el.find("title")
        if title_el is None:
            raise ImportFormatError(name, f"<{el.tag}> without a <title>", el.sourceline)
        title, nemod = _split_title(title_el, name)
        if parent is None:
            level = 0
        elif el.get("level") is None:
            level = parent.level + 1
        else:
            level = _int_attr(el, "level", name)
        code: str | None = None
        code_kind: str | None = None
        manifs: list[str] = []
        sees: list[str] = []
        see_alsos: list[str] = []
        cells: list[IndexCell] = []
        children: list[etree._Element] = []
        for child in el:
            tag = child.tag
            if not isinstance(tag, str) or tag == "title":
                continue
            if tag == "term":
                children.append(child)
            elif tag in _CODE_TAGS:
                if code is not None:
                    raise ImportFormatError(
                        name,
                        f"term {title!r} has a second code <{tag}>; one code per term expected",
                        child.sourceline,
                    )
                code, code_kind = text_of(child), _CODE_TAGS[tag]
                if not code:
                    raise ImportFormatError(name, f"empty <{tag}>", child.sourceline)
            elif tag == "manif":
                text = text_of(child)
                if _CODE_RE.fullmatch(text):
                    manifs.append(text)
                elif text:
                    # Quirk (neoplasm 2023, "book-leaf (mouth)"): <manif> holds bracketed
                    # wording, not a code. It is printed in brackets after the modifiers,
                    # so it is kept there rather than passed off as a manifestation code.
                    nemod = f"{nemod} [{text}]" if nemod else f"[{text}]"
            elif tag == "see":
                sees.append(text_of(child))
            elif tag == "seeAlso":
                see_alsos.append(text_of(child))
            elif tag == "cell":
                col = _int_attr(child, "col", name)
                value = text_of(child)
                if _NO_CODE_RE.fullmatch(value):
                    continue
                if col not in headings:
                    raise ImportFormatError(
                        name, f'<cell col="{col}"> under no <indexHeading> head', child.sourceline
                    )
                cells.append(IndexCell(col, headings[col], value))
            else:
                raise ImportFormatError(name, f"unexpected <{tag}> in <{el.tag}>", child.sourceline)
        term = IndexTerm(
            id=len(terms) + 1,
            parent_id=parent.id if parent else None,
            level=level,
            letter=letter,
            title=title,
            nemod=nemod,
            path=f"{parent.path}, {title}" if parent else title,
            code=code,
            code_kind=code_kind,
            # Several manifestation codes are printed in one bracket: "[L97.4-, L97.5-]".
            manif=", ".join(manifs) or None,
            see="; ".join(s for s in sees if s) or None,
            see_also="; ".join(s for s in see_alsos if s) or None,
            cells=tuple(cells),
        )
        terms.append(term)
        for child in children:
            add(child, term, letter)

    for child, letter in main_terms(root, name):
        add(child, None, letter)
    if not terms:
        raise ImportFormatError(name, "no <mainTerm> elements: not an index file or truncated")
    return ParsedFile(header, terms)
