"""Expanding the terse CMS short descriptors of CPT and HCPCS codes into full words.

"Arthrd pre-sac ntrbdy l5-s1" reads as "arthrodesis presacral interbody L5-S1". The
abbreviations are the project's data file ``data/descriptor_abbreviations.tsv``; a token the
file does not know is kept as printed, so expansion never loses a word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from chartcode.lexicon.tsv import exists, rows

FILE = "descriptor_abbreviations.tsv"
TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9/&+-]*|&|\+|<|>")
SPINE_LEVEL = re.compile(r"^[ctls]\d{1,2}(-[cts]?\d{0,2}|-s\d)?$", re.I)


@dataclass(frozen=True, slots=True)
class Expansion:
    token: str
    expansion: str
    line: int


@dataclass(frozen=True, slots=True)
class Expanded:
    text: str
    expansions: tuple[Expansion, ...]


@cache
def abbreviations() -> dict[str, tuple[str, int]]:
    if not exists(FILE):
        return {}
    return {abbr.lower(): (exp, n) for n, (abbr, exp) in rows(FILE, ("abbr", "expansion"))}


def _lookup(token: str) -> tuple[str, int] | None:
    table = abbreviations()
    low = token.lower()
    if low in table:
        return table[low]
    # "ntrbdy/lmbr" is two abbreviations joined by a slash: expand each side.
    if "/" in low and low not in ("w/", "w/o"):
        sides = [table.get(s) for s in low.split("/")]
        if all(sides) and sides:
            return " or ".join(s[0] for s in sides if s), sides[0][1] if sides[0] else 0
    return None


def expand(descriptor: str) -> Expanded:
    out: list[str] = []
    used: list[Expansion] = []
    last = 0
    for m in TOKEN.finditer(descriptor):
        out.append(descriptor[last : m.start()])
        token = m.group()
        found = None if SPINE_LEVEL.match(token) else _lookup(token)
        if found:
            out.append(found[0])
            used.append(Expansion(token, found[0], found[1]))
        elif SPINE_LEVEL.match(token):
            out.append(token.upper())
        else:
            out.append(token.lower() if m.start() == 0 else token)
        last = m.end()
    out.append(descriptor[last:])
    return Expanded("".join(out), tuple(used))
