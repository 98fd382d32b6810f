"""The index walk, on hand-written index files and on the official 2023 index files.

Every expected code in the real-file tests was read from the store's index rows
(``index_term`` / ``index_cell``) built from ``../shared/data/icd10/cm``.
"""

import json
from datetime import date

import pytest

from chartcode.api import Chartcode
from chartcode.errors import InvalidInput
from chartcode.services.index_walk import default_normalise, tokens, walk
from chartcode.store.index_queries import IndexQueries
from tests.conftest import TEST_DATA, shared_file

INDEX = TEST_DATA / "icd10cm_index"
REAL = [
    "icd10/cm/icd10cm_eindex_2023.xml",
    "icd10/cm/icd10cm_neoplasm_2023.xml",
    "icd10/cm/icd10cm_drug_2023.xml",
]
ON_2023 = date(2023, 5, 1)  # the 2023 index files are in force from 2022-10-01
ON_2025 = date(2025, 3, 1)  # walk_index.xml and walk_drug.xml (2025) are in force
ON_2026 = date(2026, 5, 1)  # index.xml (2026) is in force

real = pytest.mark.shared_data


@pytest.fixture(scope="module")
def schema_store(tmp_path_factory):
    """The four fixtures every index test shares (index 2026, eindex, neoplasm, drug 2023)."""
    desk = Chartcode(tmp_path_factory.mktemp("walk_schema") / "reference.sqlite")
    desk.import_files([INDEX / n for n in ("index.xml", "eindex.xml", "neoplasm.xml", "drug.xml")])
    yield desk.store
    desk.close()


@pytest.fixture(scope="module")
def walk_store(tmp_path_factory):
    """References, loops and synonyms: walk_index.xml and walk_drug.xml, with neoplasm.xml."""
    desk = Chartcode(tmp_path_factory.mktemp("walk_refs") / "reference.sqlite")
    desk.import_files([INDEX / "walk_index.xml", INDEX / "walk_drug.xml", INDEX / "neoplasm.xml"])
    yield desk.store
    desk.close()


@pytest.fixture(scope="module")
def real_store(tmp_path_factory):
    paths = [shared_file(p) for p in REAL]
    desk = Chartcode(tmp_path_factory.mktemp("walk_real") / "reference.sqlite")
    desk.import_files(paths)
    yield desk.store
    desk.close()


def top(store, query, on, **kw):
    hits = walk(store, query, on, **kw)
    assert hits, f"no hit for {query!r}"
    return hits[0]


# -- words ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Aarskog's syndrome", ["aarskog", "syndrome"]),
        ("self-harm", ["self", "harm"]),
        ("2,4-D", ["2", "4", "d"]),
        ("Stone(s)", ["stone"]),
        ("Ménière", ["meniere"]),
    ],
)
def test_tokens(text, expected):
    assert tokens(text) == expected


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("ladders", "ladder"),
        ("injuries", "injury"),
        ("boxes", "box"),
        ("abscess", "abscess"),
        ("virus", "virus"),
        ("metastasis", "metastasis"),
        ("metastases", "metastasis"),
        ("teeth", "tooth"),
        ("gas", "gas"),
    ],
)
def test_default_normalise_folds_plurals_and_leaves_latin_endings(word, expected):
    assert default_normalise(word) == expected


# -- main term and subterms (schema fixtures) -----------------------------------------------------
def test_main_term_then_subterms_with_path_and_matched_words(schema_store):
    hit = top(schema_store, "type 2 diabetes with neuropathy", ON_2026)
    assert (hit.code, hit.code_key, hit.source, hit.release) == ("E11.40", "E1140", "index", "2026")
    assert hit.path == ["Diabetes, diabetic (mellitus) (sugar)", "type 2", "with", "neuropathy"]
    assert hit.matched == {
        "type": "type",
        "2": "2",
        "diabetes": "diabetes",
        "with": "with",
        "neuropathy": "neuropathy",
    }
    assert hit.unmatched == [] and hit.via == [] and hit.column is None


