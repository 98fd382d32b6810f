"""One text split into words once, so that every detector reads the same tokens.

Detectors that reason about words (names, places) need each word's neighbours, the gap between
two words and whether a word starts a sentence; computing these once per document keeps
redaction above 1 MB/s.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from chartcode.redaction.wordlists import word_list

# Letters (any script: "José", "Janković") with inner apostrophes and hyphens: "O'Brien",
# "Cedars-Sinai", "Smith's".
WORD = re.compile(r"[^\W\d_][^\W\d_'’-]*(?:['’-][^\W\d_]+)*")
_DIGITS = re.compile(r"\d+")
_CODE_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#-")
_SENTENCE_BREAK = re.compile(r"[.!?:;\n]|^\s*[-*•]")
TITLES = word_list("titles")


_SPELLINGS = {"saint": "st", "mount": "mt", "fort": "ft"}
# Trigger word sets that detectors declare once (``triggers``): a document finds the words of
# all of them in a single pass over its words, instead of one pass per set.
_TRIGGER_IDS: dict[int, int] = {}
_TRIGGERS_OF: dict[str, list[int]] = {}


def triggers(words: Iterable[str]) -> frozenset[str]:
    """Declare a set of lower-case trigger words; pass the result to ``Document.where``."""
    keys = frozenset(words)
    number = len(_TRIGGER_IDS)
    _TRIGGER_IDS[id(keys)] = number
    for k in keys:
        _TRIGGERS_OF.setdefault(k, []).append(number)
    return keys


def word_key(word: str) -> str:
    """Words compare without case, apostrophe style or "St."/"Saint" spelling."""
    w = word.lower()
    if "’" in w:
        w = w.replace("’", "'")
    return _SPELLINGS.get(w, w)


@dataclass(slots=True)
class Document:
    """The text and its words: ``starts[i]``, ``ends[i]`` and ``words[i]`` of word ``i``."""

    text: str
    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)
    words: list[str] = field(default_factory=list)
    _index: dict[str, list[int]] | None = None
    _hits: list[list[int]] | None = None
    _numbers: tuple[list[int], list[int]] | None = None
    _lower: str | None = None
    _keys: list[str] | None = None
    _capitals: list[int] | None = None
    _runs: list[tuple[int, int]] | None = None

    @classmethod
    def of(cls, text: str) -> Document:
        spans = [m.span() for m in WORD.finditer(text)]
        return cls(
            text,
            [s for s, _ in spans],
            [e for _, e in spans],
            [text[s:e] for s, e in spans],
        )

    def __len__(self) -> int:
        return len(self.words)

    @property
    def lower(self) -> str:
        if self._lower is None:
            self._lower = self.text.lower()
        return self._lower

    def where(self, keys: frozenset[str]) -> list[int]:
        """Indices of the words whose lower-case form is one of ``keys``, in text order.

        Detectors try their keyword patterns only there, instead of scanning the whole text
        once per pattern: this is what keeps redaction above 1 MB/s.
        """
        number = _TRIGGER_IDS.get(id(keys))
        if number is not None:
            hits = self._hits
            if hits is None or number >= len(hits):
                hits = self._hits = self._trigger_hits()
            return hits[number]
        index = self._index
        if index is None:
            index = self._index = {}
            for i, k in enumerate(self.keys):
                if k in index:
                    index[k].append(i)
                else:
                    index[k] = [i]
        if len(keys) < len(index):
            found = [i for k in keys if k in index for i in index[k]]
        else:
            found = [i for w, where in index.items() if w in keys for i in where]
        found.sort()
        return found

    def _trigger_hits(self) -> list[list[int]]:
        """For every declared trigger set, the indices of its words: one pass over the words."""
        hits: list[list[int]] = [[] for _ in _TRIGGER_IDS]
        of = _TRIGGERS_OF
        for i, k in enumerate(self.keys):
            groups = of.get(k)
            if groups:
                for g in groups:
                    hits[g].append(i)
        return hits

    @property
    def keys(self) -> list[str]:
        """Each word as gazetteers compare it: lower case, one apostrophe, "St" for "Saint"."""
        if self._keys is None:
            lower = self.lower
            if "’" in lower:
                lower = lower.replace("’", "'")
            get = _SPELLINGS.get
            keys = [lower[s:e] for s, e in zip(self.starts, self.ends, strict=True)]
            self._keys = [get(k, k) for k in keys]
        return self._keys

    @property
    def capitals(self) -> list[int]:
        """Indices of the words that start with a capital letter."""
        if self._capitals is None:
            self._capitals = [i for i, w in enumerate(self.words) if w[0].isupper()]
        return self._capitals

    @property
    def runs(self) -> list[tuple[int, int]]:
        """(start, end) of every run of digits."""
        if self._runs is None:
            self._runs = [m.span() for m in _DIGITS.finditer(self.text)]
        return self._runs

    def runs_followed_by(self, chars: str, lengths: range = range(1, 100)) -> list[int]:
        """Starts of digit runs of a length in ``lengths`` followed by one of ``chars``."""
        text, n = self.text, len(self.text)
        return [s for s, e in self.runs if e < n and e - s in lengths and text[e] in chars]

    @property
    def number_starts(self) -> list[int]:
        """Offsets where a token with digits may start.

        That is each digit run, and the "(", "+" or "#" just before one.
        """
        return self._number_candidates()[0]

    @property
    def code_starts(self) -> list[int]:
        """Offsets of tokens led by letters, "#" or "-" that go on into digits ("ST-998877")."""
        return self._number_candidates()[1]

    def _number_candidates(self) -> tuple[list[int], list[int]]:
        if self._numbers is None:
            text = self.text
            numbers: list[int] = []
            codes: list[int] = []
            for s, _ in self.runs:
                if s and text[s - 1] in "(+#":
                    numbers.append(s - 1)
                numbers.append(s)
                k = s
                while k > 0 and s - k < 12 and text[k - 1] in _CODE_CHARS:
                    k -= 1
                if k < s:
                    codes.append(k)
            self._numbers = (numbers, sorted(set(codes)))
        return self._numbers

    def gap(self, i: int) -> str:
        """The text between word ``i - 1`` and word ``i`` (from the start for word 0)."""
        return self.text[self.ends[i - 1] if i else 0 : self.starts[i]]

    def is_capitalised(self, i: int) -> bool:
        """An initial capital followed by lower case ("Smith", "McDonald"), not "CHF"."""
        w = self.words[i]
        if w.endswith(("'s", "’s")):  # "ANA's" is an abbreviation, "Smith's" a name
            w = w[:-2]
        return w[0].isupper() and (len(w) == 1 or not w.isupper())

    def is_initial(self, i: int) -> bool:
        """A single capital letter, with or without its full stop ("J." or "J")."""
        w = self.words[i]
        return len(w) == 1 and w.isupper()

    def starts_sentence(self, i: int) -> bool:
        if i == 0:
            return True
        gap = self.gap(i)
        if not _SENTENCE_BREAK.search(gap):
            return False
        # "Dr. Smith", "St. Louis", "J. Smith": a full stop after a title or an initial is not
        # the end of a sentence.
        prev = self.words[i - 1]
        return not (gap.strip() == "." and (prev.lower() in TITLES or len(prev) == 1))

    def adjacent(self, i: int, max_gap: int = 2) -> bool:
        """Word ``i`` follows word ``i - 1`` on the same line with only spaces or a full stop."""
        if i == 0 or i >= len(self.words):
            return False
        gap = self.gap(i)
        return 0 < len(gap) <= max_gap and gap.strip(" .") == "" and "\n" not in gap

    def previous_words(self, i: int, n: int) -> list[str]:
        """Up to ``n`` lower-cased words before word ``i``, nearest last."""
        return [w.lower() for w in self.words[max(0, i - n) : i]]

    def index_at(self, offset: int) -> int:
        """The index of the first word starting at or after ``offset``."""
        return bisect_left(self.starts, offset)


def matches_at(pattern: re.Pattern[str], text: str, starts: list[int]) -> Iterator[re.Match[str]]:
    """``pattern``'s non-overlapping matches that begin at one of ``starts`` (sorted)."""
    end = -1
    for p in starts:
        if p < end:
            continue
        m = pattern.match(text, p)
        if m:
            end = max(m.end(), p + 1)
            yield m
