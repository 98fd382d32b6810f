"""A learned model: what it knows (hashed phrases, code frequencies, a ranker) and its record.

Plain data only. ``store/learned_models.py`` writes and reads it; ``train`` makes it;
``apply`` uses it. Codes are keyed ``(system, compact code)``; an ICD-10-PCS label may be a
4-character prefix, as coders give when the record supports no more (CodiEsp does).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

CodeKey = tuple[str, str]  # (system, compact code)
# A feature with nothing to measure: no title or no evidence to place, no training cases to
# compare with, or a model trained without that feature group.
MISSING = -1.0

FEATURES = (
    "bias",
    "dictionary score",
    "found by the dictionary",
    "dictionary rank (1/rank)",
    "learned phrases (noisy-or)",
    "strongest learned phrase",
    "learned phrases found (log)",
    "code frequency in training (log)",
    "seen in training",
    "dictionary and training agree",
    "dictionary evidence spans (log)",
    "words in the strongest learned phrase",
    "learned phrase weights (sum)",
    "dictionary read it as uncertain or past",
    "dictionary codes in the same category",
    "code length",
    "dictionary's precision on this code in training",
    "dictionary suggested this code in training (log)",
    "title words in the evidence's sentence",
    "title words in the note's best sentence",
    "similar training cases coded with it (share of similarity)",
    "similar training cases coded with it",
    "most similar training case coded with it (similarity)",
    "code's first character",
    "code's second character",
    "code's third character",
)


@dataclass(slots=True)
class Ranker:
    """A boosted-tree ranker over ``FEATURES`` for one system, and its cut-off.

    ``models`` are LightGBM's text models of the boosters whose probabilities are averaged (one
    in a model file from before the average); ``threshold`` the probability above which a code
    is suggested.
    """

    models: list[str]
    threshold: float

    def to_dict(self) -> dict[str, Any]:
        return {"models": self.models, "threshold": self.threshold}


@dataclass(slots=True)
class CaseVectors:
    """The training cases as weighted hashed words, to find the cases most like a new note.

    ``terms``: a word's keyed hash (as the phrases are keyed) -> (column, inverse document
    frequency); only words found in at least two cases are kept. ``vectors``: each case's
    unit-length word weights as (column, weight); ``labels``: each case's codes, as indices
    into the model's ``codes``.
    """

    terms: dict[bytes, tuple[int, float]]
    vectors: list[list[tuple[int, float]]]
    labels: list[list[int]]


@dataclass(slots=True)
class LearnedModel:
    name: str
    salt: bytes
    codes: list[CodeKey]  # the label vocabulary; phrases refer to it by index
    documents_with: list[int]  # training documents per code, aligned with ``codes``
    documents: int
    phrases: dict[bytes, list[tuple[int, float]]]  # hashed n-gram -> (code index, weight)
    rankers: dict[str, Ranker]  # by system
    # How the dictionary fared on the training cases, per code: (right, suggested).
    dictionary_record: dict[CodeKey, tuple[int, int]] = field(default_factory=dict)
    # Dictionary code -> the labels the team gives where it is read: (code index, weight).
    substitutions: dict[CodeKey, list[tuple[int, float]]] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)
    neighbours: CaseVectors | None = None

    def index(self) -> dict[CodeKey, int]:
        return {c: i for i, c in enumerate(self.codes)}
