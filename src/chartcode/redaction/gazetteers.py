"""The packaged word lists of ``redaction/data``: names, places, facilities and ID labels.

Each file states its source in its header. They are read once per process with
``importlib.resources`` and shared by every redaction; nothing here looks at a note.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from chartcode.redaction.document import WORD, Document, triggers, word_key
from chartcode.redaction.entities import EntityType
from chartcode.redaction.wordlists import lines, table


class PhraseIndex:
    """Multi-word phrases looked up from their first word, longest match first."""

    def __init__(self, phrases: Iterator[str] | list[str], case_sensitive: bool = False) -> None:
        self.case_sensitive = case_sensitive
        self._by_first: dict[str, list[tuple[str, ...]]] = {}
        for phrase in phrases:
            words = tuple(self._norm(w) for w in WORD.findall(phrase))
            if words:
                self._by_first.setdefault(words[0], []).append(words)
        for options in self._by_first.values():
            options.sort(key=len, reverse=True)
        # The first words in lower case: ``Document.where(index.starts)`` gives the only
        # places a phrase can begin, so a detector need not try every word.
        self.starts = triggers(word_key(w) for w in self._by_first)

    def _norm(self, word: str) -> str:
        return word.replace("’", "'") if self.case_sensitive else word_key(word)

    def match(self, doc: Document, i: int) -> int:
        """How many words of ``doc`` from word ``i`` form a phrase (0 when none)."""
        words = doc.words if self.case_sensitive else doc.keys
        options = self._by_first.get(words[i])
        if not options:
            return 0
        for phrase in options:
            n = len(phrase)
            if i + n > len(words):
                continue
            if all(words[i + k] == phrase[k] and _joined(doc.gap(i + k)) for k in range(1, n)):
                return n
        return 0

    def __contains__(self, phrase: str) -> bool:
        words = tuple(self._norm(w) for w in WORD.findall(phrase))
        return bool(words) and words in self._by_first.get(words[0], [])


def _joined(gap: str) -> bool:
    """Two words of one phrase: "St. Louis", "Baylor Scott & White"."""
    return 0 < len(gap) <= 3 and not gap.strip(" .&")


@dataclass(frozen=True)
class IdLabel:
    """A label before an identifying number ("MRN", "member ID"): see ``data/id_labels.tsv``."""

    type: EntityType
    strong: bool
    words: tuple[str, ...]  # the label's possible first words, lower case
    pattern: str


@dataclass(frozen=True)
class Gazetteers:
    """Every packaged list, parsed."""

    first_names: dict[str, str]  # lower-case name -> "F", "M" or "U"
    surnames: frozenset[str]
    common_words: frozenset[str]
    cities: PhraseIndex
    city_rows: tuple[tuple[str, str, str], ...]  # (name, country, admin), largest first
    facility_brands: PhraseIndex
    weak_facility_brands: PhraseIndex
    facility_heads: PhraseIndex
    id_labels: tuple[IdLabel, ...]
    ordered_first_names: tuple[tuple[str, str], ...]  # (Name, sex), most frequent first
    ordered_surnames: tuple[str, ...]

    def is_first_name(self, word: str) -> bool:
        return word.lower() in self.first_names

    def is_surname(self, word: str) -> bool:
        return word.lower() in self.surnames

    def is_common(self, word: str) -> bool:
        return word.lower() in self.common_words


@cache
def gazetteers() -> Gazetteers:
    first = [(n, s) for n, s in table("first_names.tsv", ("name", "sex"))]
    surnames = list(lines("surnames.txt"))
    cities = [tuple(r) for r in table("cities.tsv", ("name", "country", "admin"))]
    brands = list(lines("facilities.txt"))
    labels = [
        IdLabel(EntityType(t), cue == "strong", tuple(words.split("|")), label)
        for t, cue, words, label in table("id_labels.tsv", ("type", "cue", "words", "label"))
    ]
    for label in labels:
        re.compile(label.pattern)  # a bad pattern is a packaging bug: fail at first use
    return Gazetteers(
        first_names={n.lower(): s for n, s in first},
        surnames=frozenset(s.lower() for s in surnames),
        common_words=frozenset(w.lower() for w in lines("common_words.txt")),
        cities=PhraseIndex([c[0] for c in cities]),
        city_rows=tuple((c[0], c[1], c[2]) for c in cities),
        facility_brands=PhraseIndex([b for b in brands if not b.startswith("?")], True),
        weak_facility_brands=PhraseIndex([b[1:] for b in brands if b.startswith("?")], True),
        facility_heads=PhraseIndex(list(lines("facility_heads.txt")), True),
        id_labels=tuple(labels),
        ordered_first_names=tuple(first),
        ordered_surnames=tuple(surnames),
    )
