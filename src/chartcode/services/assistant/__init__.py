"""The coding assistant: a question in, an answer with a citation for every fact out.

Contract: ``Assistant(store, on).ask(question)`` returns an ``Answer``; ``stream(question)``
yields the same answer as ``Chunk``s for a web page to show as they come (``tool_call`` while
the tools run, ``text`` pieces, then ``done`` carrying ``Answer.to_dict()``). Without a model
configuration the deterministic answerer (rules over the official data) answers; with a
``ModelConfig`` an OpenAI-compatible model answers through the same tools, and its codes are
verified against the store. ``suggest`` and ``check_claim`` are the desk's case-coding and
claim-check callables when the installation has them (their tools say unavailable otherwise).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import TYPE_CHECKING, Any

from chartcode.services.assistant import deterministic, model_client
from chartcode.services.assistant.answer import Answer, Chunk, Citation, ToolCall
from chartcode.services.assistant.model_client import ModelConfig, ModelError
from chartcode.services.assistant.tools import ToolContext
from chartcode.store.reference import ReferenceStore

if TYPE_CHECKING:
    from chartcode.services.search import Searcher

__all__ = [
    "Answer",
    "Assistant",
    "Chunk",
    "Citation",
    "ModelConfig",
    "ModelError",
    "ToolCall",
]


class Assistant:
    def __init__(
        self,
        store: ReferenceStore,
        on: date,
        model: ModelConfig | None = None,
        suggest: Callable[..., Any] | None = None,
        check_claim: Callable[..., Any] | None = None,
        searcher: Searcher | None = None,
    ) -> None:
        self.store = store
        self.on = on
        self.model = model
        self.suggest = suggest
        self.check_claim = check_claim
        self.searcher = searcher

    def _context(self) -> ToolContext:
        return ToolContext(
            self.store,
            self.on,
            suggest=self.suggest,
            check_claim=self.check_claim,
            searcher=self.searcher,
        )

    def stream(self, question: str) -> Iterator[Chunk]:
        ctx = self._context()
        if self.model is not None:
            yield from model_client.run(ctx, question, self.model)
            return
        answer = deterministic.answer(ctx, question)
        for tc in answer.tool_calls:
            yield Chunk("tool_call", {"name": tc.name, "arguments": tc.arguments, "ok": tc.ok,
                                      "summary": tc.summary})  # fmt: skip
        for sentence in _sentences(answer.text):
            yield Chunk("text", {"text": sentence})
        yield Chunk("done", {"answer": answer.to_dict()})

    def ask(self, question: str) -> Answer:
        ctx = self._context()
        if self.model is None:
            return deterministic.answer(ctx, question)
        final: dict[str, Any] | None = None
        for chunk in model_client.run(ctx, question, self.model):
            if chunk.type == "done":
                final = chunk.data["answer"]
        assert final is not None
        return answer_from_dict(final)


def _sentences(text: str) -> list[str]:
    import re

    parts = re.split(r"(?<=\.)\s+(?=[A-Z“])", text)
    return [p + (" " if i < len(parts) - 1 else "") for i, p in enumerate(parts) if p]


def answer_from_dict(d: dict[str, Any]) -> Answer:
    """An ``Answer`` back from its ``to_dict()`` (the ``done`` chunk carries the dict)."""
    return Answer(
        question=d["question"],
        text=d["text"],
        kind=d["kind"],
        mode=d["mode"],
        date_of_service=d["date_of_service"],
        citations=[Citation(**c) for c in d["citations"]],
        tool_calls=[ToolCall(**t) for t in d["tool_calls"]],
        flags=list(d["flags"]),
        codes=list(d["codes"]),
        answered=d["answered"],
    )
