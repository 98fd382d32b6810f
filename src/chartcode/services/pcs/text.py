"""Words of a procedure description with their character offsets, and phrases found in them.

Contract: ``Text(raw)`` splits a description into lower-case word tokens (letters, digits,
``&`` and apostrophes; hyphens and slashes separate words, so "C-section" is "c section" and
"L5-S1" is "l5 s1"), each with its offsets in ``raw`` and a singular form. ``find(phrase)``
returns every place a phrase's words occur in a row; ``near(i, j)`` says whether two tokens
are within a clause-sized window. Everything that reads a text for the builder goes through
this, so the evidence offsets of every axis point into the text the user typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

_TOKEN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9&']*[A-Za-z0-9])?")

# Words the matcher ignores inside a phrase or a label ("Knee Joint, Right" is knee, joint).
STOPWORDS = frozenset({"a", "an", "and", "the", "of", "with", "without", "in", "on", "to", "for"})

# How far apart (in tokens) two words of one phrase or label may be and still be read together.
WINDOW = 6


def singular(word: str) -> str:
    """A light singular form: enough to read "vertebrae", "arteries", "joints" as labels say."""
    if word.endswith("'s"):
        return word[:-2]
    if len(word) <= 3 or word.endswith(("ss", "us", "is", "ous")):
        return word
    if word.endswith("ae"):
        return word[:-1]
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "xes", "ses")):
        return word[:-2]
    if word.endswith("s"):
        return word[:-1]
    return word


def words(phrase: str) -> list[str]:
    """The tokens of a phrase as the matcher compares them (lower case, singular)."""
    return [singular(m.group(0).lower()) for m in _TOKEN.finditer(phrase)]


def content_words(phrase: str) -> list[str]:
    return [w for w in words(phrase) if w not in STOPWORDS]


@dataclass(frozen=True, slots=True)
class Token:
    index: int
    start: int
    end: int
    lower: str  # as written, lower case
    word: str  # singular form


@dataclass(frozen=True, slots=True)
class Span:
    """Words of the text: ``raw[start:end]`` and the token range they cover."""

    start: int
    end: int
    first: int  # token index of the first word
    last: int  # token index of the last word

    def text(self, raw: str) -> str:
        return raw[self.start : self.end]


class Text:
    """A description as tokens, with phrase look-up by words."""

    def __init__(self, raw: str) -> None:
        self.raw = raw
        self.tokens = [
            Token(i, m.start(), m.end(), m.group(0).lower(), singular(m.group(0).lower()))
            for i, m in enumerate(_TOKEN.finditer(raw))
        ]

    @cached_property
    def positions(self) -> dict[str, list[int]]:
        """Token indexes of each word (singular form and as written)."""
        out: dict[str, list[int]] = {}
        for t in self.tokens:
            out.setdefault(t.word, []).append(t.index)
            if t.lower != t.word:
                out.setdefault(t.lower, []).append(t.index)
        return out

    def span(self, first: int, last: int) -> Span:
        return Span(self.tokens[first].start, self.tokens[last].end, first, last)

    def snippet(self, span: Span) -> str:
        return span.text(self.raw)

    def find(self, phrase: str | list[str]) -> list[Span]:
        """Every place the words of ``phrase`` occur one after another."""
        ws = words(phrase) if isinstance(phrase, str) else phrase
        if not ws:
            return []
        out: list[Span] = []
        for i in self.positions.get(ws[0], []):
            j = i + len(ws) - 1
            if j < len(self.tokens) and all(
                ws[k] in (self.tokens[i + k].word, self.tokens[i + k].lower) for k in range(len(ws))
            ):
                out.append(self.span(i, j))
        return out

    def has(self, word: str) -> bool:
        return word in self.positions

    def first_of(self, candidates: list[str]) -> Span | None:
        """The earliest occurrence of any of the phrases, or None."""
        found = [s for c in candidates for s in self.find(c)]
        return min(found, key=lambda s: s.start) if found else None
