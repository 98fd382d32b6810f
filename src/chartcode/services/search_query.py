"""Reading a search query the way a coder would: abbreviations, lay words, spelling, detail.

Contract: ``analyse(text, known=None)`` returns a ``Query``: the query cut into ``units``
(a word, a lay phrase or an abbreviation), each with its ``alternatives`` (word tuples in
match form: US spelling, plural folded), and the ``detail`` the query carries (side,
encounter, open/closed, displacement, healing) that tabular verification uses to pick among
codes. ``known(word) -> bool`` tells whether the reference vocabulary has a word; unknown words
are corrected by the caller-supplied ``correct(word) -> str | None`` (spelling against the
store's own words). Nothing here touches the store.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache

from chartcode.lexicon.language import (
    abbreviations,
    adjective_nouns,
    is_word_like,
    lay_terms,
    normalise_spelling,
    resolve,
    stem,
)

TOKEN = re.compile(r"[A-Za-z0-9]+(?:[/'’-][A-Za-z0-9]+)*|&")
MAX_PHRASE = 5

# Words that join other words and carry no concept of their own in a title match.
STOP_WORDS = frozenset(
    {
        "a", "an", "the", "of", "and", "or", "in", "on", "at", "to", "for", "by", "with", "w",
        "as", "is", "was", "has", "had", "pt", "patient", "his", "her", "presents",
        "presenting", "present", "c/o", "complains", "complaining",
    }
)  # fmt: skip

# Detail words: what the query says about side, encounter and the fracture, in match form.
SIDES = {"right": "right", "rt": "right", "left": "left", "lt": "left", "bilateral": "bilateral"}
BOTH_SIDES = ("both", "bilat")
ENCOUNTER_WORDS = {
    "initial": "initial",
    "first": "initial",
    "new": "initial",
    "subsequent": "subsequent",
    "follow-up": "subsequent",
    "followup": "subsequent",
    "sequela": "sequela",
    "sequelae": "sequela",
}
ENCOUNTER_PHRASES = {
    ("follow", "up"): "subsequent",
    ("late", "effect"): "sequela",
    ("late", "effects"): "sequela",
}
FRACTURE_DETAIL = {
    "open": ("open", "open"),
    "compound": ("open", "open"),
    "closed": ("open", "closed"),
    "displaced": ("displacement", "displaced"),
    "nondisplaced": ("displacement", "nondisplaced"),
    "non-displaced": ("displacement", "nondisplaced"),
    "routine": ("healing", "routine"),
    "delayed": ("healing", "delayed"),
    "nonunion": ("healing", "nonunion"),
    "malunion": ("healing", "malunion"),
}


@lru_cache(maxsize=1 << 16)
def match_form(word: str) -> str:
    """The form words are compared in: lower case, US spelling, plural folded.

    Memoised: the same few thousand words recur in every title and query.
    """
    w = word.lower().replace("’", "'")
    return stem(normalise_spelling(w))


@dataclass(frozen=True, slots=True)
class Unit:
    """One concept of the query: what was typed and the word sequences that mean it."""

    surface: str
    kind: str  # word | lay | abbreviation | number
    alternatives: tuple[tuple[str, ...], ...]
    note: str | None = None  # "CHF = congestive heart failure", "heart attack -> myocardial ..."
    negated: bool = False  # said after "without": matched by a title's "without ..." clause

    @property
    def words(self) -> frozenset[str]:
        return frozenset(w for alt in self.alternatives for w in alt)


@dataclass(frozen=True, slots=True)
class Query:
    text: str
    units: list[Unit]
    detail: dict[str, str] = field(default_factory=dict)
    corrections: dict[str, str] = field(default_factory=dict)

    @property
    def words(self) -> frozenset[str]:
        """Every word any unit may match, in match form."""
        return frozenset(w for u in self.units for w in u.words)

    def describe(self) -> list[str]:
        out = [u.note for u in self.units if u.note]
        out += [f"{k} corrected to {v}" for k, v in self.corrections.items()]
        return out


def _tokens(text: str) -> list[str]:
    return TOKEN.findall(text)


def _phrase_key(tokens: list[str]) -> str:
    return " ".join(t.lower() for t in tokens)


def _alt(phrase: str) -> tuple[str, ...]:
    return tuple(match_form(w) for w in _tokens(phrase) if w.lower() not in STOP_WORDS)


def _is_letter_name(token: str) -> bool:
    """A capital letter that names a type ("Hepatitis A", "influenza B"), not the article."""
    return len(token) == 1 and token.isupper()


@cache
def _lexicon_words() -> frozenset[str]:
    """Every word of a lay phrase or abbreviation: known words, never "corrected"."""
    keys = list(lay_terms()) + list(abbreviations())
    return frozenset(w for k in keys for w in k.split())


def is_detail(token: str) -> bool:
    low = token.lower()
    return low in SIDES or low in BOTH_SIDES or low in ENCOUNTER_WORDS or low == "encounter"


def analyse(
    text: str,
    correct: Callable[[str], str | None] | None = None,
) -> Query:
    raw = _tokens(text)
    corrections: dict[str, str] = {}
    lay = lay_terms()
    abbr = abbreviations()
    tokens = [_spelled(t, lay, abbr, correct, corrections) for t in raw]
    lowered = " ".join(t.lower() for t in tokens)
    # Side and encounter words may sit inside a phrase ("broken left wrist"): phrases are
    # read over the other words, and the detail words become units of their own.
    core = [t for t in tokens if not is_detail(t)]
    units: list[Unit] = []
    i = 0
    while i < len(core):
        unit, used = _phrase_unit(core, i, lay, abbr, lowered)
        if unit is None:
            unit, used = _word_unit(core[i], lay, abbr, lowered), 1
        if unit is not None:
            units.append(unit)
        i += used
    units += [Unit(t, "word", ((match_form(t),),)) for t in tokens if is_detail(t)]
    return Query(text, _negate(text, units), _detail(tokens), corrections)


def _negate(text: str, units: list[Unit]) -> list[Unit]:
    """Units inside a "without ..." phrase (to the next comma) are said to be absent."""
    negated: set[str] = set()
    for clause in re.finditer(r"\bwithout\b([^,;]*)", text, re.I):
        negated.update(t.lower() for t in _tokens(clause.group(1)))
    out = []
    for u in units:
        if u.surface.lower() == "without":
            continue
        words = {t.lower() for t in _tokens(u.surface)}
        out.append(replace(u, negated=True) if words and words <= negated else u)
    return out


def _spelled(
    token: str,
    lay: dict[str, list[str]],
    abbr: dict[str, list],
    correct: Callable[[str], str | None] | None,
    corrections: dict[str, str],
) -> str:
    """The token in US spelling, or corrected against the store's words when unknown."""
    low = token.lower()
    if low in STOP_WORDS or low in _lexicon_words() or is_detail(token):
        return token
    spelled = normalise_spelling(low)
    if spelled != low:
        corrections[token] = spelled
        return spelled
    if correct is not None and len(low) >= 5 and low.isalpha():
        fixed = correct(match_form(low))
        if fixed and fixed != match_form(low):
            corrections[token] = fixed
            return fixed
    return token


