"""Places smaller than a state: streets, cities, counties, ZIP codes, facilities."""

import pytest

from tests.redaction.helpers import found, redacted_values


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("residing at 123 Main St., Springfield, seen", "ADDRESS", "123 Main St., Springfield"),
        (
            "Address: 1847 Birchwood Lane, Apt 3B, Lexington",
            "ADDRESS",
            "1847 Birchwood Lane, Apt 3B, Lexington",
        ),
        ("P.O. Box 2231", "ADDRESS", "P.O. Box 2231"),
        ("John Smith from Elm Street, Denver", "ADDRESS", "Elm Street, Denver"),
        ("who lives in Atlanta, GA.", "CITY", "Atlanta, GA"),
        ("referred from Chicago on", "CITY", "Chicago"),
        ("moved to Smallville, KS last year", "CITY", "Smallville, KS"),
        ("Facility: Harlow County", "LOCATION", "Harlow County"),
        ("lives in Cedar Hollow with her son", "LOCATION", "Cedar Hollow"),
        ("Boston, MA 02114", "ZIP", "02114"),
        ("zip code: 40502", "ZIP", "40502"),
        ("treated at Methodist Hospital on", "FACILITY", "Methodist Hospital"),
        ("at St. Mary's Hospital today", "FACILITY", "St. Mary's Hospital"),
        ("seen at St. Luke's on 10/11/23", "FACILITY", "St. Luke's"),
        ("at Lakeside Clinic on", "FACILITY", "Lakeside Clinic"),
        ("seen at Mercy Clinic on", "FACILITY", "Mercy Clinic"),
        ("admitted to General Hospital on", "FACILITY", "General Hospital"),
        ("at Boston General Hospital", "FACILITY", "Boston General Hospital"),
        ("post-op at County General on", "FACILITY", "County General"),
        ("at Mass General yesterday", "FACILITY", "Mass General"),
        ("at Johns Hopkins on", "FACILITY", "Johns Hopkins"),
        ("admitted to Cedars-Sinai clinic on", "FACILITY", "Cedars-Sinai clinic"),
        ("visited our New York clinic on", "FACILITY", "New York clinic"),
        (
            "at the Hospital of the University of Pennsylvania",
            "FACILITY",
            "Hospital of the University of Pennsylvania",
        ),
        ("Children's Hospital Los Angeles", "FACILITY", "Children's Hospital Los Angeles"),
        ("seen at Mayo Clinic in Rochester, MN on", "FACILITY", "Mayo Clinic in Rochester, MN"),
        ("seen at Mercy Clinic, California, with", "FACILITY", "Mercy Clinic, California"),
        ("seen by Dr. Harris at UWMC on", "FACILITY", "UWMC"),
        ("admitted to Cedar Crest on", "FACILITY", "Cedar Crest"),
        ("chart reviewed at Pine Hollow on Monday", "FACILITY", "Pine Hollow"),
    ],
)
def test_places_found(text, kind, value):
    assert (kind, value) in found(text)


@pytest.mark.parametrize(
    "text",
    [
        "Mild LA enlargement, normal RA size.",
        "History of MS, CHF and PE.",
        "Follow up in Memory Clinic and the Pain Clinic.",
        "Referred to Cardiology; admitted to ICU.",
        "Mental Health and Behavioral Health services.",
        "Guidelines of the American Academy of Pediatrics.",
        "Lyme disease; Norwalk virus; Glasgow Coma Scale 15.",
        "Bristol stool chart type 4.",
        "Continue home medications; Reading improved.",
        "She takes St. John's wort.",
        "Normal saline at 100 mL/h.",
        "Seen in the Emergency Department.",
        "was admitted to the hospital",
        "she was admitted to the Intensive Care Unit (ICU).",
        "referred to the Otorhinolaryngologist; transferred to HD.",
        "Neuroimaging, CT and MRI were normal.",
    ],
)
def test_clinical_text_has_no_places(text):
    assert found(text) == []


def test_residence_cue_finds_any_place():
    assert "Bronx" in redacted_values("Peter G., 40, living in the Bronx, prescribed statins")


def test_restricted_zip_prefix_is_still_found():
    assert ("ZIP", "03601") in found("Claremont, NH 03601")


def test_state_alone_is_not_redacted():
    assert redacted_values("She moved here from Ohio; labs from Texas.") == []
