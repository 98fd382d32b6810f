"""Recall and ranking rules of the case coder, on small hand-written cases (no store needed):
title qualifiers, anatomical adjectives, loose matches within a clause, words that name no
condition alone, and catch-all codes dropped next to the code that says more."""

from __future__ import annotations

import pytest

from chartcode.services.suggest import mentions
from chartcode.services.suggest.model import Evidence, SuggestedCode
from chartcode.services.suggest.suggester import (
    _without_redundant_catch_alls,
    catch_all_specifics,
)
from chartcode.services.suggest.vocabulary import (
    Term,
    Vocabulary,
    adjective_forms,
    phrase_words,
    title_phrases,
)


@pytest.mark.parametrize(
    ("title", "phrases"),
    [
        # a "with" clause after ", unspecified" names the code; "without" names none
        ("Hepatic failure, unspecified with coma", ["hepatic failure with coma"]),
        ("Hepatic failure, unspecified without coma", ["hepatic failure"]),
        # what follows a "without" clause still names the code
        (
            "Unilateral inguinal hernia, without obstruction or gangrene, recurrent",
            ["unilateral inguinal hernia recurrent"],
        ),
        (
            "Unilateral inguinal hernia, without obstruction or gangrene, not specified as"
            " recurrent",
            ["unilateral inguinal hernia"],
        ),
        ("Bronchitis, not specified as acute or chronic", ["bronchitis"]),
        ("Menstrual headache, not intractable", ["menstrual headache"]),
        # "not" inside a title is its meaning, not a qualifier
        ("Do not resuscitate", ["do not resuscitate"]),
    ],
)
def test_title_qualifiers(title: str, phrases: list[str]) -> None:
    assert title_phrases(title) == phrases


def test_anatomical_adjectives_also_stand_for_their_noun() -> None:
    assert set(phrase_words("testis")) <= set(adjective_forms("testicular"))
    assert adjective_forms("cervical") == ()  # the neck or the spine more often than a cervix
    assert adjective_forms("fever") == ()
    words = mentions.words_of("Testicular tumor", 0, 16)
    assert set(phrase_words("testis")) <= set(words[0].forms)
    assert "testicular" in words[0].forms  # the word itself is kept


def _vocabulary(*terms: tuple[str, str]) -> Vocabulary:
    table = {
        phrase_words(p): Term(phrase_words(p), code, "default", p, rank=(0, 0, 0, i))
        for i, (p, code) in enumerate(terms)
    }
    return Vocabulary(table, 1, 0.0)


def test_loose_match_within_a_clause() -> None:
    voc = _vocabulary(("kidney mass", "N28.89"))
    text = "A mass measuring three by four centimetres was seen in the left kidney."
    found = mentions.find(voc, text, 0, len(text))
    assert [(m.term.code, m.loose) for m in found] == [("N28.89", True)]
    tight = "A kidney mass."
    assert [m.loose for m in mentions.find(voc, tight, 0, len(tight))] == [False]


def test_no_loose_match_across_a_comma_or_for_a_numbered_term() -> None:
    voc = _vocabulary(("kidney mass", "N28.89"), ("myocardial infarction type 2", "I21.A1"))
    text = "A mass in the liver, cysts and stones in the left kidney."
    assert mentions.find(voc, text, 0, len(text)) == []
    text = "Type 2 diabetes mellitus and a long history of myocardial infarction."
    assert mentions.find(voc, text, 0, len(text)) == []


class _Store:
    """The few store reads ``Vocabulary.build`` makes, over a handful of codes."""

    NODES = [
        ("M25.48", "code", "Effusion, other site", None, True),
        ("J90", "code", "Pleural effusion, not elsewhere classified", None, True),
        ("Z52.9", "code", "Donor of unspecified organ or tissue", None, True),
        ("Z65.3", "code", "Problems related to other legal circumstances", None, True),
    ]
    NOTES = [("Z65.3", "inclusion_term", "Arrest"), ("Z52.9", "inclusion_term", "Donor NOS")]

    def cm_nodes(self, _release_id: int) -> list[tuple[str, str, str, str | None, bool]]:
        return [(c.replace(".", ""), k, t, p, b) for c, k, t, p, b in self.NODES]

    def cm_notes_of_kinds(self, _release_id: int, kinds: tuple[str, ...]) -> list:
        return [(c.replace(".", ""), k, t) for c, k, t in self.NOTES if k in kinds]

    def releases_of(self, *_args: str) -> list:
        return []


def test_words_that_name_no_condition_alone_are_no_terms() -> None:
    voc = Vocabulary.build(_Store(), 1)  # type: ignore[arg-type]
    assert phrase_words("effusion") not in voc.terms  # M25.48 "Effusion, other site"
    assert phrase_words("donor") not in voc.terms
    assert phrase_words("arrest") not in voc.terms
    assert voc.terms[phrase_words("pleural effusion")].code == "J90"


def _sc(code: str, score: float = 0.5) -> SuggestedCode:
    return SuggestedCode("icd10cm", code, "", score, "test", [Evidence(0, 5, "tumor")])


def test_catch_all_dropped_next_to_the_specific_code() -> None:
    codes = {"D499": _sc("D49.9"), "C641": _sc("C64.1"), "R52": _sc("R52")}
    dropped = _without_redundant_catch_alls(codes)
    assert set(codes) == {"C641", "R52"}  # R52 has no list: kept, ranked low
    assert [x.code for x in dropped] == ["D49.9"]
    assert "C64.1" in dropped[0].reason


def test_catch_all_kept_alone_and_not_dropped_by_another_catch_all() -> None:
    codes = {"D499": _sc("D49.9")}
    assert _without_redundant_catch_alls(codes) == []
    codes = {"D499": _sc("D49.9"), "R229": _sc("R22.9")}
    assert _without_redundant_catch_alls(codes) == [] and set(codes) == {"D499", "R229"}


def test_hernia_alone_yields_to_the_named_hernia() -> None:
    assert catch_all_specifics()["K469"][0] == "K40"
    codes = {"K469": _sc("K46.9"), "K4090": _sc("K40.90")}
    _without_redundant_catch_alls(codes)
    assert set(codes) == {"K4090"}
