"""Case coding and saved cases: paste a case, code it, save it, come back to it.

``Chartcode.suggest`` codes the case (ICD-10-CM and ICD-10-PCS with evidence); the page marks
each code's evidence in the text and lists the codes with their reasons, and saving a case keeps
its text and the suggestions JSON (``chartcode suggest --json``'s object). A case belongs to the
user who saved it; anyone else asking for its id gets 404. On a desk without ``suggest`` the
text alone is kept and the page says that case coding is not installed.
``POST /api/suggest`` codes a case without saving it (no account needed).
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from chartcode.api import Chartcode
from chartcode.web.context import NotFound, ctx, get_db, render, require_api_user, require_user
from chartcode.web.csrf import verify_csrf
from chartcode.web.highlight import evidence_spans, highlight
from chartcode.web.settings import MAX_TEXT_CHARS
from chartcode.web.userdb import repository as repo
from chartcode.web.userdb.models import SavedCase, User

router = APIRouter(dependencies=[Depends(verify_csrf), Depends(require_user)])
api = APIRouter(tags=["cases"])

# Form fields take a little more than the limit so that the limit's own error can answer.
CaseText = Annotated[str, Form(min_length=1, max_length=MAX_TEXT_CHARS * 2)]
Title = Annotated[str, Form(max_length=200)]


def can_suggest() -> bool:
    return hasattr(Chartcode, "suggest")


Policy = Literal["us-inpatient", "us-outpatient", "code-every-mention"]


def suggestions_for(
    request: Request, text: str, policy: str = "us-inpatient", on: str | None = None
) -> dict[str, Any] | None:
    """The case coding answer as ``chartcode suggest --json`` prints it, when installed."""
    if not can_suggest():
        return None
    return ctx(request).call(lambda d: d.suggest(text, on=on, policy=policy).to_dict())


def _title(title: str, text: str) -> str:
    return (title.strip() or " ".join(text.split())[:60] or "Untitled case")[:200]


@router.get("/cases", response_class=HTMLResponse, name="cases")
def cases(
    request: Request, user: User = Depends(require_user), db: Session = Depends(get_db)
) -> Response:
    return render(request, "cases/list.html", {"cases": repo.cases(db, user.id)})


@router.get("/cases/new", response_class=HTMLResponse, name="new_case")
def new_case(request: Request) -> Response:
    return render(request, "cases/new.html", {"can_suggest": can_suggest()})


@router.post("/cases/new", name="new_case_submit")
def new_case_submit(
    request: Request,
    text: CaseText,
    title: Title = "",
    action: Annotated[str, Form()] = "save",
    policy: Annotated[Policy, Form()] = "us-inpatient",
    user: User = Depends(require_user),
    db: Session = Depends(get_db),
) -> Response:
    text = ctx(request).check_text(text)
    suggestions = suggestions_for(request, text, policy)
    if action == "code":  # show the coding, keep the form filled; nothing saved yet
        return render(
            request,
            "cases/new.html",
            {
                "can_suggest": can_suggest(),
                "text": text,
                "title": title,
                "policy": policy,
                "suggestions": suggestions,
                "marked": highlight(text, evidence_spans(suggestions)),
            },
        )
    case = repo.save_case(db, user.id, _title(title, text), text, suggestions)
    return RedirectResponse(request.url_for("case", case_id=case.id), status_code=303)


def _case_or_404(db: Session, user: User, case_id: int) -> SavedCase:
    case = repo.case(db, user.id, case_id)
    if case is None:
        raise NotFound("no such case")
    return case


@router.get("/cases/{case_id}", response_class=HTMLResponse, name="case")
def case_page(
    request: Request,
    case_id: int,
    user: User = Depends(require_user),
    db: Session = Depends(get_db),
) -> Response:
    case = _case_or_404(db, user, case_id)
    suggestions = json.loads(case.suggestions) if case.suggestions else None
    return render(
        request,
        "cases/view.html",
        {
            "case": case,
            "suggestions": suggestions,
            "can_suggest": can_suggest(),
            "marked": highlight(case.text, evidence_spans(suggestions)),
        },
    )


@router.post("/cases/{case_id}/delete", name="delete_case")
def delete_case(
    request: Request,
    case_id: int,
    user: User = Depends(require_user),
    db: Session = Depends(get_db),
) -> Response:
    if not repo.delete_case(db, user.id, case_id):
        raise NotFound("no such case")
    return RedirectResponse(request.url_for("cases"), status_code=303)


# -- JSON -----------------------------------------------------------------------------------------
class CaseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1)
    title: str = Field(default="", max_length=200)
    policy: Policy = "us-inpatient"


class SuggestIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1, description="The case; at most max_text_chars (100,000).")
    policy: Policy = "us-inpatient"
    date: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}-\d{2}$")


@api.post("/suggest", name="api_suggest")
def suggest_json(request: Request, body: SuggestIn) -> dict[str, Any]:
    """Code a case: ICD-10-CM / ICD-10-PCS codes, each with evidence offsets and reasons.

    The object ``chartcode suggest --json`` prints. Nothing is stored. Over the text limit: 413.
    """
    text = ctx(request).check_text(body.text)
    found = suggestions_for(request, text, body.policy, body.date)
    if found is None:
        raise NotFound("case coding is not installed on this server")
    return found


def _case(case: SavedCase, full: bool = True) -> dict[str, object]:
    d: dict[str, object] = {
        "id": case.id,
        "title": case.title,
        "created_at": case.created_at.isoformat(),
    }
    if full:
        d["text"] = case.text
        d["suggestions"] = json.loads(case.suggestions) if case.suggestions else None
    return d


@api.get("/cases", name="api_cases")
def cases_json(
    user: User = Depends(require_api_user), db: Session = Depends(get_db)
) -> list[dict[str, object]]:
    return [_case(c, full=False) for c in repo.cases(db, user.id)]


@api.post("/cases", status_code=201, name="api_save_case")
def save_case_json(
    request: Request,
    body: CaseIn,
    user: User = Depends(require_api_user),
    db: Session = Depends(get_db),
) -> dict[str, object]:
    """Save a case (text limit: ``max_text_chars``, 100,000 by default; over it: 413)."""
    text = ctx(request).check_text(body.text)
    case = repo.save_case(
        db, user.id, _title(body.title, text), text, suggestions_for(request, text, body.policy)
    )
    return _case(case)


@api.get("/cases/{case_id}", name="api_case")
def case_json(
    case_id: int, user: User = Depends(require_api_user), db: Session = Depends(get_db)
) -> dict[str, object]:
    return _case(_case_or_404(db, user, case_id))


@api.delete("/cases/{case_id}", status_code=204, name="api_delete_case")
def delete_case_json(
    case_id: int, user: User = Depends(require_api_user), db: Session = Depends(get_db)
) -> Response:
    if not repo.delete_case(db, user.id, case_id):
        raise NotFound("no such case")
    return Response(status_code=204)
