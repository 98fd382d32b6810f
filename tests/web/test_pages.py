"""Reference pages and their JSON: the same objects as the CLI's --json, clear 4xx errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.web.conftest import ON


def test_home_has_the_instant_search_form(open_client):
    r = open_client.get("/")
    assert r.status_code == 200
    assert "data-instant-search" in r.text and 'aria-controls="instant-results"' in r.text
    assert "/static/app.js" in r.text and "<script>" not in r.text


def test_code_page_shows_every_section_with_sources_and_release(open_client):
    r = open_client.get(f"/code/e1140?date={ON}")
    assert r.status_code == 200
    html = r.text
    assert "E11.40" in html and "Release 2026" in html
    for section in ("official", "plain", "placement", "notes", "history", "sources"):
        assert f'id="{section}"' in html, section
    assert 'href="#src-s1"' in html and 'id="src-s1"' in html


def test_code_json_is_the_cli_lookup_object(open_client, store_path, tmp_path):
    api = open_client.get(f"/api/codes/E11.40?date={ON}").json()
    env = {**os.environ, "CHARTCODE_HOME": str(tmp_path)}
    cli = subprocess.run(
        [
            sys.executable,
            "-m",
            "chartcode.cli.main",
            "lookup",
            "E11.40",
            "--date",
            ON,
            "--json",
            "--store",
            str(store_path),
        ],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=60,
    )
    assert api == json.loads(cli.stdout)


def test_cpt_code_page_and_fee(open_client):
    r = open_client.get(f"/code/22586?date={ON}")
    assert r.status_code == 200 and "presacral fusion" in r.text.lower()
    fee = open_client.get(f"/api/fees/22586?date={ON}&setting=facility").json()
    assert fee["code"] == "22586" and fee["settings"][0]["amount"] == "2008.06"
    page = open_client.get(f"/fee?code=22586&date={ON}")
    assert "$2008.06" in page.text


def test_unknown_code_is_404_with_nearest_codes(open_client):
    r = open_client.get(f"/api/codes/E11.49?date={ON}")
    assert r.status_code == 404
    body = r.json()
    assert body["error"] == "unknown_code" and "E11.40" in body["nearest"]
    assert body["systems_searched"]
    page = open_client.get(f"/code/E11.49?date={ON}")
    assert page.status_code == 404 and "E11.40" in page.text and "Nearest codes" in page.text


def test_search_json_matches_cli_schema_and_page_works_without_js(open_client):
    r = open_client.get("/api/search", params={"q": "diabetes neuropathy", "date": ON, "limit": 5})
    body = r.json()
    assert set(body) == {"query", "read_as", "results"}
    assert body["results"][0]["code"] == "E11.40"
    assert {"system", "code", "title", "billable", "release", "explain"} <= set(body["results"][0])
    page = open_client.get("/search", params={"q": "diabetes neuropathy", "date": ON})
    assert "E11.40" in page.text


def test_malformed_query_is_422_json(open_client):
    r = open_client.get("/api/search", params={"q": "x", "limit": 0})
    assert r.status_code == 422 and r.json()["error"] == "malformed_input"
    r = open_client.get("/api/codes/E11.40", params={"date": "yesterday"})
    assert r.status_code == 422 and "date" in r.json()["message"]


def test_pcs_builder_walk_without_js(open_client):
    r = open_client.post("/api/pcs/build", json={"text": "", "date": ON})
    assert r.status_code == 200
    start = r.json()
    assert start["code"] is None and start["open_axes"]
    first = start["open_axes"][0]
    value = first["choices"][0]["value"]
    r = open_client.post(
        "/api/pcs/choose",
        json={"state": start["state"], "position": first["position"], "value": value},
    )
    assert r.status_code == 200 and r.json()["partial_code"].startswith(value)
    bad = open_client.post(
        "/api/pcs/choose", json={"state": start["state"], "position": 1, "value": "!"}
    )
    assert bad.status_code == 400 and bad.json()["error"] == "invalid_input"
    page = open_client.get("/pcs/start")
    assert page.status_code == 200 and 'name="state"' in page.text
    page = open_client.get("/pcs", params={"text": "fusion of lumbosacral joint"})
    assert page.status_code == 200


def test_redact_page_and_json(open_client):
    note = "Patient John Smith, MRN 12345678, seen 03/04/2025 for type 2 diabetes."
    body = open_client.post("/api/redact", json={"text": note}).json()
    assert "John Smith" not in body["text"] and "diabetes" in body["text"]
    assert body["counts"]
    assert open_client.post("/api/redact", json={"text": note, "style": "nope"}).status_code == 422


def test_api_docs_are_served_offline(open_client):
    schema = open_client.get("/api/openapi.json").json()
    assert "/api/codes/{code}" in schema["paths"] and "/api/search" in schema["paths"]
    page = open_client.get("/api/docs")
    assert page.status_code == 200 and "/api/codes/{code}" in page.text
    assert "cdn" not in page.text.lower()
    assert open_client.get("/docs").status_code == 404


def test_admin_status_needs_an_admin(open_client):
    r = open_client.get("/admin/status", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")


def test_guest_pages_kept_in_the_cache_carry_no_session_or_token(open_client):
    first = open_client.get(f"/code/E11.40?date={ON}")
    again = open_client.get(f"/code/E11.40?date={ON}")
    assert first.text == again.text
    assert "csrf_token" not in first.text and "set-cookie" not in first.headers


def test_case_coding_json_marks_evidence_in_the_text(open_client):
    from chartcode.api import Chartcode

    if not hasattr(Chartcode, "suggest"):
        return  # case coding not installed: the page says so (test_accounts covers saving)
    text = "Type 2 diabetes mellitus with diabetic neuropathy."
    body = open_client.post("/api/suggest", json={"text": text, "date": ON}).json()
    assert body["policy"] == "us-inpatient" and body["codes"]
    for code in body["codes"]:
        for ev in code["evidence"]:
            assert text[ev["start"] : ev["end"]] == ev["text"]
    r = open_client.post("/api/suggest", json={"text": text, "policy": "nope"})
    assert r.status_code == 422


def test_claim_check_page_and_json(open_client):
    from chartcode.api import Chartcode

    if not hasattr(Chartcode, "check_claim"):
        assert open_client.get("/claims").status_code == 404
        return
    page = open_client.get("/claims")
    assert page.status_code == 200 and "22586" in page.text
    claim = {
        "claim_id": "t1",
        "patient": {"sex": "F", "date_of_birth": "1960-04-02"},
        "diagnoses": ["E11.40"],
        "lines": [{"code": "22586", "date_of_service": ON, "units": 1, "diagnosis_pointers": [1]}],
    }
    r = open_client.post("/api/claims/check", json={"claim": claim})
    assert r.status_code == 200
    body = r.json()
    assert {"claim", "clean", "edits", "warnings", "not_checked"} <= set(body)
    bad = open_client.post("/api/claims/check", json={"claim": {"lines": "none"}})
    assert bad.status_code == 400 and bad.json()["error"] == "claim_input_error"
    assert open_client.post("/api/claims/check", json={"nope": 1}).status_code == 422


def test_redact_form_marks_each_replacement(open_client):
    from tests.web.conftest import post

    note = "Seen by Dr. Alice Jones on 03/04/2025, phone 555-123-4567."
    r = post(open_client, "/redact", {"text": note, "style": "tag"}, page="/redact")
    assert r.status_code == 200
    assert "Alice Jones" not in r.text and "<mark" in r.text


def test_pcs_walk_with_plain_links(open_client):
    import html
    import re

    page = open_client.get("/pcs/start", params={"date": ON})
    state = html.unescape(re.search(r'name="state" value="([^"]*)"', page.text).group(1))
    value = re.search(r'name="value" value="([^"]+)"', page.text).group(1)
    r = open_client.get("/pcs/choose", params={"state": state, "position": 1, "value": value})
    assert r.status_code == 200 and "Partial code" in r.text
    bad = open_client.get("/pcs/choose", params={"state": "{oops", "position": 1, "value": "0"})
    assert bad.status_code == 400 and "start again" in bad.text


def test_the_desk_reopens_when_an_import_replaces_the_store(open_client, store_path, tmp_path):
    import os
    import shutil

    from chartcode.api import Chartcode

    copy = tmp_path / "store.sqlite"
    shutil.copy(store_path, copy)
    app_ctx = open_client.app.state.ctx
    app_ctx.desk = Chartcode(copy)
    assert open_client.get(f"/api/codes/E11.40?date={ON}").status_code == 200
    before = app_ctx.desk._store
    # chartcode data import builds a new file and swaps it in (os.replace): a new inode.
    shutil.copy(store_path, tmp_path / "new.sqlite")
    os.replace(tmp_path / "new.sqlite", copy)
    assert open_client.get(f"/api/codes/E11.40?date={ON}&system=icd10cm").status_code == 200
    assert app_ctx.desk._store is not before


def test_claim_form_links_codes_not_modifiers_and_counts_in_words(open_client):
    from tests.web.conftest import post

    claim = {
        "claim_id": "t2",
        "patient": {"sex": "F", "date_of_birth": "1960-04-02"},
        "diagnoses": ["E11.40"],
        "lines": [{"code": "22586", "modifiers": ["50"], "date_of_service": ON, "units": 1,
                   "diagnosis_pointers": [1]}],
    }  # fmt: skip
    r = post(open_client, "/claims", {"claim": json.dumps(claim)}, page="/claims")
    assert r.status_code == 200 and "FEE-BILATERAL-NO-ADJUSTMENT" in r.text
    assert 'href="/code/22586"' in r.text and 'href="/code/50"' not in r.text
    assert "0 errors, 1 warning<" in r.text


def test_code_page_does_not_call_a_code_valid_on_a_date_no_release_covers(open_client):
    inside = open_client.get(f"/code/E11.40?date={ON}").text
    assert f"Valid on {ON}</span>" in inside
    outside = open_client.get("/code/E11.40?date=2027-03-01").text
    assert "Valid on 2027-03-01" not in outside
    assert "2027-03-01 is outside the loaded releases" in outside


def test_pcs_builder_offers_one_code_per_side_and_continues_each(tmp_path):
    """Both knees, no bilateral knee value (Guidelines B4.3): each side is offered and can be
    continued on its own; the JSON carries the same per-side builds."""
    import html
    import re

    from fastapi.testclient import TestClient

    from chartcode.api import Chartcode
    from chartcode.web.app import create_app
    from tests.conftest import TEST_DATA
    from tests.web.conftest import make_settings

    store = tmp_path / "reference.sqlite"  # the builder's tables, which have paired knees
    with Chartcode(store) as desk:
        desk.import_files(sorted((TEST_DATA / "icd10pcs_builder").glob("*.xml")))
    app = create_app(make_settings(f"sqlite:///{tmp_path / 'users.sqlite'}", store, tmp_path))
    open_client = TestClient(app)
    text = "total knee replacement of both knees"
    api = open_client.post("/api/pcs/build", json={"text": text, "date": ON}).json()
    sides = [(s["partial_code"], s["body_part"]["label"]) for s in api["per_side"]]
    assert sides == [("0SRC0??", "Knee Joint, Right"), ("0SRD0??", "Knee Joint, Left")]
    assert "Guidelines B4.3" in api["question"]
    page = open_client.get("/pcs", params={"text": text, "date": ON})
    assert page.status_code == 200 and "Each side, coded on its own" in page.text
    links = [html.unescape(h) for h in re.findall(r'href="(/pcs/choose\?[^"]+)"', page.text)]
    assert len(links) == 2
    right = open_client.get(links[0])
    assert right.status_code == 200 and "0SRC0" in right.text
    app.state.engine.dispose()
