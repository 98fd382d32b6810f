"""The coding assistant: a question in, an answer with a citation for every fact out.

``Chartcode.ask_stream`` answers (rules over the official data, or the OpenAI-compatible model
the server is configured with: ``CHARTCODE_MODEL_URL``); this module only carries the chunks.
``/ask`` is the chat page: a plain form without JavaScript, and ``static/assistant.js`` streams
the same answer from ``POST /api/ask`` as server-sent events (one event per chunk:
``tool_call``, ``text``, ``done``, or ``error``). A signed-in user's questions and answers are
kept as conversations (``/ask/conversations/{id}``, ``/api/conversations``), which only that
user can open: anyone else gets 404. Guests keep no history and may ask
``guest_questions_per_hour`` questions an hour per address (429 past it). A question is at most
``max_question_chars`` characters (413 past it); an empty one is 422.

Identity on ``POST /api/ask``: a bearer token, else the browser session when the request
carries the session's CSRF token in ``X-CSRF-Token`` (the page's script sends it), else a guest;
so a cookie alone never writes into an account, as everywhere else in the API.
"""

from __future__ import annotations

import hmac
import json
import logging
import re
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy.orm import Session
from starlette.responses import StreamingResponse

from chartcode.api import Chartcode
from chartcode.errors import ChartcodeError
from chartcode.services.assistant import ModelConfig
from chartcode.web.context import (
    NotFound,
    RateLimited,
    TextTooLong,
    WebContext,
    api_user,
    ctx,
    current_user,
    get_db,
    render,
    require_api_user,
    require_user,
    today,
)
from chartcode.web.csrf import HEADER as CSRF_HEADER
from chartcode.web.csrf import verify_csrf
from chartcode.web.userdb import repository as repo
from chartcode.web.userdb.models import Conversation, User

log = logging.getLogger("chartcode.web")

router = APIRouter(dependencies=[Depends(verify_csrf), Depends(current_user)])
api = APIRouter(tags=["assistant"])

EXAMPLES = (
    "What does E11.40 mean?",
    "How many units of 64450 can be billed?",
    "What is the global period of 22586?",
    "Does E11.40 need an additional code?",
    "Can 22586 be billed with 22840, and with which modifier?",
    "What does modifier XS mean?",
)
SYSTEMS = frozenset({"icd10cm", "icd10pcs", "cpt", "hcpcs"})
_CITE = re.compile(r"\[(c\d+)\]")
_CODE_LOCATOR = re.compile(r"^code ([A-Z0-9][A-Z0-9.]*)(?:,|$)")


class GuestQuestionLimit(RateLimited):
    """A guest asked more questions this hour than the server allows; an account has no limit."""

    def __init__(self, limit: int, retry_after: int) -> None:
        self.limit = limit
        super().__init__(
            f"Guests may ask {limit} questions an hour. Register (free) at /register, or log "
            "in, to ask more: signed-in users have no limit and keep their conversations.",
            retry_after,
        )

    def to_dict(self) -> dict[str, object]:
        return {**super().to_dict(), "limit": self.limit, "register": "/register"}


# -- answering ------------------------------------------------------------------------------------
def model_config(c: WebContext) -> ModelConfig | None:
    """The server's model (``CHARTCODE_MODEL_URL``...), or None: the rules answer."""
    s = c.settings
    if not s.model_url:
        return None
    return ModelConfig(
        url=s.model_url.rstrip("/"),
        model=s.model_name or "default",
        api_key=s.model_api_key or None,
    )


def chunks(c: WebContext, question: str, on: str | None) -> Iterator[dict[str, Any]]:
    """The answer's chunks as dicts (``Chunk.to_dict()``): tool calls, text, then done.

    The rules answer in milliseconds, on the shared desk. A model answers in rounds of
    seconds, so it gets a desk of its own and other pages do not wait for it.
    """
    day = on or today()
    model = model_config(c)
    if model is None:
        yield from c.call(lambda d: [ch.to_dict() for ch in d.ask_stream(question, on=day)])
        return
    with Chartcode(c.desk.store_path) as desk:
        for ch in desk.ask_stream(question, on=day, model=model):
            yield ch.to_dict()


