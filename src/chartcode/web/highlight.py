"""Evidence highlighting: a text cut into plain and marked segments by character offsets.

Templates render the segments (``<mark>`` for evidence), so no HTML is ever built from the
note's text by hand and everything stays escaped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Segment:
    text: str
    label: str | None = None  # the code(s) whose evidence this is; None for plain text


def evidence_spans(answer: Any) -> list[tuple[int, int, str]]:
    """(start, end, code) for every evidence span of the suggested codes of a case.

    ``answer`` is the case coding JSON (``chartcode suggest --json``): ``codes[*].evidence``
    hold offsets into the case text. Excluded mentions are not evidence and are not marked.
    """
    spans: list[tuple[int, int, str]] = []
    if not isinstance(answer, dict):
        return spans
    for item in answer.get("codes") or []:
        if not isinstance(item, dict) or not isinstance(item.get("code"), str):
            continue
        for ev in item.get("evidence") or []:
            start, end = ev.get("start"), ev.get("end")
            if isinstance(start, int) and isinstance(end, int) and 0 <= start < end:
                spans.append((start, end, item["code"]))
    return spans


def highlight(text: str, spans: list[tuple[int, int, str]]) -> list[Segment]:
    """The text as segments; overlapping spans merge and carry every code they back."""
    if not spans:
        return [Segment(text)]
    merged: list[tuple[int, int, list[str]]] = []
    for start, end, code in sorted(spans):
        end = min(end, len(text))
        if start >= end:
            continue
        if merged and start < merged[-1][1]:
            s, e, codes = merged[-1]
            merged[-1] = (s, max(e, end), codes + ([code] if code not in codes else []))
        else:
            merged.append((start, end, [code]))
    out: list[Segment] = []
    pos = 0
    for start, end, codes in merged:
        if start > pos:
            out.append(Segment(text[pos:start]))
        out.append(Segment(text[start:end], ", ".join(codes)))
        pos = end
    if pos < len(text):
        out.append(Segment(text[pos:]))
    return out
