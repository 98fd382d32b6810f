"""What the assistant returns: an answer whose every fact points at a citation, in chunks.

Contract: ``Answer.to_dict()`` is the JSON schema of ``chartcode ask --json`` and of the web
endpoint's final chunk. ``Chunk`` is one streamed event: ``tool_call`` (a tool was called,
with its arguments and a one-line summary), ``text`` (the next piece of the answer's text),
``done`` (the whole ``Answer``). Citation ids (``c1``, ``c2``...) appear in the text as
``[c1]`` where the fact they back is stated.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

_CITED = re.compile(r"(.+?) line (\d+) \((.+)\)$")


@dataclass(frozen=True, slots=True)
class Citation:
    """Where a fact comes from: an official file and row, a guideline section, a project row."""

    id: str
    kind: str  # official | guideline | project
    file: str
    release: str
    locator: str  # "line 1986", "code E11.40", "Section I.C.4.a, p. 39"

    def label(self) -> str:
        rel = f" ({self.release})" if self.release else ""
        loc = f", {self.locator}" if self.locator else ""
        return f"{self.file}{rel}{loc}"


@dataclass(frozen=True, slots=True)
class ToolCall:
    name: str
    arguments: dict[str, Any]
    ok: bool
    summary: str


@dataclass(slots=True)
class Answer:
    question: str
    text: str
    kind: str  # the question kind the classifier (or the model) answered
    mode: str  # deterministic | model
    date_of_service: str
    citations: list[Citation] = field(default_factory=list)
    tool_calls: list[ToolCall] = field(default_factory=list)
    # Warnings about the answer itself: data not loaded, a code the model named that is not
    # valid on the date of service, an uncited answer.
    flags: list[str] = field(default_factory=list)
    codes: list[dict[str, Any]] = field(default_factory=list)  # codes named, as verified
    answered: bool = True  # False when the data could not answer (the text says which would)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Chunk:
    type: str  # tool_call | text | done
    data: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.type, **self.data}


class CitationBook:
    """Collects citations, one id each, in the order they are first used."""

    def __init__(self) -> None:
        self._items: dict[tuple[str, str, str, str], Citation] = {}

    def add(self, kind: str, file: str, release: str, locator: str) -> str:
        key = (kind, file, release, locator)
        if key not in self._items:
            self._items[key] = Citation(f"c{len(self._items) + 1}", kind, file, release, locator)
        return self._items[key].id

    def cited(self, text: str) -> str:
        """A billing-layer source written ``FILE line N (system kind version)``."""
        m = _CITED.match(text)
        if m:
            return self.add("official", m.group(1), m.group(3), f"line {m.group(2)}")
        return self.add("official", text, "", "")

    def get(self, cid: str) -> Citation | None:
        return next((c for c in self._items.values() if c.id == cid), None)

    def all(self) -> list[Citation]:
        return list(self._items.values())

    def renumber(self, text: str) -> tuple[str, list[Citation]]:
        """The text with the citations it uses renumbered c1, c2... in order of first use."""
        order: dict[str, str] = {}
        for cid in re.findall(r"\[(c\d+)\]", text):
            if cid not in order and self.get(cid) is not None:
                order[cid] = f"c{len(order) + 1}"
        new_text = re.sub(r"\[(c\d+)\]", lambda m: f"[{order.get(m.group(1), m.group(1))}]", text)
        cited = []
        for old, new in order.items():
            c = self.get(old)
            assert c is not None
            cited.append(Citation(new, c.kind, c.file, c.release, c.locator))
        return new_text, cited

    def used_in(self, text: str) -> list[Citation]:
        """The citations ``text`` refers to as ``[cN]``, in id order."""
        ids = set(re.findall(r"\[(c\d+)\]", text))
        return [c for c in self._items.values() if c.id in ids]
