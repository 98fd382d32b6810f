"""The assistant in the web app: /ask (page), POST /api/ask (JSON and server-sent events).

Answers come from the deterministic assistant over the small test store; these tests check
what the web layer adds: the page without JavaScript, the SSE framing, the question limits,
conversation history that only its owner can reach, and the guests' hourly limit.
"""

from __future__ import annotations

import json
import re
import socket

import pytest

from tests.web.conftest import ON, csrf, post, register

QUESTION = "What does E11.40 mean?"
SSE = {"Accept": "text/event-stream"}


def events(text: str) -> list[tuple[str, dict]]:
    """Parse a server-sent event stream into (event, data) pairs."""
    found = []
    for block in text.split("\n\n"):
        if not block.strip():
            continue
        lines = block.split("\n")
        event = next(line[len("event: ") :] for line in lines if line.startswith("event: "))
        data = "\n".join(line[len("data: ") :] for line in lines if line.startswith("data: "))
        found.append((event, json.loads(data)))
    return found


def _token(client) -> str:
    r = post(client, "/account/tokens", {"name": "t"})
    return re.search(r'<code id="new-token">([^<]+)</code>', r.text).group(1)


def _user(make_client, email: str):
    client = make_client()
    register(client, email)
    return client, {"Authorization": f"Bearer {_token(client)}"}


# -- the page, without JavaScript -----------------------------------------------------------------
def test_the_page_has_a_form_and_the_menu_links_it(open_client):
    page = open_client.get("/ask")
    assert page.status_code == 200
    assert 'action="/ask" method="post"' in page.text and 'name="csrf_token"' in page.text
    assert '<label for="question">' in page.text and 'maxlength="2000"' in page.text
    assert '<script src="/static/assistant.js" defer></script>' in page.text
    assert "<script>" not in page.text  # the CSP forbids inline scripts
    assert 'href="/ask">Ask</a>' in open_client.get("/").text
    script = open_client.get("/static/assistant.js")
    assert script.status_code == 200 and "text/event-stream" in script.text


def test_a_form_post_shows_the_answer_with_its_sources_linked(open_client):
    token = csrf(open_client, "/ask")
    r = open_client.post("/ask", data={"question": QUESTION, "date": ON, "csrf_token": token})
    assert r.status_code == 200
    assert "Type 2 diabetes mellitus with diabetic neuropathy, unspecified" in r.text
    # [c1] in the text links to the source, and the source (a code) links to its code page.
    assert '<a class="cite" href="#a-c1" aria-label="source c1">[c1]</a>' in r.text
    assert re.search(r'<li id="a-c1">.*tabular_sample_2026\.xml', r.text)
    assert '<a href="/code/E11.40?system=icd10cm">code E11.40</a>' in r.text
    assert "lookup_code" in r.text  # the tools it called


def test_a_form_post_needs_the_csrf_token(open_client):
    open_client.get("/ask")
    r = open_client.post("/ask", data={"question": QUESTION})
    assert r.status_code == 403


def test_the_page_refuses_empty_and_oversized_questions_with_a_message(open_client):
    token = csrf(open_client, "/ask")
    r = open_client.post("/ask", data={"question": "  ", "csrf_token": token})
    assert r.status_code == 422 and "Type a question." in r.text
    r = open_client.post("/ask", data={"question": "x" * 2001, "csrf_token": token})
    assert r.status_code == 413 and "the limit is 2,000" in r.text


# -- the JSON API ---------------------------------------------------------------------------------
def test_api_answers_with_the_answer_object(open_client):
    r = open_client.post("/api/ask", json={"question": QUESTION, "date": ON})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    a = r.json()
    assert a["kind"] == "code_meaning" and a["mode"] == "deterministic" and a["answered"]
    assert a["date_of_service"] == ON and a["conversation_id"] is None  # a guest keeps nothing
    assert "[c1]" in a["text"]
    assert a["citations"][0] == {
        "id": "c1",
        "kind": "official",
        "file": "tabular_sample_2026.xml",
        "release": "icd10cm tabular 2026",
        "locator": "code E11.40",
    }
    assert a["tool_calls"][0]["name"] == "lookup_code"


