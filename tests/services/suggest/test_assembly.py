"""Assembly and validation rules on a small hand-written Tabular List (no store needed)."""

from __future__ import annotations

import pytest

from chartcode.services.suggest.assemble import Assembler
from chartcode.services.suggest.model import Evidence, Policy, SuggestedCode, in_text_order
from chartcode.services.suggest.tabular import CodeRef, Tabular, refs_in
from chartcode.services.suggest.validate import Validator
from chartcode.services.suggest.vocabulary import normalise, phrase_words, title_phrases

NODES = {
    # code: (title, parent, billable)
    "E11": ("Type 2 diabetes mellitus", None, False),
    "E112": ("Type 2 diabetes mellitus with kidney complications", "E11", False),
    "E1122": ("Type 2 diabetes mellitus with diabetic chronic kidney disease", "E112", True),
    "E119": ("Type 2 diabetes mellitus without complications", "E11", True),
    "N18": ("Chronic kidney disease (CKD)", None, False),
    "N183": ("Chronic kidney disease, stage 3 (moderate)", "N18", False),
    "N1830": ("Chronic kidney disease, stage 3 unspecified", "N183", True),
    "N1831": ("Chronic kidney disease, stage 3a", "N183", True),
    "N189": ("Chronic kidney disease, unspecified", "N18", True),
    "I10": ("Essential (primary) hypertension", None, True),
    "I13": ("Hypertensive heart and chronic kidney disease", None, False),
    "I130": ("Hypertensive heart and CKD with heart failure and stage 1-4 CKD", "I13", True),
    "I50": ("Heart failure", None, False),
    "I509": ("Heart failure, unspecified", "I50", True),
    "I5023": ("Acute on chronic systolic (congestive) heart failure", "I50", True),
    "S72": ("Fracture of femur", None, False),
    "S7290": ("Unspecified fracture of unspecified femur", "S72", False),
    "S7291": ("Unspecified fracture of right femur", "S72", False),
    "S7291XA": ("Unspecified fracture of right femur, initial encounter", "S7291", True),
    "S7291XD": ("Unspecified fracture of right femur, subsequent encounter", "S7291", True),
    "R50": ("Fever of other and unknown origin", None, False),
    "R509": ("Fever, unspecified", "R50", True),
    "J189": ("Pneumonia, unspecified organism", None, True),
    "J441": ("Chronic obstructive pulmonary disease with (acute) exacerbation", None, True),
    "J449": ("Chronic obstructive pulmonary disease, unspecified", None, True),
    "J45909": ("Unspecified asthma, uncomplicated", None, True),
}
NOTES = {
    "J449": [("excludes1", "asthma without chronic obstructive pulmonary disease (J45.-)")],
    "N18": [("code_first", "diabetic chronic kidney disease (E08.22, E09.22, E10.22, E11.22)")],
}


@pytest.fixture
def tab() -> Tabular:
    children: dict[str, list[str]] = {}
    for code, (_t, parent, _b) in NODES.items():
        if parent:
            children.setdefault(parent, []).append(code)
    return Tabular(
        release_id=1,
        version="test",
        titles={c: t for c, (t, _p, _b) in NODES.items()},
        parents={c: p for c, (_t, p, _b) in NODES.items()},
        billable={c: b for c, (_t, _p, b) in NODES.items()},
        children=children,
        notes=NOTES,
        seventh={"S72": [("A", "initial encounter"), ("D", "subsequent encounter")]},
    )


@pytest.mark.parametrize(
    ("title", "phrases"),
    [
        ("Pneumonia, unspecified organism", ["pneumonia"]),
        ("Essential (primary) hypertension", ["essential hypertension"]),
        ("Type 2 diabetes mellitus without complications", ["type 2 diabetes mellitus"]),
        ("Malignant neoplasm of bronchus or lung", ["malignant neoplasm of bronchus",
                                                    "malignant neoplasm of lung"]),
        ("Acute and fulminating melioidosis", ["acute and fulminating melioidosis"]),
    ],
)  # fmt: skip
def test_title_phrases(title: str, phrases: list[str]) -> None:
    assert title_phrases(title) == phrases


@pytest.mark.parametrize(
    ("word", "forms"),
    [
        ("cancer", ("malignant", "neoplasm")),
        ("Fractures", ("fracture",)),
        ("renal", ("kidney",)),
        ("II", ("2",)),
        ("haemorrhage", ("hemorrhage",)),
    ],
)
def test_normalise(word: str, forms: tuple[str, ...]) -> None:
    assert normalise(word) == forms


def test_reordered_words_are_the_same_term() -> None:
    assert phrase_words("diabetes mellitus type II") == phrase_words("type 2 diabetes mellitus")
    assert phrase_words("pain in the abdomen") == phrase_words("abdomen pain")


def test_header_descends_to_the_child_the_sentence_supports(tab: Tabular) -> None:
    words = phrase_words("chronic kidney disease stage 3")
    assert Assembler(tab).complete("N183", words).code == "N1830"
    words = phrase_words("chronic kidney disease stage 3a")
    assert Assembler(tab).complete("N183", words).code == "N1831"


def test_seventh_character_from_the_encounter(tab: Tabular) -> None:
    done = Assembler(tab).complete("S7291", phrase_words("fracture of the right femur"))
    assert done.code == "S7291XA"
    assert any("7th character A" in r for r in done.reasons)
    later = Assembler(tab).complete("S7291", phrase_words("subsequent encounter for fracture"))
    assert later.code == "S7291XD"


