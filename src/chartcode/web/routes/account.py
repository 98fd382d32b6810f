"""Accounts: register, log in and out, reset a password; the account page and its lists.

The account page shows the user's favourites, notes, search history and API tokens.

Passwords are argon2id hashes; a login rotates the session (new CSRF token) so a session fixed
before login is worthless; login, registration and reset requests are rate-limited per address
(and login per email too). A reset link is sent through the configured mail backend, is single
use and lasts an hour; the reply never says whether an email has an account.
"""

from __future__ import annotations

import re
import secrets
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from chartcode.web.context import (
    NotFound,
    RateLimited,
    ctx,
    current_user,
    get_db,
    render,
    require_api_user,
    require_user,
)
from chartcode.web.csrf import verify_csrf
from chartcode.web.ratelimit import RateLimiter
from chartcode.web.security import hash_password, password_problem, verify_password
from chartcode.web.userdb import repository as repo
from chartcode.web.userdb.models import User

router = APIRouter(dependencies=[Depends(verify_csrf), Depends(current_user)])
api = APIRouter(tags=["account"])

EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")
RESET_VALID = timedelta(hours=1)
Email = Annotated[str, Form(max_length=320)]
Password = Annotated[str, Form(max_length=1024)]


def safe_next(target: str | None) -> str:
    """Only a path on this site: never an absolute URL or ``//host`` (open redirect)."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/"


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _limit(limiter: RateLimiter, key: str, what: str) -> None:
    if not limiter.allow(key):
        raise RateLimited(f"too many {what}; try again later", limiter.retry_after(key))


def _sign_in(request: Request, user: User) -> None:
    session = request.scope["session"]
    session.clear()
    session["uid"] = user.id
    session["epoch"] = user.auth_epoch
    session["csrf"] = secrets.token_urlsafe(32)
    request.state.user = user


@router.get("/login", response_class=HTMLResponse, name="login")
def login_form(request: Request, next: str = "/") -> Response:  # noqa: A002 (the URL's name)
    return render(request, "account/login.html", {"next": safe_next(next)})


@router.post("/login", name="login_submit")
def login(
    request: Request,
    email: Email,
    password: Password,
    next: Annotated[str, Form()] = "/",  # noqa: A002
    db: Session = Depends(get_db),
) -> Response:
    c = ctx(request)
    _limit(c.login_limiter, "ip:" + _address(request), "sign-in attempts from this address")
    _limit(c.login_limiter, "email:" + email.strip().lower(), "sign-in attempts for this email")
    user = repo.user_by_email(db, email)
    if not verify_password(user.password_hash if user else None, password) or user is None:
        return render(
            request,
            "account/login.html",
            {
                "next": safe_next(next),
                "email": email,
                "problem": "That email and password do not match an account.",
            },
            status_code=400,
        )
    _sign_in(request, user)
    return RedirectResponse(safe_next(next), status_code=303)


@router.get("/register", response_class=HTMLResponse, name="register")
def register_form(request: Request) -> Response:
    return render(request, "account/register.html")


@router.post("/register", name="register_submit")
def register(
    request: Request,
    email: Email,
    password: Password,
    password2: Password,
    db: Session = Depends(get_db),
) -> Response:
    c = ctx(request)
    if not c.settings.registration_open:
        return render(
            request,
            "account/register.html",
            {"problem": "Registration is closed on this server."},
            403,
        )
    _limit(c.register_limiter, _address(request), "registrations from this address")
    email = email.strip().lower()
    problem = None
    if not EMAIL.match(email):
        problem = "Enter an email address like name@example.org."
    elif password != password2:
        problem = "The two passwords differ."
    else:
        problem = password_problem(password, email)
    user = None
    if problem is None:
        first = repo.count_users(db) == 0
        role = "admin" if first or email in c.settings.admin_emails else "user"
        user = repo.create_user(db, email, hash_password(password), role)
        if user is None:
            problem = "That email already has an account: sign in, or reset the password."
    if user is None:
        return render(request, "account/register.html", {"email": email, "problem": problem}, 400)
    _sign_in(request, user)
    return RedirectResponse(request.url_for("account"), status_code=303)


@router.post("/logout", name="logout")
def logout(request: Request) -> Response:
    request.scope["session"].clear()
    return RedirectResponse("/", status_code=303)


@router.get("/reset", response_class=HTMLResponse, name="reset_request")
def reset_form(request: Request) -> Response:
    return render(request, "account/reset_request.html")


@router.post("/reset", name="reset_request_submit")
def reset_request(request: Request, email: Email, db: Session = Depends(get_db)) -> Response:
    c = ctx(request)
    _limit(c.reset_limiter, _address(request), "reset requests from this address")
    user = repo.user_by_email(db, email)
    if user is not None:
        token = repo.new_reset(db, user, RESET_VALID)
        base = c.settings.base_url.rstrip("/") or str(request.base_url).rstrip("/")
        c.mailer.send(
            user.email,
            "Reset your chartcode password",
            f"Someone (we hope you) asked to reset the password of {user.email}.\n\n"
            f"Open this link within an hour to choose a new one:\n{base}/reset/{token}\n\n"
            "If it was not you, ignore this message: your password is unchanged.\n",
        )
    return render(request, "account/reset_request.html", {"sent": True})


@router.get("/reset/{token}", response_class=HTMLResponse, name="reset")
def reset_password_form(request: Request, token: str, db: Session = Depends(get_db)) -> Response:
    if repo.reset_user(db, token) is None:
        return render(request, "account/reset.html", {"token": token, "problem": _DEAD_LINK}, 400)
    return render(request, "account/reset.html", {"token": token})


_DEAD_LINK = "This reset link is not valid any more: ask for a new one."


@router.post("/reset/{token}", name="reset_submit")
def reset_password(
    request: Request,
    token: str,
    password: Password,
    password2: Password,
    db: Session = Depends(get_db),
) -> Response:
    problem = "The two passwords differ." if password != password2 else None
    if problem is None:
        # The password is checked before the token is spent: a refused password keeps the link.
        user = repo.reset_user(db, token)
        problem = _DEAD_LINK if user is None else password_problem(password, user.email)
        if problem is None:
            user = repo.use_reset(db, token)
            if user is None:
                problem = _DEAD_LINK
            else:
                repo.set_password(db, user, hash_password(password))
                _sign_in(request, user)
                return RedirectResponse(request.url_for("account"), status_code=303)
    return render(request, "account/reset.html", {"token": token, "problem": problem}, 400)


@router.get("/account", response_class=HTMLResponse, name="account")
def account(
    request: Request, user: User = Depends(require_user), db: Session = Depends(get_db)
) -> Response:
    return render(request, "account/account.html", _account_data(db, user))


def _account_data(db: Session, user: User) -> dict[str, object]:
    return {
        "favourites": repo.favourites(db, user.id),
        "notes": repo.notes(db, user.id),
        "history": repo.history(db, user.id, 50),
        "tokens": repo.tokens(db, user.id),
    }


@router.post("/account/tokens", name="new_token")
def new_token(
    request: Request,
    name: Annotated[str, Form(min_length=1, max_length=100)],
    user: User = Depends(require_user),
    db: Session = Depends(get_db),
) -> Response:
    _, token = repo.new_token(db, user.id, name.strip())
    # The token is shown on this one response and never again (only its hash is stored).
    return render(request, "account/account.html", {**_account_data(db, user), "new_token": token})


@router.post("/account/tokens/{token_id}/delete", name="delete_token")
def delete_token(
    request: Request,
    token_id: int,
    user: User = Depends(require_user),
    db: Session = Depends(get_db),
) -> Response:
    if not repo.delete_token(db, user.id, token_id):
        raise NotFound("no such token")
    return RedirectResponse(request.url_for("account"), status_code=303)


@router.get("/history", response_class=HTMLResponse, name="history")
def history(
    request: Request, user: User = Depends(require_user), db: Session = Depends(get_db)
) -> Response:
    return render(request, "account/history.html", {"history": repo.history(db, user.id)})


@router.post("/history/{entry_id}/delete", name="delete_history_entry")
def delete_history_entry(
    request: Request,
    entry_id: int,
    user: User = Depends(require_user),
    db: Session = Depends(get_db),
) -> Response:
    if not repo.delete_history_entry(db, user.id, entry_id):
        raise NotFound("no such search")
    return RedirectResponse(request.url_for("history"), status_code=303)


@router.post("/history/clear", name="clear_history")
def clear_history(
    request: Request, user: User = Depends(require_user), db: Session = Depends(get_db)
) -> Response:
    repo.clear_history(db, user.id)
    return RedirectResponse(request.url_for("history"), status_code=303)


@api.get("/me", name="api_me")
def me(user: User = Depends(require_api_user)) -> dict[str, object]:
    """Who the token belongs to."""
    return {"id": user.id, "email": user.email, "role": user.role}


@api.get("/history", name="api_history")
def history_json(
    user: User = Depends(require_api_user), db: Session = Depends(get_db)
) -> list[dict[str, object]]:
    return [
        {"id": h.id, "query": h.query, "at": h.created_at.isoformat()}
        for h in repo.history(db, user.id)
    ]


@api.delete("/history/{entry_id}", status_code=204, name="api_delete_history_entry")
def delete_history_json(
    entry_id: int, user: User = Depends(require_api_user), db: Session = Depends(get_db)
) -> Response:
    if not repo.delete_history_entry(db, user.id, entry_id):
        raise NotFound("no such search")
    return Response(status_code=204)


@api.get("/tokens", name="api_tokens")
def tokens_json(
    user: User = Depends(require_api_user), db: Session = Depends(get_db)
) -> list[dict[str, object]]:
    return [
        {"id": t.id, "name": t.name, "prefix": t.prefix, "created_at": t.created_at.isoformat()}
        for t in repo.tokens(db, user.id)
    ]


@api.delete("/tokens/{token_id}", status_code=204, name="api_delete_token")
def delete_token_json(
    token_id: int, user: User = Depends(require_api_user), db: Session = Depends(get_db)
) -> Response:
    if not repo.delete_token(db, user.id, token_id):
        raise NotFound("no such token")
    return Response(status_code=204)
