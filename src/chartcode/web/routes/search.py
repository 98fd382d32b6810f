"""Search: the results page (no JavaScript needed) and ``GET /api/search`` for instant search.

The JSON is ``chartcode search --json``'s object: ``query``, ``read_as``, ``results``. A signed-in
user's searches from the page are kept in their history (the API's are not: instant search
would record every keystroke).
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from chartcode.web.context import ctx, current_user, get_db, render, today
from chartcode.web.csrf import verify_csrf
from chartcode.web.userdb import repository as repo
from chartcode.web.userdb.models import User

router = APIRouter(dependencies=[Depends(verify_csrf)])
api = APIRouter(tags=["search"])

System = Literal["icd10cm", "icd10pcs", "cpt", "hcpcs"]
QueryText = Annotated[
    str, Query(min_length=1, max_length=500, description="Words, abbreviations or a code.")
]
Limit = Annotated[int, Query(ge=1, le=100)]
DateOfService = Annotated[
    str | None, Query(pattern=r"^\d{4}-\d{2}-\d{2}$", description="YYYY-MM-DD; default today")
]


@router.get("/search", response_class=HTMLResponse, name="search")
def search_page(
    request: Request,
    q: Annotated[str, Query(max_length=500)] = "",
    system: System | None = None,
    limit: Limit = 20,
    date: DateOfService = None,
    user: User | None = Depends(current_user),
    db: Session = Depends(get_db),
) -> Response:
    answer = ctx(request).search(q, system, limit, date) if q.strip() else None
    if answer is not None and user is not None:
        repo.record_search(db, user.id, q.strip())
    return render(request, "search/results.html", {"q": q, "system": system, "answer": answer})


@api.get("/search", name="api_search", response_model=dict[str, Any])
def search_json(
    request: Request,
    q: QueryText,
    system: System | None = None,
    limit: Limit = 20,
    date: DateOfService = None,
) -> Response:
    """Ranked codes for words, abbreviations, lay terms or a code, with why each matched."""
    c = ctx(request)
    key = ("search-json", q.strip(), system, limit, date or today())
    body = c.remembered(key, lambda: json.dumps(c.search(q, system, limit, date)).encode())
    return Response(body, media_type="application/json")
