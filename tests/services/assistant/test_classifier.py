import pytest

from chartcode.services.assistant.classifier import classify, find_codes


@pytest.mark.parametrize(
    "question, kind, codes, modifier",
    [
        ("What does E11.40 mean?", "code_meaning", ["E1140"], None),
        ("e1140", "code_meaning", ["E1140"], None),
        ("what is the code for type 2 diabetes with neuropathy", "code_for", [], None),
        ("ICD-10-PCS code for laparoscopic appendectomy", "code_for", [], None),
        ("Can 22586 be billed with 22840?", "ptp_pair", ["22586", "22840"], None),
        ("which modifier lets me bill 22586 with 20930", "ptp_pair", ["22586", "20930"], None),
        ("How many units of 64450 can be billed?", "mue", ["64450"], None),
        ("What is the MUE for J1100?", "mue", ["J1100"], None),
        ("What is the global period of 22586?", "global_period", ["22586"], None),
        ("what global applies to 74246", "global_period", ["74246"], None),
        ("How much does Medicare pay for 99213?", "payment", ["99213"], None),
        ("What are the RVUs of 99213?", "rvu", ["99213"], None),
        ("Does E11.40 need an additional code?", "additional_code", ["E1140"], None),
        ("what other code should I add with I25.721", "additional_code", ["I25721"], None),
        ("can E11.9 be coded with E10.9", "excludes", ["E119", "E109"], None),
        ("Which 7th character for S52.501?", "seventh_character", ["S52501"], None),
        ("What does modifier 25 mean?", "modifier", [], "25"),
        ("meaning of modifier GA", "modifier", [], "GA"),
        ("what is the -59 modifier", "modifier", [], "59"),
        ("Is 22840 an add-on code?", "addon", ["22840"], None),
        ("What do the guidelines say about sepsis?", "guideline", [], None),
        ("Section I.C.4.a", "guideline", [], None),
    ],
)
def test_question_kinds(question, kind, codes, modifier):
    q = classify(question)
    assert q.kind == kind
    assert [c.code for c in q.codes] == codes
    assert q.modifier == modifier


def test_guideline_topic_and_section_number():
    assert classify("What do the guidelines say about pressure ulcers?").topic == "pressure ulcers"
    assert classify("what does section I.C.4.a say").topic == "I.C.4.a"


def test_words_and_years_are_not_codes():
    assert find_codes("what does the 2026 guideline say about units and CODE") == []
    assert [c.code for c in find_codes("S52.501A and 0SG00A0")] == ["S52501A", "0SG00A0"]
