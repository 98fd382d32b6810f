"""Read-only queries over the Medicare layer tables (schema 2). Rows in, rows out.

Each method takes the release it reads, so the caller's date of service decides the answer.
``detail`` columns come back decoded: the whole published record as a dict of text values.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any


def _decode(rows: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    """Rows of (line, detail) -> the detail dicts with ``line`` set."""
    out = []
    for line, detail in rows:
        d = json.loads(detail)
        d["line"] = line
        out.append(d)
    return out


class MedicareQueries:
    """Queries for HCPCS, CPT descriptors, the fee schedule and NCCI edits."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def rvu(self, release_id: int, code: str, modifier: str = "") -> dict[str, Any] | None:
        rows = self.conn.execute(
            "SELECT line, detail FROM pfs_rvu WHERE release_id=? AND hcpcs=? AND modifier=?",
            (release_id, code, modifier),
        ).fetchall()
        found = _decode(rows)
        return found[0] if found else None

    def rvu_modifiers(self, release_id: int, code: str) -> list[str]:
        """Modifiers with their own RVU row for the code ('' for the global row)."""
        return [
            r[0]
            for r in self.conn.execute(
                "SELECT modifier FROM pfs_rvu WHERE release_id=? AND hcpcs=? ORDER BY modifier",
                (release_id, code),
            )
        ]

    def rvu_neighbours(self, release_id: int, code: str, each_side: int) -> list[tuple[str, str]]:
        """(code, short descriptor) of the codes just before and after ``code`` in the file."""
        sql = (
            "SELECT hcpcs, description FROM pfs_rvu WHERE release_id=? AND modifier=''"
            " AND hcpcs {op} ? AND length(hcpcs)=length(?) ORDER BY hcpcs {order} LIMIT ?"
        )
        before = self.conn.execute(
            sql.format(op="<", order="DESC"), (release_id, code, code, each_side)
        ).fetchall()
        after = self.conn.execute(
            sql.format(op=">", order="ASC"), (release_id, code, code, each_side)
        ).fetchall()
        return [(c, d) for c, d in reversed(before)] + [(c, d) for c, d in after]

    def gpci(self, release_id: int, mac: str, locality: str) -> dict[str, Any] | None:
        found = _decode(
            self.conn.execute(
                "SELECT line, detail FROM pfs_gpci WHERE release_id=? AND mac=? AND locality=?",
                (release_id, mac, locality),
            ).fetchall()
        )
        return found[0] if found else None

    def gpci_by_locality_id(self, release_id: int, locality_id: str) -> dict[str, Any] | None:
        """A locality written as MAC + locality number ("0111205" is MAC 01112, locality 05)."""
        if len(locality_id) != 7 or not locality_id.isdigit():
            return None
        return self.gpci(release_id, locality_id[:5], locality_id[5:])

    def localities(self, release_id: int) -> list[dict[str, Any]]:
        return _decode(
            self.conn.execute(
                "SELECT line, detail FROM pfs_gpci WHERE release_id=? ORDER BY mac, locality",
                (release_id,),
            ).fetchall()
        )

    def zip_locality(self, release_id: int, zip5: str) -> dict[str, Any] | None:
        found = _decode(
            self.conn.execute(
                "SELECT line, detail FROM pfs_zip WHERE release_id=? AND zip5=?",
                (release_id, zip5),
            ).fetchall()
        )
        return found[0] if found else None

    def anesthesia_cf(
        self, release_id: int, contractor: str, locality: str
    ) -> dict[str, Any] | None:
        found = _decode(
            self.conn.execute(
                "SELECT line, detail FROM pfs_anesthesia WHERE release_id=? AND contractor=?"
                " AND locality=?",
                (release_id, contractor, locality),
            ).fetchall()
        )
        return found[0] if found else None

    def opps_cap(
        self, release_id: int, code: str, carrier: str, locality: str, modifier: str = ""
    ) -> dict[str, Any] | None:
        found = _decode(
            self.conn.execute(
                "SELECT line, detail FROM opps_cap WHERE release_id=? AND hcpcs=? AND carrier=?"
                " AND locality=? AND modifier=?",
                (release_id, code, carrier, locality, modifier),
            ).fetchall()
        )
        return found[0] if found else None

    def hcpcs(self, release_id: int, code: str, kind: str = "code") -> dict[str, Any] | None:
        found = _decode(
            self.conn.execute(
                "SELECT line, detail FROM hcpcs_item WHERE release_id=? AND code=? AND kind=?",
                (release_id, code, kind),
            ).fetchall()
        )
        return found[0] if found else None

    def cpt_descriptor(self, release_id: int, code: str) -> tuple[str, int] | None:
        row = self.conn.execute(
            "SELECT descriptor, line FROM cpt_descriptor WHERE release_id=? AND code=?",
            (release_id, code),
        ).fetchone()
        return (row[0], row[1]) if row else None

    def ptp_partners(self, release_id: int, code: str) -> list[dict[str, Any]]:
        """PTP edits where the code is column 1 or column 2 (``side`` says which)."""
        out = []
        for side, col in (("column1", "column1"), ("column2", "column2")):
            rows = self.conn.execute(
                f"SELECT line, detail FROM ncci_ptp WHERE release_id=? AND {col}=?",
                (release_id, code),
            ).fetchall()
            for d in _decode(rows):
                d["side"] = side
                out.append(d)
        return out

    def ptp_pair(self, release_id: int, column1: str, column2: str) -> list[dict[str, Any]]:
        return _decode(
            self.conn.execute(
                "SELECT line, detail FROM ncci_ptp WHERE release_id=? AND column1=? AND column2=?",
                (release_id, column1, column2),
            ).fetchall()
        )

    def mue(self, release_id: int, code: str) -> dict[str, Any] | None:
        found = _decode(
            self.conn.execute(
                "SELECT line, detail FROM ncci_mue WHERE release_id=? AND code=?",
                (release_id, code),
            ).fetchall()
        )
        return found[0] if found else None

    def addon_edits(self, release_id: int, code: str) -> list[dict[str, Any]]:
        """Add-on edits where the code is the add-on or the primary (``role`` says which)."""
        out = []
        for role, col in (("addon", "addon_code"), ("primary", "primary_code")):
            rows = self.conn.execute(
                f"SELECT line, detail FROM ncci_aoc WHERE release_id=? AND {col}=?",
                (release_id, code),
            ).fetchall()
            for d in _decode(rows):
                d["role"] = role
                out.append(d)
        return out

    def notices(self, release_id: int) -> list[str]:
        return [
            r[0]
            for r in self.conn.execute(
                "SELECT text FROM release_notice WHERE release_id=? ORDER BY seq", (release_id,)
            )
        ]
