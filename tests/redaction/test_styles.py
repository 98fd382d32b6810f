"""The three output styles and where replacements sit in the output."""

import pytest

from chartcode.services.redact import redact

NOTE = "Pt John Smith seen 03/04/2024 in Boston, MA 02114; mild LA enlargement."


def test_tag_style():
    r = redact(NOTE, "tag")
    assert r.text == "Pt [NAME] seen [DATE] in [CITY] [ZIP 021xx]; mild LA enlargement."


def test_tag_without_zip3():
    assert "[ZIP]" in redact(NOTE, "tag", keep_zip3=False).text


def test_mask_keeps_length_and_layout():
    text = "Name: Jane Doe\nMRN: 12345678\nmild LA enlargement"
    r = redact(text, "mask", mask_char="*")
    assert len(r.text) == len(text) and r.text.count("\n") == 2
    assert "Jane" not in r.text and "12345678" not in r.text
    assert r.text.endswith("mild LA enlargement")
    assert "*" * len("Jane Doe") in r.text


def test_replacement_offsets_point_into_the_output():
    for style in ("tag", "mask", "surrogate"):
        r = redact(NOTE, style, seed=1)
        for e in r.entities:
            assert r.text[e.text_start : e.text_end] != NOTE[e.start : e.end]
        kept = [(e.start, e.end) for e in r.entities]
        assert kept == sorted(kept)


@pytest.mark.parametrize("style", ["tag", "mask", "surrogate"])
def test_clinical_text_is_untouched_in_every_style(style):
    assert redact(NOTE, style, seed=2).text.endswith("; mild LA enlargement.")
