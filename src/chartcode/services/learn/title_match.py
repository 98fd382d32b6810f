"""How much of a candidate code's official title the note writes: at its evidence, and anywhere.

A learned phrase points to every code it went with in training ("kidney" to N20.0 and
N28.89); the note usually names only one of them in the words of its title. Two features say
which: the overlap between the title's words and the words of the sentence holding the
candidate's evidence, and the best overlap over all the note's sentences. Overlap is the
cosine of the two sets of word forms, read as case coding reads a note (``words``). Titles
come from the store, never from training text.

Measured on the CodiEsp splits, over the same candidates: dev D MAP +0.005, P MAP +0.01 (with
10-fold cross-fitting, 0.555 -> 0.562 and 0.448 -> 0.467 in `learn_eval.py`). Reading
synonyms, anatomical adjectives and abbreviations ("abdominal CT" names "Computerized
Tomography (CT Scan) of Abdomen") added about 0.01 P MAP more. The same two features read as
sentence-embedding cosines (all-MiniLM-L6-v2) gained about 0.003 D MAP and 0.01 P MAP over
plain word overlap, but need torch and 0.1 s a report, which would take suggestion throughput
under 10 reports a second on two cores; word overlap is kept.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Callable, Sequence
from functools import lru_cache

from chartcode.lexicon.language import abbreviations, is_word_like
from chartcode.services.suggest.sentences import Span, split
from chartcode.services.suggest.vocabulary import STOP_WORDS, TOKEN, adjective_forms, normalise
from chartcode.store.learned_model import MISSING, CodeKey

Titles = Callable[[CodeKey], str | None]

_STOP = frozenset(
    {
        "and", "the", "with", "without", "for", "not", "other", "unspecified", "specified",
        "elsewhere", "classified", "due", "from", "into", "via", "site", "type",
    }
)  # fmt: skip


_WHERE_OR_HOW = frozenset(
    f
    for w in ("right", "left", "bilateral", "open", "approach", "percutaneous", "endoscopic",
              "external", "natural", "artificial", "opening")
    for f in normalise(w)
)  # fmt: skip


def words(text: str) -> frozenset[str]:
    """The normalised word forms of ``text``, as case coding reads a note's words.

    Spelling, plurals and synonyms folded ("renal" -> kidney), an anatomical adjective also
    read as its noun ("abdominal" -> abdomen), an abbreviation in capitals also read as its
    commonest expansion ("CT" -> computed tomography); stop words and forms of two letters or
    fewer left out.
    """
    return frozenset(f for token in TOKEN.findall(text) for f in _forms(token))


@lru_cache(maxsize=65536)
def _forms(token: str) -> tuple[str, ...]:
    forms = [*normalise(token), *adjective_forms(token)]
    senses = abbreviations().get(token.lower()) if token.isupper() and len(token) > 1 else None
    if senses and not is_word_like(token):
        forms += [f for w in TOKEN.findall(senses[0].expansion) for f in normalise(w)]
    return tuple(f for f in forms if len(f) > 2 and f not in STOP_WORDS and f not in _STOP)


def overlap(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / math.sqrt(len(a) * len(b)) if a and b else 0.0


class NoteWords:
    """A note's sentences as word sets, found by character offset.

    ``spans``: the note's sentences when the caller has already split it.
    """

    def __init__(self, text: str, spans: Sequence[Span] | None = None) -> None:
        spans = split(text) if spans is None else spans
        self.text = text
        self.spans = list(spans)
        self.starts = [s.start for s in spans]
        self.sentences = [words(text[s.start : s.end]) for s in spans]
        # Which sentences hold a word: a title is compared only with those sharing one.
        self.holding: dict[str, list[int]] = {}
        for i, sentence in enumerate(self.sentences):
            for w in sentence:
                self.holding.setdefault(w, []).append(i)
        # A similar case's code is read twice: where the note writes its title, then for the
        # title features.
        self._scores: dict[frozenset[str], dict[int, float]] = {}

    def features(self, title: frozenset[str] | None, at: int | None) -> list[float]:
        """[overlap with the sentence at offset ``at``, best overlap over the note]."""
        if not title:
            return [MISSING, MISSING]
        scores = self._overlaps(title)
        i = bisect_right(self.starts, at) - 1 if at is not None else -1
        here = scores.get(i, 0.0) if i >= 0 else MISSING
        return [here, max(scores.values(), default=0.0)]

    def written(self, title: frozenset[str] | None) -> tuple[float, int, int] | None:
        """(overlap, start, end): the sentence that writes most of ``title``, and where in it.

        The span runs from the first to the last word of the sentence that is a title word;
        one of them must say what the code is, not only a side or an approach.
        """
        if not title:
            return None
        scores = self._overlaps(title)
        if not scores:
            return None
        i = max(scores, key=lambda j: (scores[j], -j))
        span = self.spans[i]
        hits = [
            (m.span(), title.intersection(_forms(m.group())))
            for m in TOKEN.finditer(self.text, span.start, span.end)
        ]
        hits = [(at, named) for at, named in hits if named]
        # A side or an approach ("Right" of "Resection of Epididymis, Right, Open Approach")
        # says where or how, not what: it is no evidence for the code alone.
        if not hits or set().union(*(n for _, n in hits)) <= _WHERE_OR_HOW:
            return None
        return scores[i], hits[0][0][0], hits[-1][0][1]

    def _overlaps(self, title: frozenset[str]) -> dict[int, float]:
        """Overlap with ``title`` of each sentence sharing a word with it, by sentence index."""
        if title in self._scores:
            return self._scores[title]
        shared: dict[int, int] = {}
        for w in title:
            for i in self.holding.get(w, ()):
                shared[i] = shared.get(i, 0) + 1
        scores = {i: n / math.sqrt(len(title) * len(self.sentences[i])) for i, n in shared.items()}
        self._scores[title] = scores
        return scores


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
