"""Imaging of regions named together, and of parts imaged through the region that holds them.

Contract: ``widen_terms(view, reading)`` rewrites, in place, an imaging procedure term that
names one region ("abdominal CT", "CT of the chest") when the text lists that region with
others which one body part value of an imaging table names together ("chest and abdominal
CT": BW24 Chest and Abdomen): the term then names that value, so its weight goes to the
combined region, not to one of them or to another body system (BB24 Lungs). The values come
from the table labels, never from a list of codes. ``imaged_through(head, labels, reading)``
scores the values of an imaging table that show a part the table has no value for
(``anatomy_words.IMAGED_THROUGH``: a testicular ultrasound is BV44 Scrotum).
"""

from __future__ import annotations

from dataclasses import replace

from chartcode.lexicon.pcs_terms import ProcedureTerm
from chartcode.services.pcs.anatomy_words import IMAGED_THROUGH
from chartcode.services.pcs.label_match import LabelMatch, match_label, parse_label
from chartcode.services.pcs.reading import Reading, TermMatch
from chartcode.services.pcs.state import Evidence, EvidenceKind
from chartcode.services.pcs.tables_view import TablesView
from chartcode.services.pcs.text import Span
from chartcode.store.pcs_queries import PcsTableHead

IMAGING = "B"
# Words that may join the regions of a list ("chest, abdomen and the pelvis").
_LIST_WORDS = frozenset({"and", "the", "of", "&", "plus"})
THROUGH_WEIGHT = 2.0  # per word: as a label word written in the text


def _touches(a: Span, b: Span) -> bool:
    """Overlapping or next to each other ("thoraco-" then the term "abdominal CT")."""
    return a.first <= b.last + 1 and b.first <= a.last + 1


def _is_region_list(reading: Reading, label: str, span: Span) -> bool:
    """Every word in the span names a region of the label or joins the list.

    "Chest X-ray and abdominal CT" names chest and abdomen, but not as one list.
    """
    p = parse_label(label)
    named = {h.token for w in p.distinct + p.generic for h in reading.hits.get(w, [])}
    toks = reading.text.tokens[span.first : span.last + 1]
    return all(t.index in named or t.lower in _LIST_WORDS for t in toks)


def _labels(view: TablesView, term: ProcedureTerm) -> list[tuple[str, str, str]]:
    """(prefix, value, label) of the body parts of the term's kind of imaging."""
    sections, operations = term.allowed(1), term.allowed(3)
    prefixes = [p for p in view.heads() if p[0] in sections and p[2] in operations]
    rows = view.queries.axis_values(view.release.id, prefixes, 4)
    return sorted({(r.prefix, r.value, r.label) for r in rows})


def _widened(view: TablesView, reading: Reading, m: TermMatch) -> TermMatch | None:
    rows = _labels(view, m.term)
    own = [lb for p, v, lb in rows if p[1] in m.term.allowed(2) and v in m.term.allowed(4)]
    # Only a label naming more of the text than the term's own value ("CT of the chest,
    # abdomen and pelvis" is BW25 already, not the Abdomen and Pelvis in it).
    best_score = max((lm.score for lb in own if (lm := match_label(lb, reading))), default=0.0)
    best: tuple[LabelMatch, str, str] | None = None
    for prefix, value, label in rows:
        if " and " not in label or label in own:
            continue
        lm = match_label(label, reading)
        if lm is None or not lm.whole or lm.score <= best_score:
            continue
        if _touches(lm.span, m.span) and _is_region_list(reading, label, lm.span):
            best, best_score = (lm, prefix, value), lm.score
    if best is None:
        return None
    lm, prefix, value = best
    same_table = prefix[1] in m.term.allowed(2)
    rest = m.term.values[4:] if same_table else ((), (), ())
    values = ((prefix[0],), (prefix[1],), (prefix[2],), (value,), *rest)
    note = f"{m.term.note + '; ' if m.term.note else ''}{lm.reason}: regions imaged together"
    span = reading.text.span(min(m.span.first, lm.span.first), max(m.span.last, lm.span.last))
    return TermMatch(replace(m.term, values=values, note=note), span)


def widen_terms(view: TablesView, reading: Reading) -> None:
    """Imaging terms of one region take the combined value the text names (module contract)."""
    out: list[TermMatch] = []
    for m in reading.terms:
        widened = None
        if m.term.allowed(1) == (IMAGING,) and m.term.allowed(3) and m.term.allowed(4):
            widened = _widened(view, reading, m)
        out.append(widened or m)
    reading.terms = out


def imaged_through(
    head: PcsTableHead, labels: dict[str, str], reading: Reading
) -> dict[str, tuple[float, Evidence]]:
    """Score and evidence of the values of an imaging table that show a part it lacks."""
    if head.section != IMAGING:
        return {}
    label_words = {w for lb in labels.values() for w in parse_label(lb).distinct}
    out: dict[str, tuple[float, Evidence]] = {}
    for value, label in labels.items():
        for region in parse_label(label).distinct:
            parts = IMAGED_THROUGH.get(region, ())
            if label_words.intersection(parts):
                continue  # the table images the part itself (BV3 Testicle)
            hits = [h for w in parts for h in reading.hits.get(w, [])]
            if not hits:
                continue
            hit = max(hits, key=lambda h: h.weight)
            span = reading.text.span(hit.token, hit.token)
            words = reading.text.snippet(span)
            reason = f"'{words}' is imaged as the {label} (the table has no value of its own)"
            ev = Evidence(EvidenceKind.TEXT, reason, words, span.start, span.end)
            out[value] = (THROUGH_WEIGHT * hit.weight, ev)
    return out
