"""Code pages (``/code/{code}``, ``/api/codes/{code}``), with favourites and notes on codes.

The JSON is ``chartcode lookup --json``'s object, less the sections the configuration gates for
guests (listed in ``gated_sections``). Favourites and notes are the signed-in user's own:
another user's id answers 404.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from chartcode.web.context import (
    NotFound,
    api_user,
    ctx,
    current_user,
    get_db,
    render,
    render_text,
    require_api_user,
    require_user,
    today,
)
from chartcode.web.csrf import verify_csrf
from chartcode.web.gating import count_view, page_json, split_sections
from chartcode.web.routes.search import DateOfService, System
from chartcode.web.userdb import repository as repo
from chartcode.web.userdb.models import User

router = APIRouter(dependencies=[Depends(verify_csrf)])
api = APIRouter(tags=["codes"])
NoteText = Annotated[str, Form(min_length=1, max_length=20_000)]


@router.get("/code/{code}", response_class=HTMLResponse, name="code_page")
def code_page(
    request: Request,
    code: str,
    system: System | None = None,
    date: DateOfService = None,
    user: User | None = Depends(current_user),
    db: Session = Depends(get_db),
) -> Response:
    c = ctx(request)
    page = c.page(code, system, date)
    count_view(request, db, user)
    shown, hidden = split_sections(page, user, c.settings)
    data = {"page": page, "r": page.result, "shown": shown, "hidden": hidden}
    if user is None:  # a guest's page depends only on the answer: render it once per release
        key = ("guest-page", page.result.system, page.result.code, system, date or today())
        return HTMLResponse(
            c.remembered(key, lambda: render_text(request, "codes/page.html", data))
        )
    r = page.result
    data["favourite"] = repo.favourite(db, user.id, r.system, r.code)
    data["notes"] = repo.notes(db, user.id, r.system, r.code)
    return render(request, "codes/page.html", data)


@router.post("/code/{code}/favourite", name="add_favourite")
def add_favourite(
    request: Request,
    code: str,
    system: Annotated[System | None, Form()] = None,
    user: User = Depends(require_user),
    db: Session = Depends(get_db),
) -> Response:
    r = ctx(request).page(code, system, None).result
    repo.add_favourite(db, user.id, r.system, r.code, r.title)
    return RedirectResponse(request.url_for("code_page", code=r.code), status_code=303)


@router.post("/favourites/{favourite_id}/delete", name="delete_favourite")
def delete_favourite(
    request: Request,
    favourite_id: int,
    user: User = Depends(require_user),
    db: Session = Depends(get_db),
) -> Response:
    if not repo.delete_favourite(db, user.id, favourite_id):
        raise NotFound("no such favourite")
    return RedirectResponse(request.url_for("account"), status_code=303)


@router.post("/code/{code}/notes", name="add_note")
def add_note(
    request: Request,
    code: str,
    text: NoteText,
    system: Annotated[System | None, Form()] = None,
    user: User = Depends(require_user),
    db: Session = Depends(get_db),
) -> Response:
    r = ctx(request).page(code, system, None).result
    repo.add_note(db, user.id, r.system, r.code, ctx(request).check_text(text))
    return RedirectResponse(request.url_for("code_page", code=r.code), status_code=303)


@router.get("/notes/{note_id}", response_class=HTMLResponse, name="note")
def note_page(
    request: Request,
    note_id: int,
    user: User = Depends(require_user),
    db: Session = Depends(get_db),
) -> Response:
    note = repo.note(db, user.id, note_id)
    if note is None:
        raise NotFound("no such note")
    return render(request, "codes/note.html", {"note": note})


@router.post("/notes/{note_id}", name="edit_note")
def edit_note(
    request: Request,
    note_id: int,
    text: NoteText,
    user: User = Depends(require_user),
    db: Session = Depends(get_db),
) -> Response:
    note = repo.edit_note(db, user.id, note_id, ctx(request).check_text(text))
    if note is None:
        raise NotFound("no such note")
    return RedirectResponse(request.url_for("code_page", code=note.code), status_code=303)


@router.post("/notes/{note_id}/delete", name="delete_note")
def delete_note(
    request: Request,
    note_id: int,
    user: User = Depends(require_user),
    db: Session = Depends(get_db),
) -> Response:
    if not repo.delete_note(db, user.id, note_id):
        raise NotFound("no such note")
    return RedirectResponse(request.url_for("account"), status_code=303)


# -- JSON -----------------------------------------------------------------------------------------
class FavouriteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(min_length=1, max_length=16)
    system: System | None = None


class NoteIn(FavouriteIn):
    text: str = Field(min_length=1, max_length=20_000)


@api.get("/codes/{code}", name="api_code", response_model=dict[str, Any])
def code_json(
    request: Request,
    code: str,
    system: System | None = None,
    date: DateOfService = None,
    user: User | None = Depends(api_user),
    db: Session = Depends(get_db),
) -> Response:
    """A code's page: lookup, plain-language explanation, sections with their sources.

    The object ``chartcode lookup --json`` prints, less any sections gated for guests (named in
    ``gated_sections``). An unknown code answers 404 with the systems searched and the nearest
    codes.
    """
    c = ctx(request)
    page = c.page(code, system, date)
    count_view(request, db, user)
    key = (
        "page-json",
        user is not None,
        page.result.system,
        page.result.code,
        system,
        date or today(),
    )
    body = c.remembered(key, lambda: json.dumps(page_json(page, user, c.settings)).encode())
    return Response(body, media_type="application/json")


@api.get("/favourites", name="api_favourites")
def favourites_json(
    user: User = Depends(require_api_user), db: Session = Depends(get_db)
) -> list[dict[str, object]]:
    return [
        {"id": f.id, "system": f.system, "code": f.code, "title": f.title}
        for f in repo.favourites(db, user.id)
    ]


@api.post("/favourites", status_code=201, name="api_add_favourite")
def add_favourite_json(
    request: Request,
    body: FavouriteIn,
    user: User = Depends(require_api_user),
    db: Session = Depends(get_db),
) -> dict[str, object]:
    r = ctx(request).page(body.code, body.system, None).result
    f = repo.add_favourite(db, user.id, r.system, r.code, r.title)
    return {"id": f.id, "system": f.system, "code": f.code, "title": f.title}


@api.delete("/favourites/{favourite_id}", status_code=204, name="api_delete_favourite")
def delete_favourite_json(
    favourite_id: int, user: User = Depends(require_api_user), db: Session = Depends(get_db)
) -> Response:
    if not repo.delete_favourite(db, user.id, favourite_id):
        raise NotFound("no such favourite")
    return Response(status_code=204)


@api.get("/notes", name="api_notes")
def notes_json(
    user: User = Depends(require_api_user), db: Session = Depends(get_db)
) -> list[dict[str, object]]:
    return [_note(n) for n in repo.notes(db, user.id)]


@api.post("/notes", status_code=201, name="api_add_note")
def add_note_json(
    request: Request,
    body: NoteIn,
    user: User = Depends(require_api_user),
    db: Session = Depends(get_db),
) -> dict[str, object]:
    r = ctx(request).page(body.code, body.system, None).result
    return _note(repo.add_note(db, user.id, r.system, r.code, ctx(request).check_text(body.text)))


@api.get("/notes/{note_id}", name="api_note")
def note_json(
    note_id: int, user: User = Depends(require_api_user), db: Session = Depends(get_db)
) -> dict[str, object]:
    note = repo.note(db, user.id, note_id)
    if note is None:
        raise NotFound("no such note")
    return _note(note)


@api.delete("/notes/{note_id}", status_code=204, name="api_delete_note")
def delete_note_json(
    note_id: int, user: User = Depends(require_api_user), db: Session = Depends(get_db)
) -> Response:
    if not repo.delete_note(db, user.id, note_id):
        raise NotFound("no such note")
    return Response(status_code=204)


def _note(n: object) -> dict[str, object]:
    from chartcode.web.userdb.models import Note

    assert isinstance(n, Note)
    return {
        "id": n.id,
        "system": n.system,
        "code": n.code,
        "text": n.text,
        "updated_at": n.updated_at.isoformat(),
    }
