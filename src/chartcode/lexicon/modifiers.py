"""The CPT and HCPCS modifier glossary: what each common modifier means, in the project's words.

``lexicon/data/modifiers.tsv`` is written by the project (not copied from the AMA or CMS):
``modifier, system (cpt | hcpcs), title, meaning``. ``modifier(code)`` returns the entry with
the line it is on, so an answer can cite the row.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from chartcode.lexicon.tsv import rows

FILE = "modifiers.tsv"


@dataclass(frozen=True, slots=True)
class Modifier:
    code: str
    system: str
    title: str
    meaning: str
    line: int

    @property
    def reference(self) -> str:
        return f"{FILE} line {self.line}"


@cache
def glossary() -> dict[str, Modifier]:
    return {
        f[0].upper(): Modifier(f[0].upper(), f[1], f[2], f[3], n)
        for n, f in rows(FILE, ("modifier", "system", "title", "meaning"))
    }


def modifier(code: str) -> Modifier | None:
    return glossary().get(code.strip().upper().lstrip("-"))
