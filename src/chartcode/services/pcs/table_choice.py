"""Choosing the table (axes 1-3) and the body part (axis 4) that a reading points to.

Contract: ``rank_candidates(view, reading, synonyms, index_hits)`` scores every pair of a
table and one of its body part values that the text gives reason for, and returns them best
first. A table scores by its operation: the project's procedure terms first, then the words
that name the root operation (or imaging type), with the official index adding support (and
being enough alone: "colonoscopy" leads to 0DJD8ZZ). A body part scores by its label's words
in the text, the body part key and index "use" entries, spinal levels and procedure terms,
with the index again adding support. Pairs are valid by construction: every body part value
comes from a row of its table.
"""

from __future__ import annotations

from dataclasses import dataclass

from chartcode.lexicon.pcs_terms import ProcedureTerm
from chartcode.services.pcs.label_match import match_label, parse_label, side_agrees
from chartcode.services.pcs.official_words import IndexHit, SynonymHit
from chartcode.services.pcs.operation_words import DECISIVE
from chartcode.services.pcs.reading import TERM_WEIGHT, CueKind, Reading
from chartcode.services.pcs.regions import imaged_through, widen_terms
from chartcode.services.pcs.state import Evidence, EvidenceKind
from chartcode.services.pcs.tables_view import TablesView
from chartcode.services.pcs.text import Span
from chartcode.store.pcs_queries import PcsTableHead

INDEX_SUPPORT = 3.0  # the index prints this table (or table and body part) for the words
INDEX_DEPTH_BONUS = 0.5  # per subterm level the text also names
SPINE_SCORE = 6.0
KEY_SCORE = 2.5
TERM_BODY_PART = 8.0
RANK_STEP = 0.5  # a cue's second reading scores this much below its first
EXTENT_SHIFT = 1.5  # "partial" favours Excision over Resection, "total" the reverse
MIN_BODY_PART = 1.5  # below this a body part is not named by the text
INSPECTION_DISCOUNT = 4.0
FIT_BONUS = 1.5  # the device or qualifier the text names is one the candidate's rows allow
FIT_CHECKED = 40  # candidates checked for that, best first
NEAR_BONUS = 0.75  # a body part named within a few words of the procedure words
NEAR_CHARS = 25


@dataclass(frozen=True, slots=True)
class Candidate:
    head: PcsTableHead
    body_part: str | None
    body_part_label: str | None
    op_score: float
    bp_score: float
    op_evidence: Evidence
    bp_evidence: Evidence | None

    @property
    def total(self) -> float:
        return self.op_score + self.bp_score


def _span_evidence(kind: EvidenceKind, reason: str, reading: Reading, span: Span) -> Evidence:
    return Evidence(kind, reason, reading.text.snippet(span), span.start, span.end)


def term_fits_table(term: ProcedureTerm, prefix: str) -> bool:
    return all(not term.allowed(p) or prefix[p - 1] in term.allowed(p) for p in (1, 2, 3))


def _extent_shift(label: str, reading: Reading) -> float:
    """Guidelines B3.8: words of extent move Excision and Resection against each other."""
    if label not in ("Excision", "Resection"):
        return 0.0
    partial = bool(reading.excision_words)
    whole = bool(reading.resection_words)
    if partial == whole:
        return 0.0
    sign = 1.0 if (label == "Excision") == partial else -1.0
    return sign * EXTENT_SHIFT


