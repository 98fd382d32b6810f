"""API documentation served by the app itself: ``/api/openapi.json`` and a readable page.

FastAPI's stock Swagger and ReDoc pages load their scripts from a CDN, which an offline install
cannot reach and the CSP forbids; this page is rendered on the server from the same schema.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from chartcode.web.context import current_user, render
from chartcode.web.csrf import verify_csrf

router = APIRouter(dependencies=[Depends(verify_csrf), Depends(current_user)])


@router.get("/api/docs", response_class=HTMLResponse, name="api_docs", include_in_schema=False)
def api_docs(request: Request) -> Response:
    schema = request.app.openapi()
    operations = [
        {"method": method.upper(), "path": path, "body": _body(op), **op}
        for path, methods in schema.get("paths", {}).items()
        for method, op in methods.items()
    ]
    return render(request, "docs/api.html", {"schema": schema, "operations": operations})


def _body(op: dict[str, object]) -> str | None:
    """The name of an operation's JSON body schema, if it takes one."""
    body = op.get("requestBody")
    if not isinstance(body, dict):
        return None
    for media, spec in body.get("content", {}).items():
        ref = spec.get("schema", {}).get("$ref", "")
        return f"{media}: {ref.rsplit('/', 1)[-1] or 'object'}"
    return "yes"
