"""The redaction service: the one function behind the CLI, the web app and the API."""

import pytest

from chartcode.api import Chartcode
from chartcode.errors import InvalidInput
from chartcode.services.redact import RedactionResult, redact
from tests.conftest import TEST_DATA

NOTE = "Anna Lopez (MRN 12345678) was seen 03/04/2024 at Lakeside Clinic for mild LA enlargement."


def test_json_schema():
    r = redact(NOTE)
    d = r.to_dict()
    assert set(d) == {"style", "text", "counts", "entities"}
    assert d["style"] == "tag" and d["counts"] == {"DATE": 1, "FACILITY": 1, "MRN": 1, "NAME": 1}
    e = d["entities"][0]
    assert set(e) == {"type", "start", "end", "text_start", "text_end", "rule_id", "score"}
    assert NOTE[e["start"] : e["end"]] == "Anna Lopez"
    assert d["text"][e["text_start"] : e["text_end"]] == "[NAME]"


def test_offsets_are_into_the_original_text():
    r = redact(NOTE, "surrogate", seed=1)
    originals = [NOTE[e.start : e.end] for e in r.entities]
    assert originals == ["Anna Lopez", "12345678", "03/04/2024", "Lakeside Clinic"]


@pytest.mark.parametrize(("style", "char"), [("bogus", "█"), ("tag", "**")])
def test_bad_arguments_are_invalid_input(style, char):
    with pytest.raises(InvalidInput):
        redact(NOTE, style, mask_char=char)


def test_api_redacts_without_a_store(tmp_path):
    desk = Chartcode(tmp_path / "none.sqlite")
    r = desk.redact(NOTE)
    assert isinstance(r, RedactionResult) and "[NAME]" in r.text
    assert not (tmp_path / "none.sqlite").exists()  # redaction builds no store


def test_api_uses_the_store_words_when_there_is_a_store(tmp_path):
    desk = Chartcode(tmp_path / "reference.sqlite")
    cm = TEST_DATA / "icd10cm_tabular"
    desk.import_files([cm / "tabular_sample_2026.xml"])
    assert "[NAME]" in desk.redact(NOTE).text
    assert desk.redact("Assessment: Thaddeus stable.", use_store=False).text != (
        "Assessment: Thaddeus stable."
    )
