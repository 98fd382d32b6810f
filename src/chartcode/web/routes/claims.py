"""The claim check: one claim as JSON in, every edit it triggers out, each with its source.

The page takes the claim in ``chartcode claim``'s JSON schema (pre-filled with an example) and
lists the edits (NCCI PTP and MUE, add-on codes, global periods, validity, age and sex); a claim
that cannot be read is refused whole with every field problem listed. ``POST /api/claims/check``
takes the same object (and optional ``history``, the patient's prior claims) and answers
``chartcode claim --json``'s object; a malformed claim is 400 ``claim_input_error``.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from chartcode.errors import ClaimInputError
from chartcode.web.context import ctx, current_user, render
from chartcode.web.csrf import verify_csrf
from chartcode.web.settings import MAX_TEXT_CHARS

router = APIRouter(dependencies=[Depends(verify_csrf), Depends(current_user)])
api = APIRouter(tags=["claims"])

EXAMPLE = {
    "claim_id": "example-1",
    "patient": {"sex": "F", "date_of_birth": "1960-04-02"},
    "diagnoses": ["M51.369"],
    "lines": [
        {"code": "22586", "date_of_service": "2026-05-01", "units": 1, "diagnosis_pointers": [1]},
        {"code": "22840", "date_of_service": "2026-05-01", "units": 1, "diagnosis_pointers": [1]},
    ],
}


def _check(request: Request, claim: object, history: object = None) -> dict[str, Any]:
    return ctx(request).call(lambda d: d.check_claim(claim, history).to_dict())


@router.get("/claims", response_class=HTMLResponse, name="claims")
def claim_form(request: Request) -> Response:
    return render(request, "claims/check.html", {"claim_text": json.dumps(EXAMPLE, indent=2)})


@router.post("/claims", response_class=HTMLResponse, name="claims_submit")
def claim_page(
    request: Request, claim: Annotated[str, Form(max_length=MAX_TEXT_CHARS * 2)]
) -> Response:
    data: dict[str, Any] = {"claim_text": ctx(request).check_text(claim)}
    try:
        parsed = json.loads(claim)
        data["result"] = _check(request, parsed)
    except json.JSONDecodeError as exc:
        data["problems"] = [
            {
                "field": "json",
                "message": f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})",
            }
        ]
    except ClaimInputError as exc:
        data["problems"] = exc.problems
    status = 400 if "problems" in data else 200
    return render(request, "claims/check.html", data, status_code=status)


class ClaimIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    claim: dict[str, Any] = Field(description="One claim in chartcode's claim JSON schema.")
    history: list[dict[str, Any]] | None = Field(
        default=None, description="The patient's prior claims, for global-period checks."
    )


@api.post("/claims/check", name="api_claim_check")
def claim_json(request: Request, body: ClaimIn) -> dict[str, Any]:
    """Check one claim; a claim that cannot be read: 400 listing every field problem."""
    return _check(request, body.claim, body.history)
