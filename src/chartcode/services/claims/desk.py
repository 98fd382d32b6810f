"""What the API's claim methods do: accept a claim in any form the user has it, and check it.

Accepted forms: a ``Claim``; its JSON object (dict); JSON text; a path to a .json, .jsonl or
.csv file. History (prior claims for global-period checks) takes the same forms.
"""

from __future__ import annotations

import os
from collections import defaultdict
from pathlib import Path
from typing import Any

from chartcode.errors import InvalidInput
from chartcode.services.claims.batch import (
    BatchSummary,
    History,
    Progress,
    check_partition,
    run_batch,
)
from chartcode.services.claims.check import ClaimChecker
from chartcode.services.claims.claim_input import (
    claims_from_json_text,
    claims_from_object,
    read_claims,
)
from chartcode.services.claims.model import Claim
from chartcode.services.claims.result import ClaimResult

StorePath = str | os.PathLike[str]


def as_claims(value: Any) -> list[Claim]:
    if value is None:
        return []
    if isinstance(value, Claim):
        return [value]
    if isinstance(value, Path):
        return read_claims(value)
    if isinstance(value, str):
        text = value.strip()
        if text.startswith(("{", "[")):
            return claims_from_json_text(text)
        return read_claims(Path(value))
    if isinstance(value, list) and all(isinstance(v, Claim) for v in value):
        return list(value)
    if isinstance(value, dict | list):
        return claims_from_object(value)
    raise InvalidInput(
        f"a claim is a Claim, a dict, JSON text or a file path, not {type(value).__name__}"
    )


def as_history(value: Any) -> list[Claim]:
    return as_claims(value)


def history_by_patient(claims: list[Claim]) -> History:
    out: dict[str, list[Claim]] = defaultdict(list)
    for c in claims:
        if c.patient_id:
            out[c.patient_id].append(c)
    return dict(out)


def check_one(store: StorePath, claim: Any, history: Any = None) -> ClaimResult:
    claims = as_claims(claim)
    if len(claims) != 1:
        raise InvalidInput(
            f"the input holds {len(claims)} claims; check_claims checks several at once"
        )
    return ClaimChecker(store).check(claims[0], as_history(history))


def check_many(store: StorePath, claims: Any, history: Any = None) -> list[ClaimResult]:
    checker = ClaimChecker(store)
    prior = as_history(history)
    by_patient = history_by_patient(prior)
    out = []
    for c in as_claims(claims):
        # With one claim, or claims without a patient id, all of the history applies.
        h = by_patient.get(c.patient_id, []) if c.patient_id and by_patient else prior
        out.append(checker.check(c, h))
    return out


def check_batch(
    store: StorePath,
    source: Any,
    out: str | Path | None = None,
    history: Any = None,
    progress: Progress | None = None,
) -> BatchSummary | Any:
    hist = history_by_patient(as_history(history)) or None
    if hasattr(source, "columns") and hasattr(source, "iloc"):  # a pandas DataFrame
        return check_partition(source, store, hist)
    return run_batch(Path(source), Path(out) if out else None, store, history=hist,
                     progress=progress)  # fmt: skip