@pytest.mark.parametrize(
    "query",
    [
        "type 2 diabetes with neuropathy",
        "neuropathy with diabetes type 2",
        "diabetic neuropathy type 2",
    ],
)
def test_words_in_any_order_and_any_printed_alternative(schema_store, query):
    assert top(schema_store, query, ON_2026).code == "E11.40"


def test_joining_subterm_is_read_through_when_the_query_omits_it(schema_store):
    hit = top(schema_store, "type 2 diabetes neuropathy", ON_2026)
    assert hit.code == "E11.40" and hit.path[2] == "with"
    with_word = top(schema_store, "type 2 diabetes with neuropathy", ON_2026)
    assert with_word.score > hit.score  # saying "with" reads the index exactly


def test_more_specific_subterm_wins_when_the_query_says_it(schema_store):
    assert top(schema_store, "type 2 diabetes with autonomic neuropathy", ON_2026).code == "E11.43"


def test_nonessential_modifiers_are_optional_but_count_when_present(schema_store):
    plain = top(schema_store, "pneumonia", ON_2026)
    modified = top(schema_store, "acute septic pneumonia", ON_2026)
    assert plain.code == modified.code == "J18.9"
    assert modified.matched == {"acute": "acute", "septic": "septic", "pneumonia": "pneumonia"}
    assert modified.unmatched == [] and "nonessential modifiers" in modified.explain
    # The modifier "(poly)" inside "autonomic(poly)neuropathy" is optional too.
    assert top(schema_store, "type 2 diabetes autonomic polyneuropathy", ON_2026).code == "E11.43"


def test_manifestation_code_is_reported(schema_store):
    hit = top(schema_store, "cataract in hypoparathyroidism", ON_2026)
    assert (hit.code, hit.manif) == ("E20.9", "H28")


def test_external_cause_fixture_codes_and_code_kinds(schema_store):
    airbag = top(schema_store, "struck by airbag", ON_2023)
    assert (airbag.code, airbag.source, airbag.code_kind) == ("W22.10", "eindex", "code")
    strangled = top(schema_store, "accidental strangulation", ON_2023)
    assert (strangled.code, strangled.code_kind) == ("T71", "seecat")
    lightning = top(schema_store, "struck by lightning", ON_2023)
    assert (lightning.code, lightning.code_kind) == ("T75.0", "subcat")


def test_query_that_matches_nothing_returns_an_empty_list(schema_store):
    assert walk(schema_store, "xyzzy plugh", ON_2026) == []
    assert walk(schema_store, "", ON_2026) == []
    assert walk(schema_store, "of the", ON_2026) == []


def test_unknown_source_is_refused(schema_store):
    with pytest.raises(InvalidInput, match="unknown index source"):
        walk(schema_store, "pneumonia", ON_2026, sources=("tabular",))


def test_sources_and_limit_narrow_the_answer(schema_store):
    assert walk(schema_store, "pneumonia", ON_2026, sources=("eindex",)) == []
    assert len(walk(schema_store, "type 2 diabetes neuropathy", ON_2026, limit=1)) == 1


def test_date_before_every_release_answers_from_the_nearest(schema_store):
    assert walk(schema_store, "pneumonia", ON_2026)  # index 2026
    # The fixtures hold only the 2026 index; before it, it answers with a warning (nearest).
    assert walk(schema_store, "pneumonia", date(2020, 1, 1))[0].release == "2026"


def test_attached_index_queries_are_used(tmp_path):
    desk = Chartcode(tmp_path / "reference.sqlite")
    desk.import_files([INDEX / "eindex.xml"])
    calls = []

    class Counting(IndexQueries):
        def main_terms(self, release_id):
            calls.append(release_id)
            return super().main_terms(release_id)

    desk.store.index = Counting(desk.store.conn)
    assert top(desk.store, "struck by airbag", ON_2023).code == "W22.10"
    assert calls
    desk.close()


