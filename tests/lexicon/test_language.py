"""The search language layer: data files, sense resolution, spelling and stemming (issue 5)."""

from __future__ import annotations

from importlib import resources

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chartcode.lexicon import language
from chartcode.lexicon.language import (
    IRREGULAR_PLURALS,
    PROTECTED_WORDS,
    WORD_LIKE_ABBREVIATIONS,
    abbreviations,
    collect_lay_terms,
    is_word_like,
    lay_terms,
    normalise_spelling,
    resolve,
    spelling_variants,
    stem,
)
from chartcode.lexicon.tsv import exists


def _lines(filename: str) -> list[str]:
    text = resources.files("chartcode.lexicon").joinpath("data", filename).read_text("utf-8")
    return text.splitlines()


def _records(filename: str) -> list[list[str]]:
    return [line.split("\t") for line in _lines(filename)[1:] if line.strip()]


# --- abbreviations.tsv -----------------------------------------------------------------------


def test_abbreviation_file_layout() -> None:
    lines = _lines(language.ABBREVIATIONS_FILE)
    assert lines[0] == "abbr\texpansion\tcontext"
    for number, line in enumerate(lines[1:], start=2):
        fields = line.split("\t")
        assert len(fields) == 3, f"line {number}: {line!r}"
        abbr, expansion, context = fields
        assert abbr and abbr == abbr.strip(), f"line {number}"
        assert expansion and expansion == expansion.lower().strip(), f"line {number}"
        assert context == context.lower(), f"line {number}"
        assert context == " ".join(context.split()), f"line {number}: stray spaces"


def test_abbreviation_counts_meet_the_issue() -> None:
    records = _records(language.ABBREVIATIONS_FILE)
    table = abbreviations()
    assert len(records) >= 550
    assert len(table) >= 500
    assert sum(1 for senses in table.values() if len(senses) > 1) >= 60


def test_no_duplicate_senses() -> None:
    pairs = [(abbr.lower(), expansion) for abbr, expansion, _ in _records("abbreviations.tsv")]
    assert len(pairs) == len(set(pairs))


def test_file_is_sorted_by_abbreviation_with_senses_together() -> None:
    keys = [abbr.lower() for abbr, _, _ in _records(language.ABBREVIATIONS_FILE)]
    assert keys == sorted(keys)  # so every abbreviation's rows are contiguous


def test_ambiguous_senses_carry_cues_and_plain_ones_do_not() -> None:
    for key, senses in abbreviations().items():
        if len(senses) > 1:
            assert all(s.context for s in senses), key
        else:
            assert not senses[0].context, key


def test_loader_keeps_file_order_within_an_abbreviation() -> None:
    expected: dict[str, list[str]] = {}
    for abbr, expansion, _ in _records(language.ABBREVIATIONS_FILE):
        expected.setdefault(abbr.lower(), []).append(expansion)
    assert {k: [s.expansion for s in v] for k, v in abbreviations().items()} == expected
    assert [s.expansion for s in abbreviations()["ms"]][:2] == [
        "multiple sclerosis",
        "mitral stenosis",
    ]


