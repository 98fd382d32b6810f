"""Parser of the CDC ICD-10-CM Tabular List XML (``icd10cm_tabular_YYYY.xml``).

Contract: ``parse_icd10cm_tabular(stream, name)`` returns the file header and one ``CmNode``
per chapter, block (the XML's ``<section>``), category, subcategory and code, in document
order, each with the instructional notes printed at it. 7th-character codes are not listed in
the file; the store derives them from ``seventh`` (sevenChrDef) at load time.
"""

from __future__ import annotations

from typing import IO

from lxml import etree

from chartcode.codes import compact
from chartcode.errors import ImportFormatError
from chartcode.sources.records import CmNode, CmNote, FileHeader, ParsedFile
from chartcode.sources.xml import parse_tree, text_of

ROOT_TAG = "ICD10CM.tabular"

# Note elements of the CDC tabular schema and the kind names chartcode uses for them.
NOTE_TAGS: dict[str, str] = {
    "inclusionTerm": "inclusion_term",
    "includes": "includes",
    "excludes1": "excludes1",
    "excludes2": "excludes2",
    "codeFirst": "code_first",
    "useAdditionalCode": "use_additional",
    "codeAlso": "code_also",
    "notes": "note",
    "sevenChrNote": "seventh_char_note",
}


def _notes(el: etree._Element) -> tuple[tuple[CmNote, ...], tuple[tuple[str, str], ...]]:
    notes: list[CmNote] = []
    seventh: list[tuple[str, str]] = []
    for child in el:
        tag = child.tag
        kind = NOTE_TAGS.get(tag) if isinstance(tag, str) else None
        if kind:
            for note in child.iter("note"):
                text = text_of(note)
                if text:
                    notes.append(CmNote(kind, text))
        elif tag == "sevenChrDef":
            for ext in child.iter("extension"):
                char = (ext.get("char") or "").strip().upper()
                if char:
                    seventh.append((char, text_of(ext)))
                # Quirk (S52 and others): a bare <note> between extensions qualifies the
                # extension before it ("initial encounter for open fracture NOS"); it is
                # kept as a 7th-character note rather than dropped.
            for note in child.findall("note"):
                text = text_of(note)
                if text:
                    notes.append(CmNote("seventh_char_note", text))
    return tuple(notes), tuple(seventh)


def _diag_kind(code: str, has_children: bool) -> str:
    if len(code) == 3:
        return "category"
    return "subcategory" if has_children else "code"


def parse_icd10cm_tabular(stream: IO[bytes], name: str) -> ParsedFile:
    """Parse a Tabular List file into ``CmNode`` records (see the module contract)."""
    root = parse_tree(stream, name, ROOT_TAG)
    version = (root.findtext("version") or "").strip()
    if not version:
        raise ImportFormatError(name, "no <version> element: not a complete tabular file")
    header = FileHeader("icd10cm", "tabular", version, f"ICD-10-CM Tabular List {version}")
    nodes: list[CmNode] = []
    seq = 0

    def add_diag(el: etree._Element, parent: str, depth: int) -> None:
        nonlocal seq
        raw = (el.findtext("name") or "").strip()
        if not raw:
            raise ImportFormatError(name, "<diag> without a <name>", el.sourceline)
        code = compact(raw)
        children = el.findall("diag")
        notes, seventh = _notes(el)
        seq += 1
        nodes.append(
            CmNode(
                code=code,
                kind=_diag_kind(code, bool(children)),
                title=text_of(el.find("desc")),
                parent=parent,
                depth=depth,
                seq=seq,
                notes=notes,
                seventh=seventh,
                is_leaf=not children,
            )
        )
        for child in children:
            add_diag(child, code, depth + 1)

    chapters = root.findall("chapter")
    if not chapters:
        raise ImportFormatError(name, "no <chapter> elements: not a tabular file or truncated")
    for chapter in chapters:
        number = (chapter.findtext("name") or "").strip()
        if not number:
            raise ImportFormatError(name, "<chapter> without a <name>", chapter.sourceline)
        notes, seventh = _notes(chapter)
        seq += 1
        nodes.append(
            CmNode(number, "chapter", text_of(chapter.find("desc")), None, 0, seq, notes, seventh)
        )
        for section in chapter.findall("section"):
            block = (section.get("id") or "").strip().upper()
            if not block:
                raise ImportFormatError(name, "<section> without an id", section.sourceline)
            # Quirk: a block of one category has the category's own id ("B10"); blocks are
            # keyed first-last ("B10-B10") so they never collide with the category.
            if "-" not in block:
                block = f"{block}-{block}"
            notes, seventh = _notes(section)
            seq += 1
            nodes.append(
                CmNode(
                    block, "block", text_of(section.find("desc")), number, 1, seq, notes, seventh
                )
            )
            for diag in section.findall("diag"):
                add_diag(diag, block, 2)
    return ParsedFile(header, nodes)
