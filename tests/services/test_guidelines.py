"""Guideline lookup over the imported guidelines: by section number and by words."""

from datetime import date

import pytest

from chartcode.api import Chartcode
from chartcode.services.guidelines import GuidelineLookup, section_number
from tests.conftest import shared_file
from tests.services.assistant.conftest import guidelines_pdf


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    folder = tmp_path_factory.mktemp("guidelines")
    data = folder / "data"
    data.mkdir()
    guidelines_pdf(data)
    (data / "PROVENANCE.md").write_text("where the file came from\n")
    d = Chartcode(folder / "reference.sqlite", on="2026-05-01")
    report = d.import_files([data])  # a folder, as `chartcode data import DIR`
    assert [(r.system, r.kind, r.status) for r in report] == [
        ("icd10cm", "guidelines", "loaded"),
        ("-", "-", "skipped: not recognised"),
    ]
    yield d
    d.close()


@pytest.mark.parametrize(
    "text, expected",
    [
        ("I.C.4.a", ("icd10cm", "I.C.4.a")),
        ("Section I.B.1.", ("icd10cm", "I.B.1")),
        ("section ii", ("icd10cm", "II")),
        ("appendix i", ("icd10cm", "Appendix I")),
        ("B3.1a", ("icd10pcs", "B3.1a")),
        ("sepsis", None),
    ],
)
def test_section_numbers(text, expected):
    assert section_number(text) == expected


def test_find_by_number_with_subsections_and_citation(desk):
    g = GuidelineLookup(desk.store)
    [hit] = g.find("I.A.2", date(2026, 5, 1))
    assert hit.title == "Excludes Notes" and hit.page_start == 2
    assert hit.subsections == [("I.A.2.a", "Excludes1"), ("I.A.2.b", "Excludes2")]
    assert "Section I.A.2 “Excludes Notes”, p. 2" in hit.citation()
    assert hit.release == "icd10cm guidelines 2026"


def test_find_by_words_prefers_the_section_titled_so(desk):
    hits = GuidelineLookup(desk.store).find("excludes2", date(2026, 5, 1))
    assert hits[0].number == "I.A.2.b"


def test_outside_the_release_answers_from_the_nearest(desk):
    g = GuidelineLookup(desk.store)
    assert g.loaded(date(2027, 1, 1)) and g.releases(date(2027, 1, 1))[0][1]


@pytest.mark.shared_data
def test_real_guidelines_import_and_search(tmp_path):
    d = Chartcode(tmp_path / "reference.sqlite", on="2026-05-01")
    d.import_files([shared_file("guidelines/fy2026-icd-10-cm-coding-guidelines.pdf")])
    g = GuidelineLookup(d.store)
    on = date(2026, 5, 1)
    assert g.find("what about pressure ulcer stages", on)[0].number.startswith("I.C.12.a")
    assert g.find("diabetes mellitus", on)[0].number == "I.C.4.a"
    assert g.find("I.C.1.d.1.a", on)[0].title == "Sepsis"
    d.close()
