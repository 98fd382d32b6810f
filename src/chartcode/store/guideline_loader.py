"""Loading the Official Guidelines for Coding and Reporting: sections and their FTS5 rows."""

from __future__ import annotations

import sqlite3

from chartcode.sources.records import GuidelineSection

GUIDELINE_TABLES = ("guideline_section", "guideline_fts")


def load_guidelines(conn: sqlite3.Connection, rid: int, sections: list[GuidelineSection]) -> int:
    conn.executemany(
        "INSERT INTO guideline_section VALUES (?,?,?,?,?,?,?,?,?)",
        [
            (rid, s.seq, s.number, s.title, s.level, s.parent, s.page_start, s.page_end, s.text)
            for s in sections
        ],
    )
    conn.executemany(
        "INSERT INTO guideline_fts (release_id, seq, number, title, text) VALUES (?,?,?,?,?)",
        [(rid, s.seq, s.number, s.title, s.text) for s in sections],
    )
    return len(sections)


GUIDELINE_LOADERS = {
    ("icd10cm", "guidelines"): load_guidelines,
    ("icd10pcs", "guidelines"): load_guidelines,
}