@pytest.mark.parametrize("how", ["accept", "query"])
def test_api_streams_server_sent_events(open_client, how):
    question = "What is the global period of 22586?"
    if how == "accept":
        r = open_client.post("/api/ask", json={"question": question, "date": ON}, headers=SSE)
    else:
        r = open_client.post("/api/ask?stream=1", json={"question": question, "date": ON})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/event-stream")
    assert r.headers["cache-control"] == "no-store"
    got = events(r.text)
    kinds = [e for e, _ in got]
    assert kinds[0] == "tool_call" and kinds[-1] == "done"
    assert kinds.count("text") >= 2  # sentence by sentence
    assert all(e == data["type"] for e, data in got)
    tool = got[0][1]
    assert tool["name"] == "billing_facts" and tool["ok"] is True and tool["summary"]
    done = got[-1][1]
    text = "".join(d["text"] for e, d in got if e == "text")
    assert text == done["answer"]["text"] and "090" in text
    assert done["answer"]["citations"][0]["file"] == "PPRRVU2026_Apr_nonQPP.txt"
    assert done["conversation_id"] is None


def test_api_refuses_empty_oversized_and_malformed_questions(open_client):
    r = open_client.post("/api/ask", json={"question": "x" * 2001})
    assert r.status_code == 413
    assert r.json()["error"] == "text_too_long" and r.json()["limit_chars"] == 2000
    assert open_client.post("/api/ask", json={"question": "x" * 2000}).status_code == 200
    for body in ({"question": "   "}, {}, {"question": QUESTION, "date": "May 1"}):
        r = open_client.post("/api/ask", json=body)
        assert r.status_code == 422 and r.json()["error"] == "malformed_input", body
    r = open_client.post("/api/ask", json={"question": QUESTION, "extra": 1})
    assert r.status_code == 422


def test_a_failing_model_is_an_error_event_and_a_502(make_client):
    with socket.socket() as s:  # a port nothing listens on: the model endpoint is down
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    client = make_client(model_url=f"http://127.0.0.1:{port}/v1", model_name="m")
    got = events(client.post("/api/ask", json={"question": QUESTION}, headers=SSE).text)
    assert got[-1][0] == "error" and got[-1][1]["error"] == "model_error"
    r = client.post("/api/ask", json={"question": QUESTION})
    assert r.status_code == 502 and r.json()["error"] == "model_error"
    token = csrf(client, "/ask")
    r = client.post("/ask", data={"question": QUESTION, "csrf_token": token})
    assert r.status_code == 502 and "unreachable" in r.text


# -- guests' limit --------------------------------------------------------------------------------
def test_guests_are_limited_per_hour_and_told_how_to_register(make_client):
    guest = make_client(guest_questions_per_hour=2)
    for _ in range(2):
        assert guest.post("/api/ask", json={"question": QUESTION}).status_code == 200
    r = guest.post("/api/ask", json={"question": QUESTION}, headers=SSE)
    assert r.status_code == 429 and r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert body["error"] == "rate_limited" and body["limit"] == 2
    assert body["register"] == "/register" and int(r.headers["retry-after"]) > 0
    token = csrf(guest, "/ask")
    page = guest.post("/ask", data={"question": QUESTION, "csrf_token": token})
    assert page.status_code == 429 and 'href="/register"' in page.text
    assert "Guests may ask 2 questions an hour" in page.text

    user, auth = _user(make_client, "limits@example.org")  # an account has no limit
    user = make_client(guest_questions_per_hour=2)
    for _ in range(3):
        r = user.post("/api/ask", json={"question": QUESTION}, headers=auth)
        assert r.status_code == 200