def _operation_scores(
    view: TablesView, reading: Reading, index_hits: list[IndexHit]
) -> dict[str, tuple[float, Evidence]]:
    """Score and evidence of every table the text gives a reason for."""
    best: dict[str, tuple[float, Evidence]] = {}

    def offer(prefix: str, score: float, evidence: Evidence) -> None:
        if prefix not in best or score > best[prefix][0]:
            best[prefix] = (score, evidence)

    heads = view.heads()
    by_operation: dict[tuple[str, str], list[PcsTableHead]] = {}
    for head in heads.values():
        by_operation.setdefault((head.section, head.operation_label), []).append(head)
    for cue in reading.of(CueKind.OPERATION):
        for rank, label in enumerate(cue.labels):
            for head in by_operation.get((cue.section or "0", label), []):
                score = cue.weight - rank * RANK_STEP + _extent_shift(label, reading)
                ev = _span_evidence(EvidenceKind.TEXT, cue.rule, reading, cue.span)
                offer(head.prefix, score, ev)
    for m in reading.terms:
        if not m.term.allowed(3):
            continue
        # Guidelines B3.11a: an inspection is coded only when nothing else is done.
        weight = TERM_WEIGHT - (INSPECTION_DISCOUNT if m.term.allowed(3) == ("J",) else 0.0)
        # Longer names are more specific; in "X with Y" the first named is the procedure.
        weight += 0.1 * (m.span.last - m.span.first) - 0.05 * m.span.first
        for head in heads.values():
            if term_fits_table(m.term, head.prefix):
                score = weight
                reason = f"procedure term '{m.term.term}' ({m.term.ref})"
                if m.term.note:
                    reason += f": {m.term.note}"
                offer(
                    head.prefix, score, _span_evidence(EvidenceKind.TERM, reason, reading, m.span)
                )
    support: dict[str, tuple[float, IndexHit]] = {}
    for hit in index_hits:
        prefix = hit.code[:3]
        if prefix not in heads:
            continue
        s = INDEX_SUPPORT + INDEX_DEPTH_BONUS * hit.depth
        if prefix not in support or s > support[prefix][0]:
            support[prefix] = (s, hit)
    for prefix, (s, hit) in support.items():
        reason = f"index: {hit.path} -> {hit.code}"
        if prefix in best:
            score, ev = best[prefix]
            best[prefix] = (score + s, ev)
        else:
            best[prefix] = (s, _span_evidence(EvidenceKind.INDEX, reason, reading, hit.span))
    return best


def _body_part_score(
    head: PcsTableHead,
    value: str,
    label: str,
    reading: Reading,
    synonyms: list[SynonymHit],
    index_hits: list[IndexHit],
) -> tuple[float, Evidence | None]:
    options: list[tuple[float, Evidence]] = []
    m = match_label(label, reading)
    if m is not None:
        options.append((m.score, _span_evidence(EvidenceKind.TEXT, m.reason, reading, m.span)))
    side = parse_label(label).side
    for hit in synonyms:
        kp = hit.phrase
        if label not in kp.labels or kp.body_system not in (None, head.body_system_label):
            continue
        adj = side_agrees(side, reading, hit.span)
        if adj is None:
            continue
        score = KEY_SCORE + 0.5 * len(kp.words) + adj
        options.append((score, _span_evidence(EvidenceKind.KEY, kp.rule, reading, hit.span)))
    for level in reading.spinal:
        if label in level.labels:
            score = SPINE_SCORE - RANK_STEP * level.labels.index(label)
            reason = f"spinal level {level.text} is the {label}"
            if level.note:
                reason += f" ({level.note})"
            options.append(
                (score, Evidence(EvidenceKind.TEXT, reason, level.text, level.start, level.end))
            )
    term_bonus = 0.0
    term_ev: Evidence | None = None
    for tm in reading.terms:
        if value in tm.term.allowed(4) and term_fits_table(tm.term, head.prefix):
            adj = side_agrees(side, reading, tm.span)
            if adj is None:
                return 0.0, None
            reason = f"procedure term '{tm.term.term}' ({tm.term.ref})"
            term_bonus = max(term_bonus, TERM_BODY_PART + adj)
            term_ev = _span_evidence(EvidenceKind.TERM, reason, reading, tm.span)
    index_bonus = 0.0
    index_ev: Evidence | None = None
    for ihit in index_hits:
        # Body part values mean the same in every table of a body system, so the index's
        # body part supports it whatever the operation ("Repair, Femoral Region" for a
        # repair with mesh, coded Supplement).
        if len(ihit.code) >= 4 and ihit.code[:2] == head.prefix[:2] and ihit.code[3] == value:
            s = INDEX_SUPPORT + INDEX_DEPTH_BONUS * ihit.depth
            if s > index_bonus:
                index_bonus = s
                reason = f"index: {ihit.path} -> {ihit.code}"
                index_ev = _span_evidence(EvidenceKind.INDEX, reason, reading, ihit.span)
    # A term that leaves several body parts names the candidates; the words choose among
    # them ("colonoscopy with biopsy" of the "sigmoid colon").
    words_score, words_ev = max(options, key=lambda o: o[0]) if options else (0.0, None)
    ev = term_ev if term_ev is not None and len(_term_values(reading, head)) == 1 else None
    ev = ev or words_ev or term_ev or index_ev
    if ev is None:
        return 0.0, None
    return term_bonus + words_score + index_bonus, ev


