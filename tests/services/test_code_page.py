"""Code pages: sections, sources for every fact, explanations with traces, visibility."""

from datetime import date

import pytest

from chartcode.api import Chartcode
from chartcode.lexicon.glossary import glossary
from chartcode.services.code_page import DEFAULT_VISIBILITY, SECTION_TITLES, CodePages
from tests.conftest import TEST_DATA

ON = date(2026, 5, 1)


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    d = Chartcode(tmp_path_factory.mktemp("pages") / "reference.sqlite", on=ON)
    d.import_files(
        [
            TEST_DATA / "icd10cm_tabular" / "tabular_sample_2025.xml",
            TEST_DATA / "icd10cm_tabular" / "tabular_sample_2026.xml",
            TEST_DATA / "icd10pcs_tables" / "tables.xml",
            TEST_DATA / "icd10pcs_definitions" / "definitions.xml",
            TEST_DATA / "pfs_rvu" / "PPRRVU2026_Apr_nonQPP.txt",
            TEST_DATA / "ncci_ptp" / "ccipra-v321r0-f1.txt",
            TEST_DATA / "ncci_mue" / "MCR_MUE_PractitionerServices_Eff_04-01-2026.csv",
        ]
    )
    return d


def _well_formed(page):
    """Every section is known and tagged; every fact cites sources that the page lists."""
    ids = {s.id for s in page.sources}
    order = list(SECTION_TITLES)
    seen = [s.id for s in page.sections]
    assert seen == sorted(seen, key=order.index), "sections keep their fixed order"
    assert seen[-1] == "sources"
    for section in page.sections:
        assert section.visibility in ("public", "account")
        assert section.title == SECTION_TITLES[section.id]
        if section.id == "sources":
            continue
        for fact in section.facts:
            assert fact.sources, f"{section.id}: {fact.label} has no source"
            assert set(fact.sources) <= ids
    for clause in page.explanation.clauses:
        assert clause.traces, f"clause without a trace: {clause.text}"


def test_icd10cm_page_has_every_section_with_sources(desk):
    page = desk.page("E11.40")
    _well_formed(page)
    assert [s.id for s in page.sections] == [
        "official",
        "plain",
        "placement",
        "notes",
        "related",
        "history",
        "sources",
    ]
    official = page.section("official")
    assert (
        official.facts[0].text == "Type 2 diabetes mellitus with diabetic neuropathy, unspecified"
    )
    # Neighbours say how they differ, in the words that differ.
    neighbours = {f.code: f.text for f in page.section("placement").facts if f.label == "Neighbour"}
    assert "has mononeuropathy" in neighbours["E11.41"]
    notes = page.section("notes").facts
    assert any(f.label.startswith("Excludes1") and "(from E11)" in f.label for f in notes)
    assert any(f.label == "Unspecified" for f in notes)
    related = {(f.label, f.code) for f in page.section("related").facts}
    assert ("Parent", "E11.4") in related and ("Sibling", "E11.41") in related


def test_icd10cm_explanation_reads_the_conventions_of_the_title(desk):
    e = desk.page("E11.40").explanation
    assert e.text.startswith("E11.40 is the code for type 2 diabetes mellitus")
    assert (
        "combination code" in e.text
        and "type 2 diabetes mellitus and diabetic neuropathy" in e.text
    )
    assert "'Unspecified' means" in e.text and "'mononeuropathy'" in e.text
    kinds = {t.kind for t in e.traces}
    assert {"title", "hierarchy", "convention"} <= kinds
    assert any(t.kind == "convention" and t.ref.endswith("I.A.15") for t in e.traces)


def test_injury_code_explains_side_and_seventh_character(desk):
    page = desk.page("S52.501A")
    _well_formed(page)
    text = page.explanation.text
    assert "right side" in text
    assert "7th character A means initial encounter for closed fracture" in text
    assert any(f.label == "Laterality" for f in page.section("notes").facts)


def test_header_code_is_explained_as_a_heading(desk):
    page = desk.page("E11.4")
    assert not page.result.billable
    assert "heading, not a billable code" in page.explanation.text
    children = [f.code for f in page.section("related").facts if f.label == "Child"]
    assert children == ["E11.40", "E11.41"]


def test_pcs_page_walks_the_axes_and_neighbours_are_valid_codes(desk):
    page = desk.page("0016070")
    _well_formed(page)
    text = page.explanation.text
    assert text.startswith("0016070 is a bypass procedure on the cerebral ventricle")
    # The plain words come from the glossary; the official definition is cited beside them.
    definitions = {t.text for t in page.explanation.traces if t.kind == "definition"}
    assert any(d.startswith("Altering the route of passage") for d in definitions)
    assert "The approach is open" in text
    assert "autologous tissue substitute" in text
    placement = page.section("placement").facts
    assert [f.label for f in placement[:7]] == [
        "1 Section",
        "2 Body System",
        "3 Operation",
        "4 Body Part",
        "5 Approach",
        "6 Device",
        "7 Qualifier",
    ]
    neighbours = [f for f in placement if f.label == "Neighbour"]
    assert {f.code for f in neighbours} >= {"0016370", "00160J0", "0016071"}
    for f in neighbours:
        assert desk.lookup(f.code).valid_on_date, f.code  # a neighbour is itself a valid code


def test_cpt_page_shows_the_cms_descriptor_billing_and_payment(desk):
    page = desk.page("22586")
    _well_formed(page)
    official = page.section("official").facts
    assert official[0].text == "Test presacral fusion l5-s1"  # the fixture row
    assert any("belongs to the AMA" in f.text for f in official)
    billing = {f.label: f.text for f in page.section("billing").facts}
    assert billing["Global period"].startswith("090: 90-day global")
    assert "Modifiers: 80, 81, 82, AS" in billing["Assistant at surgery (80/81/82/AS)"]
    assert "facility $2,008.06" in billing["Medicare payment (national)"]
    assert "90 days after" in page.explanation.text
    payment = next(f for f in page.section("billing").facts if f.label.startswith("Medicare pay"))
    payment_sources = payment.sources
    cited = {s.id: s for s in page.sources}
    assert any("PPRRVU2026_Apr_nonQPP.txt" in cited[i].file for i in payment_sources)


def test_sections_carry_visibility_that_configuration_can_change(desk):
    page = desk.page("22586")
    assert page.section("billing").visibility == DEFAULT_VISIBILITY["billing"] == "account"
    guest = {s.id for s in page.visible(signed_in=False)}
    assert "billing" not in guest and {"official", "plain"} <= guest
    opened = CodePages(desk.store, visibility={"billing": "public"}).page("22586", ON)
    assert opened.section("billing").visibility == "public"


def test_json_keeps_the_lookup_fields_and_adds_sections(desk):
    d = desk.page("E11.40").to_dict()
    for key in ("system", "code", "title", "release", "notes", "history", "hierarchy"):
        assert key in d
    assert d["explanation"]["text"] and d["explanation"]["clauses"][0]["traces"]
    assert {s["id"] for s in d["sections"]} >= {"official", "plain", "sources"}
    assert all({"id", "kind", "file", "release", "locator"} <= set(s) for s in d["sources"])


def test_glossary_traces_point_at_real_entries(desk):
    words = glossary()
    by_ref = {e.ref for e in words.entries}
    for code in ("E11.40", "S52.501A", "0016070", "22586"):
        for t in desk.page(code).explanation.traces:
            if t.kind in ("glossary", "word_parts"):
                assert t.ref in by_ref, t
