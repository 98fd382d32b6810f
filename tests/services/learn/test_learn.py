"""Learning from coded cases, on a tiny hand-made set over the sample tabular files.

The sample tabulars hold E11.8 in 2025 and not in 2026 (deleted), which is how a model trained
on one release is checked against a later one.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from chartcode.api import Chartcode
from chartcode.services.learn import ranker
from chartcode.services.learn.train import train
from chartcode.sources.training_cases import TrainingCase, TrainingSet
from chartcode.store import learned_models
from chartcode.store.learned_models import ModelFileError

CM = Path(__file__).resolve().parents[2] / "data" / "icd10cm_tabular"
TRAINED_ON = "2025-06-01"
PHRASE = "sugar trouble with tingling toes"


def _cases() -> list[TrainingCase]:
    """Eight cases where the coders gave E11.8 to a phrase no code title carries, and eight
    where a plain diabetic got E11.9; fillers differ so that no other phrase tells them apart."""
    fillers = ["seen in clinic today", "came by ambulance", "referred by her doctor",
               "lives alone at home", "works as a baker", "keeps a small garden",
               "walks the dog daily", "travelled last month"]  # fmt: skip
    out = []
    for i, filler in enumerate(fillers):
        out.append(
            TrainingCase(
                f"a{i}",
                f"Patient {filler}. Known {PHRASE} for years. Reviewed.",
                frozenset({("icd10cm", "E118")}),
            )
        )
        out.append(
            TrainingCase(
                f"b{i}",
                f"Patient {filler}. Type 2 diabetes mellitus without complications. Reviewed.",
                frozenset({("icd10cm", "E119")}),
            )
        )
    return out


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory):
    home = tmp_path_factory.mktemp("learn")
    mp = pytest.MonkeyPatch()
    mp.setenv("CHARTCODE_HOME", str(home))
    desk = Chartcode(home / "reference.sqlite", on=TRAINED_ON)
    desk.import_files([CM / "tabular_sample_2025.xml", CM / "tabular_sample_2026.xml"])
    model, path = desk.learn(TrainingSet(_cases()), "tiny", folds=4)
    yield desk, model, path, home
    desk.close()
    mp.undo()


def test_a_phrase_seen_only_with_a_code_suggests_it_with_that_phrase_as_evidence(trained):
    desk, model, _, _ = trained
    text = f"New patient. She reports {PHRASE} since spring."
    result = desk.suggest(text, model="tiny", policy="code-every-mention")
    codes = {c.code: c for c in result.codes}
    assert "E11.8" in codes, [c.code for c in result.codes]
    hit = codes["E11.8"]
    assert hit.evidence and all(text[e.start : e.end] == e.text for e in hit.evidence)
    assert any(e.text in PHRASE and len(e.text.split()) >= 2 for e in hit.evidence)
    assert any("model tiny" in r for r in hit.rationale)
    assert result.model == "tiny"


def test_without_the_phrase_the_learned_code_is_not_suggested(trained):
    desk, _, _, _ = trained
    result = desk.suggest("Patient walks the dog daily. Reviewed.", model="tiny")
    assert "E11.8" not in {c.code for c in result.codes}


def test_a_negated_learned_phrase_is_not_coded_as_present(trained):
    desk, _, _, _ = trained
    result = desk.suggest(f"She denies {PHRASE}.", model="tiny", policy="code-every-mention")
    assert "E11.8" not in {c.code for c in result.codes}
    assert any(x.code == "E11.8" and "negated" in x.reason for x in result.excluded)


def test_a_code_of_similar_cases_whose_title_the_note_writes_is_listed_with_those_words(trained):
    desk, _, _, _ = trained
    # Like the case "keeps a small garden" (coded E11.8). No learned phrase of E11.8 is here
    # and the dictionary reads nothing, but the note writes words of its title.
    text = "Patient keeps a small garden. Mellitus complications. Reviewed."
    result = desk.suggest(text, model="tiny", policy="code-every-mention")
    listed = {c.code: c for c in [*result.codes, *result.candidates]}
    assert "E11.8" in listed, sorted(listed)
    hit = listed["E11.8"]
    assert [e.text for e in hit.evidence] == ["Mellitus complications"]
    assert "training cases most like this note" in hit.rationale[-1]
    # Written as denied, the title's words do not make it a candidate.
    denied = desk.suggest(text.replace("Mellitus", "No mellitus"), model="tiny")
    assert "E11.8" not in {c.code for c in [*denied.codes, *denied.candidates]}


def test_a_code_deleted_in_a_later_release_is_flagged_not_suggested(trained):
    desk, _, _, _ = trained
    text = f"Known {PHRASE}."
    later = desk.suggest(text, on="2026-01-15", model="tiny", policy="code-every-mention")
    assert "E11.8" not in {c.code for c in later.codes}
    flagged = [x for x in later.excluded if x.code == "E11.8"]
    assert flagged and "deleted" in flagged[0].reason.lower()


def test_the_model_is_kept_and_loads_after_a_restart(trained):
    desk, model, path, home = trained
    assert path.is_file() and path.parent == home / "models"
    fresh = Chartcode(home / "reference.sqlite", on=TRAINED_ON)
    try:
        text = f"Known {PHRASE}."
        again = fresh.suggest(text, model="tiny", policy="code-every-mention")
        before = desk.suggest(text, model="tiny", policy="code-every-mention")
        assert [(c.code, round(c.score, 6)) for c in again.codes] == [
            (c.code, round(c.score, 6)) for c in before.codes
        ]
        listed = {m["name"]: m for m in fresh.models()}
        assert listed["tiny"]["documents"] == 16
        assert listed["tiny"]["data_sha256"] == model.meta["data_sha256"]
        assert listed["tiny"]["release"]["icd10cm"] == "2025"
    finally:
        fresh.close()


def test_the_default_model_is_used_unless_told_otherwise(trained):
    desk, _, _, _ = trained
    text = f"Known {PHRASE}."
    assert desk.suggest(text).model is None
    desk.set_default_model("tiny")
    try:
        assert desk.suggest(text).model == "tiny"
        assert desk.suggest(text, use_model=False).model is None
    finally:
        desk.set_default_model(None)


def test_the_model_file_holds_no_training_text(trained):
    _, _, path, _ = trained
    raw = gzip.decompress(path.read_bytes()).decode()
    for word in ("sugar", "tingling", "baker", "ambulance", "garden"):
        assert word not in raw


def test_a_damaged_model_file_is_refused_with_a_clear_error(trained, tmp_path):
    _, _, path, _ = trained
    doc = json.loads(gzip.decompress(path.read_bytes()))
    doc["model"]["documents"] += 1  # edited without its checksum
    bad = tmp_path / "edited.model.json.gz"
    bad.write_bytes(gzip.compress(json.dumps(doc).encode()))
    with pytest.raises(ModelFileError, match="damaged"):
        learned_models.load_file(bad)
    cut = tmp_path / "cut.model.json.gz"
    cut.write_bytes(path.read_bytes()[:200])
    with pytest.raises(ModelFileError, match="not a readable model file"):
        learned_models.load_file(cut)
    other = tmp_path / "other.model.json.gz"
    other.write_bytes(gzip.compress(b'{"format": "something else"}'))
    with pytest.raises(ModelFileError, match="not a chartcode model"):
        learned_models.load_file(other)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda m: m["neighbours"]["labels"][0].append(10**6), "outside the model's codes"),
        (lambda m: m["neighbours"]["vectors"][0].append([10**6, 0.5]), "a word the model"),
        (lambda m: m["neighbours"]["labels"].pop(), "do not match the case vectors"),
        (lambda m: next(iter(m["phrases"].values())).append([-1, 0.5]), "outside the model's"),
    ],
)
def test_a_model_whose_references_point_outside_it_is_refused(trained, tmp_path, edit, message):
    """Written by something else, with a checksum that matches: refused at load, not later."""
    _, _, path, _ = trained
    doc = json.loads(gzip.decompress(path.read_bytes()))
    edit(doc["model"])
    doc["sha256"] = learned_models._digest(doc["model"])
    bad = tmp_path / "forged.model.json.gz"
    bad.write_bytes(gzip.compress(json.dumps(doc).encode()))
    with pytest.raises(ModelFileError, match=message):
        learned_models.load_file(bad)


def test_a_model_file_from_before_the_averaged_boosters_still_loads(trained, tmp_path):
    """Its rankers hold one booster each, under "model": they are read as a list of one."""
    _, model, path, _ = trained
    doc = json.loads(gzip.decompress(path.read_bytes()))
    for r in doc["model"]["rankers"].values():
        r["model"] = r.pop("models")[0]
    doc["sha256"] = learned_models._digest(doc["model"])
    old = tmp_path / "old.model.json.gz"
    old.write_bytes(gzip.compress(json.dumps(doc).encode()))
    loaded = learned_models.load_file(old)
    for system, r in loaded.rankers.items():
        assert r.models == model.rankers[system].models[:1]


def test_a_ranker_averages_its_boosters():
    x = np.random.default_rng(1).random((200, 5))
    y = (x[:, 0] + 0.3 * x[:, 1] > 0.7).astype(float)
    models = ranker.fit(x, y)
    assert len(models) == ranker.ENSEMBLE and len(set(models)) == ranker.ENSEMBLE
    each = np.array([ranker.Booster([m]).predict(x[:20]) for m in models])
    assert np.allclose(ranker.Booster(models).predict(x[:20]), each.mean(axis=0))
    assert models == ranker.fit(x, y)  # fixed seeds: the same data, the same ranker


def test_an_unknown_model_name_says_which_models_exist(trained):
    desk, _, _, _ = trained
    with pytest.raises(ModelFileError, match="tiny"):
        desk.suggest("text", model="nosuch")
    with pytest.raises(ModelFileError, match="model name"):
        learned_models.check_name("../escape")


def test_training_reports_each_stage_as_it_goes():
    seen: list[tuple[str, int, int]] = []
    train(_cases(), lambda _: [], name="p", release={}, folds=4, progress=lambda *a: seen.append(a))
    stages = list(dict.fromkeys(stage for stage, _, _ in seen))
    assert stages == ["reading cases", "cross-fitting", "fitting the rankers"]
    assert ("reading cases", 16, 16) in seen and ("cross-fitting", 4, 4) in seen
    assert seen[-1] == ("fitting the rankers", 2, 2)


def test_evidence_comes_from_the_strongest_phrases_read_as_present():
    from chartcode.services.learn.apply import EVIDENCE_PHRASES, _present, _Sentences
    from chartcode.services.learn.phrases import Gram

    text = "No fever. " + "Cough here. " * 40
    sentences = _Sentences(text)
    negated = (0.99, Gram(b"", 3, 8, 1))  # "fever", read as negated
    coughs = [(0.5 - i / 100, Gram(b"", 10 + 12 * i, 15 + 12 * i, 1)) for i in range(40)]
    present = _present([negated, *coughs], sentences)
    assert present == coughs[:EVIDENCE_PHRASES]
    assert _present([negated], sentences) == []


def _sometimes_both() -> list[TrainingCase]:
    """Cases where the phrase goes with E11.9, so that a ranker has something to tell apart."""
    return [
        TrainingCase(
            f"c{i}",
            f"Patient seen on {day}. Known sugar trouble, type 2 diabetes mellitus without"
            " complications.",
            frozenset({("icd10cm", "E119")}),
        )
        for i, day in enumerate(["monday", "tuesday", "friday", "sunday"])
    ]


def _train_in_a_new_process(hash_seed: int) -> dict:
    # A new process with its own hash seed, so sets of strings iterate in another order too.
    script = (
        "import json\n"
        "from test_learn import _cases, _sometimes_both\n"
        "from chartcode.services.learn.train import train\n"
        "m = train(_cases() + _sometimes_both(), lambda _: [], name='p', release={}, folds=4)\n"
        "print(json.dumps({'validation': m.meta['validation'], 'phrases': len(m.phrases),"
        " 'rankers': {s: [r.models, r.threshold] for s, r in m.rankers.items()}}))\n"
    )
    here = str(Path(__file__).parent)
    path = os.pathsep.join(p for p in (here, os.environ.get("PYTHONPATH", "")) if p)
    env = dict(os.environ, PYTHONHASHSEED=str(hash_seed), PYTHONPATH=path)
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_two_trainings_of_the_same_cases_give_the_same_model():
    # Each model has a new salt, so its hashed phrases come in another order, and each process
    # orders sets its own way: nothing learned may depend on either, so a team retraining on
    # the same cases gets the same rankers and the same figures.
    first, second = _train_in_a_new_process(1), _train_in_a_new_process(2)
    assert first["rankers"] and first == second
