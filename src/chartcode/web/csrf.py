"""CSRF protection for every form: a per-session token, checked on every unsafe request.

The token lives in the signed session cookie (so it is bound to that browser) and is sent back
as the ``csrf_token`` form field (or the ``X-CSRF-Token`` header for scripts). A request whose
token is missing or different is refused with 403 before the route runs. JSON API calls made
with a bearer token carry no cookie authority and are exempt (see ``routes/api.py``).
"""

from __future__ import annotations

import hmac
import secrets

from fastapi import Request

from chartcode.errors import ChartcodeError

FIELD = "csrf_token"
HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class CsrfError(ChartcodeError):
    """The form was not sent from a page of this site (or the page is too old)."""

    code = "csrf_failed"


def csrf_token(request: Request) -> str:
    """This session's token, made on first use (templates call it for every form)."""
    session = request.scope["session"]
    token = session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        session["csrf"] = token
    return str(token)


async def verify_csrf(request: Request) -> None:
    """Router dependency: refuse unsafe requests whose token does not match the session's."""
    if request.method in SAFE_METHODS:
        return
    expected = request.scope["session"].get("csrf")
    sent = request.headers.get(HEADER)
    if sent is None:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get(FIELD)
            sent = value if isinstance(value, str) else None
    if not expected or not sent or not hmac.compare_digest(str(expected), sent):
        raise CsrfError(
            "This form has expired or did not come from this site: reload the page and try again."
        )
