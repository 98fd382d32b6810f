"""ICD-10-CM 7th-character convention: the codes the Tabular List implies but never prints.

A sevenChrDef at a category or subcategory applies to every code below it. Each leaf below
such a definition is not billable by itself; it becomes billable with a 7th character, padded
with the placeholder X to six characters first (ICD-10-CM Official Guidelines, section I.A.4-5:
"W11" + "A" is reported as W11.XXXA).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from chartcode.sources.records import CmNode

PLACEHOLDER = "X"

# Exceptions the Tabular List states only in prose. Each: (category, 6th characters it applies
# to, 7th characters that do not apply). Source: FY2026 Tabular List, category S06 sevenChrDef
# note "7th characters D and S do not apply to codes in category S06 with 6th character 7 ...
# or 8"; it matches the CDC code list, which omits S06.0X7D and the like.
SEVENTH_CHAR_EXCEPTIONS: tuple[tuple[str, frozenset[str], frozenset[str]], ...] = (
    ("S06", frozenset("78"), frozenset("DS")),
)


def seventh_char_allowed(code: str, char: str) -> bool:
    """False for the few 7th characters the Tabular List rules out in its notes."""
    for category, sixth, excluded in SEVENTH_CHAR_EXCEPTIONS:
        if code.startswith(category) and len(code) >= 6 and code[5] in sixth:
            return char not in excluded
    return True


def seventh_char_source(node: CmNode, by_code: dict[str, CmNode]) -> CmNode | None:
    """The nearest node at or above ``node`` that declares 7th characters, if any."""
    cur: CmNode | None = node
    while cur is not None and cur.kind not in ("chapter", "block"):
        if cur.seventh:
            return cur
        cur = by_code.get(cur.parent) if cur.parent else None
    return None


def with_seventh(code: str, char: str) -> str:
    """Compact code with its 7th character, X-padded to six characters first."""
    return code.ljust(6, PLACEHOLDER) + char


def extensions(nodes: Iterable[CmNode]) -> Iterator[tuple[CmNode, CmNode, CmNode]]:
    """Yield (leaf, declaring node, extension node) for every implied 7th-character code."""
    node_list = list(nodes)
    by_code = {n.code: n for n in node_list if n.kind not in ("chapter", "block")}
    for node in node_list:
        if not node.is_leaf or node.kind in ("chapter", "block"):
            continue
        source = seventh_char_source(node, by_code)
        if source is None or len(node.code) >= 7:
            continue
        for i, (char, meaning) in enumerate(source.seventh):
            if not seventh_char_allowed(node.code, char):
                continue
            yield (
                node,
                source,
                CmNode(
                    code=with_seventh(node.code, char),
                    kind="extension",
                    title=f"{node.title}, {meaning}",
                    parent=node.code,
                    depth=node.depth + 1,
                    seq=node.seq * 100 + i,  # keeps extensions in order right under their code
                    is_leaf=True,
                ),
            )
