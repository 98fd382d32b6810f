"""Sentences and sections: the cuts the rest of the pipeline stands on."""

from __future__ import annotations

import pytest

from chartcode.services.suggest.sections import find, headers, section_at
from chartcode.services.suggest.sentences import split


def sentences(text: str) -> list[str]:
    return [text[s.start : s.end] for s in split(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("No fever. No cough.", ["No fever.", "No cough."]),
        ("Seen by Dr. Smith today. Stable.", ["Seen by Dr. Smith today.", "Stable."]),
        ("Metformin 500 mg b.i.d. and insulin.", ["Metformin 500 mg b.i.d. and insulin."]),
        ("Creatinine 1.5 mg/dL. Potassium 4.2.", ["Creatinine 1.5 mg/dL.", "Potassium 4.2."]),
        ("1. Diabetes.\n2. Hypertension.", ["1. Diabetes.", "2. Hypertension."]),
        ("The patient was\nadmitted to the ICU.", ["The patient was\nadmitted to the ICU."]),
        ("Diagnoses:\nCHF\nCOPD", ["Diagnoses:", "CHF", "COPD"]),
        ("Treated e.g. with steroids. Better.", ["Treated e.g. with steroids.", "Better."]),
        ("Is it sepsis? Maybe.", ["Is it sepsis?", "Maybe."]),
        ("", []),
    ],
)
def test_sentences(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_sentence_offsets_index_the_original_text() -> None:
    text = "  Fever.\n\n  Cough and Dr. Who.  "
    for s in split(text):
        assert text[s.start : s.end].strip() == text[s.start : s.end]


NOTE = """DISCHARGE SUMMARY
Chief complaint: dyspnea.
PAST MEDICAL HISTORY: MI in 2019.
Family history: mother with breast cancer.
ASSESSMENT
1. CHF exacerbation.
The history was taken from his wife."""


def test_sections_by_header() -> None:
    names = [s.name for s in find(NOTE)]
    assert names == ["body", "chief_complaint", "past_history", "family_history", "assessment"]


def test_prose_that_starts_with_a_header_word_is_no_header() -> None:
    found = find(NOTE)
    at = section_at(found, NOTE.index("The history was taken"))
    assert at.name == "assessment"


def test_section_at_before_any_header() -> None:
    assert section_at(find(NOTE), 3).name == "body"


def test_header_table_loads_with_known_sections() -> None:
    table = headers()
    assert table["past medical history"] == "past_history"
    assert table["postoperative diagnosis"] == "postop_diagnosis"
