"""Redaction: paste a note, get it back without the 18 Safe Harbor identifiers.

The original is never stored or logged; the page shows the redacted text with each
replacement marked. The JSON is ``chartcode redact --json``'s object.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from chartcode.web.context import ctx, current_user, render
from chartcode.web.csrf import verify_csrf
from chartcode.web.highlight import highlight
from chartcode.web.settings import MAX_TEXT_CHARS

router = APIRouter(dependencies=[Depends(verify_csrf), Depends(current_user)])
api = APIRouter(tags=["redact"])
Style = Literal["tag", "mask", "surrogate"]


def _redact(request: Request, text: str, style: str, seed: int | None = None) -> dict[str, object]:
    c = ctx(request)
    text = c.check_text(text)
    return c.call(lambda d: d.redact(text, style, seed=seed)).to_dict()


@router.get("/redact", response_class=HTMLResponse, name="redact")
def redact_form(request: Request) -> Response:
    return render(request, "redact/redact.html", {"style": "tag"})


@router.post("/redact", response_class=HTMLResponse, name="redact_submit")
def redact_page(
    request: Request,
    text: Annotated[str, Form(max_length=MAX_TEXT_CHARS * 2)],
    style: Annotated[Style, Form()] = "tag",
) -> Response:
    result = _redact(request, text, style)
    entities = result["entities"]
    assert isinstance(entities, list) and isinstance(result["text"], str)
    spans = [(e["text_start"], e["text_end"], e["type"]) for e in entities]
    return render(
        request,
        "redact/redact.html",
        {
            "style": style,
            "result": result,
            "marked": highlight(result["text"], spans),
        },
    )


class RedactIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(description="The note; at most max_text_chars (100,000 by default).")
    style: Style = "tag"
    seed: int | None = None


@api.post("/redact", name="api_redact")
def redact_json(request: Request, body: RedactIn) -> dict[str, object]:
    """PHI removed from a note; over the text limit: 413 with ``limit_chars``."""
    return _redact(request, body.text, body.style, body.seed)
