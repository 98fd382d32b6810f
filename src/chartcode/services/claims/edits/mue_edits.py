"""Medically Unlikely Edits: units of one code against the MUE value in force.

The adjudication indicator (MAI) decides how units are counted: 1, each line on its own
(further units belong on separate lines with a modifier such as 76, 77, 91, 59 or RT/LT);
2 and 3, all lines of the code for the same date of service and provider added up. MAI 2 is a
policy limit (no appeal raises it); MAI 3 a clinical one (units over it may be paid on
appeal with documentation).
"""

from __future__ import annotations

from collections import defaultdict

from chartcode.services.claims.context import ClaimContext
from chartcode.services.claims.model import ClaimLine
from chartcode.services.claims.result import ERROR, Edit, Source

SOURCE_RULE = "CMS NCCI Medically Unlikely Edits, MUE adjudication indicators"


def mue_edits(ctx: ClaimContext) -> list[Edit]:
    claim = ctx.claim
    out: list[Edit] = []
    groups: dict[tuple[str, str], list[ClaimLine]] = defaultdict(list)
    for ln in claim.lines:
        table = ctx.at(ln).mue.get(claim.claim_type)
        if table is None:
            continue
        row = table.get(ln.code)
        if row is None:
            continue
        if row.indicator == 1:
            if ln.units > row.value:
                why = f" (MUE rationale: {row.rationale})" if row.rationale else ""
                out.append(Edit(
                    "MUE-LINE", ERROR, ln.number, (ln.code,),
                    f"{_units(ln.units)} of {ln.code} on line {ln.number} {_exceed(ln.units)} the "
                    f"MUE of {row.value} per line (adjudication indicator 1: the whole line is "
                    f"denied){why}",
                    f"Report at most {row.value} on this line. If more were really given, put "
                    "the rest on separate lines with the modifier that explains them (76, 77, "
                    "91, 59/XE/XS/XU or RT/LT) and keep the documentation.",
                    Source.of(row.release, row.line, SOURCE_RULE)))  # fmt: skip
            continue
        groups[(ln.code, ln.date_from)].append(ln)
    for (code, dos), lines in _by_provider(groups):
        row = ctx.at(lines[0]).mue[claim.claim_type][code]  # type: ignore[index]
        total = sum(ln.units for ln in lines)
        if total <= row.value:
            continue
        numbers = tuple(sorted(ln.number for ln in lines))
        where = (
            f"line {numbers[0]}" if len(numbers) == 1
            else "lines " + ", ".join(str(n) for n in numbers)
        )  # fmt: skip
        why = f" (MUE rationale: {row.rationale})" if row.rationale else ""
        if row.indicator == 2:
            rid = "MUE-DOS-POLICY"
            kind = (
                "adjudication indicator 2, a policy limit: all units of the date are denied "
                "and an appeal cannot raise it"
            )
            fix = (
                f"Report no more than {row.value} units of {code} for {dos}; check the units "
                "and whether another code describes the service."
            )
        else:
            rid = "MUE-DOS-CLINICAL"
            kind = (
                "adjudication indicator 3, a clinical limit: all units of the date are denied, "
                "but may be paid on appeal with documentation"
            )
            fix = (
                f"Check the units. If {total} were medically necessary, keep the record that "
                "shows it and expect to appeal the denial."
            )
        if row.value == 0:
            fix = f"{code} has an MUE of 0 here: it is not payable in this setting."
        out.append(Edit(
            rid, ERROR, numbers[0], (code,),
            f"{_units(total)} of {code} on {dos} ({where}) {_exceed(total)} the MUE of "
            f"{row.value} per day ({kind}){why}", fix,
            Source.of(row.release, row.line, SOURCE_RULE), numbers))  # fmt: skip
    return out


def _by_provider(
    groups: dict[tuple[str, str], list[ClaimLine]],
) -> list[tuple[tuple[str, str], list[ClaimLine]]]:
    """Each code's lines of a day, split by rendering provider when every line names one.

    A line without a provider could be anyone's, so it is counted with all the others.
    """
    out = []
    for key, lines in groups.items():
        providers = {ln.rendering_provider for ln in lines}
        if None in providers or len(providers) == 1:
            out.append((key, lines))
        else:
            for npi in sorted(p for p in providers if p):
                out.append((key, [ln for ln in lines if ln.rendering_provider == npi]))
    return out


def _units(n: int) -> str:
    return "1 unit" if n == 1 else f"{n} units"


def _exceed(n: int) -> str:
    return "exceeds" if n == 1 else "exceed"
