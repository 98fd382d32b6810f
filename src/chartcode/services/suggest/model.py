"""The result of coding a case: suggested codes, each with its evidence and its reasons.

Contract: every ``SuggestedCode`` names its ``system`` (icd10cm, icd10pcs, cpt, hcpcs), the
``code`` in conventional form, its ``title`` and ``release``, a ``score`` in 0..1 that ranks the
list, ``evidence`` spans whose offsets index the ORIGINAL text (``text[start:end] == text``),
the ``context`` the mention was read in (present, negated, possible, historical, family,
hypothetical) with the trigger that decided it, a ``rationale`` (one line per reason, each with
the rule or file it comes from), a ``sequencing`` hint and ``flags`` from the validator.
``to_dict`` is the stable JSON schema shared by the CLI, the API and the web app.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum


class Policy(StrEnum):
    """How signs, symptoms and uncertain diagnoses are treated (issue 7)."""

    US_OUTPATIENT = "us-outpatient"  # uncertain diagnoses not coded; integral symptoms dropped
    US_INPATIENT = "us-inpatient"  # uncertain diagnoses coded as if established (guideline II.H)
    CODE_EVERY_MENTION = "code-every-mention"  # as CodiEsp coded: every sign and symptom


@dataclass(frozen=True, slots=True)
class Evidence:
    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, object]:
        return {"start": self.start, "end": self.end, "text": self.text}


def in_text_order(evidence: Iterable[Evidence]) -> list[Evidence]:
    """Spans once each, by where they start and then end.

    Ordering by start alone left two spans of one start (the shorter "smoker" and the longer
    "smoker of 20 cigarettes") in a set's order, which changes from one process to the next.
    """
    return sorted(set(evidence), key=lambda e: (e.start, e.end))


@dataclass(slots=True)
class SuggestedCode:
    system: str
    code: str
    title: str
    score: float
    release: str
    evidence: list[Evidence] = field(default_factory=list)
    context: str = "present"
    trigger: str | None = None
    section: str = "body"
    rationale: list[str] = field(default_factory=list)
    sequencing: str = "secondary"
    flags: list[str] = field(default_factory=list)
    partners: list[str] = field(default_factory=list)  # code-first / use-additional notes
    billable: bool = True

    def to_dict(self) -> dict[str, object]:
        return {
            "system": self.system,
            "code": self.code,
            "title": self.title,
            "score": round(self.score, 3),
            "release": self.release,
            "evidence": [e.to_dict() for e in self.evidence],
            "context": self.context,
            "trigger": self.trigger,
            "section": self.section,
            "rationale": list(self.rationale),
            "sequencing": self.sequencing,
            "flags": list(self.flags),
            "partners": list(self.partners),
            "billable": self.billable,
        }


@dataclass(frozen=True, slots=True)
class Excluded:
    """A mention read but not coded, and why (negated, family history, policy, Excludes1)."""

    code: str
    evidence: Evidence
    reason: str

    def to_dict(self) -> dict[str, object]:
        return {"code": self.code, "evidence": self.evidence.to_dict(), "reason": self.reason}


@dataclass(slots=True)
class SuggestResult:
    text: str
    on: str
    policy: str
    codes: list[SuggestedCode]
    excluded: list[Excluded] = field(default_factory=list)
    sections: list[dict[str, object]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # With a learned model: codes ranked below its cut-off, for review; and the model's name.
    candidates: list[SuggestedCode] = field(default_factory=list)
    model: str | None = None

    def of(self, system: str) -> list[SuggestedCode]:
        return [c for c in self.codes if c.system == system]

    def to_dict(self, include_text: bool = False) -> dict[str, object]:
        out: dict[str, object] = {
            "on": self.on,
            "policy": self.policy,
            "codes": [c.to_dict() for c in self.codes],
            "excluded": [e.to_dict() for e in self.excluded],
            "sections": self.sections,
            "warnings": list(self.warnings),
            "candidates": [c.to_dict() for c in self.candidates],
            "model": self.model,
        }
        if include_text:
            out["text"] = self.text
        return out
