"""The glossary and CPT/HCPCS families: the packaged data, and finding terms in titles."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chartcode.lexicon.families import cpt_families, cpt_family_chain, hcpcs_family
from chartcode.lexicon.glossary import FILES, Entry, Glossary, glossary

KINDS = {
    "prefix",
    "root",
    "suffix",
    "anatomy",
    "direction",
    "tissue",
    "procedure",
    "condition",
    "eponym",
    "device",
    "approach",
    "coding",
    "abbreviation",
    "substance",
    "setting",
}


def test_glossary_has_at_least_1500_entries_in_every_file():
    words = glossary()
    assert len(words) >= 1500
    assert {e.file for e in words.entries} == set(FILES)
    kinds = {e.kind for e in words.entries}
    assert kinds <= KINDS
    assert {"prefix", "root", "suffix", "anatomy", "procedure", "eponym", "abbreviation"} <= kinds


def test_terms_are_unique_across_files_and_meanings_are_one_short_line():
    seen: dict[str, str] = {}
    for e in glossary().entries:
        key = e.term.lower()
        assert key not in seen, f"{e.term} in {e.file} and {seen[key]}"
        seen[key] = e.file
        words = len(e.meaning.split())
        assert 3 <= words <= 30, (e.term, e.meaning)
        assert "\t" not in e.meaning and "\n" not in e.meaning


def test_word_part_spelling_conventions():
    for e in glossary().entries:
        if e.kind == "prefix":
            assert e.term.endswith("-"), e.term
        elif e.kind == "suffix":
            assert e.term.startswith("-"), e.term


def test_find_takes_the_longest_phrase_and_folds_plurals_and_possessives():
    words = glossary()
    found = {m.surface: m.entry.term for m in words.find("Closed fractures of Colles' type")}
    assert "fractures" in found or "Closed fractures" in found
    assert words.get("myocardial infarction") is not None
    phrase = [m.surface for m in words.find("acute myocardial infarction")]
    assert "myocardial infarction" in phrase


def test_abbreviations_match_only_in_capitals():
    words = Glossary(
        [Entry("MS", "abbreviation", "multiple sclerosis: a nerve disease", "t.tsv", 2)]
    )
    assert [m.surface for m in words.find("history of MS")] == ["MS"]
    assert words.find("ms and mg") == []


def test_hyphenated_compounds_are_not_split_into_glossary_words():
    words = Glossary([Entry("sac", "anatomy", "a pouch in the body", "t.tsv", 2)])
    assert words.find("Arthrd pre-sac ntrbdy") == []
    assert [m.surface for m in words.find("hernia sac")] == ["sac"]


def test_unknown_words_split_into_their_parts():
    words = Glossary(
        [
            Entry("chol/e", "root", "bile", "w.tsv", 2),
            Entry("cyst/o", "root", "bladder or sac", "w.tsv", 3),
            Entry("-ectomy", "suffix", "cutting something out", "w.tsv", 4),
        ]
    )
    split = words.split("cholecystectomy")
    assert split is not None
    assert [p.term for p in split.parts] == ["chol/e", "cyst/o", "-ectomy"]
    assert words.split("encounter") is None  # not covered by parts: no split


@given(st.text(alphabet=st.characters(codec="ascii"), max_size=60))
def test_find_never_overlaps_and_spans_match_the_text(text):
    last = -1
    for m in glossary().find(text):
        assert text[m.start : m.end] == m.surface
        assert m.start > last
        last = m.end - 1


def test_cpt_families_nest_and_cover_category_one():
    fams = cpt_families()
    assert len(fams) >= 120
    sections = [f for f in fams if f.level == "section"]
    for f in fams:
        assert f.start <= f.end or not f.start.isdigit(), f
        if f.level != "section":
            assert any(s.start <= f.start and f.end <= s.end for s in sections), f
    for code in ("00100", "22586", "27447", "70450", "80053", "90471", "99213"):
        chain = cpt_family_chain(code)
        assert chain and chain[0].level == "section", code
        assert all(c.start <= code <= c.end for c in chain)


@pytest.mark.parametrize(("code", "letter"), [("J1100", "J"), ("E0100", "E"), ("G0378", "G")])
def test_hcpcs_families_by_first_letter(code, letter):
    fam = hcpcs_family(code)
    assert fam is not None and fam.start == letter and re.match(r"^[A-Z]", fam.name)