@pytest.mark.parametrize(
    ("abbr", "expansion"),
    [
        ("CHF", "congestive heart failure"),
        ("COPD", "chronic obstructive pulmonary disease"),
        ("CKD", "chronic kidney disease"),
        ("ESRD", "end stage renal disease"),
        ("AKI", "acute kidney injury"),
        ("STEMI", "st elevation myocardial infarction"),
        ("NSTEMI", "non-st elevation myocardial infarction"),
        ("CAD", "coronary artery disease"),
        ("CABG", "coronary artery bypass graft"),
        ("PCI", "percutaneous coronary intervention"),
        ("AFib", "atrial fibrillation"),
        ("AF", "atrial fibrillation"),
        ("HTN", "hypertension"),
        ("T2DM", "type 2 diabetes mellitus"),
        ("IDDM", "insulin-dependent diabetes mellitus"),
        ("DKA", "diabetic ketoacidosis"),
        ("UTI", "urinary tract infection"),
        ("CAUTI", "catheter-associated urinary tract infection"),
        ("PNA", "pneumonia"),
        ("CAP", "community-acquired pneumonia"),
        ("DVT", "deep vein thrombosis"),
        ("GERD", "gastro-esophageal reflux disease"),
        ("BPH", "benign prostatic hyperplasia"),
        ("ORIF", "open reduction internal fixation"),
        ("lap chole", "laparoscopic cholecystectomy"),
        ("s/p", "status post"),
        ("h/o", "history of"),
        ("SOB", "shortness of breath"),
        ("N/V", "nausea and vomiting"),
        ("GI bleed", "gastrointestinal hemorrhage"),
        ("TIA", "transient ischemic attack"),
        ("SDH", "subdural hemorrhage"),
        ("MVC", "motor vehicle collision"),
        ("GSW", "gunshot wound"),
        ("FOOSH", "fall on outstretched hand"),
        ("fx", "fracture"),
        ("LLE", "left lower extremity"),
        ("bilat", "bilateral"),
        ("R", "right"),
        ("L", "left"),
    ],
)
def test_common_abbreviations_expand(abbr: str, expansion: str) -> None:
    assert expansion in [s.expansion for s in resolve(abbr)]


@pytest.mark.parametrize(
    "abbr", ["MS", "PE", "RA", "LA", "CP", "MI", "PID", "ARF", "BS", "DOA", "HD", "OD", "PT", "RT"]
)
def test_named_ambiguous_abbreviations_have_several_senses(abbr: str) -> None:
    assert len(abbreviations()[abbr.lower()]) >= 2


def test_word_like_abbreviations_are_in_the_table() -> None:
    assert not WORD_LIKE_ABBREVIATIONS - abbreviations().keys()
    assert is_word_like("ALL") and is_word_like(" us ")
    assert not is_word_like("CHF")


# --- resolution by context -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("abbr", "context", "expected"),
    [
        ("MS", "relapsing", "multiple sclerosis"),
        ("MS", "murmur valve", "mitral stenosis"),
        ("MS", ["new", "murmurs", "on", "echo"], "mitral stenosis"),
        ("MS", "4 mg iv for pain, opioid", "morphine sulfate"),
        ("PE", "dvt anticoagulation", "pulmonary embolism"),
        ("PE", "blunting on cxr, thoracentesis planned", "pleural effusion"),
        ("PE", "bilateral PE tubes for recurrent otitis", "pressure equalization tube"),
        ("RA", "sat 94% on room air", "room air"),
        ("RA", "on methotrexate for joint swelling", "rheumatoid arthritis"),
        ("CP", "spastic diplegic child", "cerebral palsy"),
        ("CP", "substernal pressure, troponin negative", "chest pain"),
        ("MI", "holosystolic murmur, mitral regurgitation on echo", "mitral insufficiency"),
        ("ARF", "intubated for hypoxemic failure", "acute respiratory failure"),
        ("ARF", "creatinine doubled, oliguria", "acute renal failure"),
        ("OD", "intentional ingestion, given naloxone", "overdose"),
        ("OD", "drops in the eye", "right eye"),
        ("PID", "cervical motion tenderness, chlamydia", "pelvic inflammatory disease"),
        ("HD", "via av fistula, esrd", "hemodialysis"),
        ("PT", "inr and coagulation", "prothrombin time"),
        ("SBO", "distension and vomiting, ngt placed", "small bowel obstruction"),
        ("DM", "heliotrope rash and proximal weakness", "dermatomyositis"),
        ("GBS", "positive vaginal culture at 36 weeks pregnancy", "group b streptococcus"),
    ],
)
def test_resolve_by_context(abbr: str, context: str | list[str], expected: str) -> None:
    assert resolve(abbr, context)[0].expansion == expected


