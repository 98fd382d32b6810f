"""ConText-style context for a mention: negated, possible, historical, family, hypothetical.

Contract: ``Context.of(sentence_text)`` reads a sentence once (triggers found, their scopes
drawn) and ``.at(start, end)`` answers for a mention inside it (offsets relative to the
sentence): the ``ContextHit``s whose scope covers the mention, each with its trigger word and
offsets. The rules are data: ``lexicon/data/context_triggers.tsv`` (trigger, category,
direction, max_scope, note), after Chapman et al.'s ConText algorithm as medspaCy keeps it:

* a trigger's scope runs forward (or backward, or both) from the trigger to the end of the
  sentence, stopped early by a ``terminate`` trigger ("but", "however", ";") or by another
  trigger of a different category, and never longer than ``max_scope`` tokens when given;
* ``pseudo`` triggers ("no change", "gram negative") match first and fire nothing, so the
  shorter trigger inside them ("no") does not fire either;
* the longest trigger at a position wins.

medspaCy itself was not used: it pulls in spaCy and its models (hundreds of MB and seconds of
start-up) for the one component we need, and the rules below measure well on the team's
annotated sentences (``benchmarks/context_eval.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from chartcode.lexicon.tsv import LexiconDataError, rows

TRIGGERS_FILE = "context_triggers.tsv"
TRIGGERS_HEADER = ("trigger", "category", "direction", "max_scope", "note")
MODIFIERS = ("negated", "possible", "historical", "family", "hypothetical")
_TOKEN = re.compile(r"[A-Za-z0-9]+(?:['’/\-][A-Za-z0-9]+)*|;")
_COORDINATORS = frozenset({"or", "and", "nor"})


class Category(StrEnum):
    NEGATED = "negated"
    POSSIBLE = "possible"
    HISTORICAL = "historical"
    FAMILY = "family"
    HYPOTHETICAL = "hypothetical"
    TERMINATE = "terminate"
    PSEUDO = "pseudo"


@dataclass(frozen=True, slots=True)
class Trigger:
    words: tuple[str, ...]
    category: Category
    direction: str  # forward, backward, bidirectional, terminate, pseudo
    max_scope: int | None
    line: int


@dataclass(frozen=True, slots=True)
class ContextHit:
    category: str
    trigger: str  # as written in the text
    start: int  # trigger offsets, relative to what was read
    end: int
    rule: str  # "context_triggers.tsv:LINE"

    def to_dict(self) -> dict[str, object]:
        return {
            "category": self.category,
            "trigger": self.trigger,
            "start": self.start,
            "end": self.end,
            "rule": self.rule,
        }


@cache
def triggers() -> dict[str, list[Trigger]]:
    """Triggers keyed by their first word, longest first."""
    table: dict[str, list[Trigger]] = {}
    for line, (literal, category, direction, max_scope, _note) in rows(
        TRIGGERS_FILE, TRIGGERS_HEADER
    ):
        words = tuple(w.lower() for w in _TOKEN.findall(literal))
        if not words:
            raise LexiconDataError(f"{TRIGGERS_FILE} line {line}: empty trigger")
        try:
            cat = Category(category)
        except ValueError as exc:
            raise LexiconDataError(f"{TRIGGERS_FILE} line {line}: category {category!r}") from exc
        if direction not in ("forward", "backward", "bidirectional", "terminate", "pseudo"):
            raise LexiconDataError(f"{TRIGGERS_FILE} line {line}: direction {direction!r}")
        scope = int(max_scope) if max_scope else None
        table.setdefault(words[0], []).append(Trigger(words, cat, direction, scope, line))
    for found in table.values():
        found.sort(key=lambda t: -len(t.words))
    return table


@dataclass(frozen=True, slots=True)
class _Fired:
    trigger: Trigger
    first: int  # token indexes of the trigger, inclusive
    last: int
    start: int  # character offsets
    end: int


class Context:
    """The context triggers of one sentence and the token ranges they cover."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = [(m.start(), m.end(), m.group().lower()) for m in _TOKEN.finditer(text)]
        self.fired = self._fire()
        self.scopes = [(f, *self._scope(f)) for f in self.fired if f.trigger.category in MODIFIERS]

    @classmethod
    def of(cls, text: str) -> Context:
        return cls(text)

    def at(self, start: int, end: int) -> list[ContextHit]:
        """Modifiers whose scope covers the mention at ``start:end`` (offsets in the text)."""
        first = last = None
        for i, (s, e, _) in enumerate(self.tokens):
            if e > start and s < end:
                first = i if first is None else first
                last = i
        if first is None or last is None:
            return []
        out: list[ContextHit] = []
        seen: set[str] = set()
        for fired, lo, hi in self.scopes:
            if fired.first <= last and fired.last >= first:
                continue  # the mention contains its own trigger word ("non-tender" stays)
            if lo <= first and last <= hi or lo <= first <= hi:
                cat = fired.trigger.category.value
                if cat in seen:
                    continue
                seen.add(cat)
                out.append(
                    ContextHit(
                        cat,
                        self.text[fired.start : fired.end],
                        fired.start,
                        fired.end,
                        f"{TRIGGERS_FILE}:{fired.trigger.line}",
                    )
                )
        return out

    def _fire(self) -> list[_Fired]:
        table = triggers()
        words = [w for _, _, w in self.tokens]
        out: list[_Fired] = []
        i = 0
        while i < len(words):
            for t in table.get(words[i], ()):
                n = len(t.words)
                if tuple(words[i : i + n]) == t.words:
                    out.append(
                        _Fired(t, i, i + n - 1, self.tokens[i][0], self.tokens[i + n - 1][1])
                    )
                    i += n
                    break
            else:
                i += 1
        return [f for f in out if f.trigger.category is not Category.PSEUDO]

    def _list_closed(self, first: int, last: int) -> int:
        """The last token of a negated list that an "or"/"and" has closed before a comma.

        "No signs of obesity or malnutrition, pale skin": the list the negation governs ends
        with its coordinator, and what follows the comma is another finding, present. An open
        list ("no fever, chills or cough") runs on past its commas to the coordinator.
        """
        closed = False
        for k in range(first, last):
            closed = closed or self.tokens[k][2] in _COORDINATORS
            if closed and "," in self.text[self.tokens[k][1] : self.tokens[k + 1][0]]:
                return k
        return last

    def _scope(self, fired: _Fired) -> tuple[int, int]:
        """(first, last) token index covered by a modifier's scope."""
        t = fired.trigger
        n = len(self.tokens)
        lo, hi = fired.last + 1, fired.first - 1  # empty unless a direction opens it
        stops = [
            f
            for f in self.fired
            if f is not fired
            and (f.trigger.category is Category.TERMINATE or f.trigger.category != t.category)
        ]
        if t.direction in ("forward", "bidirectional"):
            hi = n - 1
            for f in stops:
                if f.first > fired.last:
                    hi = min(hi, f.first - 1)
            if t.max_scope is not None:
                hi = min(hi, fired.last + t.max_scope)
            if t.category is Category.NEGATED:
                hi = self._list_closed(fired.last + 1, hi)
        if t.direction in ("backward", "bidirectional"):
            lo = 0
            for f in stops:
                if f.last < fired.first:
                    lo = max(lo, f.last + 1)
            if t.max_scope is not None:
                lo = max(lo, fired.first - t.max_scope)
            if t.direction == "backward":
                hi = fired.first - 1
        if t.direction == "forward":
            lo = fired.last + 1
        return lo, hi
