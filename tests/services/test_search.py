"""Search and the ICD-10-CM encoder: reading queries, ranking, the index walk, verification.

The named examples run on the official files in ../shared/data (tabular, external cause index,
Neoplasm and Drug tables); the reading and ranking rules also run on their own.
"""

from datetime import date

import pytest

from chartcode.api import Chartcode
from chartcode.services.search import Searcher
from chartcode.services.search_query import analyse
from chartcode.services.search_rank import reading_words, score
from tests.conftest import TEST_DATA, shared_file

ON = date(2026, 5, 1)
REAL = [
    "icd10/cm/icd10cm-tabular-April-1-2026.xml.gz",
    "icd10/cm/icd10cm_eindex_2023.xml",
    "icd10/cm/icd10cm_neoplasm_2023.xml",
    "icd10/cm/icd10cm_drug_2023.xml",
]


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    d = Chartcode(tmp_path_factory.mktemp("search") / "reference.sqlite", on=ON)
    d.import_files([shared_file(f) for f in REAL])
    return d


def first(desk, query, **kw):
    hits = desk.search(query, system="icd10cm", limit=5, **kw)
    assert hits, query
    return hits[0]


# -- the examples, on the official files ------------------------------------------------
@pytest.mark.shared_data
@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("heart attack", "I21.9"),
        ("CHF exacerbation", "I50.9"),
        ("broken left wrist, initial encounter", "S52.502A"),
        ("type 2 diabetes with neuropathy", "E11.40"),
        ("kidney stone", "N20.0"),
        ("fall from ladder", "W11.XXXA"),
    ],
)
def test_new_users_queries_land_first(real, query, code):
    assert first(real, query).code == code


@pytest.mark.shared_data
def test_abbreviations_misspellings_and_british_spelling(real):
    assert first(real, "T2DM with neuropathy").code == "E11.40"
    assert first(real, "pnuemonia").code == "J18.9"
    assert first(real, "heart atack").code == "I21.9"
    assert first(real, "oesophagitis").code.startswith("K20")


@pytest.mark.shared_data
def test_abbreviation_sense_follows_context():
    ms_neuro = analyse("MS relapsing remitting").units[0]
    ms_valve = analyse("MS with murmur").units[0]
    assert ms_neuro.alternatives[0] == ("multiple", "sclerosis")
    assert ms_valve.alternatives[0] == ("mitral", "stenosis")


@pytest.mark.shared_data
def test_specific_when_the_query_has_the_detail_unspecified_when_not(real):
    assert first(real, "type 2 diabetes").code == "E11.9"
    assert first(real, "type 2 diabetes with polyneuropathy").code == "E11.42"
    assert first(real, "pneumonia").code == "J18.9"
    assert first(real, "fracture of lower end of radius").code.startswith("S52.509")
    assert first(real, "right fracture of lower end of radius").code.startswith("S52.501")


@pytest.mark.shared_data
def test_seventh_character_follows_the_encounter_and_says_when_assumed(real):
    sub = first(real, "fall from ladder subsequent encounter")
    assert sub.code == "W11.XXXD"
    assert any("subsequent encounter, from the query" in f for f in sub.flags)
    assumed = first(real, "fall from ladder")
    assert any("gives no encounter" in f for f in assumed.flags)
    assert any("placeholder X" in f for f in assumed.flags)


@pytest.mark.shared_data
def test_side_conflict_is_never_first(real):
    hits = real.search("broken right wrist initial encounter", system="icd10cm", limit=5)
    assert "right" in hits[0].title
    assert all("left" not in h.title.split(",")[0] for h in hits[:1])


@pytest.mark.shared_data
def test_results_carry_notes_that_travel_with_the_code(real):
    hit = first(real, "broken left wrist, initial encounter")
    assert any(f.startswith("Excludes1:") for f in hit.flags)
    assert any(f.startswith("use additional code:") for f in hit.flags)
    dm = first(real, "type 2 diabetes with neuropathy")
    assert any("use additional code" in f for f in dm.flags)


