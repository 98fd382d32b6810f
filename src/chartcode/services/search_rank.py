"""Scoring a candidate code against an analysed query: lexical match plus coding structure.

Contract: ``score(query, title, extra, billable)`` returns a ``Scored``: the best reading of
the code (its title or one of its inclusion terms), the score and its parts, which query unit
matched which words, and the code's words the query did not ask for. The score is

    2 x query coverage  +  title coverage  +  structure

*Query coverage* is the share of the query's concepts the reading names (a lay phrase or an
abbreviation counts as matched by any of its readings). *Title coverage* is the share of the
reading's own words the query asked for: it is what makes "unspecified" win when the query
gives no detail and the specific code win when it does, because words that only restate a
default ("unspecified", "NOS", "initial encounter" when no encounter is given, "closed" when
open is not said, words in parentheses) cost nothing, while any other word the query did not
ask for ("left", "subsequent", "with coma") lowers it. *Structure*: billable codes and
agreement with the query's side, encounter and fracture detail add a little; contradicting
them takes a lot away.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import NamedTuple

from chartcode.services.search_query import STOP_WORDS, Query, match_form

WORD = re.compile(r"[A-Za-z0-9]+(?:[/'’-][A-Za-z0-9]+)*")
PARENS = re.compile(r"\(([^)]*)\)")
# Clause breaks: commas, and "without" (STOP_WORDS would drop "with", not "without").
CLAUSE = re.compile(r",|\s(?=without\s)")

# Words that restate a default: a code is not less right for carrying them.
ALWAYS_FREE = frozenset(
    {
        "unspecified", "nos", "not", "specified", "site", "mellitus", "type", "disease",
        "disorder", "uncomplicated",
    }
)  # fmt: skip
FREE_WITHOUT_DETAIL = {
    "encounter": frozenset({"initial", "encounter"}),
    "open": frozenset({"closed"}),
    "displacement": frozenset({"displaced"}),
    "healing": frozenset({"routine", "healing"}),
    "side": frozenset(),
}
CONFLICTS = {
    "side": {"right": {"left", "bilateral"}, "left": {"right", "bilateral"}, "bilateral": set()},
    "encounter": {
        "initial": {"subsequent", "sequela"},
        "subsequent": {"initial", "sequela"},
        "sequela": {"initial", "subsequent"},
    },
    "open": {"open": {"closed"}, "closed": {"open"}},
    "displacement": {"displaced": {"nondisplaced"}, "nondisplaced": {"displaced"}},
    "healing": {
        "routine": {"delayed", "nonunion", "malunion"},
        "delayed": {"routine", "nonunion", "malunion"},
        "nonunion": {"routine", "delayed", "malunion"},
        "malunion": {"routine", "delayed", "nonunion"},
    },
}
W_QUERY, W_TITLE = 2.0, 1.0
BILLABLE_BONUS, HEADER_PENALTY = 0.1, 0.1
DEFAULT_BONUS = 0.03
VAGUE_PENALTY = 0.05
ALT_STEP = 0.03
UNSPECIFIED = re.compile(r"\b(unspecified|NOS)\b", re.I)
AGREE_BONUS, CONFLICT_PENALTY = 0.15, 1.0
INCLUSION_PENALTY = 0.02  # a title reading beats an equal inclusion-term reading
NEW_TECHNOLOGY_PENALTY = 0.5


@dataclass(frozen=True, slots=True)
class Scored:
    score: float
    reading: str  # the title or inclusion term that matched best
    via: str  # title | inclusion term
    matched: dict[str, list[str]]  # query word as typed -> title words it matched
    missing: list[str]  # query units the reading does not name
    extra: list[str]  # reading words the query did not ask for
    parts: dict[str, float] = field(default_factory=dict)

    def explain(self) -> str:
        p = self.parts
        return (
            f"query coverage {p.get('query', 0):.2f} x2 + title coverage {p.get('title', 0):.2f}"
            f" + structure {p.get('structure', 0):+.2f}"
        )


def _kept(word: str) -> bool:
    """Words that carry meaning: not joining words, but a capital letter is ("Hepatitis A")."""
    return word.lower() not in STOP_WORDS or (len(word) == 1 and word.isupper())


class Reading(NamedTuple):
    """The words of a title, by what they do to a match.

    ``required``: what the title asserts. ``optional``: parenthesised words (nonessential
    modifiers): they match when asked and cost nothing when not. ``absent``: a "without ..."
    clause: costs nothing, and matches only what the query says is absent ("with aura" is
    not matched by "without aura"). ``open``: a clause that leaves a detail open (",
    unspecified stage", ", not intractable"): costs nothing, and a query that says it is
    matched, a little less surely than by an asserted word.
    """

    required: tuple[str, ...]
    optional: frozenset[str]
    absent: frozenset[str]
    open: frozenset[str]
    every: frozenset[str]  # all of the above: a reading sharing none with a query scores 0


@lru_cache(maxsize=1 << 17)
def reading_words(text: str, details_open: bool = False) -> Reading:
    """Memoised: a code's title is read the same way for every query that reaches it.

    ``details_open``: every clause after the first leaves a detail open. An ICD-10-PCS title
    names the operation, body part and device first, then the approach and qualifier after
    commas: "Fusion of Lumbosacral Joint with Interbody Fusion Device, Anterior Approach, ..."
    is not a worse answer to "lumbosacral fusion" for naming its approach.
    """
    optional = {match_form(w) for inner in PARENS.findall(text) for w in WORD.findall(inner)}
    plain = PARENS.sub(" ", text)
    required: list[str] = []
    absent: set[str] = set()
    open_: set[str] = set()
    for i, clause in enumerate(CLAUSE.split(plain)):
        words = [w for w in WORD.findall(clause) if _kept(w)]
        if not words:
            continue
        first = words[0].lower()
        if first == "without":
            absent.update(match_form(w) for w in words[1:])
        elif i > 0 and (details_open or first in ("unspecified", "not")):
            open_.update(match_form(w) for w in words)
        else:
            required += [match_form(w) for w in words]
    asserted = set(required)
    return Reading(
        tuple(required),
        frozenset(optional),
        frozenset(absent - asserted),
        frozenset(open_ - asserted),
        frozenset(asserted | optional | absent | open_),
    )


class Scorer:
    """Scores codes against one query; what depends on the query alone is worked out once."""

    def __init__(self, query: Query) -> None:
        self.query = query
        self.units = [(u, u.words) for u in query.units]
        free: set[str] = set(ALWAYS_FREE)
        for key, implied in FREE_WITHOUT_DETAIL.items():
            if key not in query.detail:
                free |= implied
        self.free = frozenset(free)
        self.asked = frozenset(w for u, ws in self.units if not u.negated for w in ws)
        self.words = frozenset(w for _, ws in self.units for w in ws)

    def score(
        self, title: str, extra: str, billable: bool, system: str = "icd10cm", code: str = ""
    ) -> Scored:
        """The best reading of a code: its title or one of its inclusion terms."""
        best = self.score_reading(title, billable, "title", system == "icd10pcs")
        if system == "icd10pcs" and code.startswith("X"):
            # Section X codes are for named new technologies: a plain "lumbosacral fusion"
            # is coded in the medical and surgical section.
            best = replace(best, score=round(best.score - NEW_TECHNOLOGY_PENALTY, 4))
            best.parts["structure"] = round(best.parts["structure"] - NEW_TECHNOLOGY_PENALTY, 3)
        for term in (t.strip() for t in extra.split(" ; ") if t.strip()):
            if not (reading_words(term).every & self.words):
                continue  # names nothing asked: it cannot be the best reading
            s = self.score_reading(term, billable, "inclusion term")
            if s.score > best.score:
                best = s
        return best

    def score_reading(
        self, text: str, billable: bool, via: str, details_open: bool = False
    ) -> Scored:
        query = self.query
        required, optional, absent, open_, _ = reading_words(text, details_open)
        req_set = frozenset(required)
        have = req_set | optional
        vague = 0
        matched: dict[str, list[str]] = {}
        missing: list[str] = []
        covered = 0.0
        conflict = 0
        for unit, unit_words in self.units:
            # What the query says is absent is matched by the title's "without ..." clause and
            # contradicted by the same words among what the title asserts.
            pool = absent if unit.negated else have | open_
            if unit.negated and any(set(a) <= req_set for a in unit.alternatives if a):
                conflict += 1
            best, best_alt = 0.0, tuple[str, ...]()
            for rank, alt in enumerate(unit.alternatives):
                # Readings are listed most likely first; a later one is worth a little less.
                hit = sum(1 for w in alt if w in pool) / len(alt) * (1 - ALT_STEP * rank)
                if hit > best:
                    best, best_alt = hit, alt
            if best > 0 and not unit.negated and not (unit_words & have):
                vague += 1  # named only where the title leaves it open
            covered += best
            if best > 0:
                matched[unit.surface] = [w for w in best_alt if w in pool]
            else:
                missing.append(unit.surface)
        q_cov = covered / len(self.units) if self.units else 0.0
        free = self.free | absent | open_
        asked = self.asked
        distinct = dict.fromkeys(required)
        extra = [w for w in distinct if w not in asked and w not in free]
        named = [w for w in distinct if w in asked]
        t_cov = len(named) / (len(named) + len(extra)) if named or extra else 0.0
        structure = BILLABLE_BONUS if billable else -HEADER_PENALTY
        if not extra and not vague and UNSPECIFIED.search(text):
            structure += DEFAULT_BONUS  # between equally full readings, the default code
        for key, value in query.detail.items():
            if value in req_set or (
                key == "side" and value == "bilateral" and "bilateral" in req_set
            ):
                structure += AGREE_BONUS
            if req_set & CONFLICTS.get(key, {}).get(value, set()):
                structure -= CONFLICT_PENALTY
        structure -= CONFLICT_PENALTY * conflict + VAGUE_PENALTY * vague
        if via != "title":
            structure -= INCLUSION_PENALTY
        total = W_QUERY * q_cov + W_TITLE * t_cov + structure
        return Scored(
            round(total, 4),
            text,
            via,
            matched,
            missing,
            extra,
            {"query": round(q_cov, 3), "title": round(t_cov, 3), "structure": round(structure, 3)},
        )


def score(query: Query, title: str, extra: str, billable: bool) -> Scored:
    """The best reading of a code: its title or one of its inclusion terms."""
    return Scorer(query).score(title, extra, billable)
