"""Bulk reads of whole releases for the claim checker. Rows in, rows out; no rules here.

The claim checker answers millions of lines from memory, so it reads each release it needs
once (a few columns of every row) instead of asking SQLite per claim line. These queries are
the only SQL the claim check runs; ``services/claims/facts.py`` turns the rows into lookups.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator


def ptp_rows(
    conn: sqlite3.Connection, release_id: int
) -> Iterator[tuple[str, str, str, str | None, str, int, str | None]]:
    """(column1, column2, effective, deletion, modifier indicator, line, rationale)."""
    yield from conn.execute(
        "SELECT column1, column2, effective, deletion, modifier_indicator, line,"
        " json_extract(detail, '$.rationale') FROM ncci_ptp WHERE release_id = ?",
        (release_id,),
    )


def mue_rows(
    conn: sqlite3.Connection, release_id: int
) -> Iterator[tuple[str, int, int, int, str | None]]:
    """(code, value, adjudication indicator, line, rationale)."""
    yield from conn.execute(
        "SELECT code, value, adjudication_indicator, line, json_extract(detail, '$.rationale')"
        " FROM ncci_mue WHERE release_id = ?",
        (release_id,),
    )


def addon_rows(
    conn: sqlite3.Connection, release_id: int
) -> Iterator[tuple[int, str, str, str | None, str | None, int]]:
    """(edit type, add-on code, primary code, effective, deletion, line)."""
    yield from conn.execute(
        "SELECT edit_type, addon_code, primary_code, effective, deletion, line"
        " FROM ncci_aoc WHERE release_id = ?",
        (release_id,),
    )


def rvu_rows(
    conn: sqlite3.Connection, release_id: int
) -> Iterator[tuple[str, str, str, str | None, int, str | None, str | None, str | None,
                        str | None, str | None]]:  # fmt: skip
    """Every row of one PFS relative value file, indicators only.

    (code, modifier, status, global days, line, pctc, bilateral, assistant, co-surgery,
    team surgery).
    """
    yield from conn.execute(
        "SELECT hcpcs, modifier, status, global_days, line,"
        " json_extract(detail, '$.pctc'), json_extract(detail, '$.bilateral'),"
        " json_extract(detail, '$.assistant'), json_extract(detail, '$.co_surgery'),"
        " json_extract(detail, '$.team_surgery') FROM pfs_rvu WHERE release_id = ?",
        (release_id,),
    )


def hcpcs_rows(
    conn: sqlite3.Connection, release_id: int
) -> Iterator[tuple[str, str | None, str | None, str | None, int]]:
    """(code, add date, termination date, action code, line) of the HCPCS Level II codes."""
    yield from conn.execute(
        "SELECT code, json_extract(detail, '$.add_date'), termination_date, action_code, line"
        " FROM hcpcs_item WHERE release_id = ? AND kind = 'code'",
        (release_id,),
    )


def cm_nodes(
    conn: sqlite3.Connection, release_id: int
) -> Iterator[tuple[str, str, str, str | None, int, int]]:
    """(code, kind, title, parent, billable, seq) of every ICD-10-CM node of one release."""
    yield from conn.execute(
        "SELECT code, kind, title, parent, billable, seq FROM cm_node WHERE release_id = ?",
        (release_id,),
    )


def cm_codes(conn: sqlite3.Connection, release_id: int) -> set[str]:
    """The codes (chapters and blocks left out) of one ICD-10-CM release."""
    return {
        r[0]
        for r in conn.execute(
            "SELECT code FROM cm_node WHERE release_id = ? AND kind NOT IN ('chapter', 'block')",
            (release_id,),
        )
    }


def cm_notes_of_kind(
    conn: sqlite3.Connection, release_id: int, kind: str
) -> Iterator[tuple[str, int, str]]:
    """(code, seq, text) of every note of one kind (``excludes1``, ``note``...)."""
    yield from conn.execute(
        "SELECT code, seq, text FROM cm_note WHERE release_id = ? AND kind = ?",
        (release_id, kind),
    )


def procedure_codes(conn: sqlite3.Connection, release_id: int, table: str) -> set[str]:
    """Every code of one PFS relative value (``pfs_rvu``) or HCPCS (``hcpcs_item``) release."""
    column = {"pfs_rvu": "hcpcs", "hcpcs_item": "code"}[table]
    return {
        r[0]
        for r in conn.execute(
            f"SELECT DISTINCT {column} FROM {table} WHERE release_id = ?", (release_id,)
        )
    }
