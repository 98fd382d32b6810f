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
