"""Sentence splitting that survives clinical punctuation.

Contract: ``split(text)`` returns ``Span``s (start, end offsets into ``text``, whitespace
trimmed) covering every sentence in order. A sentence ends at a line break (unless the next line
continues a hard-wrapped sentence in lower case) and at ``.``, ``!`` or ``?`` followed by a
space and a capital or a digit, except after a known abbreviation ("Dr.", "b.i.d.", "e.g."), a
single initial, or a list number ("1."). Decimals ("7.5 mg") never split because no space
follows the point.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Words that end in a full stop without ending the sentence (compared in lower case, without
# the final point). Dosing abbreviations are written with inner points ("b.i.d") as well.
ABBREVIATIONS = frozenset(
    [
        "dr",
        "mr",
        "mrs",
        "ms",
        "prof",
        "st",
        "sr",
        "jr",
        "vs",
        "approx",
        "appt",
        "apt",
        "dept",
        "est",
        "fig",
        "figs",
        "no",
        "nos",
        "op",
        "pt",
        "pts",
        "ref",
        "resp",
        "temp",
        "vol",
        "wk",
        "wks",
        "yr",
        "yrs",
        "mo",
        "mos",
        "min",
        "max",
        "mg",
        "ml",
        "kg",
        "cm",
        "mm",
        "dl",
        "hr",
        "hrs",
        "sec",
        "inc",
        "ltd",
        "co",
        "corp",
        "e.g",
        "i.e",
        "etc",
        "cf",
        "al",
        "viz",
        "b.i.d",
        "t.i.d",
        "q.i.d",
        "q.d",
        "q.h",
        "q.o.d",
        "p.o",
        "p.r.n",
        "h.s",
        "a.c",
        "p.c",
        "i.v",
        "i.m",
        "s.c",
        "bid",
        "tid",
        "qid",
        "qd",
        "prn",
        "po",
        "iv",
        "im",
        "sc",
        "sq",
        "subq",
        "hs",
        "ac",
        "pc",
        "qhs",
        "qam",
        "qpm",
    ]
)

_END = re.compile(r"[.!?]+(?=\s+[\"'(\[]?[A-Z0-9])")
_LIST_ITEM = re.compile(r"^\s*(?:\d{1,2}|[a-zA-Z])$")
_WORD_BEFORE = re.compile(r"(\S+)$")


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int


def split(text: str) -> list[Span]:
    """The sentences of ``text`` as trimmed spans, in order."""
    spans: list[Span] = []
    for start, end in _lines(text):
        spans.extend(_sentences(text, start, end))
    return spans


def _lines(text: str) -> list[tuple[int, int]]:
    """Line spans, with hard-wrapped continuation lines joined to the line before."""
    out: list[tuple[int, int]] = []
    pos = 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        start, end = pos, pos + len(body)
        pos += len(line)
        if not body.strip():
            continue
        if out and _continues(text[out[-1][0] : out[-1][1]], body):
            out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def _continues(previous: str, line: str) -> bool:
    """A line that starts in lower case after one that stopped mid-sentence is the same one."""
    stripped = line.lstrip()
    prev = previous.rstrip()
    if not stripped or not prev or not stripped[0].islower():
        return False
    return prev[-1] not in ".:;!?" and not prev.lstrip().startswith(("-", "*", "•"))


def _sentences(text: str, start: int, end: int) -> list[Span]:
    chunk = text[start:end]
    out: list[Span] = []
    begin = 0
    for m in _END.finditer(chunk):
        before = chunk[begin : m.start()]
        if m.group() == "." and _keeps_going(before):
            continue
        out.append(Span(start + begin, start + m.end()))
        begin = m.end()
    out.append(Span(start + begin, end))
    return [s for s in (_trim(text, s) for s in out) if s is not None]


def _keeps_going(before: str) -> bool:
    """Whether the point that ends ``before`` belongs to a word, not to the sentence."""
    if _LIST_ITEM.match(before):
        return True
    m = _WORD_BEFORE.search(before)
    if m is None:
        return False
    word = m.group(1).lstrip("([\"'").lower()
    if word in ABBREVIATIONS:
        return True
    return len(word) == 1 and word.isalpha()  # an initial: "J. Smith"


def _trim(text: str, span: Span) -> Span | None:
    s, e = span.start, span.end
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return Span(s, e) if e > s else None
