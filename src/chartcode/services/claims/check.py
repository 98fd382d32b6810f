"""Check one claim: run every edit family over it and collect the findings in a stable order.

Contract: ``ClaimChecker(store_path).check(claim, history=())`` returns a ``ClaimResult``;
edits are sorted by line (claim-level first), severity, id and codes, so the same claim
gives the same list however its lines are ordered. The checker keeps its reference facts in
memory for the process (``facts.book_for``).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from functools import lru_cache

from chartcode.errors import InvalidInput
from chartcode.services.claims.context import ClaimContext
from chartcode.services.claims.edits import ALL_EDITS
from chartcode.services.claims.facts import FactsBook, book_for
from chartcode.services.claims.model import Claim
from chartcode.services.claims.result import ClaimResult, Edit


class ClaimChecker:
    def __init__(self, store_path: str | os.PathLike[str] | FactsBook) -> None:
        self.book = store_path if isinstance(store_path, FactsBook) else book_for(store_path)

    def check(self, claim: Claim, history: Iterable[Claim] = ()) -> ClaimResult:
        if not claim.lines:
            raise InvalidInput(f"claim {claim.claim_id} has no service lines to check")
        ctx = ClaimContext(claim, self.book, tuple(history))
        edits: list[Edit] = []
        for family in ALL_EDITS:
            edits += family(ctx)
        edits.sort(key=Edit.sort_key)
        used = ctx.used_facts()
        if len(used) == 1:
            warnings: list[str] = used[0].warnings
            not_checked = list(_relevant(tuple(used[0].not_loaded), claim.claim_type))
        else:
            warnings = sorted({w for f in used for w in f.warnings})
            not_checked = sorted(
                {n for f in used for n in _relevant(tuple(f.not_loaded), claim.claim_type)}
            )
        return ClaimResult(claim, edits, list(warnings), not_checked)


@lru_cache(maxsize=256)
def _relevant(missing: tuple[str, ...], claim_type: str) -> tuple[str, ...]:
    """Files not loaded that this claim's type would have used."""
    setting = {"professional": "practitioner", "outpatient": "hospital", "dme": "dme"}[claim_type]
    mue_setting = {"professional": "practitioner", "outpatient": "outpatient", "dme": "dme"}[
        claim_type
    ]
    out = []
    for m in missing:
        if m.startswith("NCCI PTP") and setting not in m:
            continue
        if m.startswith("NCCI MUE") and mue_setting not in m:
            continue
        out.append(m)
    return tuple(sorted(out))
