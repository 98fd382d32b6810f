"""Read-only queries over the Official Guidelines tables (``guideline_section``, FTS5).

Contract: ``GuidelineQueries(conn)`` returns plain tuples ``(seq, number, title, level,
parent, page_start, page_end, text)``; a store built before the guidelines table existed
answers nothing rather than failing.
"""

from __future__ import annotations

import sqlite3

Row = tuple[int, str, str, int, str | None, int, int, str]
_COLUMNS = "seq, number, title, level, parent, page_start, page_end, text"


class GuidelineQueries:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def _rows(self, sql: str, args: tuple[object, ...]) -> list[Row]:
        try:
            rows: list[Row] = self.conn.execute(sql, args).fetchall()
            return rows
        except sqlite3.OperationalError:  # no such table (old store) or an FTS syntax error
            return []

    def by_number(self, release_id: int, number: str) -> Row | None:
        found = self._rows(
            f"SELECT {_COLUMNS} FROM guideline_section WHERE release_id=? AND number=?",
            (release_id, number),
        )
        return found[0] if found else None

    def children(self, release_id: int, number: str) -> list[Row]:
        return self._rows(
            f"SELECT {_COLUMNS} FROM guideline_section WHERE release_id=? AND parent=?"
            " ORDER BY seq",
            (release_id, number),
        )

    def search(self, release_id: int, match: str, limit: int) -> list[tuple[Row, float]]:
        """Sections matching an FTS5 expression, best first (title weighs more than text)."""
        try:
            rows = self.conn.execute(
                f"SELECT {', '.join('s.' + c.strip() for c in _COLUMNS.split(','))},"
                " bm25(guideline_fts, 0.0, 0.0, 2.0, 6.0, 1.0) AS rank"
                " FROM guideline_fts f JOIN guideline_section s"
                " ON s.release_id = f.release_id AND s.seq = f.seq"
                " WHERE guideline_fts MATCH ? AND f.release_id = ? ORDER BY rank LIMIT ?",
                (match, release_id, limit),
            ).fetchall()
        except sqlite3.OperationalError:
            return []
        return [(r[:8], r[8]) for r in rows]
