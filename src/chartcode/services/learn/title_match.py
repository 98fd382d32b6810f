"""How much of a candidate code's official title the note writes: at its evidence, and anywhere.

A learned phrase points to every code it went with in training ("kidney" to N20.0 and
N28.89); the note usually names only one of them in the words of its title. Two features say
which: the overlap between the title's words and the words of the sentence holding the
candidate's evidence, and the best overlap over all the note's sentences. Overlap is the
cosine of the two sets of normalised word forms (stop words and words of two letters or fewer
left out). Titles come from the store, never from training text.

Measured on the CodiEsp splits, over the same candidates: dev D MAP +0.005, P MAP +0.01 (with
10-fold cross-fitting, 0.555 -> 0.562 and 0.448 -> 0.467 in `learn_eval.py`). The same two
features read as sentence-embedding cosines (all-MiniLM-L6-v2) gained about 0.003 D MAP and
0.01 P MAP more, but need torch and 0.1 s a report, which would take suggestion throughput
under 10 reports a second on two cores; word overlap is kept.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections.abc import Callable, Sequence

from chartcode.services.search_query import match_form
from chartcode.services.suggest.sentences import Span, split
from chartcode.store.learned_model import CodeKey

Titles = Callable[[CodeKey], str | None]

_WORD = re.compile(r"[a-z]+")
_STOP = frozenset(
    {
        "and", "the", "with", "without", "for", "not", "other", "unspecified", "specified",
        "elsewhere", "classified", "due", "from", "into", "via", "site", "type",
    }
)  # fmt: skip
MISSING = -1.0  # no title, or no evidence to place


def words(text: str) -> frozenset[str]:
    return frozenset(
        match_form(w) for w in _WORD.findall(text.lower()) if len(w) > 2 and w not in _STOP
    )


def overlap(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / math.sqrt(len(a) * len(b)) if a and b else 0.0


class NoteWords:
    """A note's sentences as word sets, found by character offset.

    ``spans``: the note's sentences when the caller has already split it.
    """

    def __init__(self, text: str, spans: Sequence[Span] | None = None) -> None:
        spans = split(text) if spans is None else spans
        self.starts = [s.start for s in spans]
        self.sentences = [words(text[s.start : s.end]) for s in spans]

    def features(self, title: frozenset[str] | None, at: int | None) -> list[float]:
        """[overlap with the sentence at offset ``at``, best overlap over the note]."""
        if not title:
            return [MISSING, MISSING]
        best = max((overlap(title, s) for s in self.sentences), default=0.0)
        i = bisect_right(self.starts, at) - 1 if at is not None else -1
        here = overlap(title, self.sentences[i]) if i >= 0 else MISSING
        return [here, best]


class TitleWords:
    """Word sets of code titles, each read once from ``titles``."""

    def __init__(self, titles: Titles | None) -> None:
        self.titles = titles
        self._seen: dict[CodeKey, frozenset[str] | None] = {}

    def __call__(self, key: CodeKey, given: str | None = None) -> frozenset[str] | None:
        """The title words of ``key``; ``given`` is a title already at hand (the dictionary's)."""
        if key not in self._seen:
            title = given or (self.titles(key) if self.titles else None)
            self._seen[key] = words(title) if title else None
        return self._seen[key]
