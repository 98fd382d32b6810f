"""Diagnosis checks: pointers, Excludes1 pairs, and sex and age conflicts.

Excludes1 ("NOT CODED HERE") notes are read from the tabular in force, at the code and at
every ancestor up to the chapter, in both directions. The guideline's exception -- the two
conditions are unrelated -- cannot be seen on a claim, so the edit is a warning that says so.
Sex and age rules are the data in ``diagnosis_rules``; each edit quotes the tabular node that
backs the rule.
"""

from __future__ import annotations

from chartcode.services.claims.context import ClaimContext
from chartcode.services.claims.diagnosis_rules import age_rule, sex_rule
from chartcode.services.claims.facts import CmTable, Exclusion
from chartcode.services.claims.model import POINTER_LETTERS, dotted
from chartcode.services.claims.result import ERROR, WARNING, Edit, Source

GUIDELINE_EXCLUDES = "ICD-10-CM Official Guidelines for Coding and Reporting, I.A.12.a Excludes1"
CMS_1500 = "CMS-1500 item 24E / 837P SV107: each line points to at least one diagnosis"
_SEX_WORD = {"F": "female", "M": "male"}


def pointer_edits(ctx: ClaimContext) -> list[Edit]:
    claim = ctx.claim
    n = len(claim.diagnoses)
    if all(ln.pointers and max(ln.pointers) <= n for ln in claim.lines):
        return []
    cm = ctx.diagnosis_facts.cm
    src = Source(cm.release.file, cm.release.label, None, CMS_1500) if cm else Source(
        "", "", None, CMS_1500)  # fmt: skip
    out = []
    for ln in claim.lines:
        if not ln.pointers:
            out.append(Edit(
                "DX-POINTER-MISSING", ERROR, ln.number, (ln.code,),
                f"line {ln.number} ({ln.code}) points to no diagnosis"
                + ("" if n else "; the claim lists no diagnoses at all"),
                "Add the diagnosis that supports the service to the claim and point the line "
                "to it (letters A-L, primary first).", src))  # fmt: skip
            continue
        bad = [p for p in ln.pointers if p > n]
        if bad:
            letters = ", ".join(POINTER_LETTERS[p - 1] for p in bad)
            out.append(Edit(
                "DX-POINTER-INVALID", ERROR, ln.number, (ln.code,),
                f"line {ln.number} ({ln.code}) points to diagnosis {letters}, but the claim "
                f"lists {n} diagnos{'i' if n == 1 else 'e'}s",
                "Point the line to a diagnosis the claim lists, or add the missing diagnosis.",
                src))  # fmt: skip
    return out


def _excludes(cm: CmTable, code: str, other: str) -> Exclusion | None:
    for ex in cm.exclusions_up(code):
        if ex.matches(other) and not ex.matches(code):
            return ex
    return None


def excludes1_edits(ctx: ClaimContext) -> list[Edit]:
    cm = ctx.diagnosis_facts.cm
    dx = ctx.claim.diagnoses
    if cm is None or len(dx) < 2:
        return []
    with_notes = [c for c in dx if cm.exclusions_up(c)]
    if not with_notes:
        return []
    out = []
    seen: set[frozenset[str]] = set()
    for a in sorted(with_notes):
        for b in sorted(dx):
            if a == b or frozenset((a, b)) in seen:
                continue
            ex = _excludes(cm, a, b)
            if ex is None:
                continue
            seen.add(frozenset((a, b)))
            holder = cm.nodes[ex.holder]
            out.append(
                Edit(
                    "DX-EXCLUDES1",
                    WARNING,
                    None,
                    (dotted(a), dotted(b)),
                    f"{dotted(a)} and {dotted(b)} are not coded together: an Excludes1 note at "
                    f"{_node_name(ex.holder, holder.kind)} ({holder.title}) excludes "
                    f'"{ex.text}"',
                    "Keep the code that describes the condition and remove the other. Both may "
                    "be reported only when the two conditions are unrelated, and the record "
                    "must show that.",
                    Source.of(cm.release, cm.label(ex.holder), GUIDELINE_EXCLUDES),
                )
            )
    return out


def _node_name(code: str, kind: str) -> str:
    if kind == "chapter":
        return f"chapter {code}"
    if kind == "block":
        return f"block {code}"
    return dotted(code)


def sex_age_edits(ctx: ClaimContext) -> list[Edit]:
    claim = ctx.claim
    cm = ctx.diagnosis_facts.cm
    out: list[Edit] = []
    age = ctx.age
    for code in claim.diagnoses:
        shown = dotted(code)
        if claim.sex in ("F", "M"):
            rule = sex_rule(code)
            if rule is not None and rule.sex != claim.sex:
                out.append(
                    Edit(
                        "DX-SEX",
                        ERROR,
                        None,
                        (shown,),
                        f"{shown} applies to {_SEX_WORD[rule.sex]} patients only and the patient "
                        f"is {_SEX_WORD[claim.sex]}: {_basis(cm, rule.node)}",
                        "Check the diagnosis and the patient's recorded sex; correct whichever is "
                        "wrong. If both are right (e.g. a transgender patient), use condition code "
                        "45 or the KX modifier as your payer instructs.",
                        _rule_source(cm, rule.node, "ICD-10-CM tabular: block/category title"),
                    )
                )
        if age is None:
            continue
        arule = age_rule(code)
        if arule is None or arule.min_age <= age <= arule.max_age:
            continue
        span = (
            f"age {arule.min_age}" if arule.min_age == arule.max_age
            else f"ages {arule.min_age} to {arule.max_age}"
        )  # fmt: skip
        fix = (
            "Check the date of birth and the code. A newborn code stays valid later in "
            "life only when the condition began in the perinatal period (guideline I.C.16.a.4)."
            if arule.rule_id == "DX-AGE-NEWBORN"
            else "Check the date of birth and the code; maternity codes go on the mother's "
            "record only (chapter 15 note)."
        )
        out.append(Edit(
            arule.rule_id, WARNING, None, (shown,),
            f"{shown} is {arule.what}, expected for {span}; the patient is {age} on "
            f"{ctx.first_date}: {_basis(cm, arule.node)}", fix,
            _rule_source(cm, arule.node, arule.rule)))  # fmt: skip
    return out


def _basis(cm: CmTable | None, node: str) -> str:
    if cm is None or node not in cm.nodes:
        return f"tabular node {node}"
    n = cm.nodes[node]
    notes = cm.chapter_notes.get(node) if n.kind == "chapter" else None
    text = f'{_node_name(node, n.kind)} "{n.title}"'
    if notes:
        text += f' (note: "{notes[0][1]}")'
    return text


def _rule_source(cm: CmTable | None, node: str, rule: str) -> Source:
    if cm is None:
        return Source("", "", node, rule)
    return Source.of(cm.release, cm.label(node), rule)
