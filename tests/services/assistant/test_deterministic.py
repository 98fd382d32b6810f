"""Deterministic answers: each kind answers from the files, every fact cited; missing data is
named with the file that would answer."""

import re

import pytest

from chartcode.services.assistant import Assistant


def cited(a):
    ids = set(re.findall(r"\[(c\d+)\]", a.text))
    return ids and ids == {c.id for c in a.citations}


def test_code_meaning_cites_the_tabular(desk):
    a = desk.ask("What does E11.40 mean?")
    assert a.kind == "code_meaning" and a.answered and a.mode == "deterministic"
    assert "Type 2 diabetes mellitus with diabetic neuropathy, unspecified" in a.text
    assert cited(a)
    c = a.citations[0]
    assert c.file == "tabular_sample_2026.xml" and c.locator == "code E11.40"
    assert [t.name for t in a.tool_calls] == ["lookup_code"]


def test_unknown_code_says_so(desk):
    a = desk.ask("What does E11.99 mean?")
    assert not a.answered and "not a code" in a.text


def test_ptp_with_modifier_indicator_1_names_the_modifiers(desk):
    a = desk.ask("Can 22586 be billed with 22840, and with which modifier?")
    assert a.kind == "ptp_pair" and cited(a)
    assert "22586 is column 1 and 22840 column 2" in a.text
    assert "modifier indicator 1" in a.text and "XS" in a.text
    assert a.citations[0].file == "ccipra-v321r0-f1.txt"
    assert a.citations[0].locator.startswith("line ")


def test_ptp_indicator_0_and_no_edit(desk):
    a = desk.ask("can 22586 and 0195T be billed together")
    assert "modifier indicator 0" in a.text and "no modifier bypasses" in a.text
    b = desk.ask("Can 99213 be billed with 22586?")
    assert "No NCCI PTP edit in force on 2026-05-01" in b.text and cited(b)


def test_mue_value_and_adjudication(desk):
    a = desk.ask("How many units of 64450 can be billed?")
    assert "is 10 units per day of service" in a.text and "adjudication indicator 3" in a.text
    assert a.citations[0].file.startswith("MCR_MUE_PractitionerServices")


def test_global_rvu_and_payment(desk):
    g = desk.ask("What is the global period of 22586?")
    assert "global period of 22586 is 090" in g.text and cited(g)
    r = desk.ask("What are the RVUs of 22586?")
    assert "work 27.42" in r.text and "total 60.12" in r.text
    p = desk.ask("How much does Medicare pay for 22586?")
    assert p.kind == "payment" and "$2008.06" in p.text and cited(p)


def test_additional_code_notes_where_printed(desk):
    a = desk.ask("Does E11.40 need an additional code?")
    assert "Use additional code (printed at E11" in a.text and cited(a)
    assert a.citations[0].locator == "code E11, use_additional note"


def test_excludes1_between_two_codes(desk):
    a = desk.ask("Can E11.9 be coded with E10.9?")
    assert a.kind == "excludes"
    assert "Excludes1" in a.text or "No Excludes1 or Excludes2 note" in a.text


def test_seventh_characters(desk):
    a = desk.ask("Which 7th character for S52.501?")
    assert "A initial encounter for closed fracture" in a.text and cited(a)


def test_modifier_glossary_row_is_cited(desk):
    a = desk.ask("What does modifier 59 mean?")
    assert "Distinct procedural service" in a.text
    assert a.citations[0].file == "chartcode/lexicon/data/modifiers.tsv"
    assert a.citations[0].locator.startswith("line ")
    u = desk.ask("What does modifier ZZ mean?")
    assert not u.answered


def test_guidelines_by_number_and_by_words(desk):
    a = desk.ask("What does Section I.A.2.a say?")
    assert "Excludes1" in a.text and "NOT CODED HERE" in a.text
    assert "Section I.A.2.a" in a.citations[0].locator and a.citations[0].kind == "guideline"
    b = desk.ask("What do the guidelines say about diabetes mellitus?")
    assert "“Diabetes mellitus”" in b.text and cited(b)


def test_missing_data_names_the_file_that_would_answer(bare_desk):
    a = bare_desk.ask("Can 22586 be billed with 22840?")
    assert not a.answered
    assert "NCCI PTP edits are not loaded: chartcode data import <PTP file>" in a.text
    b = bare_desk.ask("How many units of 64450?")
    assert "NCCI MUE values are not loaded" in b.text
    c = bare_desk.ask("What do the guidelines say about sepsis?")
    assert "guidelines" in c.text and "chartcode data import" in c.text
    d = bare_desk.ask("What is the global period of 22586?")
    assert "RVU file is not loaded" in d.text


def test_stream_gives_tool_calls_text_then_done(desk):
    chunks = list(desk.ask_stream("What is the global period of 22586?"))
    types = [c.type for c in chunks]
    assert types[0] == "tool_call" and types[-1] == "done" and "text" in types
    text = "".join(c.data["text"] for c in chunks if c.type == "text")
    assert text == chunks[-1].data["answer"]["text"]


def test_unavailable_tools_say_so(desk):
    from chartcode.services.assistant.tools import ToolContext, available, call

    ctx = ToolContext(desk.store, desk.on)
    out = call(ctx, "suggest_codes", {"text": "chest pain"})
    assert not out.ok and out.data["unavailable"] and "not available" in out.data["error"]
    assert "suggest_codes" not in {t.name for t in available(ctx)}
    ctx2 = ToolContext(desk.store, desk.on, check_claim=lambda claim: {"ok": True})
    assert "check_claim" in {t.name for t in available(ctx2)}


@pytest.mark.parametrize("name", ["lookup_code", "ptp_pair", "nope"])
def test_bad_tool_arguments_fail_softly(desk, name):
    from chartcode.services.assistant.tools import ToolContext, call

    out = call(ToolContext(desk.store, desk.on), name, {"wrong": 1})
    assert not out.ok and out.data["error"]


def test_answer_json_round_trip(desk):
    from chartcode.services.assistant import answer_from_dict

    a = Assistant(desk.store, desk.on).ask("What does E11.40 mean?")
    assert answer_from_dict(a.to_dict()) == a


def test_a_date_after_every_release_is_flagged(desk):
    a = desk.ask("What is the global period of 22586?", on="2027-03-01")
    assert a.answered and any("newer data may exist" in f for f in a.flags)


def test_a_long_code_for_text_goes_to_the_case_coder(desk):
    from chartcode.services.suggest.model import Evidence, SuggestedCode, SuggestResult

    def suggest(text):
        code = SuggestedCode("icd10cm", "E11.40", "Type 2 diabetes mellitus with diabetic "
                             "neuropathy, unspecified", 0.9, "2026",
                             evidence=[Evidence(0, 15, "type 2 diabetes")])  # fmt: skip
        return SuggestResult(text, "2026-05-01", "us-inpatient", [code])

    question = (
        "what is the code for a 70 year old man with type 2 diabetes and numb feet from "
        "diabetic neuropathy seen today in clinic"
    )
    a = Assistant(desk.store, desk.on, suggest=suggest).ask(question)
    assert [t.name for t in a.tool_calls][0] == "suggest_codes"
    assert "E11.40" in a.text and "“type 2 diabetes”" in a.text and cited(a)