def _phrase_unit(
    tokens: list[str], i: int, lay: dict[str, list[str]], abbr: dict[str, list], context: str
) -> tuple[Unit | None, int]:
    """The longest lay phrase or multi-word abbreviation starting at token ``i``."""
    for n in range(min(MAX_PHRASE, len(tokens) - i), 1, -1):
        span = tokens[i : i + n]
        key = _phrase_key(span)
        spelled = " ".join(normalise_spelling(t.lower()) for t in span)
        for k in dict.fromkeys((key, spelled)):
            if k in abbr:
                return _abbreviation_unit(" ".join(span), k, context), n
            if k in lay:
                return _lay_unit(" ".join(span), k, lay[k]), n
    return None, 1


def _word_unit(
    token: str, lay: dict[str, list[str]], abbr: dict[str, list], context: str
) -> Unit | None:
    low = token.lower()
    if low in STOP_WORDS and not _is_letter_name(token):
        return None
    if low in abbr and (token.isupper() or not is_word_like(low)) and len(low) > 1:
        return _abbreviation_unit(token, low, context)
    if low in lay:
        return _lay_unit(token, low, lay[low])
    if token.isdigit():
        return Unit(token, "number", ((token,),))
    noun = adjective_nouns().get(low)
    if noun:
        return Unit(token, "word", ((match_form(low),), _alt(noun)), f"{token} -> {noun}")
    return Unit(token, "word", ((match_form(low),),))


def _abbreviation_unit(surface: str, key: str, context: str) -> Unit:
    senses = resolve(key, context)
    best = senses[0]
    alts = [_alt(best.expansion)]
    # The expansion may itself be a lay or older term ("cerebrovascular accident" is coded as
    # a cerebral infarction): its clinical wordings are readings too.
    alts += [_alt(c) for c in lay_terms().get(best.expansion, [])[:2]]
    # The typed form stays an alternative: titles print some abbreviations (HIV, NSTEMI).
    alts.append((match_form(key),))
    return Unit(
        surface,
        "abbreviation",
        tuple(a for a in dict.fromkeys(alts) if a),
        f"{surface} = {best.expansion}",
    )


def _lay_unit(surface: str, key: str, clinical: list[str]) -> Unit:
    alts = [_alt(c) for c in clinical[:3]] + [_alt(key)]
    return Unit(
        surface,
        "lay",
        tuple(a for a in dict.fromkeys(alts) if a),
        f"{surface} -> {clinical[0]}",
    )


def _detail(tokens: list[str]) -> dict[str, str]:
    """Side, encounter and fracture detail stated in the query (what verification needs)."""
    low = [t.lower() for t in tokens]
    detail: dict[str, str] = {}
    for i, w in enumerate(low):
        if w in SIDES:
            detail["side"] = SIDES[w] if detail.get("side") in (None, SIDES[w]) else "bilateral"
        elif w in BOTH_SIDES:
            detail["side"] = "bilateral"
        if w in ENCOUNTER_WORDS:
            detail["encounter"] = ENCOUNTER_WORDS[w]
        pair = low[i : i + 2]
        if len(pair) == 2 and (pair[0], pair[1]) in ENCOUNTER_PHRASES:
            detail["encounter"] = ENCOUNTER_PHRASES[(pair[0], pair[1])]
        if w in FRACTURE_DETAIL:
            key, value = FRACTURE_DETAIL[w]
            detail[key] = value
    if "healing" in detail and "encounter" not in detail:
        detail["encounter"] = "subsequent"  # routine or delayed healing is said only then
    return detail
