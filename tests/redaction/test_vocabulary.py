"""Protected clinical vocabulary: eponyms, drugs and abbreviations survive; the store adds words."""

import pytest

from chartcode.api import Chartcode
from chartcode.redaction.engine import find_phi
from chartcode.redaction.vocabulary import ProtectedVocabulary
from chartcode.services.redact import store_vocabulary
from chartcode.store.database import open_readonly
from chartcode.store.vocabulary import clinical_words
from tests.conftest import TEST_DATA
from tests.redaction.helpers import found

CLINICAL = [
    "mild LA enlargement",
    "Parkinson disease",
    "Parkinson's disease",
    "Down syndrome",
    "Crohn's",
    "MS",
    "Graves disease",
    "Bell palsy",
    "Hodgkin lymphoma",
    "Alzheimer disease",
    "Cushing syndrome",
    "stenosis of the LAD",
    "RA dilated",
    "CHF exacerbation",
    "Addison disease",
    "Wilson's disease",
    "Marfan syndrome",
    "Guillain-Barre syndrome",
    "Lou Gehrig disease",
    "Glasgow Coma Scale 14",
    "Colles fracture",
    "Smith fracture",
    "Apgar score 9",
    "Allegra 180 mg",
    "Eliquis 5 mg",
    "Keppra 500 mg",
]


@pytest.mark.parametrize("phrase", CLINICAL)
def test_clinical_terms_survive_in_a_sentence(phrase):
    text = f"Assessment: {phrase} noted by the team on review."
    assert found(text) == []


def test_protects_is_case_aware_for_abbreviations():
    vocab = ProtectedVocabulary.packaged()
    assert vocab.protects("LA") and vocab.protects("MS") and vocab.protects("CHF")
    assert vocab.protects("parkinson") and vocab.protects("Crohn's")
    assert not vocab.protects("la")  # the Spanish article is not the abbreviation


def test_store_words_veto_weak_guesses_only():
    text = "Assessment: Thaddeus stable."  # a census given name, alone, no cue
    assert found(text) == [("NAME", "Thaddeus")]
    vocab = ProtectedVocabulary.packaged().with_words(["thaddeus"])
    assert find_phi(text, vocab) == []
    # A full name stays a name whatever the vocabulary says.
    assert find_phi("Seen with Thaddeus Jones.", vocab)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    path = tmp_path_factory.mktemp("vocab") / "reference.sqlite"
    desk = Chartcode(path)
    cm = TEST_DATA / "icd10cm_tabular"
    desk.import_files([cm / "tabular_sample_2025.xml", cm / "tabular_sample_2026.xml"])
    desk.close()
    return path


def test_clinical_words_read_from_the_store(store):
    conn = open_readonly(store)
    try:
        words = clinical_words(conn)
    finally:
        conn.close()
    assert {"diabetes", "mellitus", "neuropathy"} <= words
    assert all(w == w.lower() for w in words)


def test_store_vocabulary_is_cached_and_extends_the_packaged_lists(store):
    vocab = store_vocabulary(store)
    assert vocab is store_vocabulary(store)
    assert "mellitus" in vocab.words and "parkinson" in vocab.words
