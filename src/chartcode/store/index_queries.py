"""Read-only queries the index walk needs over ``index_term`` and ``index_cell`` (schema 1).

Contract: ``IndexQueries(conn)`` answers four questions about one index release: its main
terms, the terms nested under a term, one term by id, and the printed cells of a Neoplasm or
Drug table row with their column headings. Rows come back as frozen dataclasses, children in
document order. The store is read-only and swapped whole, so answers are cached for the life
of the connection: the walk asks for the same main terms and the same large parents (the
Neoplasm table's ~600 sites) on every query.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

# The columns every term row is read with, in TermRow's field order.
_TERM_COLUMNS = (
    "id, parent_id, level, title, nemod, code, code_kind, code_key, manif, see, see_also"
)

# Children lists kept per connection. The four ICD-10-CM index files hold about 4,000
# parents between them; the bound only guards against a caller walking the PCS index too.
_CHILDREN_CACHE_LIMIT = 20_000


@dataclass(frozen=True, slots=True)
class TermRow:
    """One index term as stored: title without its nonessential modifiers, which are apart."""

    id: int
    parent_id: int | None
    level: int
    title: str
    nemod: str | None
    code: str | None
    code_kind: str | None
    code_key: str | None
    manif: str | None
    see: str | None
    see_also: str | None


@dataclass(frozen=True, slots=True)
class CellRow:
    """A printed cell of a table row: its column number, heading and code as printed."""

    col: int
    heading: str
    code: str
    code_key: str


class IndexQueries:
    """Small lookups over one store's index tables for ``services.index_walk``."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._main_terms: dict[int, list[TermRow]] = {}
        self._children: dict[tuple[int, int], list[TermRow]] = {}

    def main_terms(self, release_id: int) -> list[TermRow]:
        """Every main term (level 0) of a release, in document order; read once, then cached.

        Why all of them rather than "those whose first word is W": no index covers the title
        (see the report on schema indexes), a release holds at most ~5,000 main terms (the
        Drug table), and the walk keys them by every printed alternative ("Fall, falling",
        "Diabetes, diabetic"), which a first-word range query could not find.
        """
        cached = self._main_terms.get(release_id)
        if cached is None:
            rows = self.conn.execute(
                f"SELECT {_TERM_COLUMNS} FROM index_term"
                " WHERE release_id = ? AND parent_id IS NULL ORDER BY id",
                (release_id,),
            )
            cached = [TermRow(*r) for r in rows]
            self._main_terms[release_id] = cached
        return cached

    def children(self, release_id: int, parent_id: int) -> list[TermRow]:
        """Terms nested directly under ``parent_id``, in document order.

        ``INDEXED BY`` because, with no ``sqlite_stat1``, SQLite prefers a scan of the whole
        release by primary key (0.36 ms for "Fall" in the External Cause Index) over the
        parent index (0.03 ms).
        """
        key = (release_id, parent_id)
        cached = self._children.get(key)
        if cached is None:
            rows = self.conn.execute(
                f"SELECT {_TERM_COLUMNS} FROM index_term INDEXED BY index_term_parent"
                " WHERE release_id = ? AND parent_id = ? ORDER BY id",
                (release_id, parent_id),
            )
            cached = [TermRow(*r) for r in rows]
            if len(self._children) >= _CHILDREN_CACHE_LIMIT:
                self._children.clear()
            self._children[key] = cached
        return cached

    def term(self, release_id: int, term_id: int) -> TermRow | None:
        """One term by its id within a release."""
        row = self.conn.execute(
            f"SELECT {_TERM_COLUMNS} FROM index_term WHERE release_id = ? AND id = ?",
            (release_id, term_id),
        ).fetchone()
        return TermRow(*row) if row else None

    def cells(self, release_id: int, term_id: int) -> list[CellRow]:
        """The printed cells of a Neoplasm or Drug table row, by column (none for "--")."""
        rows = self.conn.execute(
            "SELECT col, heading, code, code_key FROM index_cell"
            " WHERE release_id = ? AND term_id = ? ORDER BY col",
            (release_id, term_id),
        )
        return [CellRow(*r) for r in rows]
