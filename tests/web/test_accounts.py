"""Accounts on SQLite and PostgreSQL: register, log in and out, reset, tokens, CSRF, limits."""

from __future__ import annotations

import re

from chartcode.web.sessions import COOKIE
from tests.web.conftest import PASSWORD, csrf, login, post, register


def test_register_login_logout(client):
    r = register(client, "Ann@Example.org")
    assert r.status_code == 303 and r.headers["location"].endswith("/account")
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    assert "ann@example.org" in client.get("/account").text
    r = post(client, "/logout", page="/")
    assert r.status_code == 303
    assert client.get("/account", follow_redirects=False).status_code == 303
    assert login(client, "ann@example.org").status_code == 303
    assert client.get("/account").status_code == 200


def test_first_user_is_admin_and_the_next_is_not(client, make_client):
    register(client, "admin@example.org")
    assert "administrator" in client.get("/account").text
    assert client.get("/admin/status").status_code == 200
    other = make_client()
    register(other, "user@example.org")
    assert "administrator" not in other.get("/account").text
    assert other.get("/admin/status").status_code == 403


def test_wrong_password_and_duplicate_email(client, make_client):
    register(client, "ann@example.org")
    other = make_client()
    r = login(other, "ann@example.org", "wrong password!")
    assert r.status_code == 400 and "do not match" in r.text
    r = login(other, "nobody@example.org")
    assert r.status_code == 400 and "do not match" in r.text
    r = register(other, "ANN@example.org")
    assert r.status_code == 400 and "already has an account" in r.text


def test_password_rules(client):
    r = register(client, "ann@example.org", "short")
    assert r.status_code == 400 and "at least 10" in r.text
    token = csrf(client, "/register")
    r = client.post(
        "/register",
        data={
            "email": "ann@example.org",
            "password": PASSWORD,
            "password2": PASSWORD + "x",
            "csrf_token": token,
        },
    )
    assert r.status_code == 400 and "differ" in r.text


def test_every_form_needs_its_csrf_token(client):
    r = client.post("/login", data={"email": "a@example.org", "password": PASSWORD})
    assert r.status_code == 403 and "expired" in r.text
    register(client, "ann@example.org")
    r = client.post("/logout", data={"csrf_token": "forged"})
    assert r.status_code == 403
    r = client.post("/cases/new", data={"text": "x", "csrf_token": "forged"})
    assert r.status_code == 403


def test_login_is_rate_limited(make_client):
    client = make_client(login_attempts_per_minute=3)
    for _ in range(3):
        assert login(client, "ann@example.org", "wrong password!").status_code == 400
    r = login(client, "ann@example.org", "wrong password!")
    assert r.status_code == 429 and "too many" in r.text.lower()
    assert "retry-after" in r.headers


def test_registration_is_rate_limited_and_can_be_closed(make_client):
    client = make_client(registrations_per_hour=2)
    assert register(client, "a@example.org").status_code == 303
    assert register(client, "b@example.org").status_code == 303
    assert register(client, "c@example.org").status_code == 429
    closed = make_client(registration_open=False)
    assert register(closed, "d@example.org").status_code == 403


def test_password_reset_by_mail(client, make_client, tmp_path):
    register(client, "ann@example.org")
    other = make_client()
    r = post(other, "/reset", {"email": "ann@example.org"}, page="/reset")
    assert r.status_code == 200 and "on its way" in r.text
    post(other, "/reset", {"email": "nobody@example.org"}, page="/reset")  # same answer, no mail
    mails = sorted((tmp_path / "mail").glob("*.eml"))
    assert len(mails) == 1
    link = re.search(r"http://testserver(/reset/\S+)", mails[0].read_text()).group(1)
    new = "a brand new password"
    token = csrf(other, link)
    r = other.post(
        link, data={"password": new, "password2": new, "csrf_token": token}, follow_redirects=False
    )
    assert r.status_code == 303
    # The old session ended with the password change; the old password no longer works.
    assert client.get("/account", follow_redirects=False).status_code == 303
    assert login(make_client(), "ann@example.org").status_code == 400
    assert login(make_client(), "ann@example.org", new).status_code == 303
    # A reset link works once.
    token = csrf(other, link)
    r = other.post(link, data={"password": new, "password2": new, "csrf_token": token})
    assert r.status_code == 400 and "not valid" in r.text


