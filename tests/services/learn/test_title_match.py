"""Title features: which of the codes a learned phrase points to does the note name?"""

from __future__ import annotations

from pathlib import Path

from chartcode.services.learn.candidates import PhraseTable, candidates
from chartcode.services.learn.phrases import grams, hash_words
from chartcode.services.learn.title_match import NoteWords, TitleWords, overlap, words
from chartcode.store.learned_model import FEATURES, MISSING

DATA = Path(__file__).resolve().parents[2] / "data"
SALT = b"t" * 16
IN_SENTENCE = FEATURES.index("title words in the evidence's sentence")
BEST = FEATURES.index("title words in the note's best sentence")
TITLES = {
    ("icd10cm", "N200"): "Calculus of kidney",
    ("icd10cm", "N2889"): "Other specified disorders of kidney and ureter",
}


def test_words_are_normalised_and_stop_words_left_out():
    assert words("Other specified disorders of Kidney") == words("kidney disorder")
    # The cosine of the two word sets: 2 shared words, 2 and 3 words.
    assert (
        overlap(words("calculus of kidney"), words("a calculus in the left kidney")) == 2 / 6**0.5
    )
    assert overlap(frozenset(), words("kidney")) == 0.0


def test_the_sentence_at_the_evidence_and_the_best_sentence_are_both_read():
    text = "Seen for flank pain. Kidney calculus on imaging."
    note = NoteWords(text)
    title = words("Calculus of kidney")
    best = overlap(title, words("Kidney calculus on imaging."))
    assert best > 0.5
    assert note.features(title, text.index("flank")) == [0.0, best]
    assert note.features(title, text.index("calculus")) == [best, best]
    assert note.features(None, 0) == [MISSING, MISSING]
    assert note.features(title, None) == [MISSING, best]


def test_a_learned_phrase_pointing_to_two_codes_is_told_apart_by_their_titles():
    text = "Ultrasound of the kidney showed a calculus."
    table = PhraseTable(
        {hash_words("kidney", SALT): [(0, 0.4), (1, 0.4)]},
        list(TITLES),
        [5, 5],
        20,
    )
    titles = TitleWords(TITLES.get)
    found = {
        c.key: c.features for c in candidates([], grams(text, SALT), table, NoteWords(text), titles)
    }
    named, other = found[("icd10cm", "N200")], found[("icd10cm", "N2889")]
    assert named[IN_SENTENCE] > other[IN_SENTENCE] > 0.0
    assert named[BEST] == named[IN_SENTENCE]
    # Without a note and titles (a model trained without them) the features stay missing.
    bare = candidates([], grams(text, SALT), table)
    assert all(c.features[IN_SENTENCE] == MISSING == c.features[BEST] for c in bare)


def test_a_pcs_prefix_is_named_by_its_operation_and_body_part(validity):
    assert validity.title("icd10pcs", "0016") == "Bypass of Cerebral Ventricle"
    assert validity.title("icd10pcs", "0016070") is not None
    assert validity.title("icd10pcs", "ZZZZ") is None
    partial = validity.check("icd10pcs", "0016")
    assert partial.valid and not partial.billable
    assert (
        partial.title == "Bypass of Cerebral Ventricle (first 4 characters of an ICD-10-PCS code)"
    )
    assert "chartcode pcs table 0016" in (partial.flag or "")


def test_an_unknown_code_has_no_title_and_a_known_one_has_its_official_title(validity):
    assert validity.title("icd10cm", "E119") == validity.check("icd10cm", "E119").title
    assert validity.title("icd10cm", "Q99999") is None


def test_where_a_note_writes_a_title_is_the_span_of_its_words_in_the_best_sentence():
    text = "Seen for flank pain. Kidney calculus on imaging."
    score, start, end = NoteWords(text).written(words("Calculus of kidney"))
    assert text[start:end] == "Kidney calculus"
    assert score == overlap(words("Calculus of kidney"), words("Kidney calculus on imaging."))
    assert NoteWords(text).written(words("Fracture of femur")) is None
    assert NoteWords(text).written(None) is None
    # A side or an approach alone says where or how, not what.
    sided = "Right. Seen today."
    assert NoteWords(sided).written(words("Resection of Epididymis, Right, Open Approach")) is None


def test_a_code_of_the_most_similar_cases_is_a_candidate_where_the_note_writes_its_title():
    table = PhraseTable({}, list(TITLES), [5, 5], 20)  # no learned phrase at all
    titles = TitleWords(TITLES.get)
    nearest = [(0.7, frozenset({("icd10cm", "N200")}))]
    text = "Seen for flank pain. Kidney calculus on imaging."
    found = candidates(
        [], grams(text, SALT), table, NoteWords(text), titles, nearest, similar_cases=True
    )
    assert [c.key for c in found] == [("icd10cm", "N200")]
    (cand,) = found
    assert cand.written is not None and text[slice(*cand.written)] == "Kidney calculus"
    assert cand.features[IN_SENTENCE] == cand.features[BEST] > 0.5
    # A note that does not write the title's words gets no candidate from the similar cases.
    other = "Seen for flank pain. Imaging was normal."
    note = NoteWords(other)
    assert (
        candidates([], grams(other, SALT), table, note, titles, nearest, similar_cases=True) == []
    )
    # A model trained before these candidates does not get them.
    assert candidates([], grams(text, SALT), table, NoteWords(text), titles, nearest) == []
