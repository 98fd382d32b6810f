"""Parser of the CMS ICD-10-PCS Definitions XML (``icd10pcs_definitions_YYYY.xml``).

The root element is ``<ICD10PCS.definitions>``.

Contract: ``parse_icd10pcs_definitions(stream, name)`` returns the header (system
"icd10pcs", kind "definitions", version and title as printed) and, in document order:

* one ``PcsDefinition`` per ``<terms>`` entry of a ``<section code="X">/<axis pos="N">``:
  the section character, the axis position and title, the axis value titles the entry covers
  (its ``<title>`` elements: one for an operation or approach definition, several for a
  body part key entry such as "1st Toe, Left" / "1st Toe, Right"), its ``<definition>`` and
  ``<explanation>`` (or None) and its ``<includes>`` (body part, device and substance key
  entries list many);
* then one ``PcsDeviceAggregate`` per ``<deviceAggregation>/<aggregate>``: a specific device,
  the operation it applies to ("All applicable" as printed), the body systems, and the
  general device value (``<parent value="J">Synthetic Substitute</parent>``) it is coded to.

Those are every element kind of the FY2025 and FY2026 files. The section ``<title>``
("Medical and Surgical") is checked but not kept: the tables name sections. Texts are kept as
printed with runs of whitespace collapsed; trademarks are printed "(R)" and "(tm)".

The parser is strict: an unknown element, a second ``<definition>`` or ``<explanation>`` in
an entry, an entry without a title, one axis value titled by two entries, a missing
``<version>``, a wrong root, malformed or truncated XML is an ``ImportFormatError`` naming
the file and, where it applies, the line.
"""

from __future__ import annotations

from typing import IO

from lxml import etree

from chartcode.errors import ImportFormatError
from chartcode.sources.records import FileHeader, ParsedFile, PcsDefinition, PcsDeviceAggregate
from chartcode.sources.xml import elements, leaf_text, parse_tree, text_of

ROOT_TAG = "ICD10PCS.definitions"

# ICD-10-PCS values are digits and upper-case letters except I and O.
_VALUE_CHARS = frozenset("0123456789ABCDEFGHJKLMNPQRSTUVWXYZ")


def _value_char(el: etree._Element, attr: str, name: str) -> str:
    raw = el.get(attr) or ""
    if len(raw) != 1 or raw not in _VALUE_CHARS:
        raise ImportFormatError(
            name,
            f"<{el.tag}> has {attr}={raw!r}, expected one ICD-10-PCS character",
            el.sourceline,
        )
    return raw


def _terms(el: etree._Element, section: str, pos: int, axis_title: str, name: str) -> PcsDefinition:
    """One ``<terms>`` entry: titles first, then definition / explanation / includes."""
    titles: list[str] = []
    texts: dict[str, str | None] = {"definition": None, "explanation": None}
    includes: list[str] = []
    for child in elements(el):
        tag = child.tag
        if tag == "title":
            # Quirk: key entries name several axis values in one entry, one <title> each
            # (121 body part entries; "COVID-19 Vaccine" ... "Dose 3" in section X).
            titles.append(leaf_text(child, name))
        elif tag in texts:
            if texts[tag] is not None:
                raise ImportFormatError(name, f"a second <{tag}> in an entry", child.sourceline)
            texts[tag] = leaf_text(child, name)
        elif tag == "includes":
            includes.append(leaf_text(child, name))
        else:
            raise ImportFormatError(name, f"unexpected <{tag}> in <terms>", child.sourceline)
    if not titles or not all(titles):
        raise ImportFormatError(name, "<terms> without a (non-empty) <title>", el.sourceline)
    return PcsDefinition(
        section=section,
        pos=pos,
        axis_title=axis_title,
        terms=tuple(titles),
        # Quirk: body part, device and substance key entries have no <definition>, only
        # <includes>; four F section type qualifiers have only an <explanation>.
        definition=texts["definition"] or None,
        explanation=texts["explanation"] or None,
        includes=tuple(i for i in includes if i),
    )