# -- conversation history -------------------------------------------------------------------------
def test_a_signed_in_users_questions_are_kept_as_conversations(make_client):
    client, auth = _user(make_client, "ann@example.org")
    token = csrf(client, "/ask")
    r = client.post(
        "/ask", data={"question": QUESTION, "date": ON, "csrf_token": token}, follow_redirects=False
    )
    assert r.status_code == 303
    conv_id = int(re.search(r"/ask/conversations/(\d+)#latest$", r.headers["location"]).group(1))
    page = client.get(f"/ask/conversations/{conv_id}")
    assert page.status_code == 200 and "What does E11.40 mean?" in page.text
    assert '<a href="/code/E11.40?system=icd10cm">code E11.40</a>' in page.text
    assert f'name="conversation_id" value="{conv_id}"' in page.text  # the form continues it
    assert f'href="/ask/conversations/{conv_id}"' in client.get("/ask").text  # listed

    # The same conversation continued through the API (JSON, then a stream).
    r = client.post(
        "/api/ask", json={"question": "What does modifier XS mean?", "conversation_id": conv_id},
        headers=auth,
    )  # fmt: skip
    assert r.json()["conversation_id"] == conv_id
    got = events(
        client.post(
            "/api/ask", json={"question": "How many units of 64450 can be billed?"},
            headers={**auth, **SSE},
        ).text
    )  # fmt: skip
    new_id = got[-1][1]["conversation_id"]
    assert isinstance(new_id, int) and new_id != conv_id  # no id: a new conversation

    listed = client.get("/api/conversations", headers=auth).json()
    assert [c["id"] for c in listed] == [new_id, conv_id]  # most recent first
    assert listed[1]["title"] == QUESTION
    conv = client.get(f"/api/conversations/{conv_id}", headers=auth).json()
    assert [m["role"] for m in conv["messages"]] == ["user", "assistant"] * 2
    assert conv["messages"][0]["text"] == QUESTION and conv["messages"][0]["answer"] is None
    assert conv["messages"][1]["answer"]["citations"][0]["locator"] == "code E11.40"
    assert conv["messages"][3]["answer"]["kind"] == "modifier"

    assert client.delete(f"/api/conversations/{new_id}", headers=auth).status_code == 204
    r = post(client, f"/ask/conversations/{conv_id}/delete", page="/ask")
    assert r.status_code == 303
    assert client.get("/api/conversations", headers=auth).json() == []


def test_the_pages_script_call_is_the_session_users_only_with_the_csrf_header(make_client):
    client, auth = _user(make_client, "bea@example.org")
    token = csrf(client, "/ask")
    r = client.post("/api/ask", json={"question": QUESTION}, headers={"X-CSRF-Token": token})
    assert isinstance(r.json()["conversation_id"], int)  # what assistant.js sends
    r = client.post("/api/ask", json={"question": QUESTION})  # the cookie alone: a guest's call
    assert r.json()["conversation_id"] is None
    r = client.post("/api/ask", json={"question": QUESTION}, headers={"X-CSRF-Token": "forged"})
    assert r.json()["conversation_id"] is None
    assert len(client.get("/api/conversations", headers=auth).json()) == 1


def test_other_users_and_guests_cannot_reach_a_conversation(make_client):
    a, auth_a = _user(make_client, "a@example.org")
    b, auth_b = _user(make_client, "b@example.org")
    secret = "What does E11.40 mean for my patient Jane Roe?"
    conv_id = a.post("/api/ask", json={"question": secret}, headers=auth_a).json()[
        "conversation_id"
    ]

    def a_still_has_it() -> None:
        conv = a.get(f"/api/conversations/{conv_id}", headers=auth_a).json()
        assert conv["messages"][0]["text"] == secret and len(conv["messages"]) == 2

    for method, path in (
        ("get", "/ask/conversations/{id}"),
        ("post", "/ask/conversations/{id}/delete"),
    ):
        url = path.format(id=conv_id)
        r = b.get(url) if method == "get" else post(b, url, page="/ask")
        assert r.status_code == 404 and "Jane Roe" not in r.text, url
        a_still_has_it()
    for method, path in (("get", "/api/conversations/{id}"), ("delete", "/api/conversations/{id}")):
        r = b.request(method.upper(), path.format(id=conv_id), headers=auth_b)
        assert r.status_code == 404 and r.json()["error"] == "not_found", path
        assert "Jane Roe" not in r.text
        a_still_has_it()
    # Continuing A's conversation: 404 on the API and the page; nothing is added to it.
    r = b.post("/api/ask", json={"question": "hi", "conversation_id": conv_id}, headers=auth_b)
    assert r.status_code == 404
    r = b.post(
        "/api/ask", json={"question": "hi", "conversation_id": conv_id}, headers=SSE | auth_b
    )
    assert r.status_code == 404 and r.json()["error"] == "not_found"
    r = b.post(
        "/ask", data={"question": "hi", "conversation_id": conv_id, "csrf_token": csrf(b, "/ask")}
    )
    assert r.status_code == 404
    a_still_has_it()
    assert b.get("/api/conversations", headers=auth_b).json() == []
    assert "Jane Roe" not in b.get("/ask").text

    guest = make_client()
    r = guest.get(f"/ask/conversations/{conv_id}", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    assert guest.get("/api/conversations").status_code == 401
    assert guest.get(f"/api/conversations/{conv_id}").status_code == 401
    assert guest.delete(f"/api/conversations/{conv_id}").status_code == 401
    r = guest.post("/api/ask", json={"question": "hi", "conversation_id": conv_id})
    assert r.status_code == 404
    a_still_has_it()
