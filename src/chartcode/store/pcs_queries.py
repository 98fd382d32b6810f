"""Read-only queries the ICD-10-PCS builder needs over the PCS tables, definitions and index.

Contract: ``PcsQueries(conn)`` answers, for one release at a time, the questions of building
a code axis by axis: which tables there are (by section and operation label), the rows of a
table, the valid values of one axis given the values chosen so far (any positions, restricted
to the rows that still allow every chosen value, so no answer can lead to an invalid code),
whether a partial code can still be completed, the definitions of one axis (root operations,
approaches, the body part key and the device key) and the index terms whose titles are given
words, with everything nested under them. Rows come back as frozen dataclasses.

A partial code is a 7-character pattern: a PCS character where a value is chosen and ``?``
where it is open (``0SG3???``). ``pcs_code`` holds every valid code of a release expanded, so
"some valid code matches the pattern" is one GLOB over the codes that share its leading
characters; the labels of a value come from the row the code was expanded from, because a
value's label can differ between rows (FY2026 3E0, qualifier 0).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

OPEN = "?"


@dataclass(frozen=True, slots=True)
class PcsTableHead:
    """A table's fixed axes 1-3: values, labels and axis titles, and its operation definition."""

    prefix: str
    section_label: str
    body_system_label: str
    operation_label: str
    operation_title: str  # "Operation" in most sections, "Type" in imaging, "Modality" in D
    definition: str | None

    @property
    def section(self) -> str:
        return self.prefix[0]

    @property
    def body_system(self) -> str:
        return self.prefix[1]

    @property
    def operation(self) -> str:
        return self.prefix[2]


@dataclass(frozen=True, slots=True)
class PcsAxisRow:
    """One value of one axis in one row of a table (row 0 holds the table's axes 1-3)."""

    prefix: str
    row_no: int
    pos: int
    axis_title: str
    value: str
    label: str


@dataclass(frozen=True, slots=True)
class PcsChoice:
    """A value that keeps a partial code completable, with its label(s) and axis title."""

    value: str
    label: str  # labels that differ between rows are joined with " / "
    axis_title: str
    # How many valid codes the choice leaves; for axes 1-3 while nothing is chosen in axes
    # 4-7, how many tables (the code scan is skipped there).
    codes: int


@dataclass(frozen=True, slots=True)
class PcsDefinitionRow:
    section: str
    pos: int
    axis_title: str
    term: str
    definition: str | None
    explanation: str | None
    includes: str | None  # JSON list as stored


@dataclass(frozen=True, slots=True)
class PcsDeviceAggregateRow:
    device: str
    operation: str
    body_systems: str  # JSON list as stored
    parent_value: str
    parent_label: str


@dataclass(frozen=True, slots=True)
class PcsIndexRow:
    """An ICD-10-PCS index term; ``root_id`` is the main term it was found under."""

    id: int
    parent_id: int | None
    root_id: int
    level: int
    title: str
    path: str
    code: str | None
    code_kind: str | None
    see: str | None
    use_term: str | None


def pattern_of(chosen: dict[int, str]) -> str:
    """The 7-character pattern of chosen values by position (1-7), ``?`` where open."""
    return "".join(chosen.get(pos, OPEN) for pos in range(1, 8))


def _lead(pattern: str) -> str:
    """The leading characters fixed in a pattern: they bound a range scan of ``pcs_code``."""
    end = pattern.find(OPEN)
    return pattern if end < 0 else pattern[:end]


CACHE_LIMIT = 4096
K = TypeVar("K")
V = TypeVar("V")


def _remember(cache: dict[K, V], key: K, value: V) -> None:
    if len(cache) >= CACHE_LIMIT:
        cache.clear()
    cache[key] = value