def _section(el: etree._Element, name: str, out: list[PcsDefinition]) -> None:
    section = _value_char(el, "code", name)
    section_title: str | None = None
    # (pos, value title) -> the entry that defines it, to refuse a second one.
    defined: dict[tuple[int, str], etree._Element] = {}
    for child in elements(el):
        if child.tag == "title" and section_title is None:
            section_title = leaf_text(child, name)
            continue
        if child.tag != "axis":
            raise ImportFormatError(
                name, f"unexpected <{child.tag}> in section {section}", child.sourceline
            )
        raw_pos = child.get("pos") or ""
        if not (raw_pos.isdigit() and 1 <= int(raw_pos) <= 7):
            raise ImportFormatError(
                name,
                f"<axis pos={raw_pos!r}> in section {section}, expected 1-7",
                child.sourceline,
            )
        pos = int(raw_pos)
        axis_title: str | None = None
        for entry in elements(child):
            if entry.tag == "title" and axis_title is None:
                axis_title = leaf_text(entry, name)
                continue
            if entry.tag != "terms" or not axis_title:
                raise ImportFormatError(
                    name,
                    f"unexpected <{entry.tag}> in section {section} axis {pos}"
                    + ("" if axis_title else " (an axis starts with its <title>)"),
                    entry.sourceline,
                )
            record = _terms(entry, section, pos, axis_title, name)
            for term in record.terms:
                # The store looks a definition up by (section, pos, value title); neither
                # official file titles a value twice, and a second entry would be ambiguous.
                if (pos, term) in defined:
                    raise ImportFormatError(
                        name,
                        f"section {section} axis {pos} defines {term!r} twice "
                        f"(first at line {defined[(pos, term)].sourceline})",
                        entry.sourceline,
                    )
                defined[(pos, term)] = entry
            out.append(record)
        if not axis_title:
            raise ImportFormatError(
                name, f"section {section} axis {pos} without a <title>", child.sourceline
            )
    if not section_title:
        raise ImportFormatError(name, f"section {section} without a <title>", el.sourceline)


def _aggregate(el: etree._Element, name: str) -> PcsDeviceAggregate:
    """One ``<aggregate>``: exactly one device, operation and parent; one or more body systems.

    Quirk: a device may appear in several aggregates, once per operation (FY2026:
    "External Fixation Device, Hybrid" for Insertion and for Reposition).
    """
    single: dict[str, etree._Element] = {}
    body_systems: list[str] = []
    for child in elements(el):
        tag = child.tag
        if tag == "bodySys":
            body_systems.append(leaf_text(child, name))
        elif tag in ("device", "operation", "parent") and tag not in single:
            single[tag] = child
        else:
            raise ImportFormatError(name, f"unexpected <{tag}> in <aggregate>", child.sourceline)
    missing = [t for t in ("device", "operation", "parent") if not text_of(single.get(t))]
    if missing or not body_systems or not all(body_systems):
        what = ", ".join(f"<{t}>" for t in missing) or "<bodySys>"
        raise ImportFormatError(name, f"<aggregate> without {what}", el.sourceline)
    parent = single["parent"]
    return PcsDeviceAggregate(
        device=leaf_text(single["device"], name),
        operation=leaf_text(single["operation"], name),
        body_systems=tuple(body_systems),
        parent_value=_value_char(parent, "value", name),
        parent_label=leaf_text(parent, name),
    )


def parse_icd10pcs_definitions(stream: IO[bytes], name: str) -> ParsedFile:
    """Parse the ICD-10-PCS Definitions into ``PcsDefinition`` and ``PcsDeviceAggregate``.

    Args:
        stream: the file's bytes (already un-gzipped / taken out of its zip).
        name: the file's name as shown to users; it names errors.

    Returns:
        The header, the definition entries in document order, then the device aggregates.

    Raises:
        ImportFormatError: not well-formed, not an ``ICD10PCS.definitions``, no
            ``<version>``, no sections, an unknown or repeated element, or a value title
            defined twice in one section axis.
    """
    root = parse_tree(stream, name, ROOT_TAG)
    version = (root.findtext("version") or "").strip()
    if not version:
        raise ImportFormatError(
            name, "no <version> element: not a complete PCS definitions file", root.sourceline
        )
    # Both official files print "<year> ICD-10-PCS Definitions".
    title = text_of(root.find("title")) or f"ICD-10-PCS Definitions {version}"
    header = FileHeader("icd10pcs", "definitions", version, title)
    definitions: list[PcsDefinition] = []
    aggregates: list[PcsDeviceAggregate] = []
    sections: dict[str, etree._Element] = {}
    seen_aggregation = False
    for child in elements(root):
        tag = child.tag
        if tag in ("version", "title"):
            continue
        if tag == "section" and not seen_aggregation:
            code = child.get("code") or ""
            if code in sections:
                raise ImportFormatError(
                    name,
                    f"section {code} appears twice (first at line {sections[code].sourceline})",
                    child.sourceline,
                )
            sections[code] = child
            _section(child, name, definitions)
        elif tag == "deviceAggregation" and not seen_aggregation:
            # The file ends with one <deviceAggregation> after the sections.
            seen_aggregation = True
            for agg in elements(child):
                if agg.tag != "aggregate":
                    raise ImportFormatError(
                        name, f"unexpected <{agg.tag}> in <deviceAggregation>", agg.sourceline
                    )
                aggregates.append(_aggregate(agg, name))
        else:
            raise ImportFormatError(
                name, f"unexpected <{tag}> under <{ROOT_TAG}>", child.sourceline
            )
    if not sections:
        raise ImportFormatError(name, "no <section> elements: not a definitions file or truncated")
    records: list[PcsDefinition | PcsDeviceAggregate] = [*definitions, *aggregates]
    return ParsedFile(header, records)
