"""Reading a team's coded cases: texts and labels in the CodiEsp layout or JSONL."""

from __future__ import annotations

import json

import pytest

from chartcode.errors import InvalidInput
from chartcode.sources.training_cases import code_key, read_labels, read_training_set


def test_codiesp_layout_folder_and_tsv_files(tmp_path):
    texts = tmp_path / "text_files_en"
    texts.mkdir()
    (texts / "c1.txt").write_text("Chest pain.")
    (texts / "c2.txt").write_text("Knee scope.")
    (texts / "c3.txt").write_text("No labels here.")
    (tmp_path / "D.tsv").write_text("c1\tr07.9\nc2\tm23.91\nc9\ti10\n")
    (tmp_path / "P.tsv").write_text("c2\t0sjc4zz\nc2\tbw03\n")
    got = read_training_set(texts, [tmp_path / "D.tsv", tmp_path / "P.tsv"])
    by_id = {c.id: c for c in got.cases}
    assert by_id["c1"].codes == {("icd10cm", "R079")}
    assert by_id["c2"].codes == {
        ("icd10cm", "M2391"),
        ("icd10pcs", "0SJC4ZZ"),
        ("icd10pcs", "BW03"),
    }
    assert got.unlabelled == ["c3"] and got.no_text == ["c9"] and not got.problems


def test_jsonl_texts_and_labels_with_every_bad_line_reported(tmp_path):
    texts = tmp_path / "cases.jsonl"
    texts.write_text(json.dumps({"id": 1, "text": "Gout."}) + "\n{not json\n")
    labels = tmp_path / "codes.jsonl"
    labels.write_text(
        json.dumps({"id": 1, "codes": ["M10.9"]})
        + "\n"
        + json.dumps({"id": 1, "code": "0SG3", "system": "icd10pcs"})
        + "\n"
        + json.dumps({"id": 1, "code": "12.34"})
        + "\n"
        + json.dumps({"nope": 1})
        + "\n"
    )
    got = read_training_set(texts, [labels])
    assert got.cases[0].codes == {("icd10cm", "M109"), ("icd10pcs", "0SG3")}
    assert any(p.startswith("cases.jsonl line 2") for p in got.problems)
    assert any(p.startswith("codes.jsonl line 3") and "12.34" in p for p in got.problems)
    assert 'codes.jsonl line 4: expected {"id", "code" or "codes"} (no \'id\')' in got.problems


def test_a_file_of_undotted_4_and_7_character_codes_is_read_as_pcs(tmp_path):
    f = tmp_path / "P.tsv"
    f.write_text("a\tbw03\na\t0dj08zz\n")
    labels, problems = read_labels(f)
    assert labels == {"a": {("icd10pcs", "BW03"), ("icd10pcs", "0DJ08ZZ")}} and not problems
    labels, problems = read_labels(f, system="icd10cm")
    assert not labels and len(problems) == 2


def test_codes_are_checked_for_their_system():
    assert code_key("e11.9", "icd10cm") == ("icd10cm", "E119")
    assert code_key("0SG3", "icd10pcs") == ("icd10pcs", "0SG3")
    assert code_key("0SG3O0Z", "icd10pcs") is None  # O is never a PCS character
    assert code_key("119", "icd10cm") is None


def test_missing_inputs_are_clear_errors(tmp_path):
    with pytest.raises(InvalidInput, match="no such"):
        read_training_set(tmp_path / "nowhere", [tmp_path / "x.tsv"])
    with pytest.raises(InvalidInput, match="labels system"):
        (tmp_path / "x.tsv").write_text("a\tE11.9\n")
        read_labels(tmp_path / "x.tsv", system="cpt")