def test_index_queries_rows(schema_store):
    q = IndexQueries(schema_store.conn)
    rid = next(r.id for r in schema_store.releases() if r.kind == "neoplasm")
    (main,) = q.main_terms(rid)
    assert (main.title, main.level, main.parent_id) == ("Neoplasm, neoplastic", 0, None)
    sites = q.children(rid, main.id)
    assert [t.title for t in sites] == [
        "abdomen, abdominal",
        "book-leaf",
        "breast",
        "fibrous tissue",
    ]
    assert sites[3].see == "Neoplasm, connective tissue"
    assert q.term(rid, sites[2].id) == sites[2]
    assert q.term(rid, 10_000) is None
    cells = q.cells(rid, sites[2].id)
    assert [(c.col, c.heading, c.code, c.code_key) for c in cells][:2] == [
        (2, "Malignant Primary", "C50.9-", "C509"),
        (3, "Malignant Secondary", "C79.81", "C7981"),
    ]
    assert q.cells(rid, sites[3].id) == []


def test_hits_serialise_to_json(schema_store):
    hit = top(schema_store, "carcinoma in situ of breast", ON_2023)
    d = json.loads(json.dumps(hit.to_dict()))
    assert d["system"] == "icd10cm" and d["code"] == "D05.-" and d["code_key"] == "D05"
    assert d["column"] == "Ca in situ" and d["path"][-1].startswith("breast")
    for key in ("source", "release", "matched", "unmatched", "via", "score", "explain"):
        assert key in d


# -- tables (schema fixtures) ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("query", "code", "column"),
    [
        ("carcinoma of breast", "C50.9-", "Malignant Primary"),
        ("breast cancer", "C50.9-", "Malignant Primary"),
        ("metastatic carcinoma to breast", "C79.81", "Malignant Secondary"),
        ("carcinoma in situ of breast", "D05.-", "Ca in situ"),
        ("benign neoplasm of breast", "D24.-", "Benign"),
        ("breast neoplasm of uncertain behavior", "D48.6-", "Uncertain Behavior"),
        ("breast tumor", "D49.3", "Unspecified Behavior"),
    ],
)
def test_neoplasm_column_from_the_query_words(schema_store, query, code, column):
    hit = top(schema_store, query, ON_2023)
    assert (hit.source, hit.code, hit.column) == ("neoplasm", code, column)
    assert hit.path[0] == "Neoplasm, neoplastic"


def test_neoplasm_row_without_the_column_gives_no_hit_of_its_own(schema_store):
    # "connective tissue" prints "-" under Ca in situ: the walk does not invent a code.
    hits = walk(schema_store, "carcinoma in situ of abdominal wall connective tissue", ON_2023)
    assert all(h.path[-1] != "connective tissue" for h in hits)
    assert hits[0].code == "D04.5"  # abdomen, wall


def test_neoplasm_see_reference_with_no_target_yields_nothing(schema_store):
    # "fibrous tissue - see Neoplasm, connective tissue": the fixture has no such site.
    hits = walk(schema_store, "benign neoplasm of fibrous tissue", ON_2023)
    assert all("fibrous tissue" not in h.path for h in hits)


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("accidental overdose of acetaminophen", "T39.1X1"),
        ("acetaminophen overdose", "T39.1X1"),
        ("intentional overdose of acetaminophen", "T39.1X2"),
        ("assault by acetaminophen poisoning", "T39.1X3"),
        ("acetaminophen poisoning undetermined", "T39.1X4"),
        ("adverse effect of acetaminophen", "T39.1X5"),
        ("underdosing of acetaminophen", "T39.1X6"),
    ],
)
def test_drug_column_from_the_query_words(schema_store, query, code):
    hit = top(schema_store, query, ON_2023)
    assert (hit.source, hit.code, hit.path) == ("drug", code, ["Acetaminophen"])


