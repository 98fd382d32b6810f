"""``chartcode learn``, ``chartcode models`` and ``suggest --model`` as a user runs them."""

from __future__ import annotations

import json

import pytest

from tests.cli.test_cli import CM, chartcode

PHRASE = "sugar trouble with tingling toes"


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    home = tmp_path_factory.mktemp("learncli")
    r = chartcode(
        "data", "import", str(CM / "tabular_sample_2025.xml"), str(CM / "tabular_sample_2026.xml"),
        home=home,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    cases = home / "cases"
    cases.mkdir()
    rows = []
    for i, filler in enumerate(["at home", "in clinic", "by phone", "on the ward", "at work"]):
        (cases / f"a{i}.txt").write_text(f"Seen {filler}. Known {PHRASE}.")
        (cases / f"b{i}.txt").write_text(f"Seen {filler}. Type 2 diabetes without complications.")
        rows += [f"a{i}\te11.8", f"b{i}\te11.9"]
    (home / "labels.tsv").write_text("\n".join([*rows, "a0\tnot-a-code"]) + "\n")
    return home


def test_learn_then_list_then_suggest_with_the_model(home):
    r = chartcode(
        "learn", str(home / "cases"), "--labels", str(home / "labels.tsv"), "--name", "team",
        "--folds", "3", "--date", "2025-06-01", "--json", home=home,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    record = json.loads(r.stdout)
    assert record["documents"] == 10 and record["release"] == {"icd10cm": "2025"}
    problem = "labels.tsv line 11: 'not-a-code' is not an icd10cm code"
    assert record["input"]["problems"] == [problem]
    assert set(record["validation"]["icd10cm"]) == {"model", "dictionary", "threshold"}

    listed = chartcode("models", "--json", home=home)
    assert [m["name"] for m in json.loads(listed.stdout)["models"]] == ["team"]
    table = chartcode("models", "--default", "team", home=home)
    assert table.returncode == 0 and "team" in table.stdout and "yes" in table.stdout

    note = home / "note.txt"
    note.write_text(f"New patient with {PHRASE}.")
    used = chartcode("suggest", str(note), "--json", "--date", "2025-06-01", home=home)
    result = json.loads(used.stdout)
    assert result["model"] == "team"
    assert "E11.8" in [c["code"] for c in result["codes"]]
    plain = chartcode(
        "suggest", str(note), "--json", "--no-model", "--date", "2025-06-01", home=home
    )
    assert json.loads(plain.stdout)["model"] is None


def test_learn_refuses_what_it_cannot_use(home):
    r = chartcode("learn", str(home / "cases"), "--labels", str(home / "nowhere.tsv"), home=home)
    assert r.returncode != 0 and "no such file" in (r.stdout + r.stderr)
    r = chartcode("models", "--default", "nosuch", home=home)
    assert r.returncode != 0 and "no model named 'nosuch'" in (r.stdout + r.stderr)
    bad = home / "models" / "broken.model.json.gz"
    bad.parent.mkdir(exist_ok=True)
    bad.write_bytes(b"not gzip")
    listed = json.loads(chartcode("models", "--json", home=home).stdout)["models"]
    assert any(m["name"] == "broken" and "not a readable model file" in m["error"] for m in listed)
    r = chartcode("suggest", "-", "--model", "broken", home=home)
    assert r.returncode != 0 and "not a readable model file" in (r.stdout + r.stderr)


def test_learn_says_what_it_could_not_learn_and_what_it_left_out(home):
    """Two cases whose codes the dictionary reads right every time teach no ranker: the
    output says so, and names the texts and labels it did not use."""
    few = home / "few"
    few.mkdir()
    texts = {
        "c0": "Type 2 diabetes without complications.",
        "c1": "Type 2 diabetes without complications, seen again.",
        "c2": "A text nobody coded.",  # and c9 is coded with no text
    }
    for name, text in texts.items():
        (few / f"{name}.txt").write_text(text)
    (home / "few.tsv").write_text("".join(f"{c}\te11.9\n" for c in ("c0", "c1", "c9")))
    r = chartcode(
        "learn", str(few), "--labels", str(home / "few.tsv"), "--name", "few", "--folds", "2",
        "--date", "2025-06-01", home=home,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert "ICD-10-CM: no ranker learned." in r.stdout
    assert "`suggest` keeps the dictionary's codes for it" in r.stdout
    assert "not used: 1 text without codes, 1 labelled id without a text" in r.stdout
    chartcode("models", "--remove", "few", home=home)
