"""Gating by configuration: sections that need an account, daily quotas; default all open."""

from __future__ import annotations

from tests.web.conftest import ON, register


def test_default_is_everything_open(client):
    for _ in range(5):
        assert client.get(f"/code/E11.40?date={ON}").status_code == 200
    body = client.get(f"/api/codes/E11.40?date={ON}").json()
    assert "gated_sections" not in body and any(s["id"] == "history" for s in body["sections"])


def test_tagged_sections_need_an_account(make_client):
    guest = make_client(gate_sections=("tagged",))
    page = guest.get(f"/code/E11.40?date={ON}").text
    assert 'id="history"' not in page and "More with a free account" in page and "/register" in page
    body = guest.get(f"/api/codes/E11.40?date={ON}").json()
    assert body["gated_sections"] == ["history"]
    register(guest, "ann@example.org")
    assert 'id="history"' in guest.get(f"/code/E11.40?date={ON}").text


def test_listed_sections_need_an_account(make_client):
    guest = make_client(gate_sections=("notes", "placement"))
    body = guest.get(f"/api/codes/E11.40?date={ON}").json()
    assert set(body["gated_sections"]) == {"notes", "placement"}


def test_guest_quota_says_how_to_register(make_client):
    guest = make_client(guest_daily_pages=2, user_daily_pages=3)
    assert guest.get(f"/code/E11.40?date={ON}").status_code == 200
    assert guest.get(f"/code/E11.40?date={ON}").status_code == 200
    r = guest.get(f"/code/E11.40?date={ON}")
    assert r.status_code == 429
    assert "Register" in r.text and '/register"' in r.text
    api = guest.get(f"/api/codes/E11.40?date={ON}")
    assert api.status_code == 429 and api.json()["register"] == "/register"
    register(guest, "ann@example.org")
    for _ in range(3):
        assert guest.get(f"/code/E11.40?date={ON}").status_code == 200
    r = guest.get(f"/code/E11.40?date={ON}")
    assert r.status_code == 429 and "midnight UTC" in r.text
