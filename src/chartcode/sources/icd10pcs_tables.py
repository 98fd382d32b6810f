"""Parser of the CMS ICD-10-PCS Tables XML (``icd10pcs_tables_YYYY.xml``, ``<ICD10PCS.tabular>``).

Contract: ``parse_icd10pcs_tables(stream, name)`` returns the header (system "icd10pcs", kind
"tables", version and title as printed in ``<version>`` and ``<title>``) and one ``PcsTable``
per ``<pcsTable>``, in document order, ``seq`` from 1. A table is fixed by its axes 1-3
(section, body system, operation; one value each), carries the operation's ``<definition>``
when the file prints one, and holds its ``<pcsRow>`` rows (``row_no`` from 1 within the
table), each listing the values of axes 4-7 that combine with each other.
``PcsTable.codes()`` expands a table into its valid codes.

The file states its own sizes and the parser checks them, so a damaged or hand-edited file is
refused rather than loaded with codes missing: every ``<axis values="N">`` must list N
labels and every ``<pcsRow codes="N">`` must expand to N codes. It also refuses what the
store could not hold unambiguously: two tables with one prefix, one value twice in an axis,
or two rows of a table that make the same code. Any of these, an unknown element, a value
that is not one PCS character, a missing ``<version>``, a wrong root, malformed or truncated
XML is an ``ImportFormatError`` naming the file and, where it applies, the line.
"""

from __future__ import annotations

from math import prod
from typing import IO

from lxml import etree

from chartcode.errors import ImportFormatError
from chartcode.sources.records import FileHeader, ParsedFile, PcsAxisValue, PcsRow, PcsTable
from chartcode.sources.xml import elements, leaf_text, parse_tree, text_of

ROOT_TAG = "ICD10PCS.tabular"

_TABLE_POSITIONS = (1, 2, 3)
_ROW_POSITIONS = (4, 5, 6, 7)
# ICD-10-PCS values are digits and upper-case letters except I and O (kept apart from 1 and 0).
_VALUE_CHARS = frozenset("0123456789ABCDEFGHJKLMNPQRSTUVWXYZ")


def _count_attr(el: etree._Element, attr: str, name: str) -> int:
    raw = el.get(attr)
    if raw is None:
        raise ImportFormatError(name, f"<{el.tag}> without its {attr}= count", el.sourceline)
    if not raw.strip().isdigit():
        raise ImportFormatError(
            name, f"<{el.tag}> has {attr}={raw!r}, expected a number", el.sourceline
        )
    return int(raw)


def _axis(
    el: etree._Element, expected_pos: int, name: str, *, may_define: bool
) -> tuple[list[PcsAxisValue], str | None]:
    """One ``<axis>``: its values, and its ``<definition>`` where one may appear.

    Why check ``values``: it is the file's own count of the labels; a mismatch means the
    file was cut or edited and some codes would silently go missing.
    """
    raw_pos = el.get("pos")
    if raw_pos != str(expected_pos):
        raise ImportFormatError(
            name, f"<axis pos={raw_pos!r}> where axis {expected_pos} was expected", el.sourceline
        )
    title: str | None = None
    definition: str | None = None
    labels: list[etree._Element] = []
    for child in elements(el):
        if child.tag == "label":
            labels.append(child)
        elif child.tag == "title" and title is None and not labels:
            title = leaf_text(child, name)
        elif child.tag == "definition" and may_define and definition is None:
            # Quirk: only axis 3 (the operation) carries a definition, and not on every
            # table: the Radiation Therapy (D) tables print none (56 of 908 tables in FY2025,
            # 57 of 914 in FY2026 with D22).
            definition = leaf_text(child, name) or None
        else:
            raise ImportFormatError(
                name, f"unexpected <{child.tag}> in axis {expected_pos}", child.sourceline
            )
    if not title:
        raise ImportFormatError(name, f"axis {expected_pos} without a <title>", el.sourceline)
    declared = _count_attr(el, "values", name)
    if declared != len(labels):
        raise ImportFormatError(
            name,
            f'axis {expected_pos} ({title}) declares values="{declared}" '
            f"but lists {len(labels)} labels",
            el.sourceline,
        )
    values: list[PcsAxisValue] = []
    seen: set[str] = set()
    for label in labels:
        value = label.get("code") or ""
        if len(value) != 1 or value not in _VALUE_CHARS:
            raise ImportFormatError(
                name,
                f"axis {expected_pos} label code={value!r} is not one ICD-10-PCS character",
                label.sourceline,
            )
        if value in seen:
            raise ImportFormatError(
                name, f"axis {expected_pos} lists value {value!r} twice", label.sourceline
            )
        seen.add(value)
        text = leaf_text(label, name)
        if not text:
            raise ImportFormatError(
                name, f"axis {expected_pos} value {value!r} has no label", label.sourceline
            )
        values.append(PcsAxisValue(expected_pos, title, value, text))
    return values, definition


def _row(el: etree._Element, row_no: int, prefix: str, name: str) -> PcsRow:
    """One ``<pcsRow>``: axes 4-7 in order, checked against its ``codes`` count."""
    axes = list(elements(el))
    for child in axes:
        if child.tag != "axis":
            raise ImportFormatError(
                name, f"unexpected <{child.tag}> in a <pcsRow> of {prefix}", child.sourceline
            )
    if len(axes) != len(_ROW_POSITIONS):
        raise ImportFormatError(
            name,
            f"row {row_no} of {prefix} has {len(axes)} axes, expected axes 4-7",
            el.sourceline,
        )
    values: list[PcsAxisValue] = []
    counts: list[int] = []
    for axis_el, pos in zip(axes, _ROW_POSITIONS, strict=True):
        axis_values, _ = _axis(axis_el, pos, name, may_define=False)
        values.extend(axis_values)
        counts.append(len(axis_values))
    declared = _count_attr(el, "codes", name)
    if declared != prod(counts):
        raise ImportFormatError(
            name,
            f'row {row_no} of {prefix} declares codes="{declared}" but its axes make '
            f"{' x '.join(map(str, counts))} = {prod(counts)} codes",
            el.sourceline,
        )
    return PcsRow(row_no=row_no, axes=tuple(values), declared_codes=declared)


