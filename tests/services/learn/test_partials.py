"""Partial ICD-10-PCS codes, completed as the team's coded cases complete them."""

from __future__ import annotations

from dataclasses import replace

from chartcode.services.learn.apply import ModelSuggester
from chartcode.services.learn.partials import Completion, completions, settle
from chartcode.services.learn.train import train
from chartcode.services.suggest.model import Evidence, SuggestedCode, SuggestResult
from chartcode.sources.training_cases import TrainingCase

PCS = "icd10pcs"
FUSION = "spinal fusion"  # the fake dictionary reads it as the partial code 0SG0
FULL = "0SG0071"  # what the team coded: open, autologous tissue, posterior column
WORDS = ["amber", "birch", "cedar", "delta", "ember", "fjord", "grove", "heath"]


def test_a_prefix_completes_to_the_full_code_the_team_coded_most_often():
    counts = {
        (PCS, "0SG0071"): 3,
        (PCS, "0SG00J1"): 1,
        (PCS, "0SG0"): 4,  # partial labels complete nothing
        (PCS, "0SG1071"): 1,  # one case: too few to generalise
        ("icd10cm", "E119"): 5,
    }
    assert completions(list(counts), list(counts.values())) == {"0SG0": Completion("0SG0071", 3, 4)}


def test_a_completed_prefix_stands_once_where_its_full_code_is_also_listed():
    ranked = [(0.9, (PCS, "0SG0")), (0.7, ("icd10cm", "E119")), (0.5, (PCS, FULL))]
    out = settle(ranked, {"0SG0": Completion(FULL, 3, 4)}, {PCS: 0.3})
    assert [(s.at, s.key, s.folded) for s in out] == [(0, (PCS, FULL), (2,)), (1, ranked[1][1], ())]
    assert out[0].completed == Completion(FULL, 3, 4)


def test_a_prefix_left_partial_yields_only_to_a_suggested_full_code_under_it():
    ranked = [(0.8, (PCS, "0SG0")), (0.6, (PCS, "0SG00J1")), (0.2, (PCS, "0SG1071"))]
    out = settle(ranked + [(0.1, (PCS, "0SG1"))], {}, {PCS: 0.5})
    assert [(s.key[1], s.folded) for s in out] == [("0SG00J1", (0,)), ("0SG1071", ()), ("0SG1", ())]


def _dictionary(text: str) -> list[SuggestedCode]:
    """Reads the partial 0SG0 wherever the note says "spinal fusion"."""
    at = text.find(FUSION)
    if at < 0:
        return []
    ev = Evidence(at, at + len(FUSION), FUSION)
    partial = ["partial: choose axes 5-7 (chartcode pcs build)"]
    return [SuggestedCode(PCS, "0SG0", "Fusion of Lumbar Vertebral Joint", 0.55, "2026", [ev],
                          flags=partial, billable=False)]  # fmt: skip


def _trained():
    """The team coded the fusion done in full; a fusion years ago, or none, got no code."""
    diabetes = frozenset({("icd10cm", "E119")})
    cases = (
        [
            TrainingCase(f"f{i}", f"Seen {w}. Underwent {FUSION} at L4.", frozenset({(PCS, FULL)}))
            for i, w in enumerate(WORDS)
        ]
        + [TrainingCase(f"n{i}", f"Seen {w}. Walked in.", diabetes) for i, w in enumerate(WORDS)]
        + [
            TrainingCase(f"o{i}", f"Seen {w}. Old {FUSION} in 1990.", diabetes)
            for i, w in enumerate(WORDS[:4])
        ]
    )
    return train(cases, _dictionary, name="pcs", release={}, folds=4, salt=b"p" * 16)


def _suggest(model, validity) -> SuggestResult:
    text = f"New patient. Underwent {FUSION} last spring."
    result = SuggestResult(text, "2026-01-15", "code-every-mention", _dictionary(text))
    return ModelSuggester(model, validity).apply(result)


def test_a_partial_code_is_suggested_once_as_the_teams_full_code_with_its_evidence(validity):
    out = _suggest(_trained(), validity)
    listed = [c.code for c in out.codes + out.candidates if c.system == PCS]
    assert listed == [FULL]  # once, not beside its own prefix
    code = next(c for c in out.codes + out.candidates if c.code == FULL)
    assert FUSION in {e.text for e in code.evidence}
    assert code.billable and code.title.startswith("Fusion of Lumbar Vertebral Joint")
    assert not any(f.startswith("partial") for f in code.flags)
    # One candidate: the dictionary's reading, completed, with the learned phrases for it.
    said = " ".join(code.rationale)
    assert "0SG0 completed as 0SG0071" in said and "learned phrases" in said


def test_a_partial_code_alone_is_completed_and_flagged_for_the_coder(validity):
    # Without learned phrases or substitutions, only the dictionary's partial code is a
    # candidate: the full code can only come from completing it.
    model = replace(_trained(), phrases={}, substitutions={}, neighbours=None)
    out = _suggest(model, validity)
    (code,) = [c for c in out.codes + out.candidates if c.system == PCS]
    assert code.code == FULL and code.billable
    assert [e.text for e in code.evidence] == [FUSION]
    assert "completed from 0SG0 by the team's coded cases: confirm axes 5-7" in code.flags
    assert any(
        "0SG0 completed as 0SG0071: the full code of 8 of the 8 coded cases" in r
        for r in code.rationale
    )
