"""The Official Guidelines importer: outline numbering, titles, pages, release, and the PDF."""

import hashlib
import io
from datetime import date

import pytest

from chartcode.errors import ImportFormatError
from chartcode.sources.icd10cm_guidelines import (
    guidelines_header,
    parse_guidelines,
    sections_from_pages,
    sniff,
)
from tests.conftest import TEST_DATA, shared_file
from tests.sources.pdf_fixture import make_pdf

GUIDELINES = TEST_DATA / "guidelines"
REAL = "guidelines/fy2026-icd-10-cm-coding-guidelines.pdf"
REAL_SHA256 = "2e87b3b088d6032edf6cda8c946cf342619df0c07237055a0e3be68410a0c267"


def pages(name: str) -> list[list[str]]:
    text = (GUIDELINES / name).read_text()
    return [p.strip("\n").split("\n") for p in text.split("\\f\n")]


def texts(name: str) -> list[str]:
    return ["\n".join(p) for p in pages(name)]


def by_number(sections):
    return {s.number: s for s in sections}


def test_cm_outline_numbers_titles_and_pages():
    s = by_number(sections_from_pages(texts("cm_pages.txt"), "icd10cm"))
    assert s["I"].title == "Conventions, general coding guidelines and chapter specific guidelines"
    assert s["I.A.2.a"].title == "Excludes1" and "NOT CODED HERE" in s["I.A.2.a"].text
    assert s["I.A.2.a"].parent == "I.A.2" and s["I.A.2.a"].page_start == 2
    assert s["I.C.1.a.1.a"].title == "Presymptomatic Type 1 Diabetes Mellitus"
    # "(i)" after "(b)" is a roman numeral one level down, not the letter after "(h)".
    assert s["I.C.1.a.1.b.i"].title == "A roman sub-heading under b"
    assert s["I.C.1.a.2"].page_start == 3
    assert s["II.A"].title.startswith("Codes for symptoms")
    assert s["Appendix I"].title == "Present on Admission Reporting Guidelines"


def test_a_numbered_line_out_of_sequence_is_text_not_a_heading():
    s = by_number(sections_from_pages(texts("cm_pages.txt"), "icd10cm"))
    assert "1. A numbered line inside text" in s["I.C.1.a.2"].text


def test_running_heads_are_dropped():
    s = sections_from_pages(texts("cm_pages.txt"), "icd10cm")
    assert not any("Page 2 of 4" in x.text or "Official Guidelines for" in x.text for x in s)


def test_section_letter_i_after_h_is_a_letter():
    lines = ["Section I. Conventions", "", "A. One", "", "1. Two", "", "a. Three", "", "1) Four"]
    lines += [f"({c}) Heading {c}\nText {c}." for c in "abcdefghij"]
    s = by_number(sections_from_pages(["x", "\n".join(lines)], "icd10cm"))
    assert s["I.A.1.a.1.i"].title == "Heading i" and "I.A.1.a.1.h.i" not in s


def test_pcs_layout_numbers_paragraphs_and_subheadings():
    s = by_number(sections_from_pages(texts("pcs_pages.txt"), "icd10pcs"))
    assert s["A1"].parent == "A" and "seven characters" in s["A1"].text
    assert s["A2"].text.startswith("One of 34")
    assert s["B3"].title == "Root Operation" and s["B3"].parent == "B"
    assert s["B3.1a"].parent == "B3" and s["B3.1a"].title == "General guidelines"
    assert s["B3.2"].title == "Multiple procedures"


def test_header_names_the_release_from_page_one():
    h = guidelines_header(texts("cm_pages.txt"), "x.pdf")
    assert (h.system, h.kind, h.version) == ("icd10cm", "guidelines", "2026")
    assert (h.effective_from, h.effective_to) == (date(2025, 10, 1), date(2026, 9, 30))
    assert guidelines_header(texts("pcs_pages.txt"), "x.pdf").system == "icd10pcs"
    april = ["ICD-10-CM Official Guidelines for Coding and Reporting FY 2025 -- UPDATED "
             "April 1, 2025 (April 1, 2025 - September 30, 2025)"]  # fmt: skip
    h = guidelines_header(april, "x.pdf")
    assert h.version == "2025-04" and h.effective_from == date(2025, 4, 1)


def test_the_pdf_path_gives_the_same_sections():
    pdf = make_pdf(pages("cm_pages.txt"))
    parsed = parse_guidelines(io.BytesIO(pdf), "tiny-guidelines.pdf")
    assert parsed.header.version == "2026"
    from_text = sections_from_pages(texts("cm_pages.txt"), "icd10cm")
    assert [s.number for s in parsed.records] == [s.number for s in from_text]


def test_sniff_wants_a_pdf_named_for_guidelines():
    assert sniff("fy2026-icd-10-cm-coding-guidelines.pdf", b"%PDF-1.7 ...")
    assert not sniff("RVU26B.pdf", b"%PDF-1.7")
    assert not sniff("guidelines.txt", b"ICD-10")


@pytest.mark.parametrize(
    "data, message",
    [
        (b"not a pdf", "not a PDF"),
        (b"%PDF-1.4\n1 0 obj garbage", "PDF"),
        (make_pdf([["An unrelated document", "FY 2026"]]), "Official Guidelines"),
        (make_pdf([["ICD-10-CM Official Guidelines for Coding and Reporting", "no year"]]), "FY"),
    ],
)
def test_damaged_or_foreign_files_are_refused(data, message):
    with pytest.raises(ImportFormatError, match=message):
        parse_guidelines(io.BytesIO(data), "x-guidelines.pdf")


@pytest.mark.shared_data
def test_the_real_fy2026_guidelines():
    path = shared_file(REAL)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == REAL_SHA256
    parsed = parse_guidelines(path.open("rb"), path.name)
    assert parsed.header.version == "2026"
    s = by_number(parsed.records)
    assert len(s) > 450
    assert s["I.C.4.a"].title == "Diabetes mellitus" and s["I.C.4.a"].page_start == 39
    assert s["I.A.12.a"].title == "Excludes1"
    assert s["I.B.1"].title == "Locating a code in the ICD-10-CM"
    assert s["I.C.1.d.1.a.i"].title == "Negative or inconclusive blood cultures and sepsis"
    assert s["I.C.20.d"].title.endswith("Used with other External Cause Code")
    assert s["II"].title == "Selection of Principal Diagnosis"
    assert {"I", "II", "III", "IV", "Appendix I"} <= set(s)
    # Every chapter of Section I.C is found, in order.
    assert [f"I.C.{n}" in s for n in range(1, 23)] == [True] * 22
