"""Labels from an older release, answered by the codes of the release in force."""

from __future__ import annotations

from chartcode.services.learn.drift import label_rule

BILLABLE = {"M545": False, "M5450": True, "M5459": True, "W19XXXA": True, "W19": False, "I10": True}
hit = label_rule(BILLABLE)
CM, PCS = "icd10cm", "icd10pcs"


def test_a_label_subdivided_since_is_answered_by_a_code_under_it():
    assert hit((CM, "M5450"), (CM, "M545"))
    assert not hit((CM, "M5450"), (CM, "M546"))


def test_a_label_without_its_7th_character_stands_for_the_category_its_xs_pad():
    assert hit((CM, "W19XXXA"), (CM, "W19XXX"))


def test_a_billable_label_must_match_exactly_and_pcs_prefixes_still_apply():
    assert hit((CM, "I10"), (CM, "I10")) and not hit((CM, "I100"), (CM, "I10"))
    assert hit((PCS, "0SG30AJ"), (PCS, "0SG3")) and not hit((CM, "I10"), (PCS, "I10"))
