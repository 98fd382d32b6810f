"""The ICD-10-PCS releases a build reads, as of a date of service, and its cached answers.

Contract: ``tables_view(store, on)`` picks the tables release in force on the date (and the
definitions and index releases in force, when loaded), or raises ``ReleaseNotFound`` when no
PCS tables are loaded. ``TablesView.choices(pattern, pos)`` is the one source of the values a
partial code may take (see ``store.pcs_queries``); answers are cached for the life of the
view, which a build and the interactive walk that follows it share.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from datetime import date

from chartcode.errors import ReleaseNotFound
from chartcode.services.pcs.official_words import OfficialWords, official_words
from chartcode.services.releases import in_force
from chartcode.store.pcs_queries import PcsChoice, PcsQueries, PcsTableHead
from chartcode.store.reference import ReferenceStore, ReleaseRow

# Distinct (pattern, position) answers kept per view; a build asks a few dozen.
_CHOICE_CACHE_LIMIT = 4096

_QUERIES: weakref.WeakKeyDictionary[ReferenceStore, PcsQueries] = weakref.WeakKeyDictionary()


def pcs_queries(store: ReferenceStore) -> PcsQueries:
    """The store's ``PcsQueries`` (``store.pcs`` once attached), one per store."""
    attached = getattr(store, "pcs", None)
    if isinstance(attached, PcsQueries):
        return attached
    found = _QUERIES.get(store)
    if found is None:
        found = _QUERIES[store] = PcsQueries(store.conn)
    return found


@dataclass
class TablesView:
    """One tables release (with its definitions and index) and the answers read from it."""

    queries: PcsQueries
    release: ReleaseRow
    on: date
    words: OfficialWords
    warnings: tuple[str, ...] = ()
    _choices: dict[tuple[str, int], list[PcsChoice]] = field(default_factory=dict, repr=False)

    def choices(self, pattern: str, pos: int) -> list[PcsChoice]:
        key = (pattern, pos)
        found = self._choices.get(key)
        if found is None:
            if len(self._choices) >= _CHOICE_CACHE_LIMIT:
                self._choices.clear()
            found = self._choices[key] = self.queries.choices(self.release.id, pattern, pos)
        return found

    def head(self, prefix: str) -> PcsTableHead | None:
        return self.queries.table(self.release.id, prefix)

    def heads(self) -> dict[str, PcsTableHead]:
        return self.queries.tables(self.release.id)

    def is_valid(self, code: str) -> bool:
        return self.queries.code_row(self.release.id, code) is not None


def tables_view(store: ReferenceStore, on: date) -> TablesView:
    """The view of the PCS releases in force on ``on`` (see the module contract)."""
    tables = in_force(store, "icd10pcs", "tables", on)
    if tables is None:
        raise ReleaseNotFound(
            "no ICD-10-PCS tables are loaded: run `chartcode data import` with the PCS tables file"
        )
    defs = in_force(store, "icd10pcs", "definitions", on)
    index = in_force(store, "icd10pcs", "index", on)
    queries = pcs_queries(store)
    words = official_words(
        queries,
        defs.release.id if defs else None,
        index.release.id if index else None,
    )
    warnings = (tables.warning,) if tables.warning else ()
    return TablesView(queries, tables.release, on, words, warnings)
