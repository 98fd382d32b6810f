"""A team's own reading of what the dictionary finds: learned as a substitution."""

from __future__ import annotations

from chartcode.services.learn.candidates import PhraseTable, candidates
from chartcode.services.learn.phrases import grams
from chartcode.services.learn.train import train
from chartcode.services.suggest.model import Evidence, SuggestedCode
from chartcode.sources.training_cases import TrainingCase

WORDS = ["amber", "birch", "cedar", "delta", "ember", "fjord", "grove", "heath"]


def _dictionary(text: str) -> list[SuggestedCode]:
    """Reads E11.9 at the note's last word, whatever it is."""
    start = text.rindex(" ") + 1
    end = len(text) - 1
    ev = Evidence(start, end, text[start:end])
    return [SuggestedCode("icd10cm", "E11.9", "Type 2 diabetes", 0.9, "2025", [ev])]


def test_a_code_the_team_gives_where_the_dictionary_reads_another_is_proposed_there():
    # Every case: the dictionary reads E11.9, the team coded E11.8; no phrase is shared.
    cases = [
        TrainingCase(f"c{i}", f"Seen {w}.", frozenset({("icd10cm", "E118")}))
        for i, w in enumerate(WORDS)
    ]
    model = train(cases, _dictionary, name="subs", release={}, folds=4, salt=b"k" * 16)
    e118 = model.codes.index(("icd10cm", "E118"))
    assert [i for i, _ in model.substitutions[("icd10cm", "E119")]] == [e118]
    text = "Seen zenith."
    table = PhraseTable.of(model)
    found = {c.key: c for c in candidates(_dictionary(text), grams(text, model.salt), table)}
    proposed = found[("icd10cm", "E118")]
    assert proposed.dictionary is None
    weight, where = proposed.phrases[0]
    assert weight > 0.5 and text[where.start : where.end] == "zenith"
