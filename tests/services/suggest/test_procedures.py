"""Procedure clauses of a sentence: where the PCS builder is asked to read."""

from __future__ import annotations

import pytest

from chartcode.services.suggest.procedures import procedure_clauses


@pytest.mark.parametrize(
    ("sentence", "clauses"),
    [
        # A comma between two regions lists them: one clause.
        (
            "A CT of the chest, abdomen and pelvis was normal.",
            ["A CT of the chest, abdomen and pelvis was normal."],
        ),
        ("Thoracic, abdominal and pelvic CT was normal.", None),
        ("CT of the chest, the abdomen and pelvis.", None),
        # A comma before other words still ends the clause.
        (
            "Laparoscopic appendectomy was done, patient recovered well.",
            ["Laparoscopic appendectomy was done"],
        ),
    ],
)
def test_commas_between_regions_do_not_split_a_clause(sentence, clauses):
    found = [sentence[s:e] for s, e in procedure_clauses(sentence, 0, len(sentence))]
    assert found == (clauses or [sentence])


@pytest.mark.parametrize(
    ("sentence", "clauses"),
    [
        # Two imaging studies, each with its own region: one clause each.
        (
            "Chest X-ray and abdominal ultrasound were normal.",
            ["Chest X-ray", "abdominal ultrasound were normal."],
        ),
        (
            "A chest x-ray and an abdominal CT were done.",
            ["A chest x-ray", "an abdominal CT were done."],
        ),
        # must not split: one region list, or a study that names no region of its own
        ("CT and MRI of the brain were normal.", None),
        ("Cranial CT and MRI showed a mass.", None),
        ("Chest and abdominal X-rays were normal.", None),
    ],
)
def test_two_imaging_studies_are_two_clauses(sentence, clauses):
    found = [sentence[s:e] for s, e in procedure_clauses(sentence, 0, len(sentence))]
    assert found == (clauses or [sentence])
