"""NCCI procedure-to-procedure (PTP) edits between two lines of one claim.

A pair applies when both codes are billed for the same date of service by the same
provider and the edit is in force that day (effective date <= date <= deletion date). The
column 2 code is the one denied. Modifier indicator 0: never together. 1: together only
with an NCCI-associated modifier on the column 2 line (an anatomic modifier counts only when
the two lines do not carry the same one). 9: the edit does not apply.
"""

from __future__ import annotations

from chartcode.services.claims.context import (
    ANATOMIC_MODIFIERS,
    NCCI_MODIFIERS,
    ClaimContext,
    is_evaluation_and_management,
    same_provider,
)
from chartcode.services.claims.facts import PtpRow
from chartcode.services.claims.model import ClaimLine
from chartcode.services.claims.result import ERROR, WARNING, Edit, Source

MANUAL = "NCCI Policy Manual for Medicare Services, chapter I, modifiers and modifier indicators"


def in_force(row: PtpRow, dos: str) -> bool:
    return row.effective <= dos and (row.deletion is None or dos <= row.deletion)


def _bypass_modifiers(col1: ClaimLine, col2: ClaimLine) -> set[str]:
    """The NCCI-associated modifiers on the column 2 line that bypass the edit."""
    mods = set(col2.modifiers) & NCCI_MODIFIERS
    same_site = mods & ANATOMIC_MODIFIERS & set(col1.modifiers)
    return mods - same_site


def ptp_edits(ctx: ClaimContext) -> list[Edit]:
    claim = ctx.claim
    if len(claim.lines) < 2:
        return []
    out: list[Edit] = []
    for dos, group in ctx.by_date.items():
        if len(group) < 2:
            continue
        f = ctx.at(group[0])
        pairs = f.ptp.get(claim.claim_type)
        codes = f.ptp_by_code.get(claim.claim_type)
        if pairs is None or codes is None:
            continue
        candidates = [ln for ln in group if ln.code in codes]
        if len(candidates) >= 2:
            out += _pairs(candidates, pairs, dos)
    return out


def _pairs(
    lines: list[ClaimLine], pairs: dict[tuple[str, str], list[PtpRow]], dos: str
) -> list[Edit]:
    out: list[Edit] = []
    for i, a in enumerate(lines):
        for b in lines[i + 1 :]:
            if b.code == a.code or not same_provider(a, b):
                continue
            for col1, col2 in ((a, b), (b, a)):
                rows = pairs.get((col1.code, col2.code))
                if not rows:
                    continue
                row = next((r for r in rows if in_force(r, dos)), None)
                if row is not None:
                    edit = _judge(row, col1, col2)
                    if edit is not None:
                        out.append(edit)
    return out


def _judge(row: PtpRow, col1: ClaimLine, col2: ClaimLine) -> Edit | None:
    src = Source.of(row.release, row.line, MANUAL)
    codes = (col1.code, col2.code)
    related = tuple(sorted((col1.number, col2.number)))
    why = f" (rationale: {row.rationale})" if row.rationale else ""
    base = (
        f"{col2.code} (line {col2.number}) is bundled into {col1.code} (line {col1.number}) "
        f"by an NCCI PTP edit in force since {row.effective}{why}"
    )
    if row.modifier_indicator == "0":
        return Edit(
            "PTP-NEVER", ERROR, col2.number, codes,
            f"{base}. Modifier indicator 0: the two are never paid together, with any "
            "modifier.",
            f"Remove line {col2.number} ({col2.code}); its payment is included in "
            f"{col1.code}. No modifier bypasses this edit.", src, related)  # fmt: skip
    if row.modifier_indicator != "1":
        return None  # 9: not applicable
    if _bypass_modifiers(col1, col2):
        return None
    # A bypass modifier left on the column 1 line (anatomic ones say where col 1 was done).
    on_col1 = (set(col1.modifiers) & NCCI_MODIFIERS) - ANATOMIC_MODIFIERS - set(col2.modifiers)
    if on_col1 and is_evaluation_and_management(col2.code):
        # 59 and X{EPSU} are not used on an E/M service (NCCI Policy Manual, chapter I, E):
        # moving them there would be wrong; 25 (or 57) is the E/M's modifier.
        return Edit(
            "PTP-MODIFIER-NEEDED", ERROR, col2.number, codes,
            f"{base}. Modifier indicator 1: the two may be paid together only with an "
            f"NCCI-associated modifier on {col2.code}; "
            f"{', '.join(sorted(on_col1))} on the column 1 line ({col1.code}) does not count.",
            _em_fix(col2), src, related)  # fmt: skip
    if on_col1:
        return Edit(
            "PTP-MODIFIER-PLACEMENT", WARNING, col2.number, codes,
            f"{base}. Modifier indicator 1: a modifier bypasses it, but "
            f"{', '.join(sorted(on_col1))} is on the column 1 line ({col1.code}), not on "
            f"{col2.code}.",
            f"Move the modifier to line {col2.number} ({col2.code}); NCCI reads it on the "
            "column 2 code.", src, related)  # fmt: skip
    same_site = set(col2.modifiers) & ANATOMIC_MODIFIERS & set(col1.modifiers)
    site = (
        f" Both lines carry {', '.join(sorted(same_site))}, which says the same site."
        if same_site
        else ""
    )
    if is_evaluation_and_management(col2.code):
        fix = _em_fix(col2)
    else:
        fix = (
            f"If {col2.code} was a distinct service (separate session, different site or "
            f"organ, separate incision or injury) and the record shows it, add XE, XS, XP, XU "
            f"or 59 (or an anatomic modifier such as RT/LT, F1-F9, T1-T9) to line "
            f"{col2.number}; otherwise remove line {col2.number}."
        )
    return Edit(
        "PTP-MODIFIER-NEEDED", ERROR, col2.number, codes,
        f"{base}. Modifier indicator 1: the two may be paid together only with an "
        f"NCCI-associated modifier on {col2.code}.{site}", fix, src, related)  # fmt: skip


def _em_fix(col2: ClaimLine) -> str:
    """The fix for an E/M service bundled into a procedure: modifier 25 (or 57), never 59."""
    return (
        f"If the visit {col2.code} was a significant, separately identifiable E/M service "
        f"beyond the procedure's usual pre- and post-service work and the record shows it, "
        f"add modifier 25 to line {col2.number} (57 if the visit was the decision for a major "
        f"surgery); modifier 59 and XE, XS, XP, XU are not used on an E/M service. Otherwise "
        f"remove line {col2.number}."
    )
