"""The features a model learns from: word n-grams of a sentence, kept only as keyed hashes.

A model must not carry its training text (issue 12, privacy), so an n-gram is stored as an
8-byte BLAKE2b digest keyed with the model's own salt. The same function hashes a new text's
n-grams at suggestion time, which is how a learned phrase is found again, with its offsets,
in the text being coded: the evidence comes from the new text, never from the model.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass

from chartcode.services.search_query import match_form

MAX_N = 3
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:['’-][A-Za-z0-9]+)*|\d+(?:\.\d+)?")
# A phrase does not cross a sentence or clause boundary.
_BREAK = re.compile(r"[.;:!?\n()\[\]]|,\s")
# Words that neither start nor end a phrase: they join, they do not name.
EDGE_STOP = frozenset(
    {
        "a", "an", "the", "of", "and", "or", "in", "on", "at", "to", "for", "by", "with",
        "as", "is", "was", "were", "be", "been", "are", "his", "her", "he", "she", "it", "its",
        "this", "that", "which", "who", "from", "after", "before", "we", "our", "there",
        "had", "has", "have", "patient", "year", "old", "also", "then", "than", "into",
        "both", "not", "no",
    }
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Gram:
    key: bytes  # keyed hash of the normalised words
    start: int  # character offsets in the text the gram was read from
    end: int
    size: int  # number of words


def _words(text: str) -> Iterator[list[tuple[str, int, int]]]:
    """Runs of (form, start, end) between breaks."""
    run: list[tuple[str, int, int]] = []
    pos = 0
    for brk in [*_BREAK.finditer(text), None]:
        stop = brk.start() if brk else len(text)
        for m in _WORD.finditer(text, pos, stop):
            run.append((match_form(m.group()), m.start(), m.end()))
        if run:
            yield run
        run = []
        pos = brk.end() if brk else stop


def grams(text: str, salt: bytes) -> list[Gram]:
    """Every 1- to 3-word phrase of ``text`` that starts and ends on a meaningful word."""
    out: list[Gram] = []
    for run in _words(text):
        for i, (first, start, _) in enumerate(run):
            if first in EDGE_STOP or first.isdigit():
                continue
            for n in range(1, MAX_N + 1):
                if i + n > len(run):
                    break
                last = run[i + n - 1]
                if last[0] in EDGE_STOP:
                    continue
                words = " ".join(w for w, _, _ in run[i : i + n])
                out.append(Gram(hash_words(words, salt), start, last[2], n))
    return out


def hash_words(words: str, salt: bytes) -> bytes:
    return hashlib.blake2b(words.encode(), digest_size=8, key=salt).digest()
