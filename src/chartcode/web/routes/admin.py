"""Administration: the reference data loaded (``chartcode data status``), for admins only."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from chartcode.web.context import Forbidden, ctx, render, require_admin, require_api_user
from chartcode.web.csrf import verify_csrf
from chartcode.web.userdb.models import User

router = APIRouter(dependencies=[Depends(verify_csrf), Depends(require_admin)])
api = APIRouter(tags=["admin"])


@router.get("/admin/status", response_class=HTMLResponse, name="admin_status")
def status_page(request: Request) -> Response:
    c = ctx(request)
    rows = c.call(lambda d: d.status())
    return render(request, "admin/status.html", {"rows": rows, "store": c.desk.store_path})


@api.get("/status", name="api_status")
def status_json(request: Request, user: User = Depends(require_api_user)) -> dict[str, object]:
    """Loaded releases (``chartcode data status --json``); admin tokens only."""
    if not user.is_admin:
        raise Forbidden("data status is for administrators")
    c = ctx(request)
    rows = c.call(lambda d: d.status())
    return {"store": str(c.desk.store_path), "releases": [r.to_dict() for r in rows]}
