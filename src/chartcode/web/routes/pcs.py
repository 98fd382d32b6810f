"""The ICD-10-PCS builder: a description in, a code out axis by axis; or one axis at a time.

Without JavaScript the walk is plain GET forms: the page carries the walk's state (the
builder's own ``state.to_dict()``) in a hidden field and each valid value is a button. The JSON
is ``chartcode pcs build --json``'s object plus ``state``, which ``/api/pcs/choose`` takes back.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from chartcode.api import Chartcode
from chartcode.errors import InvalidInput
from chartcode.services import pcs_builder
from chartcode.services.pcs.state import BuildResult
from chartcode.web.context import ctx, current_user, render
from chartcode.web.csrf import verify_csrf
from chartcode.web.routes.search import DateOfService

router = APIRouter(dependencies=[Depends(verify_csrf), Depends(current_user)])
api = APIRouter(tags=["pcs"])
Description = Annotated[str, Query(max_length=2000)]


def _choose(request: Request, state: dict[str, Any], position: int, value: str) -> BuildResult:
    def run(d: Chartcode) -> BuildResult:
        walk = pcs_builder.resume(d.store, state)
        return pcs_builder.describe(pcs_builder.choose(walk, position, value))

    return ctx(request).call(run)


def _state(raw: str) -> dict[str, Any]:
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise InvalidInput("the builder state is not JSON: start again from /pcs") from exc
    if not isinstance(data, dict):
        raise InvalidInput("the builder state is not an object: start again from /pcs")
    return data


def _page(request: Request, result: BuildResult | None, text: str = "") -> Response:
    return render(
        request,
        "pcs/build.html",
        {
            "result": result,
            "d": result.to_dict() if result else None,
            "text": text,
            "state": json.dumps(result.state.to_dict()) if result else "",
        },
    )


@router.get("/pcs", response_class=HTMLResponse, name="pcs")
def pcs_page(request: Request, text: Description = "", date: DateOfService = None) -> Response:
    result = ctx(request).call(lambda d: d.pcs_build(text, on=date)) if text.strip() else None
    return _page(request, result, text)


@router.get("/pcs/start", response_class=HTMLResponse, name="pcs_start")
def pcs_start(request: Request, date: DateOfService = None) -> Response:
    return _page(request, ctx(request).call(lambda d: d.pcs_build(None, on=date)))


@router.get("/pcs/choose", response_class=HTMLResponse, name="pcs_choose")
def pcs_choose(
    request: Request,
    state: Annotated[str, Query(max_length=20_000)],
    position: Annotated[int, Query(ge=1, le=7)],
    value: Annotated[str, Query(max_length=1)],
) -> Response:
    result = _choose(request, _state(state), position, value)
    return _page(request, result, result.text)


@router.get("/pcs/table/{code}", response_class=HTMLResponse, name="pcs_table")
def pcs_table(request: Request, code: str, date: DateOfService = None) -> Response:
    listing = ctx(request).call(lambda d: d.pcs_table(code, on=date))
    return render(request, "pcs/table.html", {"t": listing})


class BuildIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(default="", max_length=2000)
    date: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}-\d{2}$")


class ChooseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    state: dict[str, Any]
    position: int = Field(ge=1, le=7)
    value: str = Field(min_length=1, max_length=1)


def _json(result: BuildResult) -> dict[str, Any]:
    return {**result.to_dict(), "state": result.state.to_dict()}


@api.post("/pcs/build", name="api_pcs_build")
def build_json(request: Request, body: BuildIn) -> dict[str, Any]:
    """Build a code from a description; ``state`` continues the walk via ``/api/pcs/choose``."""
    return _json(ctx(request).call(lambda d: d.pcs_build(body.text, on=body.date)))


@api.post("/pcs/choose", name="api_pcs_choose")
def choose_json(request: Request, body: ChooseIn) -> dict[str, Any]:
    """Choose a value for an open axis of a walk (an invalid value: 400 listing the valid)."""
    return _json(_choose(request, body.state, body.position, body.value))


@api.get("/pcs/tables/{code}", name="api_pcs_table")
def table_json(request: Request, code: str, date: DateOfService = None) -> dict[str, Any]:
    """An ICD-10-PCS table (``0SG``) as the official Tables print it."""
    return ctx(request).call(lambda d: d.pcs_table(code, on=date)).to_dict()
