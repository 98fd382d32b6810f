"""The glossary: plain meanings of medical word parts and terms, and finding them in text.

Entries live in ``data/glossary_*.tsv`` (term, kind, meaning), written by the project. A
``Glossary`` finds the terms of a title or descriptor (longest phrase first, plurals and
possessives folded), and splits an unknown medical word into the word parts it is built
from (chole + cyst + -ectomy), so an explanation can say what every hard word means and
point at the entry that says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from chartcode.lexicon.tsv import exists, rows

FILES = ("glossary_wordparts.tsv", "glossary_anatomy.tsv", "glossary_terms.tsv")
HEADER = ("term", "kind", "meaning")
WORD_PART_KINDS = frozenset({"prefix", "root", "suffix"})
MAX_PHRASE = 5
# Shortest word worth splitting into parts; shorter ones are everyday words or too ambiguous.
MIN_SPLIT = 8
COMBINING_VOWELS = "oia"
MIN_ROOT = 4

# A hyphenated compound is one token: "pre-sac" must not be read as the word "sac".
TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*(?:['’][A-Za-z]+)?|\d+[A-Za-z]*")


@dataclass(frozen=True, slots=True)
class Entry:
    term: str
    kind: str
    meaning: str
    file: str
    line: int

    @property
    def ref(self) -> str:
        return f"{self.file} line {self.line}"


@dataclass(frozen=True, slots=True)
class Match:
    """A glossary term found in a text: ``text[start:end]`` is the surface form."""

    start: int
    end: int
    surface: str
    entry: Entry


@dataclass(frozen=True, slots=True)
class Split:
    """An unknown word explained by its parts (each a prefix, root or suffix entry)."""

    word: str
    parts: tuple[Entry, ...]


def _singulars(word: str) -> list[str]:
    """Candidate singular forms, most likely first; medical endings are left alone."""
    out = [word]
    if word.endswith("ies") and len(word) > 4:
        out.append(word[:-3] + "y")
    if word.endswith("ae") and len(word) > 4:
        out.append(word[:-1])  # vertebrae -> vertebra
    if word.endswith("es") and len(word) > 4:
        out.append(word[:-2])
    if word.endswith("i") and len(word) > 4:
        out.append(word[:-1] + "us")  # bronchi -> bronchus
    if word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        out.append(word[:-1])
    return out


def _fold(token: str) -> str:
    """Lower case without possessive: "Colles'" and "Colles's" -> "colles"."""
    t = token.lower().replace("’", "'")
    if t.endswith("'s"):
        t = t[:-2]
    return t.rstrip("'")


class Glossary:
    def __init__(self, entries: list[Entry]) -> None:
        self.entries = entries
        self._by_key: dict[str, Entry] = {}
        self._prefixes: dict[str, Entry] = {}
        self._suffixes: dict[str, Entry] = {}
        self._roots: dict[str, Entry] = {}
        for e in entries:
            if e.kind == "prefix":
                self._prefixes.setdefault(e.term.strip("-").lower(), e)
            elif e.kind == "suffix":
                self._suffixes.setdefault(e.term.strip("-").lower(), e)
            elif e.kind == "root":
                bare, _, _vowel = e.term.lower().partition("/")
                self._roots.setdefault(bare, e)
            else:
                key = " ".join(_fold(t) for t in TOKEN.findall(e.term))
                self._by_key.setdefault(key, e)

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, term: str) -> Entry | None:
        key = " ".join(_fold(t) for t in TOKEN.findall(term))
        for k in _singulars(key):
            if k in self._by_key:
                return self._by_key[k]
        return None

    def find(self, text: str) -> list[Match]:
        """Glossary terms in ``text``, left to right, longest phrase first, none overlapping."""
        tokens = [(m.start(), m.end(), m.group()) for m in TOKEN.finditer(text)]
        out: list[Match] = []
        i = 0
        while i < len(tokens):
            for n in range(min(MAX_PHRASE, len(tokens) - i), 0, -1):
                words = [_fold(t[2]) for t in tokens[i : i + n]]
                last = words[-1]
                entry = None
                for singular in _singulars(last):
                    entry = self._by_key.get(" ".join([*words[:-1], singular]))
                    if entry:
                        break
                if entry is None:
                    continue
                if entry.kind == "abbreviation" and not tokens[i][2].isupper():
                    continue  # "ms" or "pe" in running text is not MS or PE
                start, end = tokens[i][0], tokens[i + n - 1][1]
                out.append(Match(start, end, text[start:end], entry))
                i += n - 1
                break
            i += 1
        return out

    def split(self, word: str) -> Split | None:
        """The word parts ``word`` is built from, when they cover it wholly (else None)."""
        w = _fold(word)
        if len(w) < MIN_SPLIT or not w.isalpha():
            return None
        parts = self._split(w, first=True)
        if not parts or len(parts) < 2:
            return None
        return Split(word, tuple(parts))

    def _split(self, w: str, first: bool) -> list[Entry] | None:
        # Ends with a suffix (or is one); prefixes only at the start; roots may be followed
        # by a combining vowel. The longest piece is tried first so "arthr" beats "art".
        if w in self._suffixes and not first:
            return [self._suffixes[w]]
        for size in range(len(w) - 1, 1, -1):
            head, rest = w[:size], w[size:]
            # Roots under four letters ("son", "col") match inside everyday words too often.
            root = self._roots.get(head) if size >= MIN_ROOT else None
            entry = (self._prefixes.get(head) if first else None) or root
            if entry is None:
                continue
            # The combining vowel the entry names (chol/e) or one of the usual ones.
            vowels = COMBINING_VOWELS + entry.term.partition("/")[2].lower()
            for tail in (rest, rest[1:] if rest[:1] and rest[0] in vowels else None):
                if not tail:
                    continue
                found = self._split(tail, first=False)
                if found:
                    return [entry, *found]
        return None


@cache
def glossary() -> Glossary:
    """The packaged glossary (files that are absent are skipped)."""
    entries: list[Entry] = []
    for name in FILES:
        if exists(name):
            entries += [Entry(t, k, m, name, n) for n, (t, k, m) in rows(name, HEADER)]
    return Glossary(entries)
