"""Answers that must not mislead: an E/M bundled into a procedure takes modifier 25, never 59;
an add-on code asked with a code that is not one of its primaries says so; a code is called
valid only on a date the data says it is."""

import pytest

from chartcode.api import Chartcode
from chartcode.services.assistant import deterministic
from chartcode.services.assistant.tools import ToolOutput
from tests.conftest import TEST_DATA
from tests.sources.test_ncci_addon import make_xlsx

CLAIMS = TEST_DATA / "claims"


@pytest.fixture(scope="module")
def pair_desk(tmp_path_factory):
    folder = tmp_path_factory.mktemp("assistant-pairs")
    aoc = make_xlsx(
        folder,
        rows=[
            ["1", "22840", None, "22554", None, "2013091", None, None],
            ["1", "22840", None, "22612", None, "2013091", None, None],
        ],
    )
    d = Chartcode(folder / "reference.sqlite", on="2026-05-01")
    d.import_files([
        TEST_DATA / "icd10cm_tabular" / "tabular_sample_2026.xml",
        TEST_DATA / "pfs_rvu" / "PPRRVU2026_Apr_nonQPP.txt",
        CLAIMS / "ccipra-v321r0-f1.txt",
        aoc,
    ])  # fmt: skip
    yield d
    d.close()


def test_em_column_2_is_answered_with_modifier_25_not_59(pair_desk):
    # 20610/99213, indicator 1: NCCI Policy Manual ch. I, modifier 59 is not used on an E/M.
    a = pair_desk.ask("Can 99213 be billed with 20610, and with which modifier?")
    assert "20610 is column 1 and 99213 column 2" in a.text
    assert "modifier 25 on 99213" in a.text and "not used on an E/M" in a.text
    assert "59 or the more specific XE" not in a.text


def test_addon_asked_with_a_code_that_is_not_its_primary(pair_desk):
    a = pair_desk.ask("Can 22586 be billed with 22840?")
    assert "22840 is an add-on code (NCCI add-on edit type 1)" in a.text
    assert "22586 is not one of its listed primary codes" in a.text and "22554, 22612" in a.text
    assert any(c.file == "AOC_V2026Q2-MCR.xlsx" for c in a.citations)
    b = pair_desk.ask("Can 22554 be billed with 22840?")
    assert "22554 is listed as one of its primary codes" in b.text
    assert "not one of its listed" not in b.text


def _lookup_answer(monkeypatch, pair_desk, **data):
    base = {"system": "icd10pcs", "code": "00H033J", "title": "Insertion of Brain",
            "billable": True, "billable_reason": None, "release": "2026", "cite": None,
            "warnings": [], "children": [], "validity_message": None}  # fmt: skip
    out = ToolOutput(True, {**base, **data}, "lookup")
    monkeypatch.setattr(deterministic, "call", lambda ctx, name, args: out)
    return pair_desk.ask("What does 00H033J mean?", on="2025-06-01").text


def test_a_code_not_yet_valid_on_the_date_is_not_called_valid(monkeypatch, pair_desk):
    text = _lookup_answer(
        monkeypatch, pair_desk, validity="not_yet_valid",
        validity_message="not valid on 2025-06-01: added in release 2026, valid from 2025-10-01",
    )  # fmt: skip
    assert "It is not valid on 2025-06-01" in text and "It is valid" not in text


def test_a_date_outside_the_releases_is_not_called_valid(monkeypatch, pair_desk):
    text = _lookup_answer(
        monkeypatch, pair_desk, validity="valid",
        warnings=["2025-06-01 is before every loaded icd10pcs release"],
    )  # fmt: skip
    assert "It is valid" not in text and "not in the loaded data" in text


def test_an_unrecognised_question_says_so_before_searching(pair_desk):
    a = pair_desk.ask("hello there")
    assert a.kind == "unknown"
    assert a.text.startswith("That is not one of the questions I recognise")


def test_an_mue_of_0_says_the_code_is_not_payable(desk):
    a = desk.ask("What is the MUE for J1100?")
    assert "is 0 units per day of service" in a.text
    assert "An MUE of 0 means J1100 is not payable in that setting" in a.text
