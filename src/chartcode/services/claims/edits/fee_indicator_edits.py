"""Modifiers against the PFS payment indicators of the code, in the RVU file in force.

Modifier 50 (or RT and LT on one line) against the bilateral indicator; 80/81/82/AS against
the assistant-at-surgery indicator; 62 against co-surgeons; 66 against team surgery; 26/TC
against the PC/TC indicator. The meaning of each indicator value, and the modifiers it
permits, come from ``chartcode.rules.pfs_indicators`` (the same tables the fee calculator
uses), so a claim check and a fee quote never disagree.
"""

from __future__ import annotations

from chartcode.rules.pfs_indicators import (
    ASSISTANT_AT_SURGERY,
    ASSISTANT_MODIFIERS,
    BILATERAL_SURGERY,
    CO_SURGEONS,
    PCTC_INDICATORS,
    TEAM_SURGERY,
    IndicatorRule,
)
from chartcode.services.claims.context import ClaimContext
from chartcode.services.claims.facts import RvuRow
from chartcode.services.claims.model import ClaimLine
from chartcode.services.claims.result import ERROR, INFO, WARNING, Edit, Source

_ROLE_CHECKS = (
    # (edit id, modifiers, indicator field, table, what the indicator is called)
    ("FEE-ASSISTANT", ASSISTANT_MODIFIERS, "assistant", ASSISTANT_AT_SURGERY,
     "assistant-at-surgery"),
    ("FEE-COSURGERY", frozenset({"62"}), "co_surgery", CO_SURGEONS, "co-surgeon"),
    ("FEE-TEAM", frozenset({"66"}), "team_surgery", TEAM_SURGERY, "team surgery"),
)  # fmt: skip


_PRICING_MODIFIERS = frozenset({"50", "RT", "LT", "62", "66", "26", "TC"}) | ASSISTANT_MODIFIERS


def fee_indicator_edits(ctx: ClaimContext) -> list[Edit]:
    out: list[Edit] = []
    for ln in ctx.claim.lines:
        if not ln.modifiers or _PRICING_MODIFIERS.isdisjoint(ln.modifiers):
            continue
        table = ctx.at(ln).rvu
        row = table.get(ln.code) if table is not None else None
        if row is None:
            continue
        mods = set(ln.modifiers)
        out += _bilateral(ln, row, mods)
        for rid, wanted, fld, rules, what in _ROLE_CHECKS:
            used = sorted(mods & wanted)
            if used:
                out += _role(ln, row, used, rid, fld, rules, what)
        out += _pctc(ln, row, mods)
    return out


def _src(row: RvuRow, rule: IndicatorRule | None) -> Source:
    return Source.of(row.release, row.line, rule.citation if rule else None)


def _explain(fld: str, value: str | None, rule: IndicatorRule | None) -> str:
    if rule is None:
        return f"{fld} indicator {value or 'blank'}"
    return f"{fld} indicator {rule.value} ({rule.label}: {rule.description})"


def _bilateral(ln: ClaimLine, row: RvuRow, mods: set[str]) -> list[Edit]:
    both_sides = {"RT", "LT"} <= mods
    if "50" not in mods and not both_sides:
        return []
    rule = BILATERAL_SURGERY.get(row.bilateral or "")
    shown = "50" if "50" in mods else "RT and LT on one line"
    if rule is not None and "50" in rule.permits:
        if rule.factor is None or rule.factor > 1:
            return []
        # Accepted, but it pays no more than one side: the biller should know before sending.
        return [Edit(
            "FEE-BILATERAL-NO-ADJUSTMENT", WARNING, ln.number, (ln.code, "50"),
            f"{ln.code} is billed bilateral ({shown}) but its "
            f"{_explain('bilateral', row.bilateral, rule)}",
            "If a separate bilateral code exists, report it instead; otherwise expect one "
            "side's payment for both, and check that both sides were really done.",
            _src(row, rule))]  # fmt: skip
    return [Edit(
        "FEE-BILATERAL", ERROR, ln.number, (ln.code, "50"),
        f"{ln.code} is billed bilateral ({shown}) but its "
        f"{_explain('bilateral', row.bilateral, rule)}",
        "Remove modifier 50. If the code is bilateral by definition, bill it once; if each "
        "side is a separate service, bill one line per side with RT and LT and the units "
        "the indicator allows.", _src(row, rule))]  # fmt: skip


def _role(
    ln: ClaimLine, row: RvuRow, used: list[str], rid: str, fld: str,
    rules: dict[str, IndicatorRule], what: str,
) -> list[Edit]:  # fmt: skip
    value = getattr(row, fld)
    rule = rules.get(value or "")
    codes = (ln.code, *used)
    if rule is None or not (set(used) <= rule.permits):
        return [Edit(
            rid, ERROR, ln.number, codes,
            f"modifier {', '.join(used)} on {ln.code}: the {_explain(what, value, rule)}",
            f"Remove modifier {', '.join(used)}; Medicare does not pay this role for "
            f"{ln.code}.", _src(row, rule))]  # fmt: skip
    if rule.documentation_required:
        return [Edit(
            f"{rid}-DOCS", INFO, ln.number, codes,
            f"modifier {', '.join(used)} on {ln.code} is paid only with documentation: the "
            f"{_explain(what, value, rule)}",
            "Send the operative report (and the reason the role was needed) with the claim "
            "or be ready to on request.", _src(row, rule))]  # fmt: skip
    return []


def _pctc(ln: ClaimLine, row: RvuRow, mods: set[str]) -> list[Edit]:
    used = sorted(mods & {"26", "TC"})
    if not used:
        return []
    rule = PCTC_INDICATORS.get(row.pctc or "")
    if len(used) == 2:
        return [Edit(
            "FEE-PCTC", ERROR, ln.number, (ln.code, "26", "TC"),
            f"{ln.code} carries both 26 and TC on one line",
            "Bill the global service without either modifier, or split the professional (26) "
            "and technical (TC) components if different providers furnished them.",
            _src(row, rule))]  # fmt: skip
    if rule is not None and used[0] in rule.permits:
        return []
    return [Edit(
        "FEE-PCTC", ERROR, ln.number, (ln.code, used[0]),
        f"modifier {used[0]} on {ln.code}: the {_explain('PC/TC', row.pctc, rule)}",
        f"Remove modifier {used[0]}; the code has no separate professional/technical "
        "component to split.", _src(row, rule))]  # fmt: skip
