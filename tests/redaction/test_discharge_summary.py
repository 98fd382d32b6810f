"""A realistic discharge summary with every Safe Harbor identifier kind (all invented).

Every identifier in the note is redacted, and the clinical content a coder needs survives.
"""

import pytest

from chartcode.services.redact import redact
from tests.conftest import TEST_DATA

NOTE = (TEST_DATA / "redaction" / "discharge_summary.txt").read_text(encoding="utf-8")

# (kind expected, identifying string): every one of the 18 Safe Harbor kinds is here.
IDENTIFIERS = [
    ("NAME", "Margaret Ellen Whitfield"),  # (A) patient
    ("NAME", "Susan Whitfield-Cole"),  # (A) relative
    ("NAME", "Thomas Whitfield"),  # (A) relative
    ("NAME", "Rajesh Patel"),  # (A) clinician
    ("NAME", "Linda Okafor"),  # (A) clinician
    ("NAME", "Whitfield"),  # (A) later mention ("Mrs. Whitfield")
    ("ADDRESS", "1847 Birchwood Lane"),  # (B) street
    ("ADDRESS", "Lexington"),  # (B) city, part of the address
    ("CITY", "Columbus"),  # (B) city
    ("LOCATION", "Harlow County"),  # (B) county
    ("ZIP", "40502"),  # (B) ZIP
    ("FACILITY", "Mercy Ridge Medical Center"),  # (B) hospital
    ("DATE", "02/14/1932"),  # (C) birth date
    ("DATE", "03/04/2024"),  # (C) admission
    ("DATE", "03/09/2024"),  # (C) discharge
    ("DATE", "March 4th"),  # (C)
    ("DATE", "3/5"),  # (C)
    ("DATE", "April 2, 2024"),  # (C)
    ("AGE", "92"),  # (C) age over 89
    ("PHONE", "(859) 555-0142"),  # (D)
    ("PHONE", "859-555-0142"),  # (D)
    ("FAX", "859-555-0187"),  # (E)
    ("EMAIL", "m.whitfield1932@gmail.com"),  # (F)
    ("SSN", "402-71-9386"),  # (G)
    ("MRN", "00482913"),  # (H)
    ("HEALTH_PLAN", "1EG4-TE5-MK72"),  # (I) Medicare MBI
    ("HEALTH_PLAN", "KYH-55810293"),  # (I) member ID
    ("ACCOUNT", "ACC-7734-1190"),  # (J) account
    ("ACCOUNT", "CLM-2024-0088231"),  # (J) claim
    ("LICENSE", "BP4410285"),  # (K) DEA number
    ("VEHICLE", "1HGCM82633A004352"),  # (L) VIN
    ("VEHICLE", "KY 7XJ-442"),  # (L) plate
    ("DEVICE", "PJN448291S"),  # (M) pacemaker serial
    ("URL", "https://portal.mercyridge.org/chart/00482913"),  # (N)
    ("IP", "10.42.7.19"),  # (O)
    ("BIOMETRIC", "FP-20240305-7731"),  # (P) fingerprint template
    ("PHOTO", "IMG_4471.jpg"),  # (Q) full-face photograph
    ("ID", "PACE-KY-00417"),  # (R) study ID
]
CLINICAL = [
    "paroxysmal atrial fibrillation (I48.0)",
    "type 2 diabetes with neuropathy (E11.40)",
    "Parkinson disease diagnosed in 2019",
    "remote Hodgkin lymphoma treated in 1978",
    "mild LA enlargement, normal RA and RV size, LVEF 55%",
    "in the LAD territory",
    "Bell palsy (2015) has resolved. MS and Graves disease",
    "Her sister has Down syndrome; a brother had Crohn's disease.",
    "Family history of Alzheimer disease and Cushing syndrome.",
    "pacemaker (CPT 33208)",
    "Eliquis 2.5 mg twice daily, metoprolol tartrate",
    "carbidopa-levodopa. Keppra was not started. Allegra was held.",
    "Her sister, age 89, will stay with her.",
    "Her son,",
    ", 68, lives in",
]


@pytest.fixture(scope="module")
def result():
    return redact(NOTE, "tag")


def _covered(result, start: int, end: int) -> bool:
    return all(any(e.start <= i < e.end for e in result.entities) for i in range(start, end))


@pytest.mark.parametrize(("kind", "value"), IDENTIFIERS)
def test_every_identifier_is_redacted(result, kind, value):
    start = NOTE.index(value)
    assert _covered(result, start, start + len(value)), value
    kinds = {e.type for e in result.entities if e.start < start + len(value) and start < e.end}
    assert kind in kinds, (value, kinds)
    assert value not in result.text


def test_all_eighteen_safe_harbor_kinds_are_in_the_note(result):
    from chartcode.redaction.entities import EntityType

    letters = {EntityType(e.type).safe_harbor[:3] for e in result.entities}
    assert len(letters) == 18


@pytest.mark.parametrize("phrase", CLINICAL)
def test_clinical_content_survives(result, phrase):
    assert phrase in result.text


@pytest.mark.parametrize("style", ["mask", "surrogate"])
def test_no_identifier_survives_in_other_styles(style):
    text = redact(NOTE, style, seed=9).text
    for _, value in IDENTIFIERS:
        if len(value) > 3:  # "92" may well appear inside a fake number
            assert value not in text, value
    assert "92-year-old" not in text
    for phrase in CLINICAL:
        assert phrase in text