class PcsQueries:
    """The PCS builder's reads; cheap to keep, answers cached where a build asks repeatedly."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._heads: dict[int, dict[str, PcsTableHead]] = {}
        self._definitions: dict[tuple[int, str, int], list[PcsDefinitionRow]] = {}
        # Case coding reads the same tables' body parts and the same index subtrees for many
        # clauses of a batch; bounded, as a long-running server would otherwise keep them all.
        self._axis: dict[tuple[int, tuple[str, ...], int], list[PcsAxisRow]] = {}
        self._subtrees: dict[tuple[int, tuple[int, ...], int], list[PcsIndexRow]] = {}

    # -- tables -------------------------------------------------------------------------------
    def tables(self, release_id: int) -> dict[str, PcsTableHead]:
        """Every table of a release by prefix, in the order the tables file lists them."""
        found = self._heads.get(release_id)
        if found is None:
            rows = self.conn.execute(
                "SELECT t.prefix, s.label, b.label, o.label, o.axis_title, t.definition"
                " FROM pcs_table t"
                " JOIN pcs_axis_value s ON s.release_id = t.release_id AND s.prefix = t.prefix"
                "  AND s.row_no = 0 AND s.pos = 1"
                " JOIN pcs_axis_value b ON b.release_id = t.release_id AND b.prefix = t.prefix"
                "  AND b.row_no = 0 AND b.pos = 2"
                " JOIN pcs_axis_value o ON o.release_id = t.release_id AND o.prefix = t.prefix"
                "  AND o.row_no = 0 AND o.pos = 3"
                " WHERE t.release_id = ? ORDER BY t.seq",
                (release_id,),
            )
            found = {r[0]: PcsTableHead(*r) for r in rows}
            self._heads[release_id] = found
        return found

    def table(self, release_id: int, prefix: str) -> PcsTableHead | None:
        return self.tables(release_id).get(prefix)

    def table_rows(self, release_id: int, prefix: str) -> list[PcsAxisRow]:
        """Every value of a table: row 0 (axes 1-3) and each row's axes 4-7, in row order."""
        rows = self.conn.execute(
            "SELECT prefix, row_no, pos, axis_title, value, label FROM pcs_axis_value"
            " WHERE release_id = ? AND prefix = ? ORDER BY row_no, pos",
            (release_id, prefix),
        )
        return [PcsAxisRow(*r) for r in rows]

    def axis_values(self, release_id: int, prefixes: Iterable[str], pos: int) -> list[PcsAxisRow]:
        """The values of axis ``pos`` (4-7) in every row of the given tables."""
        wanted = tuple(sorted(set(prefixes)))
        if not wanted:
            return []
        key = (release_id, wanted, pos)
        found = self._axis.get(key)
        if found is None:
            marks = ",".join("?" * len(wanted))
            rows = self.conn.execute(
                "SELECT prefix, row_no, pos, axis_title, value, label FROM pcs_axis_value"
                f" WHERE release_id = ? AND prefix IN ({marks}) AND pos = ? AND row_no > 0"
                " ORDER BY prefix, row_no, value",
                (release_id, *wanted, pos),
            )
            found = [PcsAxisRow(*r) for r in rows]
            _remember(self._axis, key, found)
        return list(found)

    # -- partial codes ------------------------------------------------------------------------
    def choices(self, release_id: int, pattern: str, pos: int) -> list[PcsChoice]:
        """Values of axis ``pos`` that some valid code matching ``pattern`` has, in value order.

        Why over ``pcs_code``: a value is valid for a partial code only if a row of the table
        holds it together with every value already chosen; the expanded codes carry exactly
        that, whatever order the values were chosen in.
        """
        lead = _lead(pattern)
        if pos <= 3 and all(c == OPEN for c in pattern[3:]):
            # Axes 1-3 with nothing chosen in a row: the tables alone answer (no code scan).
            rows = self.conn.execute(
                "SELECT value, label, axis_title, count(*) FROM pcs_axis_value"
                " WHERE release_id = ? AND row_no = 0 AND pos = ? AND prefix GLOB ?"
                " GROUP BY value, label ORDER BY value",
                (release_id, pos, pattern[:3]),
            ).fetchall()
        else:
            rows = self.conn.execute(
                "WITH hit AS ("
                "  SELECT substr(code, 1, 3) AS prefix, row_no, substr(code, ?, 1) AS value,"
                "   count(*) AS n FROM pcs_code"
                "  WHERE release_id = ? AND code >= ? AND code < ? AND code GLOB ?"
                "  GROUP BY 1, 2, 3)"
                " SELECT h.value, a.label, a.axis_title, sum(h.n) FROM hit h"
                " JOIN pcs_axis_value a ON a.release_id = ? AND a.prefix = h.prefix"
                "  AND a.row_no = CASE WHEN ? <= 3 THEN 0 ELSE h.row_no END"
                "  AND a.pos = ? AND a.value = h.value"
                " GROUP BY h.value, a.label ORDER BY h.value",
                (pos, release_id, lead, lead + "\uffff", pattern, release_id, pos, pos),
            ).fetchall()
        merged: dict[str, PcsChoice] = {}
        for value, label, title, n in rows:
            seen = merged.get(value)
            if seen is None:
                merged[value] = PcsChoice(value, label, title, n)
            else:
                labels = seen.label.split(" / ")
                if label not in labels:
                    labels.append(label)
                merged[value] = PcsChoice(value, " / ".join(labels), title, seen.codes + n)
        return list(merged.values())

    def count_codes(self, release_id: int, pattern: str) -> int:
        """How many valid codes match a partial code (0: it cannot be completed)."""
        lead = _lead(pattern)
        row = self.conn.execute(
            "SELECT count(*) FROM pcs_code"
            " WHERE release_id = ? AND code >= ? AND code < ? AND code GLOB ?",
            (release_id, lead, lead + "\uffff", pattern),
        ).fetchone()
        return int(row[0])

    def code_row(self, release_id: int, code: str) -> int | None:
        """The table row a valid code was expanded from, or None if the code is not valid."""
        row = self.conn.execute(
            "SELECT row_no FROM pcs_code WHERE release_id = ? AND code = ?", (release_id, code)
        ).fetchone()
        return int(row[0]) if row else None

    def codes(self, release_id: int, pattern: str, limit: int) -> list[str]:
        """Valid codes matching a partial code, in code order (tests and examples)."""
        lead = _lead(pattern)
        return [
            r[0]
            for r in self.conn.execute(
                "SELECT code FROM pcs_code WHERE release_id = ? AND code >= ? AND code < ?"
                " AND code GLOB ? ORDER BY code LIMIT ?",
                (release_id, lead, lead + "\uffff", pattern, limit),
            )
        ]

    # -- definitions --------------------------------------------------------------------------
    def definitions(self, release_id: int, section: str, pos: int) -> list[PcsDefinitionRow]:
        """Every entry of one axis of the definitions file (a key or a list of definitions).

        Axis 3 holds the root operation (or type) definitions, axis 4 the body part key,
        axis 5 the approach definitions, axis 6 the device key (section 0).
        """
        key = (release_id, section, pos)
        found = self._definitions.get(key)
        if found is None:
            rows = self.conn.execute(
                "SELECT section, pos, axis_title, term, definition, explanation, includes"
                " FROM pcs_definition WHERE release_id = ? AND section = ? AND pos = ?",
                key,
            )
            found = [PcsDefinitionRow(*r) for r in rows]
            self._definitions[key] = found
        return found

    def definition(
        self, release_id: int, section: str, pos: int, term: str
    ) -> PcsDefinitionRow | None:
        """The entry of one axis value title, or None."""
        row = self.conn.execute(
            "SELECT section, pos, axis_title, term, definition, explanation, includes"
            " FROM pcs_definition WHERE release_id = ? AND section = ? AND pos = ? AND term = ?",
            (release_id, section, pos, term),
        ).fetchone()
        return PcsDefinitionRow(*row) if row else None

    def device_aggregates(self, release_id: int) -> list[PcsDeviceAggregateRow]:
        """Specific devices and the general device value they are coded to, per operation."""
        rows = self.conn.execute(
            "SELECT device, operation, body_systems, parent_value, parent_label"
            " FROM pcs_device_aggregate WHERE release_id = ?",
            (release_id,),
        )
        return [PcsDeviceAggregateRow(*r) for r in rows]

    # -- index --------------------------------------------------------------------------------
    def index_terms_by_words(
        self, release_id: int, phrases: Sequence[str], max_rows: int = 5000
    ) -> list[PcsIndexRow]:
        """Main terms whose title (any case) is one of ``phrases``, with every term under them.

        The title match is a scan of the release's main terms (about 3,200), which is cheaper
        than keeping a second index on a read-only store for one caller.
        """
        wanted = sorted({p.lower() for p in phrases if p})
        if not wanted:
            return []
        marks = ",".join("?" * len(wanted))
        ids = [
            r[0]
            for r in self.conn.execute(
                "SELECT id FROM index_term WHERE release_id = ? AND level = 0"
                f" AND lower(title) IN ({marks})",
                (release_id, *wanted),
            )
        ]
        return self.index_subtrees(release_id, ids, max_rows)

    def index_subtrees(
        self, release_id: int, root_ids: Sequence[int], max_rows: int = 5000
    ) -> list[PcsIndexRow]:
        """The given main terms and every term nested under them, in document order.

        ``root_id`` says which main term each row belongs to.
        """
        if not root_ids:
            return []
        key = (release_id, tuple(root_ids), max_rows)
        found = self._subtrees.get(key)
        if found is None:
            found = self._read_subtrees(release_id, root_ids, max_rows)
            _remember(self._subtrees, key, found)
        return list(found)

    def _read_subtrees(
        self, release_id: int, root_ids: Sequence[int], max_rows: int
    ) -> list[PcsIndexRow]:
        marks = ",".join("?" * len(root_ids))
        rows = self.conn.execute(
            "WITH RECURSIVE sub(id, root_id) AS ("
            f"  SELECT id, id FROM index_term WHERE release_id = ? AND id IN ({marks})"
            "  UNION ALL"
            "  SELECT t.id, sub.root_id FROM index_term t JOIN sub ON t.parent_id = sub.id"
            "  WHERE t.release_id = ?)"
            " SELECT t.id, t.parent_id, sub.root_id, t.level, t.title, t.path, t.code,"
            "  t.code_kind, t.see, t.use_term"
            " FROM sub JOIN index_term t ON t.release_id = ? AND t.id = sub.id"
            " ORDER BY t.id LIMIT ?",
            (release_id, *root_ids, release_id, release_id, max_rows),
        )
        return [PcsIndexRow(*r) for r in rows]

    def index_main_titles(self, release_id: int) -> list[tuple[int, str]]:
        """(id, title) of every main term of an index release."""
        return self.conn.execute(
            "SELECT id, title FROM index_term WHERE release_id = ? AND level = 0 ORDER BY id",
            (release_id,),
        ).fetchall()

    def index_use_terms(self, release_id: int) -> list[PcsIndexRow]:
        """Every index term with a "use" pointer to an axis value (anatomy, devices, ...).

        Why all at once: "use" entries are the index's synonym list (Achilles tendon -> Lower
        Leg Tendon); the builder reads them once per release to find such words in a text.
        A "use" term without a title of its own is named by its ``path`` (its parent's words).
        """
        rows = self.conn.execute(
            "SELECT id, parent_id, id, level, title, path, code, code_kind, see, use_term"
            " FROM index_term WHERE release_id = ? AND use_term IS NOT NULL ORDER BY id",
            (release_id,),
        )
        return [PcsIndexRow(*r) for r in rows]