def test_drug_subterm_and_empty_cell(schema_store):
    assert top(schema_store, "beverage alcohol poisoning", ON_2023).code == "T51.0X1"
    # Alcohol prints "--" under Adverse effect: no hit from that row.
    assert walk(schema_store, "adverse effect of alcohol", ON_2023) == []


def test_substance_alone_takes_the_accidental_column_with_a_lower_score(schema_store):
    bare = top(schema_store, "acetaminophen", ON_2023)
    said = top(schema_store, "acetaminophen poisoning", ON_2023)
    assert bare.code == said.code == "T39.1X1"
    assert bare.score < said.score and "assumed" in bare.explain


# -- references, synonyms, normaliser (walk fixtures) ---------------------------------------------
def test_see_is_followed_and_reported(walk_store):
    hit = top(walk_store, "heart attack", ON_2025)
    assert hit.code == "I21.9"
    assert hit.path[0] == "Infarct, infarction"
    assert [(v.kind, v.source, v.target) for v in hit.via] == [
        ("see", "Attack, attacks, heart", "Infarct, myocardium")
    ]


def test_matching_continues_after_a_see(walk_store):
    hit = top(walk_store, "anterior wall heart attack", ON_2025)
    assert hit.code == "I21.09" and hit.via[0].kind == "see"
    assert hit.matched["wall"] == "wall"  # read in the modifier "(wall)"


def test_see_also_is_tried_for_words_the_term_lacks(walk_store):
    hit = top(walk_store, "aspiration pneumonitis", ON_2025)
    assert hit.code == "J69.0"
    assert hit.path == [
        "Pneumonia (acute) (double) (migratory) (purulent) (septic) (unresolved)",
        "aspiration",
    ]
    assert [(v.kind, v.target) for v in hit.via] == [("see also", "Pneumonia")]
    # The term's own code stays an answer.
    assert "J18.9" in {h.code for h in walk(walk_store, "aspiration pneumonitis", ON_2025)}


def test_see_also_from_a_term_without_a_code(walk_store):
    ureter = top(walk_store, "ureter stone", ON_2025)
    assert (ureter.code, ureter.path[0]) == ("N20.1", "Calculus, calculi, calculous")
    assert top(walk_store, "kidney stone", ON_2025).code == "N20.0"


def test_matching_continues_through_a_joining_subterm_after_a_see_also(walk_store):
    # Grippe, grippal - see also Influenza; Influenza > with > pneumonia.
    hit = top(walk_store, "grippe with pneumonia", ON_2025)
    assert hit.code == "J11.00" and hit.path[1:] == ["with", "pneumonia"]
    assert [(v.kind, v.target) for v in hit.via] == [("see also", "Influenza")]
    # "Pneumonia, in, influenza - see Influenza, with, pneumonia" leads to the same code.
    assert top(walk_store, "pneumonia in influenza", ON_2025).code == "J11.00"


def test_see_also_loops_terminate(walk_store):
    # Mass - see also Swelling; Swelling - see also Mass.
    hits = walk(walk_store, "mass of neck", ON_2025, sources=("index",))
    assert hits[0].code == "R22.1"
    assert [v.target for v in hits[0].via] == ["Swelling"]


def test_reference_to_another_file_is_not_followed(walk_store):
    # "Carcinoma - see Neoplasm, by site, malignant" names the Neoplasm table, which is
    # walked on its own; the index itself gives nothing.
    hits = walk(walk_store, "carcinoma of breast", ON_2025)
    assert hits and all(h.source == "neoplasm" for h in hits)
    assert hits[0].code == "C50.9-"


def test_behaviour_adjective_alone_does_not_enter_the_neoplasm_table(walk_store):
    hits = walk(walk_store, "malignant hypertension", ON_2025)
    assert [h.code for h in hits] == ["I10"]
    assert hits[0].matched["malignant"] == "malignant"  # a nonessential modifier


