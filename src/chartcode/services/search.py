"""Word search over code titles in every loaded system, as of a date of service.

Contract: ``search(store, query, on=date)`` returns ranked ``SearchHit``s from the releases in
force on that date. This is the plain full-text layer (titles and inclusion terms, stemmed);
index paths, abbreviations and lay terms build on it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from chartcode.codes import compact, display, is_code_like
from chartcode.services.releases import in_force
from chartcode.store.reference import ReferenceStore

_WORD_RE = re.compile(r"[A-Za-z0-9]+")

SEARCHABLE = (("icd10cm", "tabular"), ("icd10pcs", "tables"))


@dataclass(frozen=True, slots=True)
class SearchHit:
    system: str
    code: str
    title: str
    billable: bool
    score: float
    release: str
    matched: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {k: getattr(self, k) for k in self.__slots__}


def _match_expression(query: str) -> tuple[str, list[str]]:
    words = [w.lower() for w in _WORD_RE.findall(query)]
    # Every word must match (prefix match for the last one, as the user may still be typing).
    terms = [f'"{w}"' for w in words[:-1]] + ([f'"{words[-1]}"*'] if words else [])
    return " AND ".join(terms), words


def search(
    store: ReferenceStore, query: str, on: date, *, system: str | None = None, limit: int = 20
) -> list[SearchHit]:
    expr, words = _match_expression(query)
    if not words:
        return []
    releases = {}
    for sys_name, kind in SEARCHABLE:
        if system and sys_name != system:
            continue
        chosen = in_force(store, sys_name, kind, on)
        if chosen:
            releases[chosen.release.id] = chosen.release.version
    if not releases:
        return []
    rows = store.fts_search(expr, list(releases), limit)
    hits = _code_hits(store, query, releases, limit)
    seen = {h.code for h in hits}
    for sys_name, code, rid, title, rank in rows:
        billable = True
        if sys_name == "icd10cm":
            node = store.cm_node(rid, code)
            billable = bool(node and node[5])
        lower = title.lower()
        if display(sys_name, code) in seen:
            continue
        hits.append(
            SearchHit(
                sys_name,
                display(sys_name, code),
                title,
                billable,
                round(-rank, 3),
                releases[rid],
                [w for w in words if w in lower],
            )
        )
    return hits[:limit]


def _code_hits(
    store: ReferenceStore, query: str, releases: dict[int, str], limit: int
) -> list[SearchHit]:
    """A query that is a code, or the start of one, finds that code and the codes under it."""
    if not is_code_like(query):
        return []
    c = compact(query)
    hits: list[SearchHit] = []
    for rid, version in releases.items():
        for code, title, billable in store.codes_in_release(rid, c, limit):
            system = store.release_system(rid)
            score = 100.0 if code == c else 50.0
            hits.append(
                SearchHit(
                    system, display(system, code), title, billable, score, version, [query.strip()]
                )
            )
    return hits[:limit]