def _term_values(reading: Reading, head: PcsTableHead) -> set[str]:
    """Body part values the procedure terms that fit a table allow."""
    return {
        v
        for tm in reading.terms
        if term_fits_table(tm.term, head.prefix)
        for v in tm.term.allowed(4)
    }


def _drop_overridden_terms(view: TablesView, reading: Reading) -> None:
    """Terms whose operation a decisive word contradicts leave the reading.

    "Vaginal delivery with forceps": the term names Delivery, "forceps" makes it Extraction.
    """
    decisive = [c for c in reading.of(CueKind.OPERATION) if c.weight >= DECISIVE]
    if not decisive:
        return
    heads = view.heads().values()
    kept = []
    for m in reading.terms:
        fitting = [h for h in heads if term_fits_table(m.term, h.prefix)]
        contradicted = any(
            c.section == m.term.allowed(1)[0]
            and fitting
            and all(h.operation_label not in c.labels for h in fitting)
            for c in decisive
            if m.term.allowed(1)
        )
        if not contradicted:
            kept.append(m)
    reading.terms = kept


def rank_candidates(
    view: TablesView,
    reading: Reading,
    synonyms: list[SynonymHit],
    index_hits: list[IndexHit],
) -> list[Candidate]:
    """Table and body part pairs, best first (see the module contract)."""
    _drop_overridden_terms(view, reading)
    widen_terms(view, reading)
    op_scores = _operation_scores(view, reading, index_hits)
    if not op_scores:
        return []
    heads = view.heads()
    values: dict[str, dict[str, str]] = {}
    for row in view.queries.axis_values(view.release.id, op_scores, 4):
        values.setdefault(row.prefix, {}).setdefault(row.value, row.label)
    out: list[Candidate] = []
    for prefix, (op_score, op_ev) in op_scores.items():
        head = heads[prefix]
        out.append(Candidate(head, None, None, op_score, 0.0, op_ev, None))
        labels = values.get(prefix, {})
        through = imaged_through(head, labels, reading)
        for value, label in labels.items():
            bp_score, bp_ev = _body_part_score(head, value, label, reading, synonyms, index_hits)
            if bp_ev is None and value in through:
                bp_score, bp_ev = through[value]
            if bp_ev is None or bp_score < MIN_BODY_PART:
                continue
            bp_score += _nearness(op_ev, bp_ev)
            out.append(Candidate(head, value, label, op_score, bp_score, op_ev, bp_ev))
    out.sort(key=lambda c: -c.total)
    return _fit(view, reading, out)


def _nearness(op: Evidence, bp: Evidence) -> float:
    """A body part named next to the procedure words is more likely its site.

    "Plain abdominal radiography: calcifications in the minor pelvis" images the abdomen.
    """
    if None in (op.start, op.end, bp.start, bp.end):
        return 0.0
    assert op.start is not None and op.end is not None
    assert bp.start is not None and bp.end is not None
    gap = max(bp.start - op.end, op.start - bp.end, 0)
    return NEAR_BONUS if gap <= NEAR_CHARS else 0.0


def _fit(view: TablesView, reading: Reading, ranked: list[Candidate]) -> list[Candidate]:
    """Favour the best candidates whose rows allow the device the text names.

    "Port ... in the chest": the chest subcutaneous tissue (0JH6) holds vascular access
    devices, the chest wall (0WH8) does not; the words of the body part alone tie.
    """
    wanted = {
        pos: {
            alt.lower() for c in reading.of(kind) for label in c.labels for alt in label.split("|")
        }
        for pos, kind in ((6, CueKind.DEVICE),)
    }
    wanted = {pos: labels - {"no device"} for pos, labels in wanted.items() if labels}
    if not wanted:
        return ranked
    out: list[Candidate] = []
    for i, c in enumerate(ranked):
        if i < FIT_CHECKED and c.body_part is not None:
            pattern = f"{c.head.prefix}{c.body_part}???"
            fits = sum(
                1
                for pos, labels in wanted.items()
                if any(ch.label.lower() in labels for ch in view.choices(pattern, pos))
            )
            if fits:
                c = Candidate(
                    c.head,
                    c.body_part,
                    c.body_part_label,
                    c.op_score,
                    c.bp_score + FIT_BONUS * fits,
                    c.op_evidence,
                    c.bp_evidence,
                )
        out.append(c)
    out.sort(key=lambda c: -c.total)
    return out