def test_drug_see_and_see_also(walk_store):
    aleve = top(walk_store, "aleve overdose", ON_2025)
    assert (aleve.code, aleve.path, aleve.via[0].target) == ("T39.311", ["Naproxen"], "Naproxen")
    tricyclic = top(walk_store, "tricyclic antidepressant psychotherapeutic drug overdose", ON_2025)
    assert tricyclic.code == "T43.011"
    assert [(v.kind, v.target) for v in tricyclic.via] == [("see also", "Antidepressant")]


def test_synonyms_are_walked_as_extra_queries(walk_store):
    assert walk(walk_store, "MI", ON_2025) == []
    hits = walk(walk_store, "acute MI", ON_2025, synonyms={"mi": ["myocardial infarction"]})
    assert hits[0].code == "I21.9"
    assert (hits[0].via[0].kind, hits[0].via[0].target) == ("synonym", "myocardial infarction")
    assert "synonym" in hits[0].explain


def test_normaliser_hook_applies_to_query_and_index_words(walk_store):
    assert walk(walk_store, "renal stone", ON_2025, sources=("index",)) == []

    def spelling(word):
        return "kidney" if word == "renal" else default_normalise(word)

    hit = top(walk_store, "renal stones", ON_2025, normalise=spelling)
    assert hit.code == "N20.0" and hit.matched["renal"] == "kidney"


def test_connector_subterm_named_by_the_query(walk_store):
    hit = top(walk_store, "hypertensive heart disease with heart failure", ON_2025)
    assert hit.code == "I11.0" and hit.path[-2:] == ["with", "heart failure (congestive)"]


# -- the official files ---------------------------------------------------------------------------
@real
@pytest.mark.parametrize(
    ("query", "code", "path"),
    [
        ("fall from ladder", "W11", ["Fall, falling (accidental)", "from, off, out of", "ladder"]),
        ("ladder fall", "W11", ["Fall, falling (accidental)", "from, off, out of", "ladder"]),
        ("fall into water", "W16.42", ["Fall, falling (accidental)", "into", "water"]),
        (
            "struck by baseball bat",
            "W21.11",
            ["Struck by (accidentally)", "bat or racquet", "baseball bat"],
        ),
        ("dog bite", "W54.0", ["Bite, bitten by", "dog"]),
        ("bitten by dog", "W54.0", ["Bite, bitten by", "dog"]),
        ("motor vehicle accident", "V89.2", ["Accident (to)", "motor vehicle NOS (traffic)"]),
    ],
)
def test_real_external_causes(real_store, query, code, path):
    hit = top(real_store, query, ON_2023)
    assert (hit.source, hit.release, hit.code, hit.path) == ("eindex", "2023", code, path)
    assert hit.unmatched == []


@real
def test_real_dead_end_looks_one_level_ahead(real_store):
    # "golf club" sits under "bat or racquet", which the query does not name.
    hit = top(real_store, "struck by golf club", ON_2023)
    assert hit.code == "W21.13"
    assert hit.path == ["Struck by (accidentally)", "bat or racquet", "golf club"]
    assert "not in the query" in hit.explain


@real
def test_real_nonessential_modifier_is_read_when_present(real_store):
    hit = top(real_store, "accidental fall from ladder", ON_2023)
    assert hit.code == "W11" and hit.matched["accidental"] == "accidental"
    assert hit.unmatched == []


@real
def test_real_see_in_the_external_cause_index(real_store):
    # Accident, automobile - see Accident, transport, car occupant (V49.9).
    hit = top(real_store, "automobile accident", ON_2023)
    assert hit.code == "V49.9"
    assert hit.path == ["Accident (to)", "transport (involving injury to)", "car occupant"]
    assert [(v.kind, v.target) for v in hit.via] == [("see", "Accident, transport, car occupant")]


