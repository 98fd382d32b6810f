"""NCCI add-on code edits: an add-on code is paid only with an eligible primary code.

Type 1: only the listed primaries (none on the claim: denied). Type 3: the listed primaries,
and the MAC may allow others (warning). Type 2: the MAC defines the primaries; the edit
fires only when nothing else was billed that day by the provider, since then no primary can
be on the claim at all. Rows are in force from their effective date to their deletion date.
"""

from __future__ import annotations

from chartcode.services.claims.context import ClaimContext, same_provider
from chartcode.services.claims.facts import AddonRow
from chartcode.services.claims.result import ERROR, WARNING, Edit, Source

RULE = "CMS NCCI add-on code edits (types 1, 2 and 3)"
CONTRACTOR = "CCCCC"  # the file's placeholder for contractor-defined primary codes


def _active(row: AddonRow, dos: str) -> bool:
    return (row.effective or "") <= dos and (row.deletion is None or dos <= row.deletion)


def addon_edits(ctx: ClaimContext) -> list[Edit]:
    claim = ctx.claim
    out: list[Edit] = []
    for ln in claim.lines:
        table = ctx.at(ln).addon
        if table is None or ln.code not in table:
            continue
        rows = [r for r in table[ln.code] if _active(r, ln.date_from)]
        if not rows:
            continue
        others = [
            o for o in claim.lines
            if o is not ln and o.date_from == ln.date_from and same_provider(o, ln)
            and o.code != ln.code
        ]  # fmt: skip
        billed = {o.code for o in others}
        listed = sorted({r.primary for r in rows if r.primary != CONTRACTOR})
        edit_type = min(r.edit_type for r in rows)
        first = min(rows, key=lambda r: r.line)
        src = Source.of(first.release, first.line, RULE)
        if billed & set(listed):
            continue
        shown = ", ".join(listed[:8]) + (f" and {len(listed) - 8} more" if len(listed) > 8
                                         else "")  # fmt: skip
        if edit_type == 1:
            out.append(Edit(
                "AOC-NO-PRIMARY", ERROR, ln.number, (ln.code,),
                f"{ln.code} is an add-on code (type 1) and none of its primary codes is on "
                f"the claim for {ln.date_from} (primaries: {shown})",
                f"Add the primary procedure the add-on was performed with ({shown}), "
                f"billed by the same provider on the same date; or remove line {ln.number}.",
                src))  # fmt: skip
        elif edit_type == 3 and listed:
            out.append(Edit(
                "AOC-NO-LISTED-PRIMARY", WARNING, ln.number, (ln.code,),
                f"{ln.code} is an add-on code (type 3) and none of its listed primary codes "
                f"is on the claim for {ln.date_from} (listed: {shown}); your MAC may accept "
                "another primary", "Check that the primary billed with it is one your MAC "
                "accepts for this add-on, or add the listed primary.", src))  # fmt: skip
        elif not billed:
            out.append(Edit(
                "AOC-NO-PRIMARY", ERROR, ln.number, (ln.code,),
                f"{ln.code} is an add-on code (type {edit_type}: primaries defined by the "
                f"MAC) billed with no other procedure on {ln.date_from}",
                "Bill the primary procedure it was added to on the same claim and date.",
                src))  # fmt: skip
    return out
