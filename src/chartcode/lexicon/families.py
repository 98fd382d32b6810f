"""CPT families by numeric range and HCPCS Level II families by first letter.

The ranges are facts about how the code sets are numbered; the names and meanings are the
project's own words (no AMA heading is reproduced). A code page uses them to say what kind of
service a code is when all the loaded files give is a terse CMS short descriptor.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from chartcode.lexicon.tsv import exists, rows

CPT_FILE = "cpt_families.tsv"
HCPCS_FILE = "hcpcs_families.tsv"
LEVELS = ("section", "subsection", "family")


@dataclass(frozen=True, slots=True)
class Family:
    start: str
    end: str
    level: str  # section | subsection | family (HCPCS letters are sections)
    name: str
    meaning: str
    file: str
    line: int

    @property
    def range(self) -> str:
        return self.start if self.start == self.end else f"{self.start}-{self.end}"


def _kind(code: str) -> str:
    """Category of a CPT-shaped code: '' for Category I digits, else its letter (F, T, U, M)."""
    return "" if code.isdigit() else code[-1]


@cache
def cpt_families() -> tuple[Family, ...]:
    if not exists(CPT_FILE):
        return ()
    header = ("start", "end", "level", "name", "meaning")
    return tuple(
        Family(start, end, level, name, meaning, CPT_FILE, n)
        for n, (start, end, level, name, meaning) in rows(CPT_FILE, header)
    )


@cache
def hcpcs_families() -> dict[str, Family]:
    header = ("letter", "name", "meaning")
    return {
        letter: Family(letter, letter, "section", name, meaning, HCPCS_FILE, n)
        for n, (letter, name, meaning) in rows(HCPCS_FILE, header)
    }


def cpt_family_chain(code: str) -> list[Family]:
    """Every family whose range holds ``code``, broadest first (section, subsection, family)."""
    code = code.upper()
    kind = _kind(code)
    found = [
        f
        for f in cpt_families()
        if _kind(f.start) == kind == _kind(f.end) and f.start <= code <= f.end
    ]
    return sorted(found, key=lambda f: (LEVELS.index(f.level), f.start, f.end))


def hcpcs_family(code: str) -> Family | None:
    return hcpcs_families().get(code[:1].upper())