def answer(c: WebContext, question: str, on: str | None) -> dict[str, Any]:
    """The whole answer, ``Answer.to_dict()`` (``chartcode ask --json``)."""
    for chunk in chunks(c, question, on):
        if chunk["type"] == "done":
            found: dict[str, Any] = chunk["answer"]
            return found
    raise RuntimeError("the assistant ended without an answer")


def check_question(c: WebContext, question: str) -> str:
    limit = c.settings.max_question_chars
    if len(question) > limit:
        raise TextTooLong(len(question), limit)
    return question


def count_guest_question(request: Request, user: User | None) -> None:
    """Count a guest's question; raise ``GuestQuestionLimit`` past the hourly limit."""
    if user is not None:
        return
    c = ctx(request)
    key = c.guest_subject(request)
    if not c.ask_limiter.allow(key):
        limit = c.settings.guest_questions_per_hour
        raise GuestQuestionLimit(limit, c.ask_limiter.retry_after(key))


def _owned(db: Session, user: User, conversation_id: int) -> Conversation:
    found = repo.conversation(db, user.id, conversation_id)
    if found is None:
        raise NotFound("no such conversation")
    return found


def answer_view(answer: dict[str, Any], prefix: str = "a") -> dict[str, Any]:
    """What the page shows: the text cut at its ``[cN]`` marks, citations with code links."""
    text = str(answer.get("text", ""))
    parts: list[dict[str, str]] = []
    at = 0
    for mark in _CITE.finditer(text):
        parts.append({"text": text[at : mark.start()]})
        parts.append({"cite": mark.group(1)})
        at = mark.end()
    parts.append({"text": text[at:]})
    citations = []
    for cit in answer.get("citations", []):
        m = _CODE_LOCATOR.match(str(cit.get("locator", "")))
        system = str(cit.get("release", "")).split(" ", 1)[0]
        citations.append(
            {
                **cit,
                "code": m.group(1) if m else None,
                "system": system if system in SYSTEMS else None,
            }
        )
    codes = []
    for named in answer.get("codes", []):
        code = str(named.get("code", ""))
        in_system = next((s for s in named.get("systems", []) if s in SYSTEMS), None)
        if code:
            dotted = in_system == "icd10cm" and len(code) > 3 and "." not in code
            shown = f"{code[:3]}.{code[3:]}" if dotted else code
            codes.append({"code": code, "shown": shown, "system": in_system})
    return {**answer, "parts": parts, "cited": citations, "code_links": codes, "prefix": prefix}


def _conversation_view(db: Session, user: User, conv: Conversation) -> list[dict[str, Any]]:
    turns: list[dict[str, Any]] = []
    for msg in repo.messages(db, user.id, conv.id):
        turn: dict[str, Any] = {"id": msg.id, "role": msg.role, "text": msg.text}
        if msg.answer_json:
            turn["answer"] = answer_view(json.loads(msg.answer_json), prefix=f"m{msg.id}")
        turns.append(turn)
    return turns


