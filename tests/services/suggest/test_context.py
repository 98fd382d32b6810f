"""ConText rules: each row is (sentence, mention, expected context); rows that must not fire too."""

from __future__ import annotations

import pytest

from chartcode.lexicon.tsv import rows
from chartcode.services.suggest.context import (
    TRIGGERS_FILE,
    TRIGGERS_HEADER,
    Context,
    triggers,
)
from chartcode.services.suggest.suggester import CONTEXT_ORDER


def context_of(sentence: str, mention: str) -> str:
    start = sentence.lower().index(mention.lower())
    hits = {h.category for h in Context(sentence).at(start, start + len(mention))}
    return next((c for c in CONTEXT_ORDER if c in hits), "present")


@pytest.mark.parametrize(
    ("sentence", "mention", "expected"),
    [
        ("No fever, chills or cough.", "cough", "negated"),
        ("Denies chest pain but reports dyspnea.", "chest pain", "negated"),
        ("Denies chest pain but reports dyspnea.", "dyspnea", "present"),  # "but" ends the scope
        ("Pneumonia was ruled out.", "Pneumonia", "negated"),  # backward trigger
        ("Blood cultures were negative.", "Blood cultures", "negated"),
        ("Chest x-ray was negative for pneumonia.", "pneumonia", "negated"),
        ("No change in the size of the mass.", "mass", "present"),  # pseudo-trigger
        ("Gram negative sepsis.", "sepsis", "present"),  # pseudo-trigger
        ("Rule out pulmonary embolism.", "pulmonary embolism", "possible"),
        ("Probable viral pneumonia.", "viral pneumonia", "possible"),
        ("History of MI in 2019.", "MI", "historical"),
        ("Status post appendectomy.", "appendectomy", "historical"),
        ("Mother had breast cancer.", "breast cancer", "family"),
        ("Breast cancer in her maternal aunt.", "Breast cancer", "family"),
        ("Return if chest pain recurs.", "chest pain", "hypothetical"),
        ("The patient has type 2 diabetes.", "type 2 diabetes", "present"),
        ("Non-tender abdomen.", "Non-tender", "present"),  # the trigger is inside the mention
        ("No hematuria; urine culture grew Proteus.", "Proteus", "present"),  # ";" ends it
        # A list closed by its "or"/"and" ends at the next comma; an open list runs on.
        ("No signs of obesity or malnutrition, pale skin.", "pale skin", "present"),
        ("No signs of obesity or malnutrition, pale skin.", "malnutrition", "negated"),
        ("She denied colluria, acholia and jaundice, so she came in.", "jaundice", "negated"),
        ("No fever, chills, or cough, and no rash.", "cough", "negated"),
    ],
)
def test_context(sentence: str, mention: str, expected: str) -> None:
    assert context_of(sentence, mention) == expected


def test_hits_carry_trigger_and_rule() -> None:
    sentence = "She denies dysuria."
    start = sentence.index("dysuria")
    (hit,) = Context(sentence).at(start, start + 7)
    assert hit.category == "negated"
    assert sentence[hit.start : hit.end] == "denies"
    assert hit.rule.startswith(f"{TRIGGERS_FILE}:")


def test_trigger_file_loads_and_has_no_duplicates() -> None:
    assert triggers()
    seen = set()
    for line, (literal, *_rest) in rows(TRIGGERS_FILE, TRIGGERS_HEADER):
        key = literal.lower()
        assert key not in seen, f"{TRIGGERS_FILE} line {line}: {literal!r} twice"
        seen.add(key)