def _check_rows_disjoint(table: PcsTable, row_els: list[etree._Element], name: str) -> None:
    """Refuse two rows of one table that make the same code.

    Why: a code must point to one row (its labels depend on the row: the FY2026 3E0 table
    calls qualifier 0 "Autologous" in one row and "Influenza Vaccine" in another), and the
    store keys codes by code. Two rows overlap exactly when their value sets meet on every
    axis 4-7, so this needs no expansion.
    """
    sets: list[list[set[str]]] = []
    for row in table.rows:
        by_pos: list[set[str]] = [set(), set(), set(), set()]
        for ax in row.axes:
            by_pos[ax.pos - 4].add(ax.value)
        sets.append(by_pos)
    for j, later in enumerate(sets):
        for i in range(j):
            if all(a & b for a, b in zip(sets[i], later, strict=True)):
                common = [min(a & b) for a, b in zip(sets[i], later, strict=True)]
                code = table.prefix + "".join(common)
                raise ImportFormatError(
                    name,
                    f"rows {i + 1} and {j + 1} of table {table.prefix} both make {code} "
                    f"(row {i + 1} is at line {row_els[i].sourceline})",
                    row_els[j].sourceline,
                )


def _table(el: etree._Element, seq: int, name: str) -> PcsTable:
    axis_els: list[etree._Element] = []
    row_els: list[etree._Element] = []
    for child in elements(el):
        if child.tag == "axis" and not row_els:
            axis_els.append(child)
        elif child.tag == "pcsRow":
            row_els.append(child)
        else:
            raise ImportFormatError(
                name, f"unexpected <{child.tag}> in <pcsTable>", child.sourceline
            )
    if len(axis_els) != len(_TABLE_POSITIONS):
        raise ImportFormatError(
            name,
            f"<pcsTable> has {len(axis_els)} axes before its rows, expected axes 1-3",
            el.sourceline,
        )
    fixed: list[PcsAxisValue] = []
    definition: str | None = None
    for axis_el, pos in zip(axis_els, _TABLE_POSITIONS, strict=True):
        axis_values, axis_def = _axis(axis_el, pos, name, may_define=pos == 3)
        if len(axis_values) != 1:
            raise ImportFormatError(
                name,
                f"table axis {pos} lists {len(axis_values)} values, expected one",
                axis_el.sourceline,
            )
        fixed.append(axis_values[0])
        definition = definition or axis_def
    section, body_system, operation = fixed
    prefix = section.value + body_system.value + operation.value
    if not row_els:
        raise ImportFormatError(name, f"table {prefix} has no <pcsRow>", el.sourceline)
    rows = tuple(_row(row_el, n, prefix, name) for n, row_el in enumerate(row_els, start=1))
    table = PcsTable(prefix, seq, section, body_system, operation, definition, rows)
    _check_rows_disjoint(table, row_els, name)
    return table


def parse_icd10pcs_tables(stream: IO[bytes], name: str) -> ParsedFile:
    """Parse the ICD-10-PCS Tables into ``PcsTable`` records.

    Args:
        stream: the file's bytes (already un-gzipped / taken out of its zip).
        name: the file's name as shown to users; it names errors.

    Returns:
        The header and the tables in document order (see the module contract).

    Raises:
        ImportFormatError: not well-formed, not an ``ICD10PCS.tabular``, no ``<version>``,
            no tables, an unknown element, a count that disagrees with what is listed, a
            repeated table prefix or value, or two rows of a table making one code.
    """
    root = parse_tree(stream, name, ROOT_TAG)
    version = (root.findtext("version") or "").strip()
    if not version:
        raise ImportFormatError(
            name, "no <version> element: not a complete PCS tables file", root.sourceline
        )
    # Both official files print "<year> ICD-10-PCS Tables"; the default only covers a file
    # without a <title>.
    title = text_of(root.find("title")) or f"ICD-10-PCS Tables {version}"
    header = FileHeader("icd10pcs", "tables", version, title)
    tables: list[PcsTable] = []
    first_seen: dict[str, etree._Element] = {}
    for child in elements(root):
        if child.tag in ("version", "title"):
            continue
        if child.tag != "pcsTable":
            raise ImportFormatError(
                name, f"unexpected <{child.tag}> under <{ROOT_TAG}>", child.sourceline
            )
        table = _table(child, len(tables) + 1, name)
        # Neither official file (FY2025, FY2026) repeats a prefix; the store keys tables by
        # prefix, so a repeat is refused here, with both lines, rather than at load time.
        if table.prefix in first_seen:
            raise ImportFormatError(
                name,
                f"table {table.prefix} appears twice "
                f"(first at line {first_seen[table.prefix].sourceline})",
                child.sourceline,
            )
        first_seen[table.prefix] = child
        tables.append(table)
    if not tables:
        raise ImportFormatError(name, "no <pcsTable> elements: not a tables file or truncated")
    return ParsedFile(header, tables)
