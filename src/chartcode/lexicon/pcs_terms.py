"""Procedure names and synonyms the project writes, mapped to ICD-10-PCS axis values.

Contract: ``procedure_terms()`` reads ``data/pcs_procedure_terms.tsv`` (header ``term,
section, body_system, operation, body_part, approach, device, qualifier, note``) into
``ProcedureTerm`` rows. Each axis cell holds a PCS character, several separated by ``|``
when the name leaves a choice the text decides ("C|D": right or left knee), or nothing when
the name does not decide that axis. ``patterns()`` gives every combination as a 7-character
partial code (``?`` where open) so the rows can be checked against the Tables: every
combination must be the start of some valid code. The file is the project's own writing; the
official index is read from the store, not from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from itertools import product

from chartcode.lexicon.tsv import LexiconDataError, rows

FILENAME = "pcs_procedure_terms.tsv"
HEADER = (
    "term",
    "section",
    "body_system",
    "operation",
    "body_part",
    "approach",
    "device",
    "qualifier",
    "note",
)
# ICD-10-PCS values are digits and upper-case letters except I and O.
_VALUE_CHARS = frozenset("0123456789ABCDEFGHJKLMNPQRSTUVWXYZ")


@dataclass(frozen=True, slots=True)
class ProcedureTerm:
    """One procedure name: the values it fixes per position (1-7), empty where open."""

    term: str
    values: tuple[tuple[str, ...], ...]  # seven tuples of allowed values
    note: str
    line: int

    @property
    def ref(self) -> str:
        return f"{FILENAME} line {self.line}"

    def allowed(self, position: int) -> tuple[str, ...]:
        return self.values[position - 1]

    def patterns(self) -> list[str]:
        """Every combination of the listed values as a partial code, ``?`` where open."""
        options = [v or ("?",) for v in self.values]
        return ["".join(p) for p in product(*options)]


def _cell(raw: str, line: int, column: str) -> tuple[str, ...]:
    if not raw:
        return ()
    values = tuple(v.strip() for v in raw.split("|"))
    for v in values:
        if len(v) != 1 or v not in _VALUE_CHARS:
            raise LexiconDataError(
                f"{FILENAME} line {line}: {column} {raw!r} is not PCS characters separated by |"
            )
    if len(set(values)) != len(values):
        raise LexiconDataError(f"{FILENAME} line {line}: {column} {raw!r} repeats a value")
    return values


@cache
def procedure_terms() -> tuple[ProcedureTerm, ...]:
    """Every row of the procedure term file, in file order (a term may repeat: see note)."""
    out: list[ProcedureTerm] = []
    for line, fields in rows(FILENAME, HEADER):
        term, *cells, note = fields
        if not term:
            raise LexiconDataError(f"{FILENAME} line {line}: empty term")
        values = tuple(_cell(c, line, HEADER[i + 1]) for i, c in enumerate(cells))
        if not values[0]:
            raise LexiconDataError(f"{FILENAME} line {line}: a term must fix the section")
        out.append(ProcedureTerm(term, values, note, line))
    return tuple(out)
