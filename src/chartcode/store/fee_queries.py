"""Read-only queries the fee calculator needs beyond ``MedicareQueries`` (schema 2 tables).

Contract: ``FeeQueries(conn)`` answers two questions ``MedicareQueries`` does not: which RVU
codes share a prefix with a mistyped code (the "nearest codes" of an unknown-code error), and
one anesthesia row of a release (every row carries the national anesthesia conversion factor
from the file's header). Rows come back decoded like ``MedicareQueries``'s: ``detail`` as a
dict with ``line`` set. Kept apart so the calculator's SQL stays in ``store/``.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any


class FeeQueries:
    """Small lookups over ``pfs_rvu`` and ``pfs_anesthesia`` for ``services.fees``."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def rvu_codes_with_prefix(self, release_id: int, prefix: str, limit: int) -> list[str]:
        """Distinct codes of an RVU release starting with ``prefix``, in code order."""
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return [
            r[0]
            for r in self.conn.execute(
                "SELECT DISTINCT hcpcs FROM pfs_rvu WHERE release_id=? AND hcpcs LIKE ? "
                "ESCAPE '\\' ORDER BY hcpcs LIMIT ?",
                (release_id, escaped + "%", limit),
            )
        ]

    def anesthesia_first(self, release_id: int) -> dict[str, Any] | None:
        """The first locality row of an anesthesia release (for its national factor)."""
        row = self.conn.execute(
            "SELECT line, detail FROM pfs_anesthesia WHERE release_id=? ORDER BY line LIMIT 1",
            (release_id,),
        ).fetchone()
        if row is None:
            return None
        detail: dict[str, Any] = json.loads(row[1])
        detail["line"] = row[0]
        return detail
