"""The home page: the search box (instant results with JavaScript) and what else is here."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from chartcode.web.context import current_user, render
from chartcode.web.csrf import verify_csrf

router = APIRouter(dependencies=[Depends(verify_csrf), Depends(current_user)])


@router.get("/", response_class=HTMLResponse, name="home")
def home(request: Request) -> Response:
    return render(request, "home.html")


@router.get("/healthz", name="health", include_in_schema=False)
def health() -> dict[str, str]:
    return {"status": "ok"}
