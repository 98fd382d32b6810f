"""The packaged data files load, have their headers and say where they come from."""

from importlib import resources

import pytest

from chartcode.redaction.gazetteers import gazetteers
from chartcode.redaction.vocabulary import ProtectedVocabulary

DATA = resources.files("chartcode.redaction").joinpath("data")


def test_every_data_file_states_its_source():
    for path in DATA.iterdir():
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("#"), f"{path.name} needs a header comment saying its source"


def test_gazetteers_load():
    gaz = gazetteers()
    assert gaz.is_first_name("Anna") and gaz.is_surname("Smith")
    assert "new york" in gaz.cities and "Johns Hopkins" in gaz.facility_brands
    assert "Emory" in gaz.weak_facility_brands and "Medical Center" in gaz.facility_heads
    assert len(gaz.city_rows) > 3000 and len(gaz.ordered_surnames) == 8000


def test_id_labels_are_unique_and_typed():
    labels = gazetteers().id_labels
    keys = [(label.type, label.pattern) for label in labels]
    assert len(keys) == len(set(keys))
    assert all(label.words for label in labels)


@pytest.mark.parametrize("word", ["Parkinson", "Crohn", "Hodgkin", "Down", "Cushing", "Bell"])
def test_eponyms_are_protected(word):
    assert ProtectedVocabulary.packaged().protects(word)
