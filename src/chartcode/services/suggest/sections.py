"""Section detection: which part of a note each character belongs to.

Contract: ``find(text)`` returns ``Section``s in order, each with its canonical name (from
``lexicon/data/section_headers.tsv``), the header's span and the body's span. Text before the
first header is the ``body`` section. A header is a known heading at the start of a line,
followed by a colon (``Past medical history: ...``, the text may go on on the same line) or
alone on its line in capitals (``ASSESSMENT``). ``section_at`` answers for an offset.

Why it matters: the section decides context a sentence does not state ("Family history:
diabetes" is the family's; "Past medical history" is the patient's past) and which diagnoses a
coder lists first (post-operative and discharge diagnoses over findings).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cache

from chartcode.lexicon.tsv import rows

HEADERS_FILE = "section_headers.tsv"
BODY = "body"

_HEADER_LINE = re.compile(
    r"^[ \t]*(?:[#*\d.)\-]+[ \t]*)?(?P<head>[A-Za-z][A-Za-z /&\-']{0,48}?)[ \t]*(?::|[ \t]*$)",
    re.MULTILINE,
)


@dataclass(frozen=True, slots=True)
class Section:
    name: str
    header: str  # as written ("" for the body before any header)
    start: int  # header start
    body_start: int
    end: int


@cache
def headers() -> dict[str, str]:
    """Lower-case heading -> canonical section name."""
    return {h.lower(): s for _, (h, s) in rows(HEADERS_FILE, ("header", "section"))}


def find(text: str) -> list[Section]:
    known = headers()
    marks: list[tuple[int, int, str, str]] = []  # start, body_start, name, header
    for m in _HEADER_LINE.finditer(text):
        head = m.group("head").strip()
        name = known.get(head.lower())
        if name is None:
            continue
        has_colon = m.group().rstrip().endswith(":")
        if not has_colon and not (head.isupper() and len(head) > 2):
            continue  # "History" alone in lower case is prose, not a heading
        marks.append((m.start("head"), m.end(), name, head))
    out: list[Section] = []
    first = marks[0][0] if marks else len(text)
    if first > 0:
        out.append(Section(BODY, "", 0, 0, first))
    for i, (start, body_start, name, head) in enumerate(marks):
        end = marks[i + 1][0] if i + 1 < len(marks) else len(text)
        out.append(Section(name, head, start, body_start, end))
    return out


def section_at(sections: list[Section], offset: int) -> Section:
    """The section holding ``offset`` (``sections`` as ``find`` returns them, non-empty)."""
    starts = [s.start for s in sections]
    i = max(0, bisect.bisect_right(starts, offset) - 1)
    return sections[i]
