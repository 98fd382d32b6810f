"""What every route shares: the reference desk, the user database, templates and identity.

``WebContext`` is built once per app (``app.state.ctx``). The reference desk is one
``Chartcode`` behind a lock (its SQLite connection is shared by the threads FastAPI runs sync
routes in); code pages are immutable for a given store file, code, system and date, so they are
kept in an LRU cache that empties itself when the store file is replaced by an import.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from fastapi import Depends, Request
from jinja2 import Environment, PackageLoader, pass_context, select_autoescape
from sqlalchemy.orm import Session, sessionmaker
from starlette.responses import HTMLResponse
from starlette.templating import Jinja2Templates

from chartcode.api import Chartcode
from chartcode.errors import ChartcodeError
from chartcode.services.code_page import CodePage
from chartcode.web.csrf import csrf_token
from chartcode.web.mail import Mailer
from chartcode.web.ratelimit import RateLimiter
from chartcode.web.settings import Settings
from chartcode.web.userdb import repository as repo
from chartcode.web.userdb.models import User

T = TypeVar("T")


class NotSignedIn(ChartcodeError):
    """The page needs an account; HTML pages redirect to the login form, the API answers 401."""

    code = "not_signed_in"


class NotFound(ChartcodeError):
    """No such thing for this user (another user's things are reported the same way)."""

    code = "not_found"


class Forbidden(ChartcodeError):
    code = "forbidden"


class TextTooLong(ChartcodeError):
    code = "text_too_long"

    def __init__(self, length: int, limit: int) -> None:
        self.length = length
        self.limit = limit
        super().__init__(f"the text has {length:,} characters; the limit is {limit:,}")

    def to_dict(self) -> dict[str, object]:
        return {**super().to_dict(), "length": self.length, "limit_chars": self.limit}


class RateLimited(ChartcodeError):
    code = "rate_limited"

    def __init__(self, message: str, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(message)

    def to_dict(self) -> dict[str, object]:
        return {**super().to_dict(), "retry_after": self.retry_after}


class QuotaExceeded(ChartcodeError):
    code = "quota_exceeded"

    def __init__(self, limit: int, guest: bool) -> None:
        self.limit = limit
        self.guest = guest
        who = "without an account" if guest else "for an account"
        super().__init__(f"the daily limit of {limit} code pages {who} is reached")

    def to_dict(self) -> dict[str, object]:
        d = {**super().to_dict(), "limit": self.limit}
        if self.guest:
            d["register"] = "/register"
        return d


@dataclass
class AnswerCache:
    """Reference answers (code pages, searches) by their arguments, for one store file.

    The store is read-only and every answer depends only on the file and the arguments, so an
    answer can be reused until an import replaces the file (a new ``stamp``).
    """

    size: int
    _items: OrderedDict[tuple[Any, ...], Any] = field(default_factory=OrderedDict)
    _stamp: tuple[int, int, int] | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def get(self, stamp: tuple[int, int, int], key: tuple[Any, ...]) -> Any:
        with self._lock:
            if stamp != self._stamp:
                self._items.clear()
                self._stamp = stamp
                return None
            page = self._items.get(key)
            if page is not None:
                self._items.move_to_end(key)
            return page

    def put(self, stamp: tuple[int, int, int], key: tuple[Any, ...], page: Any) -> None:
        with self._lock:
            if stamp != self._stamp:
                self._items.clear()
                self._stamp = stamp
            self._items[key] = page
            while len(self._items) > self.size:
                self._items.popitem(last=False)


class WebContext:
    def __init__(self, settings: Settings, sessions: sessionmaker[Session]) -> None:
        self.settings = settings
        self.sessions = sessions
        self.desk = Chartcode(settings.store_path)
        self.desk_lock = threading.RLock()
        self._desk_stamp: tuple[int, int, int] | None = None
        self.answers = AnswerCache(settings.page_cache_size)
        self.mailer = Mailer(settings.mail_backend, settings.mail_from)
        self.login_limiter = RateLimiter(settings.login_attempts_per_minute, 60)
        self.register_limiter = RateLimiter(settings.registrations_per_hour, 3600)
        self.reset_limiter = RateLimiter(settings.registrations_per_hour, 3600)
        self.ask_limiter = RateLimiter(settings.guest_questions_per_hour, 3600)
        env = Environment(
            loader=PackageLoader("chartcode.web", "templates"),
            autoescape=select_autoescape(["html"]),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        env.globals["csrf_token"] = csrf_token
        env.globals["url_for"] = self._url_for
        self.templates = Jinja2Templates(env=env)
        self._paths: dict[tuple[str, tuple[tuple[str, str], ...]], str] = {}
        self.router: Any = None  # the app's router, set by create_app
        self.features: dict[str, bool] = {}

    @pass_context
    def _url_for(self, context: Any, name: str, /, **params: Any) -> str:
        """A route's path (site-relative), memoised: links are built dozens of times a page.

        Starlette's own ``url_for`` walks every route for every link, which was most of the
        cost of a code page.
        """
        key = (name, tuple(sorted((k, str(v)) for k, v in params.items())))
        path = self._paths.get(key)
        if path is None:
            router = self.router or context["request"].app.router
            path = str(router.url_path_for(name, **params))
            if len(self._paths) < 100_000:
                self._paths[key] = path
        return path

    # -- the reference desk -------------------------------------------------------------------
    def call(self, fn: Callable[[Chartcode], T]) -> T:
        """Run one API call on the shared desk, one thread at a time.

        ``chartcode data import`` replaces the store file; the desk's open connection would
        keep reading the old one, so the desk is reopened when the file changes.
        """
        with self.desk_lock:
            stamp = self.store_stamp()
            if stamp != self._desk_stamp:
                self.desk.close()
                self._desk_stamp = stamp
            return fn(self.desk)

    def store_stamp(self) -> tuple[int, int, int]:
        try:
            st = os.stat(self.desk.store_path)
        except FileNotFoundError:
            return (0, 0, 0)
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    def cached(self, key: tuple[Any, ...], fn: Callable[[Chartcode], T]) -> T:
        """An answer from the cache, or computed on the desk and kept."""
        stamp = self.store_stamp()
        found = self.answers.get(stamp, key)
        if found is None:
            found = self.call(fn)
            self.answers.put(stamp, key, found)
        return found

    def remembered(self, key: tuple[Any, ...], make: Callable[[], T]) -> T:
        """Like ``cached``, for values built from cached answers (a guest's rendered page)."""
        stamp = self.store_stamp()
        found = self.answers.get(stamp, key)
        if found is None:
            found = make()
            self.answers.put(stamp, key, found)
        return found

    def page(self, code: str, system: str | None, on: str | None) -> CodePage:
        day = on or today()
        key = ("page", code.strip().upper().replace(".", ""), system, day)
        return self.cached(key, lambda d: d.page(code, on=day, system=system))

    def search(
        self, query: str, system: str | None, limit: int, on: str | None
    ) -> dict[str, object]:
        """The search answer as ``chartcode search --json`` prints it."""
        day = on or today()

        def run(d: Chartcode) -> dict[str, object]:
            hits = d.search(query, on=day, system=system, limit=limit)
            return {
                "query": query,
                "read_as": d.read_query(query),
                "results": [h.to_dict() for h in hits],
            }

        return self.cached(("search", query.strip(), system, limit, day), run)

    def check_text(self, text: str) -> str:
        if len(text) > self.settings.max_text_chars:
            raise TextTooLong(len(text), self.settings.max_text_chars)
        return text

    def guest_subject(self, request: Request) -> str:
        host = request.client.host if request.client else "unknown"
        digest = hashlib.sha256((self.settings.secret_key + host).encode()).hexdigest()
        return "guest:" + digest[:32]


def today() -> str:
    """The reader's date of service by default: the server's calendar day."""
    return date.today().isoformat()  # noqa: DTZ011 (a calendar day, not an instant)


def ctx(request: Request) -> WebContext:
    context: WebContext = request.app.state.ctx
    return context


def get_db(request: Request) -> Iterator[Session]:
    """One database session per request (it connects only when first used)."""
    db = ctx(request).sessions()
    try:
        yield db
    finally:
        db.close()


def _session_user(request: Request, db: Session) -> User | None:
    session = request.scope.get("session") or {}
    uid = session.get("uid")
    if not isinstance(uid, int):
        return None
    user = repo.user_by_id(db, uid)
    if user is None or user.auth_epoch != session.get("epoch"):
        return None
    return user


def _bearer(request: Request) -> str | None:
    auth = request.headers.get("authorization", "")
    scheme, _, token = auth.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def current_user(request: Request, db: Session = Depends(get_db)) -> User | None:
    """The signed-in user of a page, or None for a guest."""
    if "user" not in request.state._state:
        request.state.user = _session_user(request, db)
    user: User | None = request.state.user
    return user


def api_user(request: Request, db: Session = Depends(get_db)) -> User | None:
    """The caller of a JSON API route: a bearer token, else the browser session for reads.

    A state-changing API call made with only a cookie is treated as a guest's, so the API
    needs no CSRF token: no cookie alone can change a user's data through it.
    """
    token = _bearer(request)
    if token is not None:
        user = repo.user_for_token(db, token)
        if user is None:
            raise NotSignedIn("the API token is not valid (it may have been deleted)")
        return user
    if request.method in ("GET", "HEAD"):
        return _session_user(request, db)
    return None


def require_user(user: User | None = Depends(current_user)) -> User:
    if user is None:
        raise NotSignedIn("sign in to see this page")
    return user


def require_api_user(user: User | None = Depends(api_user)) -> User:
    if user is None:
        raise NotSignedIn("this API route needs an API token: Authorization: Bearer <token>")
    return user


def require_admin(user: User = Depends(require_user)) -> User:
    if not user.is_admin:
        raise Forbidden("this page is for administrators")
    return user


def _context(request: Request, context: dict[str, Any] | None) -> dict[str, Any]:
    c = ctx(request)
    return {
        "request": request,
        "user": request.state._state.get("user"),
        "settings": c.settings,
        "features": c.features,
        **(context or {}),
    }


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> HTMLResponse:
    """A template with what every page needs: the user, settings and enabled features."""
    c = ctx(request)
    return c.templates.TemplateResponse(
        request, name, _context(request, context), status_code=status_code
    )


def render_text(request: Request, name: str, context: dict[str, Any] | None = None) -> str:
    """A page as text, for pages kept in the answer cache (a guest's code page)."""
    template = ctx(request).templates.get_template(name)
    return template.render(_context(request, context))
