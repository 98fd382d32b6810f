"""Identifying numbers: labelled kinds, identifier shapes, and clinical numbers left alone."""

import pytest

from tests.redaction.helpers import found


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("Call (555) 123-4567 after 5pm", "PHONE", "(555) 123-4567"),
        ("phone: 555.123.4567", "PHONE", "555.123.4567"),
        ("cell +1 415-555-1234", "PHONE", "+1 415-555-1234"),
        ("Fax: 650-123-4567", "FAX", "650-123-4567"),
        ("F: (312) 555-0199", "FAX", "(312) 555-0199"),
        ("SSN 123-45-6789 on file", "SSN", "123-45-6789"),
        ("his social security number is 402 71 9386", "SSN", "402 71 9386"),
        ("MRN: 112-45-789", "MRN", "112-45-789"),
        ("MRN #ST-998877", "MRN", "#ST-998877"),
        ("med rec #99887766, w/", "MRN", "#99887766"),
        ("Member ID: HPB-654321", "HEALTH_PLAN", "HPB-654321"),
        ("insurance ID is ABC-987654.", "HEALTH_PLAN", "ABC-987654"),
        ("insurance plan #DB-2345678", "HEALTH_PLAN", "#DB-2345678"),
        ("Medicare 1EG4-TE5-MK72", "HEALTH_PLAN", "1EG4-TE5-MK72"),
        ("(Acct#: GRM-998877)", "ACCOUNT", "GRM-998877"),
        ("Claim number: CLM-2024-0088231", "ACCOUNT", "CLM-2024-0088231"),
        ("card 4111 1111 1111 1111 expires", "ACCOUNT", "4111 1111 1111 1111"),
        ("IBAN GB85QZXO20740530696990", "ACCOUNT", "GB85QZXO20740530696990"),
        ("license no. CLN-112233", "LICENSE", "CLN-112233"),
        ("DEA number: BP4410285", "LICENSE", "BP4410285"),
        ("NPI 1234567893", "LICENSE", "1234567893"),
        ("VIN 1HGCM82633A004352", "VEHICLE", "1HGCM82633A004352"),
        ("license plate KY 7XJ-442", "VEHICLE", "KY 7XJ-442"),
        ("device serial number PJN448291S", "DEVICE", "PJN448291S"),
        ("S/N: 88-2211-A", "DEVICE", "88-2211-A"),
        ("Study ID: PACE-KY-00417", "ID", "PACE-KY-00417"),
        ("patient ID: 897-65-4321", "ID", "897-65-4321"),
        ("case #JH-998877", "ID", "#JH-998877"),
        ("ref 998877666 in the chart", "ID", "998877666"),
    ],
)
def test_identifiers_found(text, kind, value):
    assert (kind, value) in found(text)


def test_a_labelled_number_is_redacted_wherever_it_is_repeated():
    text = "MRN 4455667. Labs filed under 4455667 and 4455667."
    assert [v for _, v in found(text)].count("4455667") == 3


@pytest.mark.parametrize(
    "text",
    [
        "E11.40 and I48.91 were coded; CPT 33208 and HCPCS G0378.",
        "ICD-10-PCS 0SG3070 was reported.",
        "Give 1000-1500 mL over 2 hours.",
        "Platelets 150000-450000/uL.",
        "E/M range 99202-99215.",
        "LDL 130, A1c 7.2, EF 55%.",
        "COVID-19 PCR negative; CA-125 normal; SF-36 completed.",
        "MR 2+ on echo; plan #2 is surgery.",
        "Patient 45 years old, group 2 pulmonary hypertension.",
        "The 2023 Medicare fee schedule.",
        "BRCA1 and HER2 negative, CYP2D6 poor metabolizer.",
        "serial troponins 12 hours apart",
        "ORIF with a 3.5 mm plate.",
        "LDH: 340 (230-460); GOT: 44 (2-37); fibrinogen 287 mg/dL (200-450).",
    ],
)
def test_clinical_numbers_stay(text):
    assert found(text) == []
