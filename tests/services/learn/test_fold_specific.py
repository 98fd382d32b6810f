"""A learned label the dictionary reads more specifically is one candidate, not two."""

from __future__ import annotations

from chartcode.services.learn.candidates import PhraseTable, candidates
from chartcode.services.learn.phrases import grams, hash_words
from chartcode.services.suggest.model import Evidence, SuggestedCode

SALT = b"s" * 16


def _table(codes: list[tuple[str, str]], phrase: str, weight: float) -> PhraseTable:
    # One learned phrase, pointing at every code given, as a trained model would hold it.
    key = hash_words(phrase, SALT)
    return PhraseTable({key: [(i, weight) for i in range(len(codes))]}, codes, [4] * len(codes), 10)


def _read(system: str, code: str, text: str, word: str) -> SuggestedCode:
    start = text.index(word)
    ev = Evidence(start, start + len(word), word)
    return SuggestedCode(system, code, "title", 0.8, "2026", [ev])


def test_an_older_label_counts_for_the_dictionary_code_under_it():
    # R51 (a code in the training release) was split since; the dictionary reads R51.9.
    text = "She reports a throbbing headache since morning."
    table = _table([("icd10cm", "R51")], "throbbing", 0.6)
    found = {
        c.key: c
        for c in candidates([_read("icd10cm", "R51.9", text, "headache")], grams(text, SALT), table)
    }
    assert set(found) == {("icd10cm", "R519")}
    kept = found[("icd10cm", "R519")]
    assert kept.dictionary is not None
    assert [text[g.start : g.end] for _, g in kept.phrases] == ["throbbing"]
    assert kept.features[8] == 1.0  # seen in training, through its label


def test_a_pcs_table_label_folds_into_the_full_code_and_unrelated_labels_stay():
    text = "Chest radiograph showed a mass."
    codes = [("icd10pcs", "BW03"), ("icd10pcs", "BW20")]
    table = _table(codes, "chest radiograph", 0.7)
    found = {
        c.key: c
        for c in candidates(
            [_read("icd10pcs", "BW03ZZZ", text, "radiograph")], grams(text, SALT), table
        )
    }
    assert set(found) == {("icd10pcs", "BW03ZZZ"), ("icd10pcs", "BW20")}
    assert found[("icd10pcs", "BW03ZZZ")].phrases
    assert found[("icd10pcs", "BW20")].dictionary is None


def test_a_label_the_dictionary_reads_exactly_is_not_folded():
    text = "Known essential hypertension."
    table = _table([("icd10cm", "I10")], "essential hypertension", 0.9)
    found = candidates([_read("icd10cm", "I10", text, "hypertension")], grams(text, SALT), table)
    assert [c.key for c in found] == [("icd10cm", "I10")]
    assert found[0].phrases and found[0].dictionary is not None
