"""Global surgery: visits and procedures that fall inside a surgery's global period.

A surgery with 090 global days includes the visits of the day before, the day of and the 90
days after; 010 includes the day of and 10 days after; 000 the day of (Medicare Claims
Processing Manual, chapter 12, section 40; global days from the PFS relative value file).
Surgeries come from the patient's prior claims (optional history) and from this claim. Only
visits and other surgical procedures (global 000/010/090) are checked against a package:
diagnostic tests, imaging and drugs are paid outside it.
Bypass modifiers: 57 (decision for major surgery, day before or day of), 25 (significant,
separately identifiable visit on the day of a procedure), 24 (unrelated visit after it), 58
(staged or related), 78 (return to the operating room), 79 (unrelated procedure), 76/77
(repeat procedure).

The provider rule is read simply: a surgery and a later service match when they have the
same rendering provider or either has none (CMS applies the package to the surgeon and the
surgeon's group of the same specialty, which a claim does not show).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from chartcode.rules.pfs_indicators import GLOBAL_DAYS
from chartcode.services.claims.context import (
    ClaimContext,
    is_evaluation_and_management,
    same_provider,
)
from chartcode.services.claims.facts import RvuRow
from chartcode.services.claims.model import ClaimLine
from chartcode.services.claims.result import WARNING, Edit, Source

_DAYS = {"090": 90, "010": 10, "000": 0}
_AFTER_MODS = frozenset({"58", "76", "77", "78", "79"})


@dataclass(frozen=True, slots=True)
class _Surgery:
    line: ClaimLine
    claim_id: str
    days: int
    row: RvuRow
    start: str  # first day of the package (the day before for 090)
    end: str


@lru_cache(maxsize=1 << 14)
def _plus(iso: str, days: int) -> str:
    return (date.fromisoformat(iso) + timedelta(days=days)).isoformat()


def global_edits(ctx: ClaimContext) -> list[Edit]:
    claim = ctx.claim
    if not ctx.history and not any(is_evaluation_and_management(ln.code) for ln in claim.lines):
        return []  # without history only visits can fall in this claim's own packages
    surgeries: list[_Surgery] = []
    sources = [(claim, True)] + [
        (h, False) for h in ctx.history
        if not (h.patient_id and claim.patient_id and h.patient_id != claim.patient_id)
        and h.claim_id != claim.claim_id
    ]  # fmt: skip
    for c, _current in sources:
        for ln in c.lines:
            if is_evaluation_and_management(ln.code):
                continue
            table = ctx.on(ln.date_from).rvu
            row = table.get(ln.code) if table is not None else None
            days = _DAYS.get(row.global_days or "") if row is not None else None
            if row is None or days is None:
                continue
            start = _plus(ln.date_from, -1) if days == 90 else ln.date_from
            surgeries.append(_Surgery(ln, c.claim_id, days, row, start,
                                      _plus(ln.date_from, days)))  # fmt: skip
    if not surgeries:
        return []
    surgeries.sort(key=lambda s: (s.line.date_from, -s.days, s.line.code, s.claim_id))
    out: list[Edit] = []
    for ln in claim.lines:
        em = is_evaluation_and_management(ln.code)
        for s in surgeries:
            if s.claim_id == claim.claim_id and s.line.number == ln.number:
                continue
            if not (s.start <= ln.date_from <= s.end) or not same_provider(s.line, ln):
                continue
            if em:
                edit = _visit(ln, s, claim.claim_id)
            elif _is_surgery(ctx, ln):
                edit = _procedure(ln, s, claim.claim_id)
            else:
                continue  # tests, imaging, drugs: not part of a surgical package
            if edit is not None:
                out.append(edit)
                break
    return out


def _is_surgery(ctx: ClaimContext, ln: ClaimLine) -> bool:
    table = ctx.at(ln).rvu
    row = table.get(ln.code) if table is not None else None
    return row is not None and (row.global_days or "") in _DAYS


def _where(s: _Surgery, claim_id: str) -> str:
    if s.claim_id == claim_id:
        return f"line {s.line.number} of this claim"
    return f"prior claim {s.claim_id}"


def _src(s: _Surgery) -> Source:
    rule = GLOBAL_DAYS.get(s.row.global_days or "")
    return Source.of(s.row.release, s.row.line, rule.citation if rule else None)


def _visit(ln: ClaimLine, s: _Surgery, claim_id: str) -> Edit | None:
    mods = set(ln.modifiers)
    surgery_day = s.line.date_from
    related = (ln.number, s.line.number) if s.claim_id == claim_id else (ln.number,)
    if ln.date_from <= surgery_day:
        if mods & {"57", "25"}:
            return None
        when = "the day of" if ln.date_from == surgery_day else "the day before"
        fix = (
            "If this visit is where the decision for surgery was made, add modifier 57"
            if s.days == 90
            else "If the visit was significant and separately identifiable from the usual "
            "pre-procedure assessment, add modifier 25"
        )
    else:
        if "24" in mods:
            return None
        when = f"{(date.fromisoformat(ln.date_from) - date.fromisoformat(surgery_day)).days} "
        when += "days after"
        fix = (
            "If the visit was for a problem unrelated to the surgery, add modifier 24; a "
            "routine post-operative visit is reported with 99024 (no charge)"
        )
    return Edit(
        "FEE-GLOBAL-VISIT", WARNING, ln.number, (ln.code, s.line.code),
        f"visit {ln.code} on {ln.date_from} falls {when} surgery {s.line.code} "
        f"({_where(s, claim_id)}, {s.line.date_from}), inside its {s.row.global_days}-day "
        "global period: the visit is part of the surgical package",
        f"{fix}; otherwise remove line {ln.number}.", _src(s), tuple(sorted(related)))  # fmt: skip


def _procedure(ln: ClaimLine, s: _Surgery, claim_id: str) -> Edit | None:
    if s.claim_id == claim_id or ln.date_from <= s.line.date_from or s.days == 0:
        return None  # same-day procedures are PTP and multiple-procedure questions
    if set(ln.modifiers) & _AFTER_MODS:
        return None
    return Edit(
        "FEE-GLOBAL-PROCEDURE", WARNING, ln.number, (ln.code, s.line.code),
        f"procedure {ln.code} on {ln.date_from} falls inside the {s.row.global_days}-day "
        f"global period of {s.line.code} ({_where(s, claim_id)}, {s.line.date_from})",
        "Add the modifier that explains it: 58 (staged or more extensive, planned), 78 "
        "(unplanned return to the operating room for a complication), 79 (unrelated "
        "procedure) or 76/77 (repeat procedure); otherwise the payer treats it as part of "
        "the package.", _src(s), (ln.number,))  # fmt: skip
