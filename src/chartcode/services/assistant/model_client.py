"""Model mode: an OpenAI-compatible chat endpoint answers, calling the same tools.

Contract: ``ModelConfig`` names the endpoint (``url`` is the API base, e.g.
``http://localhost:8000/v1``; requests go to ``{url}/chat/completions``), the ``model`` and an
optional ``api_key`` (sent as a bearer token). ``run(ctx, question, config)`` sends the
question with the tools' function declarations, runs every tool call the model asks for and
returns the results as ``tool`` messages, at most ``max_steps`` rounds; then it checks the
final text: every code it names is looked up in the store for the date of service and flagged
when unknown, not valid or not billable, and an answer that cites none of the tool results is
flagged. Citations are the tool results' (the model is asked to write their ids as ``[c1]``).
``run`` yields ``Chunk``s as it goes (tool calls, then the text, then ``done``).

Errors talking to the endpoint (refused connection, HTTP error, a reply that is not a chat
completion) raise ``ModelError``; nothing here reaches any network but the configured URL.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from chartcode.errors import ChartcodeError
from chartcode.services.assistant.answer import Answer, Chunk, ToolCall
from chartcode.services.assistant.classifier import find_codes
from chartcode.services.assistant.tools import ToolContext, available, call

SYSTEM_PROMPT = (
    "You are chartcode's coding assistant for professional medical coders. Answer only from "
    "the results of the tools you are given (official ICD-10-CM, ICD-10-PCS, CPT/HCPCS and "
    "CMS Medicare files, and the Official Guidelines). Every fact you state must end with the "
    "citation id the tool result gave it, written like [c3]. If the tools do not answer the "
    "question, say so and say which data would. Write codes in their conventional form "
    "(E11.40). Date of service: {date}."
)


class ModelError(ChartcodeError):
    """The model endpoint could not be reached or did not answer as an OpenAI chat API."""

    code = "model_error"
    exit_code = 3


@dataclass(frozen=True, slots=True)
class ModelConfig:
    url: str
    model: str
    api_key: str | None = None
    max_steps: int = 6
    timeout: float = 60.0
    temperature: float = 0.0

    @classmethod
    def from_env(
        cls, url: str | None = None, model: str | None = None, api_key: str | None = None
    ) -> ModelConfig | None:
        """The configuration from flags, else the environment; None when no URL is set.

        Environment: ``CHARTCODE_MODEL_URL``, ``CHARTCODE_MODEL``, ``CHARTCODE_API_KEY``
        (``OPENAI_API_KEY`` as a fallback for the key).
        """
        url = url or os.environ.get("CHARTCODE_MODEL_URL")
        if not url:
            return None
        return cls(
            url=url.rstrip("/"),
            model=model or os.environ.get("CHARTCODE_MODEL") or "default",
            api_key=api_key
            or os.environ.get("CHARTCODE_API_KEY")
            or os.environ.get("OPENAI_API_KEY"),
        )


def _post(config: ModelConfig, payload: dict[str, Any]) -> dict[str, Any]:
    import httpx

    headers = {"Content-Type": "application/json"}
    if config.api_key:
        headers["Authorization"] = f"Bearer {config.api_key}"
    try:
        resp = httpx.post(
            f"{config.url}/chat/completions", json=payload, headers=headers,
            timeout=config.timeout,
        )  # fmt: skip
    except httpx.HTTPError as exc:
        raise ModelError(f"model endpoint {config.url} unreachable: {exc}") from exc
    if resp.status_code >= 400:
        raise ModelError(
            f"model endpoint {config.url} answered HTTP {resp.status_code}: {resp.text[:200]}"
        )
    try:
        body: dict[str, Any] = resp.json()
        _ = body["choices"][0]["message"]
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise ModelError(f"model endpoint {config.url} did not return a chat completion") from exc
    return body


def verify_codes(ctx: ToolContext, text: str) -> tuple[list[dict[str, Any]], list[str]]:
    """Every code the text names, checked against the store for the date of service."""
    checked: list[dict[str, Any]] = []
    flags: list[str] = []
    for mention in find_codes(text):
        out = call(ctx, "lookup_code", {"code": mention.code})
        if not out.ok:
            checked.append({"code": mention.written, "status": "unknown"})
            flags.append(
                f"{mention.written} is not a code in any loaded code set for {ctx.on.isoformat()}"
            )
            continue
        d = out.data
        status = "valid" if d["billable"] else d["validity"]
        checked.append({"code": d["code"], "system": d["system"], "status": status,
                        "title": d["title"], "cite": d["cite"]})  # fmt: skip
        if not d["billable"]:
            why = d.get("validity_message") or d.get("billable_reason") or d["validity"]
            flags.append(f"{d['code']} is not valid for billing on {ctx.on.isoformat()}: {why}")
    return checked, flags


def run(ctx: ToolContext, question: str, config: ModelConfig) -> Iterator[Chunk]:
    tools = available(ctx)
    messages: list[dict[str, Any]] = [
        {"role": "system", "content": SYSTEM_PROMPT.format(date=ctx.on.isoformat())},
        {"role": "user", "content": question},
    ]
    calls: list[ToolCall] = []
    flags: list[str] = []
    text = ""
    for step in range(config.max_steps + 1):
        payload: dict[str, Any] = {
            "model": config.model,
            "messages": messages,
            "temperature": config.temperature,
        }
        if step < config.max_steps:
            payload["tools"] = [t.schema() for t in tools]
            payload["tool_choice"] = "auto"
        message = _post(config, payload)["choices"][0]["message"]
        requested = message.get("tool_calls") or []
        if not requested or step == config.max_steps:
            text = message.get("content") or ""
            if requested:
                flags.append(f"the model still asked for tools after {config.max_steps} steps")
            break
        messages.append(
            {"role": "assistant", "content": message.get("content"), "tool_calls": requested}
        )
        for tc in requested:
            fn = tc.get("function") or {}
            name = fn.get("name", "")
            try:
                args = json.loads(fn.get("arguments") or "{}")
                if not isinstance(args, dict):
                    raise ValueError("arguments are not an object")
            except ValueError as exc:
                out_data: dict[str, Any] = {"error": f"arguments are not JSON: {exc}"}
                ok, summary, args = False, "bad arguments", {}
            else:
                out = call(ctx, name, args)
                out_data, ok, summary = out.data, out.ok, out.summary
                for warning in out.data.get("release_warnings") or []:
                    if warning not in flags:
                        flags.append(warning)
            record = ToolCall(name, args, ok, summary)
            calls.append(record)
            yield Chunk("tool_call", {"name": name, "arguments": args, "ok": ok,
                                      "summary": summary})  # fmt: skip
            messages.append(
                {
                    "role": "tool",
                    "tool_call_id": tc.get("id", ""),
                    "content": json.dumps({"ok": ok, **out_data}, default=str),
                }
            )
    codes, code_flags = verify_codes(ctx, text)
    flags += code_flags
    unknown_ids = set(re.findall(r"\[(c\d+)\]", text)) - {c.id for c in ctx.book.all()}
    text, cited = ctx.book.renumber(text)
    if unknown_ids:
        flags.append(f"the answer cites ids no tool returned: {', '.join(sorted(unknown_ids))}")
    if not cited:
        flags.append("the answer cites no tool result: check it against the data")
    for piece in re.split(r"(?<=[.!?])\s+", text):
        if piece:
            yield Chunk("text", {"text": piece + " "})
    answer = Answer(
        question=question,
        text=text,
        kind="model",
        mode="model",
        date_of_service=ctx.on.isoformat(),
        citations=cited,
        tool_calls=calls,
        flags=flags,
        codes=codes,
        answered=bool(text.strip()),
    )
    yield Chunk("done", {"answer": answer.to_dict()})