@real
def test_real_see_also_in_the_external_cause_index(real_store):
    # Accident, diving - see also Fall, into, water (W16.42).
    hit = top(real_store, "diving accident", ON_2023)
    assert hit.code == "W16.42"
    assert [(v.kind, v.target) for v in hit.via] == [("see also", "Fall, into, water")]


@real
@pytest.mark.parametrize(
    ("query", "code", "column"),
    [
        ("malignant neoplasm of liver", "C22.9", "Malignant Primary"),
        ("primary liver cancer", "C22.8", "Malignant Primary"),
        ("secondary malignant neoplasm of liver", "C78.7", "Malignant Secondary"),
        ("liver mets", "C78.7", "Malignant Secondary"),
        ("carcinoma in situ of liver", "D01.5", "Ca in situ"),
        ("benign neoplasm of liver", "D13.4", "Benign"),
        ("neoplasm of uncertain behavior of liver", "D37.6", "Uncertain Behavior"),
        ("mass in liver", "D49.0", "Unspecified Behavior"),
        ("carcinoma in situ of breast", "D05.-", "Ca in situ"),
        ("lung cancer", "C34.9-", "Malignant Primary"),
        ("neoplasm of bladder", "D49.4", "Unspecified Behavior"),
    ],
)
def test_real_neoplasm_columns(real_store, query, code, column):
    hit = top(real_store, query, ON_2023)
    assert (hit.source, hit.code, hit.column) == ("neoplasm", code, column)


@real
def test_real_neoplasm_see_also_to_find_the_column(real_store):
    # "colon - see also Neoplasm, intestine, large" prints no Benign cell; large > colon does.
    hit = top(real_store, "benign neoplasm of colon", ON_2023)
    assert hit.code == "D12.6"
    assert hit.path == ["Neoplasm, neoplastic", "intestine, intestinal", "large", "colon"]
    assert [(v.kind, v.target) for v in hit.via] == [("see also", "Neoplasm, intestine, large")]
    # The colon row's own Malignant Primary cell answers directly.
    assert top(real_store, "malignant neoplasm of colon", ON_2023).code == "C18.9"


@real
@pytest.mark.parametrize(
    ("query", "code", "column"),
    [
        ("accidental overdose of acetaminophen", "T39.1X1", "Poisoning Accidental (unintentional)"),
        (
            "acetaminophen overdose suicide attempt",
            "T39.1X2",
            "Poisoning Intentional self-harm",
        ),
        ("intentional overdose of aspirin", "T39.012", "Poisoning Intentional self-harm"),
        ("lead poisoning assault", "T56.0X3", "Poisoning Assault"),
        ("carbon monoxide poisoning undetermined intent", "T58.94", "Poisoning Undetermined"),
        ("adverse effect of amoxicillin", "T36.0X5", "Adverse effect"),
        ("allergic reaction to amoxicillin", "T36.0X5", "Adverse effect"),
        ("underdosing of insulin", "T38.3X6", "Underdosing"),
        ("missed dose of insulin", "T38.3X6", "Underdosing"),
    ],
)
def test_real_drug_columns(real_store, query, code, column):
    hit = top(real_store, query, ON_2023)
    assert (hit.source, hit.code, hit.column) == ("drug", code, column)
    assert hit.unmatched == []


@real
def test_real_drug_see(real_store):
    # Aleve - see Naproxen.
    hit = top(real_store, "aleve overdose", ON_2023)
    assert (hit.code, hit.path) == ("T39.311", ["Naproxen"])
    assert [(v.kind, v.target) for v in hit.via] == [("see", "Naproxen")]


@real
def test_real_substance_named_in_passing_is_not_a_poisoning(real_store):
    assert all(h.source != "drug" for h in walk(real_store, "fall into water", ON_2023))


@real
def test_real_nothing_matches(real_store):
    assert walk(real_store, "xyzzy plugh", ON_2023) == []