@pytest.mark.shared_data
def test_index_walk_routes_neoplasm_and_drug_table_columns(real):
    liver = first(real, "liver mets")
    assert liver.code == "C78.7"
    assert liver.path and "column Malignant Secondary" in liver.path
    assert first(real, "esophageal cancer").code == "C15.9"
    poison = first(real, "accidental overdose of acetaminophen initial encounter")
    assert poison.code == "T39.1X1A"
    assert poison.path and any("Drug" in p or "drug" in p for p in poison.path)


@pytest.mark.shared_data
def test_json_results_explain_matches_and_scores(real):
    d = real.search("kidney stone", system="icd10cm", limit=3)[0].to_dict()
    assert set(d) >= {"system", "code", "title", "billable", "score", "matched", "path", "flags"}
    assert d["matched"]["kidney stone"] and "query coverage" in d["explain"]


@pytest.mark.shared_data
def test_a_code_or_its_start_lists_the_code_and_those_below(real):
    hits = real.search("E11.4", limit=10)
    assert hits[0].code == "E11.4" and {"E11.40", "E11.41"} <= {h.code for h in hits}


@pytest.mark.shared_data
def test_nonsense_finds_nothing(real):
    assert real.search("qwxzv plorf", system="icd10cm") == []


# -- reading and ranking on their own -------------------------------------------------------
def test_lay_phrases_read_through_side_and_encounter_words():
    q = analyse("broken left wrist, initial encounter")
    kinds = {u.surface: u.kind for u in q.units}
    assert kinds["broken wrist"] == "lay"
    assert q.detail == {"side": "left", "encounter": "initial"}


def test_fracture_detail_and_healing_imply_subsequent_encounter():
    q = analyse("right hip fracture nondisplaced routine healing")
    assert q.detail["displacement"] == "nondisplaced" and q.detail["encounter"] == "subsequent"


def test_default_clauses_cost_nothing_but_never_match():
    reading = reading_words("Migraine without aura, not intractable, without status migrainosus")
    assert reading.required == ("migraine",)
    assert "aura" in reading.absent and "intractable" in reading.open
    with_aura = analyse("migraine with aura")
    s = score(with_aura, "Migraine without aura, not intractable", "", True)
    assert "aura" in s.missing


def test_unspecified_wins_only_when_the_query_gives_no_detail():
    vague, specific = analyse("gastric ulcer"), analyse("acute gastric ulcer")
    unspecified = "Gastric ulcer, unspecified as acute or chronic, without hemorrhage"
    acute = "Acute gastric ulcer without hemorrhage or perforation"
    assert score(vague, unspecified, "", True).score > score(vague, acute, "", True).score
    assert score(specific, acute, "", True).score > score(specific, unspecified, "", True).score


def test_search_runs_on_the_fixture_tabular(tmp_path):
    d = Chartcode(tmp_path / "reference.sqlite", on=ON)
    d.import_files([TEST_DATA / "icd10cm_tabular" / "tabular_sample_2026.xml"])
    s = Searcher(d.store)
    hits = s.search("diabetes type 2 with neuropathy", ON, limit=3)
    assert hits[0].code == "E11.40"


# -- procedures ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def pcs(tmp_path_factory):
    d = Chartcode(tmp_path_factory.mktemp("pcs-search") / "reference.sqlite", on="2025-06-01")
    d.import_files([TEST_DATA / "icd10pcs_tables" / "tables.xml"])
    return d


def test_a_procedure_named_by_its_clinical_name_lands_on_the_operation(pcs):
    hits = pcs.search("presacral fusion", system="icd10pcs", limit=5)
    assert hits and hits[0].code.startswith("0SG3"), [h.code for h in hits]
    # The approach and qualifier clauses of a PCS title leave details open: a removal that
    # only mentions a fusion device is not a fusion.
    assert not any(h.code.startswith("0SP3") for h in hits[:2])
