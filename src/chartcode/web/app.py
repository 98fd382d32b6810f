"""The web app factory: ``create_app(settings)`` wires middleware, routers and error pages.

Each capability is one module in ``web/routes/`` with a ``router`` (HTML pages, CSRF-checked)
and/or an ``api`` router (JSON under ``/api``), listed in ``CAPABILITIES``. A capability whose
API method is not in ``chartcode.api.Chartcode`` yet (``needs``) is left out, so a page appears
the day its service lands. Errors are mapped to responses here, in one place: a
``ChartcodeError`` becomes its 4xx JSON body (``/api``) or the error page, and anything else a
plain 500 with no detail (logged by type only, so no note text reaches the log).
"""

from __future__ import annotations

import importlib
import logging
from importlib import resources
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from chartcode.api import Chartcode
from chartcode.errors import ChartcodeError, UnknownCode, UnknownLocality
from chartcode.web import context as c
from chartcode.web.csrf import CsrfError
from chartcode.web.head import HeadAsGet
from chartcode.web.security import BodyLimit, SecurityHeaders
from chartcode.web.sessions import SessionMiddleware
from chartcode.web.settings import Settings
from chartcode.web.userdb.database import migrate, open_database

log = logging.getLogger("chartcode.web")

# (module in web/routes, the Chartcode method it needs or None). Order is menu order.
CAPABILITIES: tuple[tuple[str, str | None], ...] = (
    ("home", None),
    ("search", "search"),
    ("codes", "page"),
    ("cases", None),
    ("pcs", "pcs_build"),
    ("claims", "check_claim"),
    ("fees", "fee"),
    ("redact", "redact"),
    ("assistant", "ask"),
    ("account", None),
    ("admin", "status"),
    ("docs", None),
)

STATUS_BY_ERROR: dict[str, int] = {
    UnknownCode.code: 404,
    UnknownLocality.code: 404,
    "release_not_found": 404,
    "not_found": 404,
    "not_signed_in": 401,
    "forbidden": 403,
    CsrfError.code: 403,
    "text_too_long": 413,
    "rate_limited": 429,
    "quota_exceeded": 429,
    "model_error": 502,
}


def create_app(settings: Settings | None = None) -> FastAPI:
    """The app for these settings (default: from the environment)."""
    settings = (settings or Settings.from_env()).resolved()
    engine, sessions = open_database(settings.database_url)
    if settings.migrate:
        migrate(engine)
    app = FastAPI(
        title="chartcode",
        summary="Offline medical coding desk: code pages, search, ICD-10-PCS builder, fees, "
        "redaction and per-user saved cases, as JSON.",
        version=_version(),
        docs_url=None,  # the stock docs pages load scripts from a CDN; /api/docs is ours
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.ctx = c.WebContext(settings, sessions)
    app.state.ctx.router = app.router
    app.state.engine = engine
    for name, needs in CAPABILITIES:
        available = needs is None or hasattr(Chartcode, needs)
        app.state.ctx.features[name] = available and _include(app, name)
    static = resources.files("chartcode.web") / "static"
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    _error_handlers(app)
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key,
        max_age=settings.session_days * 86400,
        secure=settings.secure_cookies,
    )
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(HeadAsGet)
    return app


def app_from_env() -> FastAPI:
    """Uvicorn's factory for ``chartcode serve`` (each worker builds its own app)."""
    return create_app(Settings.from_env())


def _include(app: FastAPI, name: str) -> bool:
    try:
        module = importlib.import_module(f"chartcode.web.routes.{name}")
    except ModuleNotFoundError as exc:
        if exc.name == f"chartcode.web.routes.{name}":
            return False  # the capability's page is not written yet
        raise
    if hasattr(module, "router"):
        app.include_router(module.router)
    if hasattr(module, "api"):
        app.include_router(module.api, prefix="/api")
    return True


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("chartcode")
    except PackageNotFoundError:
        return "0"


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/api"


def _error_response(request: Request, status: int, body: dict[str, Any]) -> Response:
    headers = {}
    if "retry_after" in body:
        headers["Retry-After"] = str(body["retry_after"])
    if _wants_json(request):
        return JSONResponse(body, status_code=status, headers=headers)
    template = "quota.html" if body.get("error") == "quota_exceeded" else "error.html"
    response = c.render(request, template, {"error": body, "status": status}, status_code=status)
    response.headers.update(headers)
    return response


def _error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ChartcodeError)
    async def chartcode_error(request: Request, exc: ChartcodeError) -> Response:
        if isinstance(exc, c.NotSignedIn) and not _wants_json(request):
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"/login?next={_quote(target)}", status_code=303)
        status = STATUS_BY_ERROR.get(exc.code, 400)
        return _error_response(request, status, exc.to_dict())

    @app.exception_handler(RequestValidationError)
    async def malformed(request: Request, exc: RequestValidationError) -> Response:
        details = [
            {"where": ".".join(str(p) for p in e.get("loc", ())), "problem": e.get("msg", "")}
            for e in exc.errors()
        ]
        message = "; ".join(f"{d['where']}: {d['problem']}" for d in details) or "malformed input"
        return _error_response(
            request, 422, {"error": "malformed_input", "message": message, "details": details}
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        names = {404: "not_found", 405: "method_not_allowed"}
        message = "no such page" if exc.status_code == 404 else str(exc.detail)
        return _error_response(
            request,
            exc.status_code,
            {"error": names.get(exc.status_code, "http_error"), "message": message},
        )

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        # The type and the route only: an exception's text may quote a patient's note.
        log.error("unexpected %s on %s %s", type(exc).__name__, request.method, request.url.path)
        body = {"error": "internal_error", "message": "something went wrong on the server"}
        if _wants_json(request):
            return JSONResponse(body, status_code=500)
        try:
            return c.render(request, "error.html", {"error": body, "status": 500}, 500)
        except Exception:  # noqa: BLE001 (the error page itself failed: plain text)
            return Response("internal error", status_code=500, media_type="text/plain")


def _quote(path: str) -> str:
    from urllib.parse import quote

    return quote(path, safe="/")
