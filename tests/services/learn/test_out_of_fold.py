"""The validation figures and cut-off come from predictions the ranker did not train on."""

from __future__ import annotations

import numpy as np

from chartcode.services.learn import ranker
from chartcode.services.learn.train import _out_of_fold


def test_out_of_fold_predictions_do_not_remember_the_rows():
    """On labels that are pure noise a ranker learns its own rows by heart; out of fold, its
    predictions say nothing about them."""
    rng = np.random.default_rng(3)
    x = rng.random((600, 5))
    y = (rng.random(600) < 0.3).astype(float)
    group = np.arange(600) % 5
    in_sample = np.array(ranker.Booster(ranker.fit(x, y)).predict(x))
    held_out = _out_of_fold(x, y, group)
    assert np.corrcoef(in_sample, y)[0, 1] > 0.5
    assert abs(np.corrcoef(held_out, y)[0, 1]) < 0.15


def test_a_group_with_nothing_to_learn_from_gets_the_base_rate():
    x = np.arange(12, dtype=float).reshape(6, 2)
    y = np.array([1.0, 1.0, 1.0, 0.0, 0.0, 0.0])
    group = np.array([0, 0, 0, 1, 1, 1])  # each group's rows are all one label
    assert _out_of_fold(x, y, group).tolist() == [0.5] * 6


def test_the_cut_off_is_the_middle_of_the_near_best_cut_offs():
    from chartcode.services.learn.train import cut_off

    # Best at 0.35, but 0.2-0.35 are all within 0.005 of it: the middle is taken.
    f1 = {0.15: 0.51, 0.2: 0.536, 0.25: 0.539, 0.275: 0.538, 0.3: 0.540, 0.35: 0.541, 0.4: 0.52}
    assert cut_off(f1) == 0.275
    # A lone peak is its own middle; a near-best cut-off past a dip does not count.
    assert cut_off({0.1: 0.4, 0.2: 0.6, 0.3: 0.5, 0.4: 0.598}) == 0.2
    assert cut_off({0.5: 0.3}) == 0.5
