"""How well the words of a text name one axis value label ("Knee Joint, Right").

Contract: ``match_label(label, reading)`` returns a ``LabelMatch`` (score, the words of the
text that matched, why) or None. Every word of the label that says *which* part it is must be
in the text, near each other; words that say what *kind* of part it is (joint, artery) may be
left out at a small cost; laterality ("Right", "Left", "Bilateral") and counts ("Two
Arteries") must agree with the text when the text says them and are left open when it does
not, so "knee replacement" matches both knees equally and the builder asks which.
``side_agrees`` applies the same laterality rule to labels reached another way (a key entry,
a procedure term).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from chartcode.services.pcs.anatomy_words import (
    BRANCH_LABEL_WORDS,
    GENERIC_LABEL_WORDS,
    LABEL_COUNT_WORDS,
    LABEL_FILLER_WORDS,
)
from chartcode.services.pcs.reading import Reading, WordHit
from chartcode.services.pcs.text import WINDOW, Span, content_words

_PARENS = re.compile(r"\([^)]*\)")
_SIDES = {"right": "Right", "left": "Left", "bilateral": "Bilateral"}
# Tokens around a match where a laterality or count word is read as belonging to it.
_SIDE_BEFORE = 5
_SIDE_AFTER = 4

DISTINCT_WEIGHT = 2.0
GENERIC_WEIGHT = 1.0
GENERIC_MISSING = 0.25  # per kind word left out ...
GENERIC_MISSING_MAX = 0.5  # ... so "Subcutaneous Tissue and Fascia, Chest" can be "chest"
SIDE_BONUS = 0.5
BOTH_SIDES = "Right and Left"
BRANCH_MISSING = 0.75  # a branch word the text leaves out ("iliac artery": which one?)
VIRTUAL_GENERIC = 0.3  # a kind word only stood for ("knee" -> joint) just breaks ties
PART_ONLY = 0.5  # one part of an "X and Y" label named


@dataclass(frozen=True, slots=True)
class ParsedLabel:
    distinct: tuple[str, ...]
    generic: tuple[str, ...]
    side: str | None
    count: str | None
    branch: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class LabelMatch:
    score: float
    span: Span
    reason: str
    whole: bool = True  # False when only one part of an "X and Y" label is named


@lru_cache(maxsize=50_000)
def parse_label(label: str) -> ParsedLabel:
    ws = content_words(_PARENS.sub(" ", label))
    side = next((_SIDES[w] for w in ws if w in _SIDES), None)
    if {"right", "left"} <= set(ws):
        side = BOTH_SIDES  # "Heart, Right and Left": either side word in the text fits it
    count = next((LABEL_COUNT_WORDS[w] for w in ws if w in LABEL_COUNT_WORDS), None)
    rest = [w for w in ws if w not in _SIDES and w not in LABEL_COUNT_WORDS]
    rest = [w for w in rest if w not in LABEL_FILLER_WORDS]
    branch = tuple(dict.fromkeys(w for w in rest if w in BRANCH_LABEL_WORDS))
    rest = [w for w in rest if w not in BRANCH_LABEL_WORDS]
    distinct = tuple(dict.fromkeys(w for w in rest if w not in GENERIC_LABEL_WORDS))
    generic = tuple(dict.fromkeys(w for w in rest if w in GENERIC_LABEL_WORDS))
    if not distinct:
        distinct, generic = generic, ()
    if not distinct:
        distinct, branch = branch, ()
    return ParsedLabel(distinct, generic, side, count, branch)


def _near(reading: Reading, span: Span, marks: list[tuple[int, str]]) -> set[str]:
    """Marks (laterality or count) near a span; all of them when the text has one kind only."""
    near = {m for i, m in marks if span.first - _SIDE_BEFORE <= i <= span.last + _SIDE_AFTER}
    if near:
        return near
    kinds = {m for _, m in marks}
    return kinds if len(kinds) == 1 else set()


def side_agrees(label_side: str | None, reading: Reading, span: Span | None) -> float | None:
    """Score adjustment for laterality: None when the text says the other side."""
    sides = _near(reading, span, reading.laterality) if span else {m for _, m in reading.laterality}
    if label_side is None:
        return -0.1 if sides else 0.0
    if label_side == BOTH_SIDES:
        return 0.0
    if not sides:
        return 0.0
    if label_side in sides:
        return SIDE_BONUS
    if label_side == "Bilateral" and {"Right", "Left"} <= sides:
        return SIDE_BONUS
    return None


def _best_hits(required: tuple[str, ...], reading: Reading) -> list[WordHit] | None:
    """One hit per required word, all within the window, heaviest first."""
    options = [reading.hits.get(w, []) for w in required]
    if not all(options):
        return None
    best: list[WordHit] | None = None
    best_key: tuple[float, int] = (-1.0, 0)
    for anchor in options[0]:
        chosen = [anchor]
        for opts in options[1:]:
            chosen.append(min(opts, key=lambda h: (abs(h.token - anchor.token), -h.weight)))
        toks = [h.token for h in chosen]
        if max(toks) - min(toks) > WINDOW:
            continue
        key = (sum(h.weight for h in chosen), -(max(toks) - min(toks)))
        if key > best_key:
            best, best_key = chosen, key
    return best


def match_label(label: str, reading: Reading) -> LabelMatch | None:
    """How the text names ``label`` (see the module contract), or None.

    A label of two parts ("Abdomen and Pelvis", "Scrotum and Testes") is also named, at a
    cost, by a text that names one of them: the whole label still wins when both are named.
    """
    whole = _match(label, reading)
    if whole is not None or " and " not in label:
        return whole
    parts = [_match(part, reading) for part in label.split(" and ")]
    found = [m for m in parts if m is not None]
    if not found:
        return None
    best = max(found, key=lambda m: m.score)
    reason = f"{best.reason} (part of {label})"
    return LabelMatch(best.score - PART_ONLY, best.span, reason, whole=False)


def _match(label: str, reading: Reading) -> LabelMatch | None:
    p = parse_label(label)
    if not p.distinct:
        return None
    hits = _best_hits(p.distinct, reading)
    if hits is None:
        return None
    toks = [h.token for h in hits]
    first, last = min(toks), max(toks)
    score = sum(DISTINCT_WEIGHT * h.weight for h in hits)
    missing = 0.0
    for w in p.generic:
        near = [h for h in reading.hits.get(w, []) if abs(h.token - first) <= WINDOW]
        if near:
            h = max(near, key=lambda x: x.weight)
            score += GENERIC_WEIGHT * (1.0 if h.via is None else VIRTUAL_GENERIC)
            first, last = min(first, h.token), max(last, h.token)
        else:
            missing += GENERIC_MISSING
    score -= min(missing, GENERIC_MISSING_MAX)
    for w in p.branch:
        near = [h for h in reading.hits.get(w, []) if abs(h.token - first) <= WINDOW]
        if near:
            score += DISTINCT_WEIGHT * max(h.weight for h in near)
            first, last = (
                min([first] + [h.token for h in near]),
                max([last] + [h.token for h in near]),
            )
        else:
            score -= BRANCH_MISSING
    span = reading.text.span(first, last)
    side = side_agrees(p.side, reading, span)
    if side is None:
        return None
    score += side
    if p.count is not None:
        counts = _near(reading, span, reading.counts)
        if counts and p.count not in counts:
            return None
        if p.count in counts:
            score += SIDE_BONUS
    via = sorted({h.via for h in hits if h.via})
    reason = f"'{reading.text.snippet(span)}' names {label}"
    if via:
        reason += f" ({'; '.join(via)})"
    return LabelMatch(score, span, reason)
