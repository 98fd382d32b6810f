"""Loading parsed records into a store connection, one release at a time.

Contract: ``load_release(conn, release, parsed)`` inserts the release row and every record in
the caller's transaction and returns the release id. It never parses and never commits: the
build decides whether the whole import lands.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from chartcode.codes import compact
from chartcode.sources.records import (
    CmNode,
    IndexTerm,
    ParsedFile,
    PcsDefinition,
    PcsDeviceAggregate,
    PcsTable,
)
from chartcode.store.guideline_loader import GUIDELINE_LOADERS, GUIDELINE_TABLES
from chartcode.store.icd10cm_extensions import extensions
from chartcode.store.medicare_loader import MEDICARE_LOADERS, MEDICARE_TABLES
from chartcode.store.pcs_titles import compose_title


@dataclass(frozen=True, slots=True)
class NewRelease:
    system: str
    kind: str
    version: str
    title: str
    effective_from: date
    effective_to: date | None
    source_name: str
    sha256: str


def delete_release(conn: sqlite3.Connection, release_id: int) -> None:
    for table in (
        "cm_node",
        "cm_note",
        "cm_seventh",
        "index_term",
        "index_cell",
        "pcs_table",
        "pcs_axis_value",
        "pcs_code",
        "pcs_definition",
        "pcs_device_aggregate",
        *MEDICARE_TABLES,
        *GUIDELINE_TABLES,
        "code_fts",
    ):
        conn.execute(f"DELETE FROM {table} WHERE release_id = ?", (release_id,))
    conn.execute("DELETE FROM release WHERE id = ?", (release_id,))


def load_release(conn: sqlite3.Connection, release: NewRelease, parsed: ParsedFile) -> int:
    cur = conn.execute(
        "INSERT INTO release (system, kind, version, title, effective_from, effective_to,"
        " source_name, sha256, imported_at) VALUES (?,?,?,?,?,?,?,?,?)",
        (
            release.system,
            release.kind,
            release.version,
            release.title,
            release.effective_from.isoformat(),
            release.effective_to.isoformat() if release.effective_to else None,
            release.source_name,
            release.sha256,
            datetime.now(UTC).isoformat(timespec="seconds"),
        ),
    )
    rid = cur.lastrowid
    assert rid is not None
    loader = _LOADERS.get((release.system, release.kind)) or _LOADERS.get(("*", release.kind))
    if loader is None:
        raise KeyError(f"no loader for {release.system}/{release.kind}")
    count = loader(conn, rid, parsed.records)
    conn.execute("UPDATE release SET row_count = ? WHERE id = ?", (count, rid))
    return rid


def code_key(printed: str) -> str:
    """Index codes as printed ("C79.8-", "T51.3X1") compacted for joins ("C798", "T513X1")."""
    return compact(printed).rstrip("-")


def _load_cm_tabular(conn: sqlite3.Connection, rid: int, nodes: list[CmNode]) -> int:
    exts = list(extensions(nodes))
    needs_seventh = {leaf.code for leaf, _, _ in exts}
    node_rows = []
    fts_rows = []
    note_rows = []
    seventh_rows = []
    for n in nodes:
        billable = int(
            n.is_leaf and n.kind not in ("chapter", "block") and n.code not in needs_seventh
        )
        node_rows.append((rid, n.code, n.kind, n.title, n.parent, n.depth, billable, n.seq))
        for i, note in enumerate(n.notes):
            note_rows.append((rid, n.code, note.kind, i, note.text))
        for char, meaning in n.seventh:
            seventh_rows.append((rid, n.code, char, meaning))
        if n.kind not in ("chapter", "block"):
            extra = " ; ".join(x.text for x in n.notes if x.kind == "inclusion_term")
            fts_rows.append(("icd10cm", n.code, rid, n.title, extra))
    for _, _, e in exts:
        node_rows.append((rid, e.code, e.kind, e.title, e.parent, e.depth, 1, e.seq))
        fts_rows.append(("icd10cm", e.code, rid, e.title, ""))
    conn.executemany("INSERT INTO cm_node VALUES (?,?,?,?,?,?,?,?)", node_rows)
    conn.executemany(
        "INSERT INTO cm_note (release_id, code, kind, seq, text) VALUES (?,?,?,?,?)", note_rows
    )
    conn.executemany("INSERT INTO cm_seventh VALUES (?,?,?,?)", seventh_rows)
    conn.executemany(
        "INSERT INTO code_fts (system, code, release_id, title, extra) VALUES (?,?,?,?,?)",
        fts_rows,
    )
    return len(node_rows)


def _load_index(conn: sqlite3.Connection, rid: int, terms: list[IndexTerm]) -> int:
    conn.executemany(
        "INSERT INTO index_term VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [
            (
                rid,
                t.id,
                t.parent_id,
                t.level,
                t.letter,
                t.title,
                t.nemod,
                t.path,
                t.code,
                t.code_kind,
                t.manif,
                t.see,
                t.see_also,
                t.use_term,
                code_key(t.code) if t.code else None,
            )
            for t in terms
        ],
    )
    conn.executemany(
        "INSERT INTO index_cell VALUES (?,?,?,?,?,?)",
        [(rid, t.id, c.col, c.heading, c.code, code_key(c.code)) for t in terms for c in t.cells],
    )
    return len(terms)


def _load_pcs_tables(conn: sqlite3.Connection, rid: int, tables: list[PcsTable]) -> int:
    table_rows = []
    axis_rows = []
    code_rows = []
    fts_rows = []
    for t in tables:
        table_rows.append(
            (
                rid,
                t.prefix,
                t.section.label,
                t.body_system.label,
                t.operation.label,
                t.definition,
                t.seq,
            )
        )
        for ax in (t.section, t.body_system, t.operation):
            axis_rows.append((rid, t.prefix, 0, ax.pos, ax.axis_title, ax.value, ax.label))
        labels: dict[tuple[int, int, str], str] = {}
        for row in t.rows:
            for ax in row.axes:
                axis_rows.append(
                    (rid, t.prefix, row.row_no, ax.pos, ax.axis_title, ax.value, ax.label)
                )
                labels[(row.row_no, ax.pos, ax.value)] = ax.label
        for code, row_no in t.codes():
            title = compose_title(
                t.operation.label,
                *(labels[(row_no, pos, code[pos - 1])] for pos in (4, 5, 6, 7)),
                section=t.section.value,
            )
            code_rows.append((rid, code, row_no, title))
            fts_rows.append(
                ("icd10pcs", code, rid, title, f"{t.section.label} {t.body_system.label}")
            )
    conn.executemany("INSERT INTO pcs_table VALUES (?,?,?,?,?,?,?)", table_rows)
    # A value can repeat within a row's axis in a malformed file; the primary key refuses it,
    # and OR IGNORE would hide that, so duplicates are left to raise.
    conn.executemany("INSERT INTO pcs_axis_value VALUES (?,?,?,?,?,?,?)", axis_rows)
    conn.executemany("INSERT INTO pcs_code VALUES (?,?,?,?)", code_rows)
    conn.executemany(
        "INSERT INTO code_fts (system, code, release_id, title, extra) VALUES (?,?,?,?,?)",
        fts_rows,
    )
    return len(code_rows)


def _load_pcs_definitions(
    conn: sqlite3.Connection, rid: int, records: list[PcsDefinition | PcsDeviceAggregate]
) -> int:
    defs = []
    aggs = []
    for r in records:
        if isinstance(r, PcsDefinition):
            for term in r.terms:
                defs.append(
                    (
                        rid,
                        r.section,
                        r.pos,
                        r.axis_title,
                        term,
                        r.definition,
                        r.explanation,
                        json.dumps(list(r.includes)),
                    )
                )
        else:
            aggs.append(
                (
                    rid,
                    r.device,
                    r.operation,
                    json.dumps(list(r.body_systems)),
                    r.parent_value,
                    r.parent_label,
                )
            )
    conn.executemany("INSERT INTO pcs_definition VALUES (?,?,?,?,?,?,?,?)", defs)
    conn.executemany("INSERT INTO pcs_device_aggregate VALUES (?,?,?,?,?,?)", aggs)
    return len(defs) + len(aggs)


Loader = Callable[[sqlite3.Connection, int, list], int]

_LOADERS: dict[tuple[str, str], Loader] = {
    ("icd10cm", "tabular"): _load_cm_tabular,
    ("*", "index"): _load_index,
    ("icd10cm", "neoplasm"): _load_index,
    ("icd10cm", "drug"): _load_index,
    ("icd10cm", "eindex"): _load_index,
    ("icd10pcs", "tables"): _load_pcs_tables,
    ("icd10pcs", "definitions"): _load_pcs_definitions,
    **MEDICARE_LOADERS,
    **GUIDELINE_LOADERS,
}
