"""The ICD-10-CM Tabular List of one release, held in memory for coding a batch of cases.

Contract: ``Tabular.load(store, release_id)`` reads every node (title, parent, billable) and the
notes suggest needs (Excludes1, code first, use additional, 7th characters) in a few queries,
so assembly and validation never go back to SQLite per mention. Codes are compact (``E119``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from chartcode.store.reference import ReferenceStore

NOTE_KINDS = ("excludes1", "code_first", "use_additional")
_CODE = r"[A-Z][0-9][0-9A-Z](?:\.?[0-9A-Z]{1,4})?"
# A code, a range ("O10-O11") or a category with a dash ("H35.0-").
_REF = re.compile(rf"\b({_CODE})(?:\s*-\s*({_CODE})|-)?")


@dataclass(frozen=True, slots=True)
class CodeRef:
    """A code or range printed in a note: ``E11.-`` (a category), ``O10-O11`` (a range)."""

    first: str  # compact
    last: str | None = None

    def covers(self, code: str) -> bool:
        if self.last is None:
            return code.startswith(self.first)
        return self.first <= code[: len(self.first)] and code[: len(self.last)] <= self.last


def refs_in(text: str) -> list[CodeRef]:
    out = []
    for m in _REF.finditer(text):
        first = m.group(1).replace(".", "")
        last = m.group(2).replace(".", "") if m.group(2) else None
        out.append(CodeRef(first, last))
    return out


@dataclass
class Tabular:
    release_id: int
    version: str
    titles: dict[str, str]
    parents: dict[str, str | None]
    billable: dict[str, bool]
    children: dict[str, list[str]]
    notes: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    seventh: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    @classmethod
    def load(cls, store: ReferenceStore, release_id: int, version: str) -> Tabular:
        titles: dict[str, str] = {}
        parents: dict[str, str | None] = {}
        billable: dict[str, bool] = {}
        children: dict[str, list[str]] = {}
        for code, kind, title, parent, b in store.cm_nodes(release_id):
            if kind == "chapter":
                continue
            titles[code] = title
            parents[code] = parent
            billable[code] = b
            if parent:
                children.setdefault(parent, []).append(code)
        notes: dict[str, list[tuple[str, str]]] = {}
        for code, kind, text in store.cm_notes_of_kinds(release_id, NOTE_KINDS):
            notes.setdefault(code, []).append((kind, text))
        seventh: dict[str, list[tuple[str, str]]] = {}
        for code, char, meaning in store.cm_seventh_all(release_id):
            seventh.setdefault(code, []).append((char, meaning))
        return cls(release_id, version, titles, parents, billable, children, notes, seventh)

    def __contains__(self, code: str) -> bool:
        return code in self.titles

    def ancestry(self, code: str) -> list[str]:
        out: list[str] = []
        current: str | None = code
        while current and current in self.titles:
            out.append(current)
            current = self.parents.get(current)
        return out

    def notes_up(self, code: str, kind: str) -> list[str]:
        """Notes of one kind printed at the code or an ancestor, nearest first."""
        return _notes_up(self, code, kind)

    def seventh_of(self, code: str) -> list[tuple[str, str]]:
        for c in self.ancestry(code):
            if c in self.seventh:
                return self.seventh[c]
        return []

    def __hash__(self) -> int:
        return self.release_id


@lru_cache(maxsize=65536)
def _notes_up(tab: Tabular, code: str, kind: str) -> list[str]:
    out: list[str] = []
    for c in tab.ancestry(code):
        out += [t for k, t in tab.notes.get(c, ()) if k == kind]
        # Block-level notes ("I10-I1A") are keyed by the range; they sit above categories.
    return out