def test_diabetes_with_ckd_combines(tab: Tabular) -> None:
    found = Assembler(tab).combine_diabetes({"E119": "present", "N1830": "present"})
    assert found == {"E119": ("E1122", "N1830")}


@pytest.mark.parametrize("context", ["negated", "family"])
def test_no_combination_with_a_condition_not_present(tab: Tabular, context: str) -> None:
    assert Assembler(tab).combine_diabetes({"E119": "present", "N1830": context}) == {}


def test_hypertension_with_heart_failure_and_ckd(tab: Tabular) -> None:
    got = Assembler(tab).combine_hypertension(
        {"I10": "present", "I5023": "present", "N1830": "present"}
    )
    assert got == ("I130", ["I5023", "N1830"])


def test_history_and_family_codes() -> None:
    from chartcode.services.suggest.tabular import Tabular as T

    tab = T(1, "t", {"I252": "Old MI", "Z803": "FH breast"}, {}, {}, {})
    a = Assembler(tab)
    assert a.history_code("I219") == "I252"
    assert a.family_code("C50919") == "Z803"
    assert a.history_code("I10") is None  # chronic: coded as current


def test_code_refs() -> None:
    refs = refs_in("hypertensive disease complicating pregnancy (O10-O11, O13-O16), (H35.0-)")
    assert CodeRef("O10", "O11") in refs
    assert any(r.covers("H3500") for r in refs)
    assert CodeRef("O10", "O11").covers("O1102")
    assert not CodeRef("O10", "O11").covers("O13")


def code(c: str, score: float, context: str = "present") -> SuggestedCode:
    return SuggestedCode("icd10cm", c, "", score, "test", [Evidence(0, 1, "x")], context=context)


def test_excludes1_resolved_by_score_under_us_policies(tab: Tabular) -> None:
    kept, dropped = Validator(tab).check(
        {"J449": code("J44.9", 0.9), "J45909": code("J45.909", 0.5)}, Policy.US_INPATIENT
    )
    assert list(kept) == ["J449"]
    assert "Excludes1" in dropped[0].reason
    assert kept["J449"].flags


def test_excludes1_only_flagged_when_every_mention_is_coded(tab: Tabular) -> None:
    kept, _ = Validator(tab).check(
        {"J449": code("J44.9", 0.9), "J45909": code("J45.909", 0.5)}, Policy.CODE_EVERY_MENTION
    )
    assert set(kept) == {"J449", "J45909"}
    assert any("excludes1" in f for f in kept["J449"].flags)


def test_not_billable_is_dropped(tab: Tabular) -> None:
    kept, dropped = Validator(tab).check({"S72": code("S72", 0.9)}, Policy.US_INPATIENT)
    assert not kept
    assert "not billable" in dropped[0].reason


@pytest.mark.parametrize(
    ("policy", "kept_fever"),
    [
        (Policy.US_INPATIENT, False),
        (Policy.US_OUTPATIENT, False),
        (Policy.CODE_EVERY_MENTION, True),
    ],
)
def test_symptom_integral_to_a_diagnosis(tab: Tabular, policy: Policy, kept_fever: bool) -> None:
    kept, _ = Validator(tab).check({"J189": code("J18.9", 0.9), "R509": code("R50.9", 0.8)}, policy)
    assert ("R509" in kept) is kept_fever


def test_symptom_kept_without_its_diagnosis(tab: Tabular) -> None:
    kept, _ = Validator(tab).check({"R509": code("R50.9", 0.8)}, Policy.US_OUTPATIENT)
    assert "R509" in kept


def test_code_first_partner_linked_or_proposed(tab: Tabular) -> None:
    kept, _ = Validator(tab).check(
        {"N1830": code("N18.30", 0.8), "E1122": code("E11.22", 0.9)}, Policy.US_INPATIENT
    )
    assert "sequence after E11.22" in kept["N1830"].flags
    alone, _ = Validator(tab).check({"N1830": code("N18.30", 0.8)}, Policy.US_INPATIENT)
    assert alone["N1830"].partners and "code first" in alone["N1830"].partners[0]


def test_unspecified_sibling_yields_to_the_specific_code(tab: Tabular) -> None:
    kept, dropped = Validator(tab).check(
        {"I509": code("I50.9", 0.9), "I5023": code("I50.23", 0.8)}, Policy.US_INPATIENT
    )
    assert list(kept) == ["I5023"]
    assert "less specific" in dropped[0].reason


def test_excludes1_keeps_the_code_stated_as_a_diagnosis(tab: Tabular) -> None:
    stated = code("J45.909", 0.5)
    stated.section = "postop_diagnosis"
    kept, _ = Validator(tab).check(
        {"J449": code("J44.9", 0.9), "J45909": stated}, Policy.US_INPATIENT
    )
    assert list(kept) == ["J45909"]


def test_evidence_is_in_text_order_whatever_the_set_order() -> None:
    long_, short, later = (
        Evidence(3, 25, "smoker of 20 cigarettes"),
        Evidence(3, 9, "smoker"),
        Evidence(40, 46, "smoker"),
    )
    for given in ([long_, later, short, short], [later, short, long_], {short, long_, later}):
        assert in_text_order(given) == [short, long_, later]
