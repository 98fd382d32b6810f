"""The learned ranker: gradient-boosted trees over a handful of features of each candidate.

Measured on the CodiEsp splits, boosted trees rank better than a logistic regression over the
same features (D MAP 0.525 against 0.500, P F1 0.466 against 0.403), because what a feature is
worth depends on the others (a learned phrase counts for more when the dictionary agrees).
LightGBM's text model format is kept in the model file: it is read back as data, never
executed, unlike a pickle.
"""

from __future__ import annotations

from collections.abc import Sequence

import lightgbm as lgb
import numpy as np

PARAMS = {
    "objective": "binary",
    "learning_rate": 0.05,
    "num_leaves": 15,
    "min_data_in_leaf": 20,
    "num_threads": 1,
    "deterministic": True,
    "seed": 7,
    "verbosity": -1,
}
ROUNDS = 300


def fit(x: np.ndarray, y: np.ndarray) -> str:
    """A trained booster, as LightGBM's text model.

    A team's first model may come from a few dozen cases: leaves then need fewer rows, or the
    trees could not split at all and every candidate would score the same.
    """
    params = dict(PARAMS, min_data_in_leaf=max(2, min(20, len(y) // 20)), min_data_in_bin=1)
    booster = lgb.train(params, lgb.Dataset(x, label=y), num_boost_round=ROUNDS)
    return str(booster.model_to_string())


class Booster:
    """A booster read back from its text model, predicting probabilities for many rows."""

    def __init__(self, model: str) -> None:
        self._booster = lgb.Booster(model_str=model)

    def predict(self, rows: Sequence[Sequence[float]] | np.ndarray) -> list[float]:
        if len(rows) == 0:
            return []
        return [float(p) for p in self._booster.predict(np.asarray(rows, dtype=np.float64))]
