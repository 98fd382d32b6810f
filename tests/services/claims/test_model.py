"""Reading claims: every accepted form, and every malformed field reported with its place."""

import json

import pytest

from chartcode.errors import ClaimInputError
from chartcode.services.claims.claim_input import (
    claims_from_csv_text,
    claims_from_json_text,
    claims_from_jsonl_text,
    claims_from_object,
    read_claims,
)
from chartcode.services.claims.model import claim_to_rows, valid_npi
from tests.conftest import REPO

GOOD = {
    "claim_id": "C1",
    "patient": {"sex": "female", "date_of_birth": "1970-06-01", "id": "P9"},
    "diagnoses": ["m17.11", "I10"],
    "lines": [
        {"date_of_service": "2026-05-04", "code": "29881", "modifiers": "rt", "units": "1",
         "diagnosis_pointers": "AB", "place_of_service": "22",
         "rendering_provider": "1245319599"},
        {"date_of_service": "05/04/2026", "code": "99213", "diagnosis_pointers": [1]},
    ],
}  # fmt: skip


def test_json_claim_is_normalised():
    [c] = claims_from_object(GOOD)
    assert c.sex == "F" and c.patient_id == "P9" and c.diagnoses == ("M1711", "I10")
    a, b = c.lines
    assert a.modifiers == ("RT",) and a.pointers == (1, 2) and a.units == 1
    assert b.date_from == "2026-05-04" and b.pointers == (1,) and b.units == 1
    assert c.to_dict()["diagnoses"] == ["M17.11", "I10"]


def test_every_problem_is_listed_with_its_line():
    bad = {
        "claim_id": "C2",
        "patient": {"sex": "X", "date_of_birth": "1970-13-01"},
        "diagnoses": ["E11.9", "not-a-code"],
        "lines": [
            {"date_of_service": "2026-05-04", "code": "992", "units": 0},
            {"code": "99213", "modifiers": ["25", "59", "XS", "XU", "RT"],
             "diagnosis_pointers": "AZ", "rendering_provider": "1234567890"},
        ],
    }  # fmt: skip
    with pytest.raises(ClaimInputError) as info:
        claims_from_object(bad)
    problems = info.value.problems
    where = {(p["field"], p["line"]) for p in problems}
    assert ("patient.sex", None) in where and ("patient.date_of_birth", None) in where
    assert ("diagnoses[2]", None) in where
    assert ("code", 1) in where and ("units", 1) in where
    assert ("date_of_service", 2) in where and ("modifiers", 2) in where
    assert ("diagnosis_pointers", 2) in where and ("rendering_provider", 2) in where
    assert all(p["claim_id"] == "C2" for p in problems)
    assert "line 2" in str(info.value) and "nothing was checked" in str(info.value)


def test_structure_errors():
    for data, fld in (([], "lines"), ({"lines": []}, "lines"), ({"lines": [1]}, "lines"),
                      ({"lines": [{"code": "99213", "date_of_service": "2026-01-01"}],
                        "extra": 1}, "extra")):  # fmt: skip
        with pytest.raises(ClaimInputError) as info:
            claims_from_object(data if data != [] else [5])
        assert any(p["field"] in (fld, "claim") for p in info.value.problems), data


def test_bad_json_names_the_line():
    with pytest.raises(ClaimInputError) as info:
        claims_from_json_text('{\n "claim_id": "x",\n "lines": [}\n')
    assert info.value.problems[0]["row"] == 3


def test_csv_rows_grouped_by_claim_with_row_numbers():
    [c] = claims_from_object(GOOD)
    rows = claim_to_rows(c)
    header = list(rows[0])
    text = ",".join(header) + "\n" + "\n".join(",".join(r[h] for h in header) for r in rows)
    [back] = claims_from_csv_text(text)
    assert back == c
    broken = text.replace("99213", "99x13")
    with pytest.raises(ClaimInputError) as info:
        claims_from_csv_text(broken)
    [p] = info.value.problems
    assert p["row"] == 3 and p["field"] == "code" and p["line"] == 2


def test_csv_header_fields_must_agree_across_a_claims_rows():
    text = ("claim_id,patient_sex,code,date_of_service,diagnoses,diagnosis_pointers\n"
            "A,F,99213,2026-05-04,I10,A\nA,M,93000,2026-05-04,I10,A\n")  # fmt: skip
    with pytest.raises(ClaimInputError) as info:
        claims_from_csv_text(text)
    assert info.value.problems[0]["field"] == "patient_sex" and info.value.problems[0]["row"] == 3


def test_jsonl_reports_the_file_line():
    text = json.dumps(GOOD) + "\n\n" + json.dumps({**GOOD, "claim_id": "C3", "diagnoses": ["?"]})
    with pytest.raises(ClaimInputError) as info:
        claims_from_jsonl_text(text)
    [p] = info.value.problems
    assert p["row"] == 3 and p["claim_id"] == "C3"
    assert len(claims_from_jsonl_text(json.dumps(GOOD))) == 1


def test_dob_after_the_service_and_span_backwards():
    bad = {
        "patient": {"date_of_birth": "2027-01-01"},
        "lines": [{"code": "99213", "date_of_service": "2026-05-04", "date_to": "2026-05-01"}],
    }
    with pytest.raises(ClaimInputError) as info:
        claims_from_object(bad)
    fields = {p["field"] for p in info.value.problems}
    assert fields == {"patient.date_of_birth", "date_to"}


def test_npi_check_digit():
    assert valid_npi("1245319599") and not valid_npi("1245319598") and not valid_npi("12453")


def test_sample_claims_in_examples_read():
    for name in ("knee_arthroscopy.json", "clean_visit.json", "claims.csv", "claims.jsonl"):
        assert read_claims(REPO / "examples" / "claims" / name), name


def test_csv_problems_name_the_file_row_of_the_line_they_are_on():
    text = (
        "claim_id,code,date_of_service,units,diagnosis_pointers,diagnoses\n"
        "C1,99213,2026-05-04,1,A,I10\n"
        "C1,20610,2026-13-04,0,Z,I10\n"
    )
    with pytest.raises(ClaimInputError) as info:
        claims_from_csv_text(text)
    rows = {p["field"]: p["row"] for p in info.value.problems}
    assert rows == {"date_of_service": 3, "units": 3, "diagnosis_pointers": 3}
    assert "row 3 claim C1 line 2: units '0'" in str(info.value)
