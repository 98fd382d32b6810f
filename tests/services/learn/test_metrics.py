"""CodiEsp's scoring: average precision over a ranked list, micro P/R/F1, PCS prefixes."""

from __future__ import annotations

import pytest

from chartcode.services.learn.metrics import Scores, average_precision, matches

D = "icd10cm"
P = "icd10pcs"


def test_average_precision_counts_each_gold_code_once():
    gold = {(D, "A"), (D, "B")}
    assert average_precision([(D, "A"), (D, "X"), (D, "B")], gold, matches) == pytest.approx(
        (1 + 2 / 3) / 2
    )
    assert average_precision([(D, "A"), (D, "A")], gold, matches) == pytest.approx(0.5)
    assert average_precision([], gold, matches) == 0.0


def test_a_four_character_pcs_gold_code_is_matched_by_any_code_under_it():
    gold = {(P, "0SG3")}
    assert average_precision([(P, "0SG30AJ")], gold, matches) == 1.0
    assert average_precision([(P, "0SG40AJ")], gold, matches) == 0.0
    assert (
        average_precision([(P, "0SG3")], {(P, "0SG30AJ")}, matches) == 0.0
    )  # a prefix is not a code


def test_micro_scores():
    s = Scores()
    s.add([(D, "A"), (D, "B")], [(D, "A"), (D, "B")], {(D, "A"), (D, "C")})
    s.add([(D, "C")], [(D, "C")], {(D, "C")})
    assert (s.true_positive, s.suggested, s.gold) == (2, 3, 3)
    assert s.precision == pytest.approx(2 / 3) and s.recall == pytest.approx(2 / 3)
    assert s.f1 == pytest.approx(2 / 3)
