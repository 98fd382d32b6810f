"""The validator: deterministic checks every suggested ICD-10-CM code passes.

Contract: ``Validator(tabular).check(codes, policy)`` takes the assembled codes (compact code ->
``SuggestedCode``) and returns the ones to keep plus ``Excluded`` records for the rest:

* valid and billable in the release in force on the date of service, else dropped;
* Excludes1 (a code's own or an ancestor's note names the other code): the two are never both
  reported; the one stated in a diagnosis section (post-operative, discharge, assessment)
  stays, else the one with the higher score; the other is dropped and the kept one flagged;
* code-first and use-additional notes: partners the case itself supports are linked, the
  others listed on the code as ``partners`` for the coder to consider;
* signs and symptoms (R00-R99) integral to a confirmed diagnosis of the case
  (``lexicon/data/symptom_integral.tsv``) are dropped under ``us-outpatient`` and
  ``us-inpatient`` (guidelines I.B.4-5 and IV.D) and kept under ``code-every-mention``.
"""

from __future__ import annotations

from functools import cache

from chartcode.lexicon.tsv import rows
from chartcode.services.suggest.model import (
    Evidence,
    Excluded,
    Policy,
    SuggestedCode,
    in_text_order,
)
from chartcode.services.suggest.tabular import Tabular, refs_in

INTEGRAL_FILE = "symptom_integral.tsv"


@cache
def integral_table() -> list[tuple[str, tuple[str, ...], int]]:
    return [
        (s.replace(".", ""), tuple(d.replace(".", "") for d in ds.split()), line)
        for line, (s, ds, _n) in rows(INTEGRAL_FILE, ("symptom", "diagnoses", "note"))
    ]


def dotted(code: str) -> str:
    return code if len(code) <= 3 else f"{code[:3]}.{code[3:]}"


class Validator:
    def __init__(self, tabular: Tabular) -> None:
        self.tab = tabular

    def check(
        self, codes: dict[str, SuggestedCode], policy: Policy
    ) -> tuple[dict[str, SuggestedCode], list[Excluded]]:
        excluded: list[Excluded] = []
        kept: dict[str, SuggestedCode] = {}
        for compact, sc in codes.items():
            if compact not in self.tab:
                excluded.append(_out(sc, f"not in ICD-10-CM {self.tab.version}"))
            elif not self.tab.billable.get(compact, False):
                excluded.append(_out(sc, f"not billable in ICD-10-CM {self.tab.version}"))
            else:
                kept[compact] = sc
        if policy is Policy.CODE_EVERY_MENTION:
            self._excludes1(dict(kept), flag_only=kept)
        else:
            excluded += self._excludes1(kept)
            excluded += self._integral(kept)
            excluded += self._unspecified_siblings(kept)
        self._partners(kept)
        return kept, excluded

    def _excludes1(
        self, kept: dict[str, SuggestedCode], flag_only: dict[str, SuggestedCode] | None = None
    ) -> list[Excluded]:
        """Resolve Excludes1 pairs (the lower score goes); with ``flag_only``, flag both."""
        out: list[Excluded] = []
        order = sorted(kept, key=lambda c: -kept[c].score)
        for code in order:
            if code not in kept:
                continue
            for note in self.tab.notes_up(code, "excludes1"):
                for ref in refs_in(note):
                    for other in list(kept):
                        if other == code or not ref.covers(other):
                            continue
                        if other[:3] == code[:3] and ref.last is None and len(ref.first) <= 3:
                            continue  # a category's note never excludes its own codes
                        loser = other if _weight(kept[other]) <= _weight(kept[code]) else code
                        winner = code if loser == other else other
                        rule = f"Excludes1 at {dotted(code)}: {note}"
                        if flag_only is not None:
                            flag_only[code].flags.append(
                                f"excludes1: reported with {dotted(other)} ({note})"
                            )
                            continue
                        kept[winner].flags.append(f"excludes1: {dotted(loser)} dropped ({note})")
                        out.append(_out(kept.pop(loser), rule))
                        if loser == code:
                            break
                    if code not in kept:
                        break
                if code not in kept:
                    break
        return out

    def _integral(self, kept: dict[str, SuggestedCode]) -> list[Excluded]:
        # Mostly R codes; also a finding the table names as part of a diagnosis (J81.0 of
        # heart failure).
        symptoms = tuple(s for s, _, _ in integral_table())
        confirmed = [
            c for c, sc in kept.items() if not c.startswith(symptoms) and sc.context == "present"
        ]
        out: list[Excluded] = []
        for code in [c for c in kept if c.startswith(symptoms)]:
            for symptom, diagnoses, line in integral_table():
                if not code.startswith(symptom):
                    continue
                host = next((d for d in confirmed if d.startswith(diagnoses)), None)
                if host is not None:
                    out.append(
                        _out(
                            kept.pop(code),
                            f"integral to {dotted(host)} (guidelines I.B.5;"
                            f" {INTEGRAL_FILE}:{line})",
                        )
                    )
                break
        return out

    def _unspecified_siblings(self, kept: dict[str, SuggestedCode]) -> list[Excluded]:
        """An unspecified code goes when the case supports a specific code of its category."""
        out: list[Excluded] = []
        for code in list(kept):
            title = self.tab.titles.get(code, "").lower()
            if "unspecified" not in title:
                continue
            better = next(
                (
                    o
                    for o in kept
                    if o != code
                    and o[:3] == code[:3]
                    and "unspecified" not in self.tab.titles.get(o, "").lower()
                ),
                None,
            )
            if better is not None:
                kept[better].evidence = in_text_order(
                    [*kept[better].evidence, *kept[code].evidence]
                )
                out.append(_out(kept.pop(code), f"less specific than {dotted(better)}"))
        return out

    def _partners(self, kept: dict[str, SuggestedCode]) -> None:
        for code, sc in kept.items():
            for kind in ("code_first", "use_additional"):
                for note in self.tab.notes_up(code, kind):
                    refs = refs_in(note)
                    present = [o for o in kept if o != code and any(r.covers(o) for r in refs)]
                    label = "code first" if kind == "code_first" else "use additional code"
                    if present:
                        linked = ", ".join(dotted(o) for o in present)
                        sc.rationale.append(f"{label}: {linked} ({note})")
                        if kind == "code_first":
                            sc.flags.append(f"sequence after {linked}")
                    elif refs:
                        sc.partners.append(f"{label}: {note}")


DIAGNOSIS_SECTIONS = frozenset(
    {"postop_diagnosis", "preop_diagnosis", "assessment", "chief_complaint"}
)


def _weight(sc: SuggestedCode) -> tuple[bool, float]:
    """Which of two Excludes1 codes stays: one stated as a diagnosis, then the higher score."""
    return (sc.section in DIAGNOSIS_SECTIONS, sc.score)


def _out(sc: SuggestedCode, reason: str) -> Excluded:
    ev = sc.evidence[0] if sc.evidence else Evidence(0, 0, "")
    return Excluded(sc.code, ev, reason)
