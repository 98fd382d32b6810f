"""Signed session cookies (itsdangerous): who is signed in, and the CSRF token.

The cookie holds only ``uid``, the user's ``auth_epoch`` and the CSRF token, signed and
time-stamped with the app's secret key; it is HttpOnly, SameSite=Lax, and Secure when the
request came over TLS (or ``secure_cookies`` is set, behind a proxy that terminates TLS). A
request without a cookie that does not touch the session sets none, so guests reading code
pages cost nothing here.
"""

from __future__ import annotations

import json
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer

from chartcode.web.security import ASGIApp, Message, Receive, Scope, Send

COOKIE = "chartcode_session"


class Session(dict[str, Any]):
    """The session dict; remembers whether it changed so the cookie is only set when needed."""

    modified = False
    cleared = False

    def __setitem__(self, key: str, value: Any) -> None:
        self.modified = True
        super().__setitem__(key, value)

    def __delitem__(self, key: str) -> None:
        self.modified = True
        super().__delitem__(key)

    def pop(self, key: str, default: Any = None) -> Any:
        self.modified = True
        return super().pop(key, default)

    def clear(self) -> None:
        self.modified = True
        self.cleared = True
        super().clear()


class SessionMiddleware:
    def __init__(self, app: ASGIApp, secret_key: str, max_age: int, secure: bool) -> None:
        self.app = app
        self.serializer = URLSafeTimedSerializer(secret_key, salt="chartcode.session")
        self.max_age = max_age
        self.secure = secure

    def _load(self, scope: Scope) -> Session:
        for key, value in scope.get("headers", []):
            if key != b"cookie":
                continue
            for part in value.decode("latin-1").split(";"):
                name, _, raw = part.strip().partition("=")
                if name == COOKIE and raw:
                    try:
                        data = self.serializer.loads(raw, max_age=self.max_age)
                    except (BadSignature, json.JSONDecodeError, UnicodeDecodeError):
                        return Session()
                    return Session(data) if isinstance(data, dict) else Session()
        return Session()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        session = self._load(scope)
        scope["session"] = session
        secure = self.secure or scope.get("scheme") == "https"

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start" and session.modified:
                attrs = f"Path=/; HttpOnly; SameSite=Lax{'; Secure' if secure else ''}"
                if session:
                    value = self.serializer.dumps(dict(session))
                    cookie = f"{COOKIE}={value}; Max-Age={self.max_age}; {attrs}"
                else:
                    cookie = f"{COOKIE}=; Max-Age=0; {attrs}"
                headers = list(message.get("headers", []))
                headers.append((b"set-cookie", cookie.encode("latin-1")))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_cookie)