def test_without_cues_the_most_common_sense_comes_first() -> None:
    assert resolve("MI")[0].expansion == "myocardial infarction"
    assert resolve("PE", "unrelated words")[0].expansion == "pulmonary embolism"
    senses = abbreviations()["ms"]
    assert resolve("ms", []) == senses  # ties keep file order


def test_resolve_is_case_insensitive_and_returns_every_sense() -> None:
    assert resolve("ms", "relapsing") == resolve("MS", ["RELAPSING"])
    assert {s.expansion for s in resolve("PE", "dvt")} == {
        s.expansion for s in abbreviations()["pe"]
    }


def test_resolve_unknown_and_unambiguous() -> None:
    assert resolve("zzqx", "anything") == []
    (only,) = resolve("CHF", "relapsing")
    assert only.expansion == "congestive heart failure"


def test_cues_match_british_spelling_in_context() -> None:
    assert resolve("CVA", "oedema, haemorrhagic stroke")[0].expansion == "cerebrovascular accident"
    assert resolve("AS", "murmur from a stenotic aortic valve")[0].expansion == "aortic stenosis"


# --- spelling_variants.tsv -------------------------------------------------------------------


def test_spelling_file_layout_and_counts() -> None:
    lines = _lines(language.SPELLING_FILE)
    assert lines[0] == "variant\tstandard"
    records = _records(language.SPELLING_FILE)
    assert all(len(r) == 2 and r[0] and r[1] for r in records)
    assert all(r[0] == r[0].lower() and r[1] == r[1].lower() for r in records)
    assert len(records) >= 200
    variants = [v for v, _ in records]
    assert len(variants) == len(set(variants))
    standards = {s for _, s in records}
    assert not standards & set(variants), "a standard must not itself be a variant"
    assert all(v != s for v, s in records)


@pytest.mark.parametrize(
    ("variant", "standard"),
    [
        ("haemorrhage", "hemorrhage"),
        ("haemorrhagic", "hemorrhagic"),
        ("oedema", "edema"),
        ("oesophagus", "esophagus"),
        ("oesophageal", "esophageal"),
        ("anaemia", "anemia"),
        ("paediatric", "pediatric"),
        ("tumour", "tumor"),
        ("foetus", "fetus"),
        ("haematoma", "hematoma"),
        ("ischaemia", "ischemia"),
        ("ischaemic", "ischemic"),
        ("diarrhoea", "diarrhea"),
        ("leukaemia", "leukemia"),
        ("orthopaedic", "orthopedic"),
        ("caesarean", "cesarean"),
        ("sulphate", "sulfate"),
        ("Haemorrhage", "hemorrhage"),
        ("OEDEMA", "edema"),
    ],
)
def test_british_spellings_normalise(variant: str, standard: str) -> None:
    assert normalise_spelling(variant) == standard


@pytest.mark.parametrize(
    ("typo", "standard"),
    [
        ("diabetis", "diabetes"),
        ("pnuemonia", "pneumonia"),
        ("hemorrage", "hemorrhage"),
        ("arthritus", "arthritis"),
        ("alzheimers", "alzheimer's"),
        ("arrythmia", "arrhythmia"),
        ("abcess", "abscess"),
        ("siezure", "seizure"),
        ("hypertention", "hypertension"),
        ("tonsilitis", "tonsillitis"),
    ],
)
def test_common_misspellings_normalise(typo: str, standard: str) -> None:
    assert normalise_spelling(typo) == standard


def test_unknown_and_standard_words_are_unchanged() -> None:
    assert normalise_spelling("hemorrhage") == "hemorrhage"
    assert normalise_spelling("Wrist") == "Wrist"
    assert all(normalise_spelling(s) == s for s in spelling_variants().values())


# --- lay_terms.tsv (written by another contributor; skipped until it ships) -------------------

needs_lay_terms = pytest.mark.skipif(
    not exists(language.LAY_TERMS_FILE), reason="lay_terms.tsv is not in lexicon/data yet"
)


