"""A model file written before a group of features was added still loads and suggests.

Its rankers know only the features before that group: the suggester gives them only those,
and leaves out what the file does not hold (title use, case vectors, completing partial
ICD-10-PCS codes).
"""

from __future__ import annotations

import numpy as np
import pytest

from chartcode.services.learn import ranker
from chartcode.services.learn.apply import ModelSuggester
from chartcode.services.learn.train import train
from chartcode.services.suggest.model import SuggestResult
from chartcode.sources.training_cases import TrainingCase
from chartcode.store.learned_model import FEATURES, Ranker

SALT = b"o" * 16


@pytest.mark.parametrize(
    ("first_new", "had_titles"),
    [
        ("title words in the evidence's sentence", False),
        ("similar training cases coded with it (share of similarity)", True),
        ("code's first character", True),
    ],
)
def test_a_model_from_before_a_feature_group_still_suggests(validity, first_new, had_titles):
    cases = [
        TrainingCase(
            f"c{i}", f"Visit {i}. Known {w} sugar trouble.", frozenset({("icd10cm", "E119")})
        )
        for i, w in enumerate(["amber", "birch", "cedar", "delta", "ember", "fjord"])
    ] + [
        TrainingCase(f"d{i}", f"Visit {i}. Seen for {w} advice.", frozenset({("icd10cm", "E118")}))
        for i, w in enumerate(["grove", "heath", "inlet", "jetty", "knoll", "ledge"])
    ]
    model = train(cases, lambda text: [], name="old", release={}, folds=3, salt=SALT)
    old = FEATURES.index(first_new)
    x = np.random.default_rng(0).random((60, old))
    model.rankers = {"icd10cm": Ranker(ranker.fit(x, (x[:, 4] > 0.5).astype(float)), 0.0)}
    model.meta["features"] = list(FEATURES[:old])
    model.meta["title_features"] = had_titles
    model.neighbours = None
    del model.meta["completes_partials"]
    applier = ModelSuggester(model, validity)
    assert applier.width == old and applier.neighbours is None
    assert (applier.titles is not None) == had_titles
    assert applier.completions == {}  # partial codes stay as the model was trained on them
    result = applier.apply(SuggestResult("Known sugar trouble today.", "", "", []))
    assert result.model == "old"
    assert [c.code for c in result.codes + result.candidates] == ["E11.9"]
