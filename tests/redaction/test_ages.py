"""Ages over 89 are redacted; 89 and younger stay (coders need them)."""

import pytest

from tests.redaction.helpers import found


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("a 92-year-old woman with CHF", "92"),
        ("93 year old male", "93"),
        ("she is 95 and lives alone", "95"),
        ("91 yo F with syncope", "91"),
        ("91yo F with syncope", "91"),
        ("age 101, independent", "101"),
        ("Age: 90", "90"),
        ("aged 96 years", "96"),
        ("Mrs. Whitfield, 92, lives alone", "92"),
    ],
)
def test_ages_over_89(text, age):
    assert ("AGE", age) in found(text)


@pytest.mark.parametrize(
    "text",
    [
        "an 89-year-old man",
        "her sister, age 89, will stay",
        "a 45-year-old with COPD",
        "Temp 98F, HR 96, glucose 110.",
        "she was 95% saturated on room air",
        "he is 100 kg",
        "platelets 150, WBC 95",
        "HR 110, 95, 102 overnight",
        "Gentamicin, 100, was held",
    ],
)
def test_ages_that_stay(text):
    assert [v for k, v in found(text) if k == "AGE"] == []
