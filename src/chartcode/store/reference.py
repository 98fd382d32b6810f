"""Read-only queries over the reference store. Plain rows in, plain rows out; no rules here.

Services hold the coding logic; this module only knows the schema. Every method takes the
release it reads so that a caller's date of service decides what is answered.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from chartcode.store.database import open_readonly
from chartcode.store.medicare_reference import MedicareQueries

_WORDS = re.compile(r"[A-Za-z]+")


@dataclass(frozen=True, slots=True)
class ReleaseRow:
    id: int
    system: str
    kind: str
    version: str
    title: str
    effective_from: str
    effective_to: str | None
    source_name: str
    sha256: str
    imported_at: str
    row_count: int

    def to_dict(self) -> dict[str, object]:
        return {
            "version": self.version,
            "title": self.title,
            "effective_from": self.effective_from,
            "effective_to": self.effective_to,
            "source": self.source_name,
            "sha256": self.sha256,
        }


class ReferenceStore:
    """A read-only view of one store file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.conn: sqlite3.Connection = open_readonly(path)
        self._releases: list[ReleaseRow] | None = None
        self.medicare = MedicareQueries(self.conn)

    def close(self) -> None:
        self.conn.close()

    # -- releases ---------------------------------------------------------------------------
    def releases(self) -> list[ReleaseRow]:
        if self._releases is None:
            rows = self.conn.execute(
                "SELECT id, system, kind, version, title, effective_from, effective_to,"
                " source_name, sha256, imported_at, row_count FROM release"
                " ORDER BY system, kind, effective_from, imported_at"
            ).fetchall()
            self._releases = [ReleaseRow(*r) for r in rows]
        return self._releases

    def releases_of(self, system: str, kind: str) -> list[ReleaseRow]:
        """Releases of one file family, oldest first."""
        return [r for r in self.releases() if r.system == system and r.kind == kind]

    # -- ICD-10-CM --------------------------------------------------------------------------
    def cm_node(self, release_id: int, code: str) -> tuple | None:
        """(code, kind, title, parent, depth, billable, seq) or None."""
        return self.conn.execute(
            "SELECT code, kind, title, parent, depth, billable, seq FROM cm_node"
            " WHERE release_id = ? AND code = ?",
            (release_id, code),
        ).fetchone()

    def cm_children(self, release_id: int, code: str) -> list[tuple]:
        return self.conn.execute(
            "SELECT code, kind, title, billable FROM cm_node WHERE release_id = ? AND parent = ?"
            " ORDER BY seq",
            (release_id, code),
        ).fetchall()

    def cm_notes(self, release_id: int, code: str) -> list[tuple[str, str]]:
        return self.conn.execute(
            "SELECT kind, text FROM cm_note WHERE release_id = ? AND code = ? ORDER BY seq",
            (release_id, code),
        ).fetchall()

    def cm_seventh(self, release_id: int, code: str) -> list[tuple[str, str]]:
        return self.conn.execute(
            "SELECT char, meaning FROM cm_seventh WHERE release_id = ? AND code = ?",
            (release_id, code),
        ).fetchall()

    def cm_titles_across(self, code: str) -> dict[int, str]:
        """Title of ``code`` in every release that has it, by release id."""
        return dict(
            self.conn.execute("SELECT release_id, title FROM cm_node WHERE code = ?", (code,))
        )

    # -- ICD-10-PCS -------------------------------------------------------------------------
    def pcs_code_row(self, release_id: int, code: str) -> int | None:
        r = self.conn.execute(
            "SELECT row_no FROM pcs_code WHERE release_id = ? AND code = ?", (release_id, code)
        ).fetchone()
        return r[0] if r else None

    def pcs_releases_with(self, code: str) -> set[int]:
        return {
            r[0]
            for r in self.conn.execute("SELECT release_id FROM pcs_code WHERE code = ?", (code,))
        }

    def pcs_table(self, release_id: int, prefix: str) -> tuple | None:
        """(prefix, section, body_system, operation, definition) or None."""
        return self.conn.execute(
            "SELECT prefix, section, body_system, operation, definition FROM pcs_table"
            " WHERE release_id = ? AND prefix = ?",
            (release_id, prefix),
        ).fetchone()

    def pcs_axis_labels(
        self, release_id: int, prefix: str, row_no: int
    ) -> dict[tuple[int, str], tuple[str, str]]:
        """{(pos, value): (axis title, label)} for the table's axes 1-3 and one row's 4-7."""
        rows = self.conn.execute(
            "SELECT pos, value, axis_title, label FROM pcs_axis_value"
            " WHERE release_id = ? AND prefix = ? AND row_no IN (0, ?)",
            (release_id, prefix, row_no),
        )
        return {(pos, value): (title, label) for pos, value, title, label in rows}

    def pcs_definition(
        self, release_id: int, section: str, pos: int, term: str
    ) -> tuple[str | None, str | None, str | None] | None:
        """(definition, explanation, includes JSON) for an axis value title, or None."""
        return self.conn.execute(
            "SELECT definition, explanation, includes FROM pcs_definition"
            " WHERE release_id = ? AND section = ? AND pos = ? AND term = ?",
            (release_id, section, pos, term),
        ).fetchone()

    # -- indexes ----------------------------------------------------------------------------
    def index_entries(
        self, release_ids: list[int], keys: list[str], limit: int
    ) -> list[tuple[int, str, str | None, str, str | None, str | None]]:
        """(release_id, path, nemod, printed code, code kind, column heading) leading to keys.

        Terms that carry the code themselves and table cells (Neoplasm, Drug) both count.
        The unary ``+`` keeps SQLite on the code_key index: with bound parameters it would
        otherwise scan the whole release by primary key (2.6 ms instead of 0.05 ms).
        """
        if not release_ids or not keys:
            return []
        rm = ",".join("?" * len(release_ids))
        km = ",".join("?" * len(keys))
        return self.conn.execute(
            f"SELECT release_id, path, nemod, code, code_kind, NULL FROM index_term"
            f" WHERE code_key IN ({km}) AND +release_id IN ({rm})"
            " UNION ALL"
            " SELECT c.release_id, t.path, t.nemod, c.code, 'cell', c.heading FROM index_cell c"
            " JOIN index_term t ON t.release_id = c.release_id AND t.id = c.term_id"
            f" WHERE c.code_key IN ({km}) AND +c.release_id IN ({rm})"
            " LIMIT ?",
            (*keys, *release_ids, *keys, *release_ids, limit),
        ).fetchall()

    # -- across systems ---------------------------------------------------------------------
    def codes_with_prefix(self, table: str, prefix: str, limit: int) -> list[str]:
        """Distinct codes starting with ``prefix`` from cm_node or pcs_code, in code order."""
        assert table in ("cm_node", "pcs_code")
        rows = self.conn.execute(
            f"SELECT DISTINCT code FROM {table} WHERE code >= ? AND code < ? ORDER BY code LIMIT ?",
            (prefix, prefix + "\uffff", limit),
        )
        return [r[0] for r in rows]

    def release_system(self, release_id: int) -> str:
        return next(r.system for r in self.releases() if r.id == release_id)

    def codes_in_release(
        self, release_id: int, prefix: str, limit: int
    ) -> list[tuple[str, str, bool]]:
        """(code, title, billable) of codes starting with ``prefix`` in one release."""
        system = self.release_system(release_id)
        if system == "icd10cm":
            rows = self.conn.execute(
                "SELECT code, title, billable FROM cm_node WHERE release_id = ? AND code >= ?"
                " AND code < ? AND kind NOT IN ('chapter', 'block') ORDER BY code LIMIT ?",
                (release_id, prefix, prefix + "\uffff", limit),
            )
            return [(c, t, bool(b)) for c, t, b in rows]
        rows = self.conn.execute(
            "SELECT code, title FROM pcs_code"
            " WHERE release_id = ? AND code >= ? AND code < ? ORDER BY code LIMIT ?",
            (release_id, prefix, prefix + "\uffff", limit),
        )
        return [(c, t, True) for c, t in rows]

    def all_codes(self, release_id: int) -> list[str]:
        """Every code of one release (headers included, chapters and blocks not), in order."""
        system = self.release_system(release_id)
        if system == "icd10cm":
            sql = (
                "SELECT code FROM cm_node WHERE release_id = ?"
                " AND kind NOT IN ('chapter', 'block') ORDER BY code"
            )
        elif system == "icd10pcs":
            sql = "SELECT code FROM pcs_code WHERE release_id = ? ORDER BY code"
        elif system == "pfs":
            sql = "SELECT DISTINCT hcpcs FROM pfs_rvu WHERE release_id = ? ORDER BY hcpcs"
        elif system == "hcpcs":
            sql = "SELECT code FROM hcpcs_item WHERE release_id = ? AND kind = 'code' ORDER BY code"
        else:
            return []
        return [r[0] for r in self.conn.execute(sql, (release_id,))]

    def fts_candidates(
        self, match: str, release_ids: list[int], limit: int
    ) -> list[tuple[str, str, int, str, str, float]]:
        """(system, code, release_id, title, inclusion terms, rank) for an FTS5 expression."""
        marks = ",".join("?" * len(release_ids))
        try:
            return self.conn.execute(
                "SELECT system, code, release_id, title, extra, bm25(code_fts, 10.0, 4.0) AS r"
                f" FROM code_fts WHERE code_fts MATCH ? AND release_id IN ({marks})"
                " ORDER BY r LIMIT ?",
                (match, *release_ids, limit),
            ).fetchall()
        except sqlite3.OperationalError:  # a query FTS5 cannot parse finds nothing
            return []

    def title_words(self) -> set[str]:
        """Every word of the loaded titles, inclusion terms and index terms, as printed.

        These are the words spelling correction must leave alone ("presacral" is no
        misspelling).
        """
        words: set[str] = set()
        for title, extra in self.conn.execute("SELECT title, extra FROM code_fts"):
            words.update(_WORDS.findall(title))
            words.update(_WORDS.findall(extra or ""))
        for (title,) in self.conn.execute("SELECT DISTINCT title FROM index_term"):
            words.update(_WORDS.findall(title or ""))
        return words

    def cm_billable(self, release_id: int, codes: list[str]) -> dict[str, bool]:
        marks = ",".join("?" * len(codes))
        return {
            code: bool(b)
            for code, b in self.conn.execute(
                f"SELECT code, billable FROM cm_node WHERE release_id = ? AND code IN ({marks})",
                (release_id, *codes),
            )
        }

    def cm_inclusion_text(self, release_id: int, code: str) -> str:
        return " ; ".join(t for k, t in self.cm_notes(release_id, code) if k == "inclusion_term")

    def cm_ancestry(self, release_id: int, code: str) -> list[str]:
        """The code and its ancestors up to the chapter, nearest first."""
        out = []
        current: str | None = code
        while current:
            row = self.cm_node(release_id, current)
            if row is None:
                break
            out.append(current)
            current = row[3]
        return out

    def cm_seventh_inherited(self, release_id: int, code: str) -> list[tuple[str, str]]:
        """The 7th characters that apply to ``code``: its own, else the nearest ancestor's."""
        for c in self.cm_ancestry(release_id, code):
            found = self.cm_seventh(release_id, c)
            if found:
                return found
        return []

    def cm_notes_up(
        self, release_id: int, code: str, kinds: tuple[str, ...]
    ) -> list[tuple[str, str]]:
        """Notes of ``kinds`` printed at the code or any ancestor, nearest first."""
        out = []
        for c in self.cm_ancestry(release_id, code):
            out += [(k, t) for k, t in self.cm_notes(release_id, c) if k in kinds]
        return out

    # -- whole-release reads (suggest loads a release once, then works in memory) -------------
    def cm_nodes(self, release_id: int) -> list[tuple[str, str, str, str | None, bool]]:
        """(code, kind, title, parent, billable) of every ICD-10-CM node, in tabular order."""
        return [
            (c, k, t, p, bool(b))
            for c, k, t, p, b in self.conn.execute(
                "SELECT code, kind, title, parent, billable FROM cm_node WHERE release_id = ?"
                " ORDER BY seq",
                (release_id,),
            )
        ]

    def cm_notes_of_kinds(
        self, release_id: int, kinds: tuple[str, ...]
    ) -> list[tuple[str, str, str]]:
        """(code, kind, text) of every note of ``kinds`` in one release, by code and order."""
        marks = ",".join("?" * len(kinds))
        return self.conn.execute(
            f"SELECT code, kind, text FROM cm_note WHERE release_id = ? AND kind IN ({marks})"
            " ORDER BY code, seq",
            (release_id, *kinds),
        ).fetchall()

    def cm_seventh_all(self, release_id: int) -> list[tuple[str, str, str]]:
        """(code, character, meaning) of every 7th-character table in one release."""
        return self.conn.execute(
            "SELECT code, char, meaning FROM cm_seventh WHERE release_id = ?", (release_id,)
        ).fetchall()

    def pfs_descriptors(self, release_id: int) -> list[tuple[str, str]]:
        """(HCPCS/CPT code, CMS short descriptor) of every code of one PFS RVU release."""
        return self.conn.execute(
            "SELECT DISTINCT hcpcs, description FROM pfs_rvu WHERE release_id = ? ORDER BY hcpcs",
            (release_id,),
        ).fetchall()

    def index_table_cells(self, release_id: int) -> list[tuple[str, str, str]]:
        """(term path, column heading, code) of every cell of a table index (Neoplasm, Drug)."""
        return self.conn.execute(
            "SELECT t.path, c.heading, c.code FROM index_cell c JOIN index_term t"
            " ON t.release_id = c.release_id AND t.id = c.term_id WHERE c.release_id = ?",
            (release_id,),
        ).fetchall()

    def pcs_code_title(self, release_id: int, code: str) -> str | None:
        row = self.conn.execute(
            "SELECT title FROM pcs_code WHERE release_id = ? AND code = ?", (release_id, code)
        ).fetchone()
        return str(row[0]) if row else None

    def pcs_value_label(self, release_id: int, prefix: str, pos: int, value: str) -> str | None:
        """The label of one axis value of a table (any row), e.g. body part ``3`` of ``0SG``."""
        row = self.conn.execute(
            "SELECT label FROM pcs_axis_value WHERE release_id = ? AND prefix = ? AND pos = ?"
            " AND value = ? LIMIT 1",
            (release_id, prefix, pos, value),
        ).fetchone()
        return str(row[0]) if row else None

    def fts_search(
        self, match: str, release_ids: list[int], limit: int
    ) -> list[tuple[str, str, int, str, float]]:
        """(system, code, release_id, title, rank) for an FTS5 MATCH expression."""
        marks = ",".join("?" * len(release_ids))
        return self.conn.execute(
            "SELECT system, code, release_id, title, bm25(code_fts, 10.0, 2.0) AS rank"
            f" FROM code_fts WHERE code_fts MATCH ? AND release_id IN ({marks})"
            " ORDER BY rank LIMIT ?",
            (match, *release_ids, limit),
        ).fetchall()
