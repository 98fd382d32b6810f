"""Biometric identifiers and full-face photographs are references to records, not words."""

import pytest

from tests.redaction.helpers import found


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        (
            "Fingerprint template FP-20240305-7731 added",
            "BIOMETRIC",
            "Fingerprint template FP-20240305-7731",
        ),
        ("voiceprint ID 55120 enrolled", "BIOMETRIC", "voiceprint ID 55120"),
        ("retinal scan on file", "BIOMETRIC", "retinal scan on file"),
        (
            "a full-face photograph (IMG_4471.jpg) was added",
            "PHOTO",
            "full-face photograph (IMG_4471.jpg)",
        ),
        ("photo ID scanned", "PHOTO", "photo ID"),
        ("see attached face_2291.png", "PHOTO", "face_2291.png"),
    ],
)
def test_biometrics_found(text, kind, value):
    assert (kind, value) in found(text)


@pytest.mark.parametrize(
    "text",
    [
        "Iris examined: normal.",
        "Photos of the wound were taken.",
        "DNA testing for BRCA was negative.",
        "Voice hoarse since Monday.",
    ],
)
def test_clinical_mentions_are_not_biometrics(text):
    assert found(text) == []