def test_api_tokens_are_shown_once_and_work(client, make_client):
    register(client, "ann@example.org")
    r = post(client, "/account/tokens", {"name": "script"})
    token = re.search(r'<code id="new-token">([^<]+)</code>', r.text).group(1)
    assert token.startswith("cc_")
    assert token not in client.get("/account").text  # shown once
    api = make_client()
    assert api.get("/api/me").status_code == 401
    me = api.get("/api/me", headers={"Authorization": f"Bearer {token}"}).json()
    assert me["email"] == "ann@example.org"
    bad = api.get("/api/me", headers={"Authorization": "Bearer cc_nope"})
    assert bad.status_code == 401 and bad.json()["error"] == "not_signed_in"
    tokens = api.get("/api/tokens", headers={"Authorization": f"Bearer {token}"}).json()
    r = api.delete(f"/api/tokens/{tokens[0]['id']}", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 204
    assert api.get("/api/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_login_rotates_the_session(client):
    anonymous = csrf(client, "/login")
    register(client, "ann@example.org")
    assert csrf(client, "/account") != anonymous
    assert client.cookies.get(COOKIE)


def test_open_redirect_is_refused(client):
    register(client, "ann@example.org")
    post(client, "/logout", page="/")
    token = csrf(client, "/login")
    r = client.post(
        "/login",
        data={
            "email": "ann@example.org",
            "password": PASSWORD,
            "next": "//evil.example/",
            "csrf_token": token,
        },
        follow_redirects=False,
    )
    assert r.headers["location"] == "/"


def test_secure_cookie_when_configured(make_client):
    client = make_client(secure_cookies=True)
    r = client.get("/register")  # the form's CSRF token starts a session
    assert "Secure" in r.headers["set-cookie"] and "HttpOnly" in r.headers["set-cookie"]
    tls = make_client(base_url="https://testserver")
    assert "Secure" in tls.get("/register").headers["set-cookie"]


def test_saved_cases_favourites_notes_history(client):
    register(client, "ann@example.org")
    r = post(
        client,
        "/cases/new",
        {"title": "Fusion", "text": "Presacral fusion L5-S1."},
        page="/cases/new",
    )
    assert r.status_code == 303
    case = client.get(r.headers["location"])
    assert "Presacral fusion L5-S1." in case.text
    assert "Fusion" in client.get("/cases").text
    post(client, "/code/E11.40/favourite", {"system": "icd10cm"}, page="/code/E11.40")
    post(client, "/code/E11.40/notes", {"text": "check the neuropathy type"}, page="/code/E11.40")
    client.get("/search", params={"q": "diabetes"})
    account = client.get("/account").text
    assert "E11.40" in account and "check the neuropathy type" in account and "diabetes" in account


def test_claim_form_shows_every_problem_of_a_malformed_claim(client):
    from chartcode.api import Chartcode

    if not hasattr(Chartcode, "check_claim"):
        return
    r = post(client, "/claims", {"claim": '{"lines": "none"}'}, page="/claims")
    assert r.status_code == 400 and "nothing was checked" in r.text and "lines" in r.text
    r = post(client, "/claims", {"claim": "{not json"}, page="/claims")
    assert r.status_code == 400 and "not valid JSON" in r.text


def test_a_refused_new_password_does_not_spend_the_reset_link(client, make_client, tmp_path):
    register(client, "ann@example.org")
    other = make_client()
    post(other, "/reset", {"email": "ann@example.org"}, page="/reset")
    [mail] = sorted((tmp_path / "mail").glob("*.eml"))
    link = re.search(r"http://testserver(/reset/\S+)", mail.read_text()).group(1)
    token = csrf(other, link)
    short = other.post(link, data={"password": "short", "password2": "short",
                                   "csrf_token": token})  # fmt: skip
    assert short.status_code == 400 and "at least 10 characters" in short.text
    assert other.get(link).status_code == 200  # the link still works
    new = "a brand new password"
    r = other.post(
        link, data={"password": new, "password2": new, "csrf_token": token}, follow_redirects=False
    )
    assert r.status_code == 303
    spent = other.get(link)  # now spent: the page says so before anything is typed
    assert spent.status_code == 400 and "not valid any more" in spent.text
