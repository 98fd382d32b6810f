"""Concept extraction: the vocabulary's terms found in a sentence, with their offsets.

Contract: ``find(vocabulary, text, start, end)`` returns the ``Mention``s of the sentence
``text[start:end]``; offsets are into ``text``, so ``text[m.start:m.end]`` is the evidence as
written. A term matches when every one of its words occurs among the sentence's content words
within a short window (its length plus ``SLACK`` words), in any order; a term of two words or
more whose words lie further apart, up to ``LOOSE_SLACK``, within one clause (no comma, colon
or parenthesis between) and with no number among them, is a ``loose`` mention, which the
suggester ranks lower. A word is read in every form it stands for: its normalised forms and,
for an anatomical adjective, its noun's ("testicular" -> testis). Of matches that share
words, the one with more words wins and a match whose words all lie inside a longer match's is
dropped ("abdominal pain" hides "pain"); matches that only overlap are both kept.

Speed: each term is indexed by its rarest word (``Vocabulary.anchors``), so a sentence looks
only at terms it could complete; a case report of 400 words takes about a millisecond.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from chartcode.lexicon.language import abbreviations
from chartcode.services.suggest.vocabulary import (
    STOP_WORDS,
    TOKEN,
    Term,
    Vocabulary,
    adjective_forms,
    normalise,
)

SLACK = 2
# Beyond the window, up to this many words apart, a term still matches as a loose mention:
# details a sentence spreads out ("a mass ... in the left kidney"), ranked lower.
LOOSE_SLACK = 8
NESTED_MAX = 2  # the shorter mentions kept inside a longer one when every mention is coded
_CLAUSE_BREAK = re.compile(r"[,;:()]")


@dataclass(frozen=True, slots=True)
class Mention:
    term: Term
    start: int
    end: int
    text: str
    positions: tuple[int, ...]  # content-word indexes in the sentence
    nested: bool = False  # its words all lie inside a longer mention's
    loose: bool = False  # its words lie further apart than the window (``LOOSE_SLACK``)


@dataclass(frozen=True, slots=True)
class _Word:
    start: int
    end: int
    surface: str
    forms: tuple[str, ...]


def words_of(text: str, start: int, end: int) -> list[_Word]:
    """The content words of ``text[start:end]`` with their normalised forms."""
    abbrs = abbreviations()
    out: list[_Word] = []
    for m in TOKEN.finditer(text, start, end):
        surface = m.group()
        low = surface.lower()
        forms = tuple(f for f in normalise(surface) if f not in STOP_WORDS)
        extra = adjective_forms(low)
        if extra:
            forms = (*forms, *(f for f in extra if f not in forms))
        if low in abbrs:
            forms = (*forms, f"abbr:{low}")
        if forms:
            out.append(_Word(m.start(), m.end(), surface, forms))
    return out


def find(
    vocabulary: Vocabulary, text: str, start: int, end: int, *, nested: bool = False
) -> list[Mention]:
    """Mentions of ``text[start:end]``; with ``nested``, the hidden shorter ones too, marked."""
    words = words_of(text, start, end)
    where: dict[str, list[int]] = {}
    for i, w in enumerate(words):
        for f in w.forms:
            where.setdefault(f, []).append(i)
    found: list[Mention] = []
    seen: set[tuple[str, tuple[int, ...]]] = set()
    for form in where:
        for term in vocabulary.anchors.get(form, ()):
            if not all(w in where for w in term.words):
                continue
            positions = _closest(term, where)
            if positions is None:
                continue
            loose = positions[-1] - positions[0] + 1 > len(term.words) + SLACK
            if term.upper_only and not any(words[i].surface.isupper() for i in positions):
                continue
            key = (term.code, positions)
            if key in seen:
                continue
            seen.add(key)
            s, e = words[positions[0]].start, words[positions[-1]].end
            if loose and not _may_spread(term, text[s:e]):
                continue
            found.append(Mention(term, s, e, text[s:e], positions, loose=loose))
    return _keep_longest(found, nested)


def _closest(term: Term, where: dict[str, list[int]]) -> tuple[int, ...] | None:
    """The tightest positions holding every word of ``term``, or None beyond the window."""
    anchor_word = min(term.words, key=lambda w: (len(where[w]), w))  # ties: the same each run
    best: tuple[int, ...] | None = None
    best_span = 10**6
    for a in where[anchor_word]:
        chosen = {a}
        for w in term.words:
            if w == anchor_word:
                continue
            chosen.add(min(where[w], key=lambda i: abs(i - a)))
        span = max(chosen) - min(chosen) + 1
        if span < best_span:
            best, best_span = tuple(sorted(chosen)), span
    slack = LOOSE_SLACK if len(term.words) > 1 else SLACK
    if best is None or best_span > len(term.words) + slack:
        return None
    return best


def _may_spread(term: Term, stretch: str) -> bool:
    """Whether a match beyond the window may stand as a loose mention.

    It holds within one clause ("a mass of 3 cm in the left kidney"), not across a comma, a
    parenthesis or a colon, and never for a term with a number, which must stand by its word
    ("type 2 diabetes mellitus and a long history of myocardial infarction" is no type 2
    infarction).
    """
    return not _CLAUSE_BREAK.search(stretch) and not any(w.isdigit() for w in term.words)


def _keep_longest(found: list[Mention], nested: bool) -> list[Mention]:
    found.sort(key=lambda m: (-len(m.term.words), m.term.rank, m.start))
    kept: list[Mention] = []
    hidden: list[Mention] = []
    for m in found:
        covered = set(m.positions)
        if any(_inside(m, k) for k in kept):
            if any(k.positions == m.positions for k in kept):
                continue  # the same words, read by a longer term: not a second mention
            if (
                nested
                and len(covered) <= NESTED_MAX
                and all(h.positions != m.positions for h in hidden)
            ):
                hidden.append(replace(m, nested=True))  # one per stretch: the longest term
            continue
        kept.append(m)
    kept += hidden
    kept.sort(key=lambda m: m.start)
    return kept


def _inside(m: Mention, longer: Mention) -> bool:
    """Whether ``m``'s words all lie within the stretch ``longer`` covers (and it is longer).

    "congestive heart failure" inside "acute on chronic systolic congestive heart failure" is
    hidden even though the longer title put "congestive" in parentheses and left it out.
    """
    if len(m.positions) >= len(longer.positions):
        return set(m.positions) <= set(longer.positions)
    return longer.positions[0] <= m.positions[0] and m.positions[-1] <= longer.positions[-1]
