"""Parser of the CMS ICD-10-PCS Index XML (``icd10pcs_index_YYYY.xml``, root ``<ICD10PCS.index>``).

Contract: ``parse_icd10pcs_index(stream, name)`` returns the header (system "icd10pcs", kind
"index") and one ``IndexTerm`` per ``<mainTerm>`` and nested ``<term>``, in document order,
ids from 1, each with the id of the term it is nested under, its letter, title and path, and
what it points to:

* ``<use>`` -> ``use_term`` (an axis value to use instead, e.g. "Peritoneal Cavity");
* ``<see>`` -> ``see`` (the text only, e.g. "Resection, Uterus");
* ``<code>`` (a full 7-character code) -> ``code`` with code_kind "code";
* ``<codes>`` (a 4- to 6-character code prefix) -> code_kind "codes";
* ``<tab>`` (a 3-character table, e.g. "0QB") -> code_kind "tab".

``<codes>`` and ``<tab>`` also appear inside ``<see>`` and ``<use>``
("<see>Resection, Uterus<codes>0UT9</codes></see>"); they are taken out of the text and
recorded as the term's code. Codes are kept exactly as printed.

The parser is strict: an element the schema does not have, a term with two codes or a
missing ``<version>`` is an ``ImportFormatError`` naming the file (and line).
"""

from __future__ import annotations

from typing import IO

from lxml import etree

from chartcode.errors import ImportFormatError
from chartcode.sources.records import FileHeader, IndexTerm, ParsedFile
from chartcode.sources.xml import index_version, main_terms, parse_tree, text_of

ROOT_TAG = "ICD10PCS.index"

# Elements that give a term its code, and the code_kind chartcode records for each.
_CODE_TAGS: dict[str, str] = {"code": "code", "codes": "codes", "tab": "tab"}


def _own_text(el: etree._Element) -> str:
    """An element's text without that of its child elements, whitespace collapsed.

    Why: <see> and <use> print their code inside the text
    ("Excision, Lower Bones<tab>0QB</tab>"); the reference must read "Excision, Lower Bones".
    """
    parts = [el.text or ""]
    parts.extend(child.tail or "" for child in el)
    return " ".join(" ".join(parts).split())


def _level(el: etree._Element, parent: IndexTerm | None, name: str) -> int:
    if parent is None:
        return 0
    raw = el.get("level")
    if raw is None:
        return parent.level + 1
    if not raw.strip().isdigit():
        raise ImportFormatError(name, f"<term> has level={raw!r}, expected a number", el.sourceline)
    return int(raw)


def parse_icd10pcs_index(stream: IO[bytes], name: str) -> ParsedFile:
    """Parse the ICD-10-PCS Index into ``IndexTerm`` records.

    Args:
        stream: the file's bytes (already un-gzipped / taken out of its zip).
        name: the file's name as shown to users; it names errors.

    Returns:
        The header and the terms in document order (see the module contract).

    Raises:
        ImportFormatError: not well-formed, not an ``ICD10PCS.index``, no ``<version>``, no
            main terms, an unknown element, or a term with more than one code.
    """
    root = parse_tree(stream, name, ROOT_TAG)
    version = index_version(root, name, ("version", "title", "letter"), "PCS index file")
    # Built like the other parsers' titles; the file prints "2025 ICD-10-PCS Index".
    header = FileHeader("icd10pcs", "index", version, f"ICD-10-PCS Index {version}")
    terms: list[IndexTerm] = []

    def add(el: etree._Element, parent: IndexTerm | None, letter: str | None) -> None:
        title_el = el.find("title")
        if title_el is not None and len(title_el):
            raise ImportFormatError(
                name, f"unexpected <{title_el[0].tag}> inside a <title>", title_el.sourceline
            )
        title = text_of(title_el)
        if parent is None and not title:
            raise ImportFormatError(name, "<mainTerm> without a <title>", el.sourceline)
        code: str | None = None
        code_kind: str | None = None
        see: str | None = None
        use_term: str | None = None
        children: list[etree._Element] = []
        parent_path = parent.path if parent else ""

        def take_code(code_el: etree._Element) -> None:
            nonlocal code, code_kind
            if code is not None:
                raise ImportFormatError(
                    name,
                    f"term {title or parent_path!r} has a second code <{code_el.tag}>; "
                    "one code per term expected",
                    code_el.sourceline,
                )
            code, code_kind = text_of(code_el), _CODE_TAGS[code_el.tag]
            if not code:
                raise ImportFormatError(name, f"empty <{code_el.tag}>", code_el.sourceline)

        for child in el:
            tag = child.tag
            if not isinstance(tag, str) or tag == "title":
                continue
            if tag == "term":
                children.append(child)
            elif tag in _CODE_TAGS:
                take_code(child)
            elif tag in ("see", "use"):
                if (see if tag == "see" else use_term) is not None:
                    raise ImportFormatError(name, f"a second <{tag}> in a term", child.sourceline)
                for inner in child:
                    if not isinstance(inner.tag, str):
                        continue
                    if inner.tag not in _CODE_TAGS:
                        raise ImportFormatError(
                            name, f"unexpected <{inner.tag}> in <{tag}>", inner.sourceline
                        )
                    # Quirk: the code a <see>/<use> points to is printed inside it
                    # ("<use>Stimulator Generator, Multiple Array in<tab>0JH</tab></use>").
                    take_code(inner)
                text = _own_text(child)
                if tag == "see":
                    see = text
                else:
                    use_term = text
            else:
                raise ImportFormatError(name, f"unexpected <{tag}> in <{el.tag}>", child.sourceline)
        term = IndexTerm(
            id=len(terms) + 1,
            parent_id=parent.id if parent else None,
            level=_level(el, parent, name),
            letter=letter,
            title=title,
            nemod=None,  # the PCS index has no nonessential modifiers
            # Quirk: 2,283 nested terms of the 2025 file have no <title>, only a <see>, <use>
            # or <code> (Abdominoplasty -> see Alteration / Repair / Supplement, Abdominal
            # Wall). Such a term is an alternative under its parent, so it keeps the parent's
            # path rather than gaining a dangling ", ".
            path=(f"{parent_path}, {title}" if title else parent_path) if parent else title,
            code=code,
            code_kind=code_kind,
            see=see or None,
            use_term=use_term or None,
        )
        terms.append(term)
        for child in children:
            add(child, term, letter)

    for child, letter in main_terms(root, name):
        add(child, None, letter)
    if not terms:
        raise ImportFormatError(name, "no <mainTerm> elements: not an index file or truncated")
    return ParsedFile(header, terms)