def test_collect_lay_terms_groups_rows_in_order() -> None:
    table = collect_lay_terms(
        [
            ("Heart  attack", "myocardial infarction"),
            ("heart attack", "cardiac arrest"),
            ("heart attack", "myocardial infarction"),
            ("kidney stone", "calculus of kidney"),
            ("", "ignored"),
        ]
    )
    assert table == {
        "heart attack": ["myocardial infarction", "cardiac arrest"],
        "kidney stone": ["calculus of kidney"],
    }


def test_lay_terms_empty_without_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(language, "exists", lambda filename: False)
    language.lay_terms.cache_clear()
    try:
        assert lay_terms() == {}
    finally:
        language.lay_terms.cache_clear()


@needs_lay_terms
def test_lay_terms_file_layout() -> None:
    assert _lines(language.LAY_TERMS_FILE)[0] == "lay\tclinical"
    assert all(len(r) == 2 for r in _records(language.LAY_TERMS_FILE))


@needs_lay_terms
def test_lay_terms_loader_shape() -> None:
    table = lay_terms()
    assert table
    for lay, terms in table.items():
        assert lay == " ".join(lay.lower().split())
        assert terms and len(terms) == len(set(terms))


# --- stemming --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("fractures", "fracture"),
        ("injuries", "injury"),
        ("bones", "bone"),
        ("vertebrae", "vertebra"),
        ("metastases", "metastasis"),
        ("diagnoses", "diagnosis"),
        ("ovaries", "ovary"),
        ("calculi", "calculus"),
        ("bronchi", "bronchus"),
        ("stenoses", "stenosis"),
        ("prostheses", "prosthesis"),
        ("abscesses", "abscess"),
        ("sinuses", "sinus"),
        ("viruses", "virus"),
        ("headaches", "headache"),
        ("overdoses", "overdose"),
        ("diseases", "disease"),
        ("causes", "cause"),
        ("streptococci", "streptococcus"),
        ("arthritides", "arthritis"),
        ("sequelae", "sequela"),
        ("kidneys", "kidney"),
        ("x-rays", "x-ray"),
        ("rashes", "rash"),
        ("teeth", "tooth"),
        ("Fractures", "fracture"),
        ("UTIs", "uti"),
        ("CVAs", "cva"),
        ("Crohn's", "crohn"),
        ("Graves'", "graves"),
    ],
)
def test_stem_folds_plurals(word: str, expected: str) -> None:
    assert stem(word) == expected


@pytest.mark.parametrize(
    "word",
    [
        "diabetes",
        "pancreas",
        "herpes",
        "sepsis",
        "stenosis",
        "lupus",
        "iris",
        "pelvis",
        "axis",
        "meninges",
        "arthritis",
        "pneumonia",
        "anemia",
        "hypokalemia",
        "calculus",
        "abscess",
        "measles",
        "biceps",
        "pneumoniae",
        "influenzae",
        "pseudomonas",
        "displaced",
        "healing",
        "infected",
        "fracture",
        "mellitus",
        "venous",
    ],
)
def test_stem_keeps_medical_terms_intact(word: str) -> None:
    assert stem(word) == word


def test_protected_and_irregular_forms_are_fixed_points() -> None:
    assert all(stem(w) == w for w in PROTECTED_WORDS)
    assert all(stem(w) == w for w in IRREGULAR_PLURALS.values())
    assert all(stem(p) == s for p, s in IRREGULAR_PLURALS.items())


@given(st.text())
def test_stem_is_idempotent(word: str) -> None:
    once = stem(word)
    assert stem(once) == once


@given(st.text(min_size=1))
def test_stem_never_returns_empty(word: str) -> None:
    assert stem(word) != ""


@given(st.from_regex(r"[a-z]{1,12}s?", fullmatch=True))
def test_stem_of_plain_words_is_a_short_lowercase_word(word: str) -> None:
    result = stem(word)
    assert result == result.lower()
    assert 1 <= len(result) <= len(word) + 2  # -i -> -us is the longest growth
