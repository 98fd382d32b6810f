"""Security: headers, size limits, clear 4xx JSON, no stack traces, no SQL in the web layer."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from chartcode.web.security import CSP
from tests.conftest import REPO

WEB = REPO / "src" / "chartcode" / "web"
SQL = re.compile(r"\bexecute\(|\bSELECT\b.+\bFROM\b|\bINSERT\s+INTO\b|\bDELETE\s+FROM\b")


def test_security_headers_on_pages_api_and_static(open_client):
    for path in ("/", "/api/search?q=diabetes", "/static/app.css", "/nope"):
        h = open_client.get(path).headers
        assert h["content-security-policy"] == CSP, path
        assert h["x-frame-options"] == "DENY" and h["x-content-type-options"] == "nosniff"
        assert h["referrer-policy"] == "same-origin"
    assert "unsafe-inline" not in CSP and "frame-ancestors 'none'" in CSP


@pytest.mark.parametrize("path", sorted((WEB / "templates").rglob("*.html")), ids=lambda p: p.name)
def test_templates_have_no_inline_script_or_style(path: Path):
    text = path.read_text()
    assert "<script>" not in text and "<style" not in text and " style=" not in text
    assert not re.search(r"\son[a-z]+=", text), "inline event handler"


def test_head_is_answered_like_get_without_a_body(open_client):
    r = open_client.head("/code/E11.40")
    assert r.status_code == 200 and r.content == b""
    assert r.headers["x-frame-options"] == "DENY"


def test_big_bodies_are_refused_before_reading(make_client):
    client = make_client(max_body_bytes=1000)
    r = client.post(
        "/api/redact", content=b"x" * 2000, headers={"content-type": "application/json"}
    )
    assert r.status_code == 413 and r.json()["limit_bytes"] == 1000
    chunks = (b"x" * 500 for _ in range(4))  # no Content-Length: counted as it arrives
    r = client.post("/api/redact", content=chunks, headers={"content-type": "application/json"})
    assert r.status_code == 413


def test_too_long_text_says_the_limit(make_client):
    client = make_client(max_text_chars=50)
    r = client.post("/api/redact", json={"text": "a" * 51})
    assert r.status_code == 413
    assert r.json() == {
        "error": "text_too_long",
        "message": r.json()["message"],
        "length": 51,
        "limit_chars": 50,
    }


def test_malformed_json_is_422(open_client):
    r = open_client.post(
        "/api/redact", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert r.status_code == 422 and r.json()["error"] == "malformed_input"
    r = open_client.post("/api/pcs/build", json={"text": "x", "unexpected": 1})
    assert r.status_code == 422
    r = open_client.post(
        "/api/pcs/choose", json={"state": {"chosen": "nonsense"}, "position": 1, "value": "0"}
    )
    assert r.status_code == 400 and r.json()["error"] == "invalid_input"


def test_no_stack_trace_reaches_the_client(make_client, monkeypatch):
    from chartcode.web import context

    client = make_client(raise_errors=False)

    def broken(self, key, fn):
        raise RuntimeError("secret patient text in a traceback")

    monkeypatch.setattr(context.WebContext, "cached", broken)
    for path in ("/api/search?q=diabetes", "/search?q=diabetes"):
        r = client.get(path)
        assert r.status_code == 500
        assert "secret" not in r.text and "Traceback" not in r.text and "RuntimeError" not in r.text


@pytest.mark.parametrize(
    "path",
    [p for p in sorted(WEB.rglob("*.py")) if "userdb" not in p.parts],
    ids=lambda p: str(p.relative_to(WEB)),
)
def test_web_layer_holds_no_sql(path: Path):
    assert not SQL.search(path.read_text()), f"{path}: queries belong in userdb/repository.py"


def test_repository_builds_statements_never_sql_text():
    text = (WEB / "userdb" / "repository.py").read_text()
    imports = re.search(r"from sqlalchemy import ([^\n]+)", text).group(1)
    assert "text" not in imports.split(", ")
    assert not re.search(r"\bSELECT\b.+\bFROM\b|\bINSERT\s+INTO\b|\bDELETE\s+FROM\b", text)


def test_passwords_are_argon2id_at_the_library_defaults():
    from argon2 import PasswordHasher, Type

    from chartcode.web import security

    production = PasswordHasher()
    stored = production.hash("a long password")
    assert stored.startswith("$argon2id$")
    assert security.verify_password(stored, "a long password")
    assert not security.verify_password(stored, "another password")
    assert not security.verify_password(None, "a long password")  # unknown user
    assert production.type is Type.ID
