"""Every per-user route: user B gets 404 for user A's case, favourite, note, token and search.

Each row names how A makes the thing and how B then reaches for it, on the pages and on the
JSON API; A's thing must still be there afterwards.
"""

from __future__ import annotations

import re

import pytest

from tests.web.conftest import post, register


def _token(client) -> tuple[int, str]:
    r = post(client, "/account/tokens", {"name": "t"})
    token = re.search(r'<code id="new-token">([^<]+)</code>', r.text).group(1)
    tokens = client.get("/api/tokens", headers={"Authorization": f"Bearer {token}"}).json()
    return tokens[-1]["id"], token


@pytest.fixture
def two_users(make_client):
    a, b = make_client(), make_client()
    register(a, "a@example.org")
    register(b, "b@example.org")
    _, a_token = _token(a)
    _, b_token = _token(b)
    ids = {}
    r = post(
        a, "/cases/new", {"title": "A's case", "text": "A's private case text"}, page="/cases/new"
    )
    ids["case"] = int(r.headers["location"].rsplit("/", 1)[1])
    post(a, "/code/E11.40/favourite", {"system": "icd10cm"}, page="/code/E11.40")
    auth_a = {"Authorization": f"Bearer {a_token}"}
    ids["favourite"] = a.get("/api/favourites", headers=auth_a).json()[0]["id"]
    post(a, "/code/E11.40/notes", {"text": "A's private note"}, page="/code/E11.40")
    ids["note"] = a.get("/api/notes", headers=auth_a).json()[0]["id"]
    a.get("/search", params={"q": "secret search"})
    ids["history"] = a.get("/api/history", headers=auth_a).json()[0]["id"]
    ids["token"] = a.get("/api/tokens", headers=auth_a).json()[0]["id"]
    return a, b, ids, auth_a, {"Authorization": f"Bearer {b_token}"}


PAGE_ROUTES = [
    ("get", "/cases/{case}"),
    ("post", "/cases/{case}/delete"),
    ("post", "/favourites/{favourite}/delete"),
    ("get", "/notes/{note}"),
    ("post", "/notes/{note}"),
    ("post", "/notes/{note}/delete"),
    ("post", "/account/tokens/{token}/delete"),
    ("post", "/history/{history}/delete"),
]
API_ROUTES = [
    ("get", "/api/cases/{case}"),
    ("delete", "/api/cases/{case}"),
    ("delete", "/api/favourites/{favourite}"),
    ("get", "/api/notes/{note}"),
    ("delete", "/api/notes/{note}"),
    ("delete", "/api/tokens/{token}"),
    ("delete", "/api/history/{history}"),
]


def test_pages_hide_other_users_things(two_users):
    a, b, ids, auth_a, _ = two_users
    for method, path in PAGE_ROUTES:  # one set-up for every route: accounts cost an argon2 hash
        url = path.format(**ids)
        r = b.get(url) if method == "get" else post(b, url, {"text": "B was here"})
        assert r.status_code == 404, url
        assert "A&#39;s private" not in r.text and "A's private" not in r.text, url
        _a_still_has_everything(a, ids, auth_a)


def test_api_hides_other_users_things(two_users):
    a, b, ids, auth_a, auth_b = two_users
    for method, path in API_ROUTES:
        r = b.request(method.upper(), path.format(**ids), headers=auth_b)
        assert r.status_code == 404 and r.json()["error"] == "not_found", path
        _a_still_has_everything(a, ids, auth_a)


def test_lists_show_only_ones_own(two_users):
    a, b, ids, auth_a, auth_b = two_users
    assert "A&#39;s case" not in b.get("/cases").text
    account = b.get("/account").text
    assert "A&#39;s private note" not in account and "secret search" not in account
    assert "secret search" not in b.get("/history").text
    for path in ("/api/cases", "/api/favourites", "/api/notes", "/api/history"):
        assert b.get(path, headers=auth_b).json() == [], path
    assert len(b.get("/api/tokens", headers=auth_b).json()) == 1


def test_guests_are_sent_to_login_and_the_api_says_401(make_client, two_users):
    _, _, ids, _, _ = two_users
    guest = make_client()
    for _, path in PAGE_ROUTES:
        if "{" in path and path.startswith(("/cases", "/notes")) and not path.endswith("delete"):
            r = guest.get(path.format(**ids), follow_redirects=False)
            assert r.status_code == 303 and r.headers["location"].startswith("/login")
    for method, path in API_ROUTES:
        r = guest.request(method.upper(), path.format(**ids))
        assert r.status_code == 401, path


def test_a_cookie_alone_cannot_change_data_through_the_api(two_users):
    a, _, ids, auth_a, _ = two_users
    r = a.delete(f"/api/cases/{ids['case']}")  # the browser's cookie, no token: a guest's call
    assert r.status_code == 401
    _a_still_has_everything(a, ids, auth_a)


def _a_still_has_everything(a, ids, auth_a):
    assert a.get(f"/api/cases/{ids['case']}", headers=auth_a).status_code == 200
    assert [f["id"] for f in a.get("/api/favourites", headers=auth_a).json()] == [ids["favourite"]]
    assert a.get(f"/api/notes/{ids['note']}", headers=auth_a).json()["text"] == "A's private note"
    assert [h["id"] for h in a.get("/api/history", headers=auth_a).json()] == [ids["history"]]
    assert ids["token"] in [t["id"] for t in a.get("/api/tokens", headers=auth_a).json()]
