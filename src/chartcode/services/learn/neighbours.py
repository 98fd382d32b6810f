"""The training cases most like a new note, and which of a candidate's codes they carry.

A learned phrase says what a few words went with; a whole case says what kind of case this
is. A urology report of a prostate biopsy is coded like the other urology reports, whatever
its words for the findings. Each training case is kept as TF-IDF weights over its words (as
keyed hashes, like the phrases, and only words found in at least two cases); a new note's
nearest cases by cosine then vote for the candidates they were coded with. Three features
carry the vote: the similarity-weighted share of the nearest cases coded with the candidate,
their number, and the similarity of the closest. Their codes whose titles the note writes are
candidates too (``candidates.WRITTEN_TITLE``).

Measured on the CodiEsp dev split (`benchmarks/learn_eval.py`, 20 nearest cases, words only):
D MAP 0.562 -> 0.569, P MAP 0.467 -> 0.469.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np
from scipy import sparse

from chartcode.services.learn.phrases import Gram
from chartcode.store.learned_model import MISSING, CaseVectors, CodeKey

NEAREST = 20
MIN_CASES = 2  # a word in one case only could single that case out; it is not kept
# Weights are kept to 5 decimals; as whole numbers of 1e-5 their products sum exactly, whatever
# the order. The words' columns follow their keyed hashes, so that order changes with each
# model's salt, and summed as fractions the last bits of a cosine would change with it.
SCALE = 100_000
Nearest = Sequence[tuple[float, frozenset[CodeKey]]]  # (cosine, the case's codes)
Terms = dict[bytes, tuple[int, float]]  # a word's keyed hash -> (column, idf)


def word_counts(grams: Iterable[Gram]) -> Counter[bytes]:
    """A note's words (its one-word grams, stop words already left out) and their counts."""
    return Counter(g.key for g in grams if g.size == 1)


def fit(cases: Sequence[Counter[bytes]], labels: Sequence[Iterable[int]]) -> CaseVectors:
    """Case vectors from each case's word counts and label indices.

    Weights are sublinear term frequency (1 + log tf) times smoothed inverse document
    frequency, ln((1 + n) / (1 + df)) + 1, scaled to unit length.
    """
    df: Counter[bytes] = Counter()
    for c in cases:
        df.update(c.keys())
    n = len(cases)
    kept = sorted(k for k, m in df.items() if m >= MIN_CASES)
    terms: Terms = {
        k: (i, round(math.log((1 + n) / (1 + df[k])) + 1.0, 5)) for i, k in enumerate(kept)
    }
    return CaseVectors(terms, [_vector(c, terms) for c in cases], [sorted(set(v)) for v in labels])


def _vector(counts: Counter[bytes], terms: Terms) -> list[tuple[int, float]]:
    raw = [
        (terms[k][0], (1.0 + math.log(tf)) * terms[k][1]) for k, tf in counts.items() if k in terms
    ]
    norm = math.sqrt(sum(w * w for _, w in raw)) or 1.0
    return sorted((c, round(w / norm, 5)) for c, w in raw)


class Neighbours:
    """Finds a note's nearest training cases in ``vectors``; ``codes`` names their labels."""

    def __init__(self, vectors: CaseVectors, codes: Sequence[CodeKey]) -> None:
        self.terms = vectors.terms
        rows, cols, vals = [], [], []
        for r, v in enumerate(vectors.vectors):
            for c, w in v:
                rows.append(r)
                cols.append(c)
                vals.append(round(w * SCALE))
        self.matrix = sparse.csr_matrix(
            (vals, (rows, cols)), shape=(len(vectors.vectors), max(len(self.terms), 1))
        )
        self.labels = [frozenset(codes[i] for i in v) for v in vectors.labels]

    def nearest(self, counts: Counter[bytes]) -> Nearest:
        """The ``NEAREST`` most similar cases with some word in common: (cosine, codes)."""
        v = _vector(counts, self.terms)
        if not v or self.matrix.shape[0] == 0:
            return []
        note = np.zeros(self.matrix.shape[1])
        for c, w in v:
            note[c] = round(w * SCALE)
        sims = (self.matrix @ note) / (SCALE * SCALE)
        order = np.argsort(-sims, kind="stable")[:NEAREST]
        return [(float(sims[i]), self.labels[i]) for i in order if sims[i] > 0]


class Votes:
    """A note's nearest cases, indexed by the codes they were coded with."""

    def __init__(self, nearest: Nearest) -> None:
        self.sims = [s for s, _ in nearest]
        self.total = sum(self.sims)
        self.cases: dict[CodeKey, list[int]] = {}
        for i, (_, labels) in enumerate(nearest):
            # In code order: a set's order changes from one process to the next, and with it
            # the order of the similar cases' candidates, so of codes the ranker scores alike.
            for label in sorted(labels):
                self.cases.setdefault(label, []).append(i)

    def features(self, key: CodeKey) -> list[float]:
        """[share of similarity, cases, closest similarity] of the cases coded with ``key``.

        A case is coded with ``key`` when one of its labels is the code or a code above it (an
        older label since subdivided, a 4-character ICD-10-PCS table).
        """
        system, code = key
        carrying: set[int] = set()
        for n in range(3, len(code) + 1):
            carrying.update(self.cases.get((system, code[:n]), ()))
        sims = [self.sims[i] for i in sorted(carrying)]
        share = sum(sims) / self.total if self.total else 0.0
        return [share, float(len(sims)), max(sims, default=0.0)]


def vote(votes: Votes | None, key: CodeKey) -> list[float]:
    """``Votes.features``, or missing values when there are no cases to compare with."""
    return votes.features(key) if votes is not None else [MISSING, MISSING, MISSING]