# -- pages ----------------------------------------------------------------------------------------
def _page(
    request: Request,
    db: Session,
    user: User | None,
    extra: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    data: dict[str, Any] = {
        "examples": EXAMPLES,
        "conversations": repo.conversations(db, user.id) if user is not None else [],
        "model_mode": model_config(ctx(request)) is not None,
        **(extra or {}),
    }
    return render(request, "assistant/ask.html", data, status_code=status_code)


@router.get("/ask", response_class=HTMLResponse, name="assistant")
def ask_page(
    request: Request, user: User | None = Depends(current_user), db: Session = Depends(get_db)
) -> Response:
    return _page(request, db, user)


@router.post("/ask", response_class=HTMLResponse, name="ask_submit")
def ask_submit(
    request: Request,
    question: Annotated[str, Form()] = "",
    date: Annotated[str, Form(pattern=r"^(\d{4}-\d{2}-\d{2})?$")] = "",
    conversation_id: Annotated[int | None, Form()] = None,
    user: User | None = Depends(current_user),
    db: Session = Depends(get_db),
) -> Response:
    c = ctx(request)
    question = question.strip()
    form: dict[str, Any] = {"question": question, "date": date, "conversation_id": conversation_id}
    conv = None
    if conversation_id is not None:
        conv = _owned(db, require_user(user), conversation_id)
        form["conversation"] = conv
        form["turns"] = _conversation_view(db, require_user(user), conv)
    if not question:
        return _page(request, db, user, {**form, "problem": "Type a question."}, 422)
    limit = c.settings.max_question_chars
    if len(question) > limit:
        problem = f"The question has {len(question):,} characters; the limit is {limit:,}."
        return _page(request, db, user, {**form, "problem": problem}, 413)
    try:
        count_guest_question(request, user)
    except GuestQuestionLimit as exc:
        return _page(request, db, user, {**form, "limited": exc.to_dict()}, 429)
    try:
        found = answer(c, question, date or None)
    except ChartcodeError as exc:
        status = 502 if exc.code == "model_error" else 400
        return _page(request, db, user, {**form, "problem": str(exc)}, status)
    if user is None:
        return _page(request, db, user, {**form, "answer": answer_view(found)})
    saved = repo.add_exchange(db, user.id, conv.id if conv else None, question, found)
    target = request.url_for("conversation", conversation_id=saved.id)
    return RedirectResponse(f"{target}#latest", status_code=303)


@router.get(
    "/ask/conversations/{conversation_id}", response_class=HTMLResponse, name="conversation"
)
def conversation_page(
    request: Request,
    conversation_id: int,
    user: User = Depends(require_user),
    db: Session = Depends(get_db),
) -> Response:
    conv = _owned(db, user, conversation_id)
    extra = {"conversation": conv, "turns": _conversation_view(db, user, conv)}
    return _page(request, db, user, extra)


@router.post("/ask/conversations/{conversation_id}/delete", name="delete_conversation")
def delete_conversation(
    request: Request,
    conversation_id: int,
    user: User = Depends(require_user),
    db: Session = Depends(get_db),
) -> Response:
    if not repo.delete_conversation(db, user.id, conversation_id):
        raise NotFound("no such conversation")
    return RedirectResponse(request.url_for("assistant"), status_code=303)


# -- JSON -----------------------------------------------------------------------------------------
class AskIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    question: str = Field(
        description="A coding question; at most max_question_chars (2,000) characters, else 413."
    )
    date: str | None = Field(
        default=None,
        pattern=r"^\d{4}-\d{2}-\d{2}$",
        description="Date of service, YYYY-MM-DD (default: today).",
    )
    conversation_id: int | None = Field(
        default=None,
        description="Continue one of your conversations (signed in); none starts a new one.",
    )

    @field_validator("question")
    @classmethod
    def _not_empty(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("the question is empty")
        return value


def asker(request: Request, db: Session = Depends(get_db)) -> User | None:
    """A bearer token's user; else the session's user if the call carries its CSRF token."""
    user = api_user(request, db)
    if user is not None:
        return user
    expected = request.scope.get("session", {}).get("csrf")
    sent = request.headers.get(CSRF_HEADER)
    if expected and sent and hmac.compare_digest(str(expected), sent):
        return current_user(request, db)
    return None


def wants_stream(request: Request) -> bool:
    if request.query_params.get("stream", "").lower() in ("1", "true", "yes"):
        return True
    return "text/event-stream" in request.headers.get("accept", "")


def sse(event: str, data: dict[str, Any]) -> str:
    """One server-sent event; JSON has no raw newline, so the data is one line."""
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def _events(
    c: WebContext, question: str, on: str | None, user_id: int | None, conversation_id: int | None
) -> Iterator[str]:
    try:
        for chunk in chunks(c, question, on):
            if chunk["type"] == "done":
                chunk["conversation_id"] = None
                if user_id is not None:
                    with c.sessions() as db:
                        saved = repo.add_exchange(
                            db, user_id, conversation_id, question, chunk["answer"]
                        )
                        chunk["conversation_id"] = saved.id
            yield sse(str(chunk["type"]), chunk)
    except ChartcodeError as exc:  # a model endpoint that fails mid-answer, a missing store
        yield sse("error", {"type": "error", **exc.to_dict()})
    except Exception as exc:  # noqa: BLE001 (the stream has started: report it as an event)
        log.error("unexpected %s in /api/ask stream", type(exc).__name__)
        body = {"error": "internal_error", "message": "something went wrong on the server"}
        yield sse("error", {"type": "error", **body})


@api.post(
    "/ask",
    name="api_ask",
    responses={200: {"content": {"text/event-stream": {}}}},
)
def ask_json(
    request: Request,
    body: AskIn,
    user: User | None = Depends(asker),
    db: Session = Depends(get_db),
) -> Response:
    """Ask a coding question: the answer with a citation (file, release, row) for every fact.

    Answers ``chartcode ask --json``'s object plus ``conversation_id`` (where a signed-in
    caller's question was saved; null for guests). With ``Accept: text/event-stream`` (or
    ``?stream=1``) the answer streams as server-sent events, one per chunk: ``tool_call``
    ``{name, arguments, ok, summary}``, ``text`` ``{text}`` sentence by sentence, then ``done``
    ``{answer, conversation_id}``, or ``error`` ``{error, message}``. Over the question limit:
    413; empty: 422; a guest past the hourly limit: 429; another user's conversation: 404.
    """
    c = ctx(request)
    check_question(c, body.question)
    if body.conversation_id is not None:
        if user is None:
            raise NotFound("no such conversation")
        _owned(db, user, body.conversation_id)
    count_guest_question(request, user)
    user_id = user.id if user is not None else None
    if wants_stream(request):
        return StreamingResponse(
            _events(c, body.question, body.date, user_id, body.conversation_id),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
        )
    found = answer(c, body.question, body.date)
    saved = None
    if user is not None:
        saved = repo.add_exchange(db, user.id, body.conversation_id, body.question, found).id
    return JSONResponse({**found, "conversation_id": saved})


def _conversation(conv: Conversation) -> dict[str, object]:
    return {
        "id": conv.id,
        "title": conv.title,
        "created_at": conv.created_at.isoformat(),
        "updated_at": conv.updated_at.isoformat(),
    }


@api.get("/conversations", name="api_conversations")
def conversations_json(
    user: User = Depends(require_api_user), db: Session = Depends(get_db)
) -> list[dict[str, object]]:
    """Your conversations with the assistant, the most recent first (at most 100)."""
    return [_conversation(conv) for conv in repo.conversations(db, user.id)]


@api.get("/conversations/{conversation_id}", name="api_conversation")
def conversation_json(
    conversation_id: int, user: User = Depends(require_api_user), db: Session = Depends(get_db)
) -> dict[str, object]:
    """One of your conversations: its messages in order, each answer as ``/api/ask`` gave it."""
    conv = _owned(db, user, conversation_id)
    messages = [
        {
            "id": m.id,
            "role": m.role,
            "text": m.text,
            "answer": json.loads(m.answer_json) if m.answer_json else None,
            "created_at": m.created_at.isoformat(),
        }
        for m in repo.messages(db, user.id, conv.id)
    ]
    return {**_conversation(conv), "messages": messages}


@api.delete("/conversations/{conversation_id}", status_code=204, name="api_delete_conversation")
def delete_conversation_json(
    conversation_id: int, user: User = Depends(require_api_user), db: Session = Depends(get_db)
) -> Response:
    if not repo.delete_conversation(db, user.id, conversation_id):
        raise NotFound("no such conversation")
    return Response(status_code=204)
