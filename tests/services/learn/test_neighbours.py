"""The nearest training cases: which are kept, which are found, and how they vote."""

from __future__ import annotations

import gzip
from collections import Counter

import pytest

from chartcode.services.learn import neighbours
from chartcode.services.learn.neighbours import Neighbours, Votes, fit, vote, word_counts
from chartcode.services.learn.phrases import grams
from chartcode.services.learn.train import train
from chartcode.sources.training_cases import TrainingCase
from chartcode.store import learned_models
from chartcode.store.learned_model import MISSING

SALT = b"n" * 16
DIABETES = ("icd10cm", "E119")
CODES = [("icd10cm", "N400"), ("icd10cm", "R51"), ("icd10pcs", "BW20")]


def _words(text: str) -> Counter[bytes]:
    return word_counts(grams(text, SALT))


def _index() -> Neighbours:
    texts = [
        "Enlarged prostate on rectal examination, prostate biopsy benign.",
        "Prostate biopsy after raised antigen, enlarged gland.",
        "Headache for three days, computed tomography of abdomen normal.",
        "Headache and fever, tomography of abdomen showed nothing.",
    ]
    labels = [[0], [0], [1, 2], [1]]
    return Neighbours(fit([_words(t) for t in texts], labels), CODES)


def test_a_word_found_in_one_case_only_is_not_kept():
    cases = [_words("zebra prostate"), _words("prostate biopsy"), _words("biopsy gland")]
    vectors = fit(cases, [[0], [0], [1]])
    kept = {k for k in vectors.terms}
    assert _words("prostate").keys() <= kept and _words("biopsy").keys() <= kept
    assert not _words("zebra").keys() & kept and not _words("gland").keys() & kept
    for v in vectors.vectors:  # unit length, or empty when no kept word is left
        assert sum(w * w for _, w in v) == pytest.approx(1.0, abs=1e-3) or not v


def test_the_nearest_cases_are_those_sharing_the_notes_words():
    near = _index().nearest(_words("Biopsy of an enlarged prostate."))
    assert [labels for _, labels in near[:2]] == [frozenset({CODES[0]})] * 2
    assert near[0][0] > 0.3 and all(s > 0 for s, _ in near)
    assert _index().nearest(_words("Nothing in common here.")) == []


def test_a_case_votes_for_a_code_it_was_coded_with_or_under():
    near = [(0.6, frozenset({("icd10cm", "R51")})), (0.2, frozenset({("icd10pcs", "BW20")}))]
    votes = Votes(near)
    share, cases, closest = vote(votes, ("icd10cm", "R519"))  # R51, since subdivided
    assert (share, cases, closest) == (pytest.approx(0.75), 1.0, 0.6)
    assert vote(votes, ("icd10pcs", "BW20ZZZ"))[1:] == [1.0, 0.2]  # under its PCS table
    assert vote(votes, ("icd10cm", "R50")) == [0.0, 0.0, 0.0]
    assert vote(votes, ("icd10pcs", "R519")) == [0.0, 0.0, 0.0]  # another system
    assert vote(None, ("icd10cm", "R519")) == [MISSING] * 3
    # A case coded with both the old label and the code under it is one case.
    both = Votes([(0.5, frozenset({("icd10cm", "R51"), ("icd10cm", "R519")}))])
    assert vote(both, ("icd10cm", "R519")) == [1.0, 1.0, 0.5]


def test_a_trained_model_keeps_case_vectors_without_its_text(tmp_path):
    cases = [
        TrainingCase(f"p{i}", f"Visit {i}. Enlarged prostate, {w} review.", frozenset({CODES[0]}))
        for i, w in enumerate(["amber", "birch", "cedar"])
    ] + [
        TrainingCase(f"h{i}", f"Visit {i}. Headache, {w} advice.", frozenset({CODES[1]}))
        for i, w in enumerate(["delta", "ember", "fjord"])
    ]
    model = train(cases, lambda text: [], name="n", release={}, folds=3, salt=SALT)
    assert model.neighbours is not None and len(model.neighbours.vectors) == 6
    assert model.meta["params"]["nearest_cases"] == neighbours.NEAREST
    # "amber" is in one case: not kept; "prostate" is in three: kept, as a keyed hash only.
    assert not _words("amber").keys() & model.neighbours.terms.keys()
    assert _words("prostate").keys() <= model.neighbours.terms.keys()
    path = learned_models.save(model, tmp_path)
    assert b"prostate" not in gzip.decompress(path.read_bytes())
    loaded = learned_models.load("n", tmp_path)
    assert loaded.neighbours == model.neighbours
    by_code = {model.codes[i] for v in loaded.neighbours.labels for i in v}
    assert by_code == {CODES[0], CODES[1]}


def test_votes_list_their_codes_in_code_order():
    """A set's order changes from one process to the next; the candidates' must not."""
    labels = frozenset(("icd10cm", f"R{n:02d}") for n in range(40))
    votes = Votes([(0.5, labels), (0.4, frozenset({("icd10pcs", "BW20"), ("icd10cm", "A00")}))])
    assert list(votes.cases) == [*sorted(labels), ("icd10cm", "A00"), ("icd10pcs", "BW20")]
