"""The reference facts the claim edits need, held in memory, per release in force.

Why: a batch of a million lines cannot afford a SQLite query per line. ``FactsBook`` reads
each release it needs once (PTP pairs, MUE values, add-on edits, PFS indicators, HCPCS dates,
the ICD-10-CM tabular) into dicts, and hands out a ``DateFacts`` -- the tables in force on one
date of service -- cached by date. Tables are shared between dates that use the same release.
A worker process keeps one book per store file (``book_for``), so Dask or Spark workers load
the facts once, not once per partition.
"""

from __future__ import annotations

import os
import re
import threading
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from chartcode.services.releases import in_force
from chartcode.store import claim_facts as q
from chartcode.store.reference import ReferenceStore, ReleaseRow

T = TypeVar("T")

# Which NCCI files answer for which kind of claim. CMS publishes PTP edits for practitioners
# and for outpatient hospitals, and MUE tables for practitioners, outpatient hospitals and DME
# suppliers (NCCI for Medicare, "PTP edits" and "MUEs" pages).
PTP_KIND = {"professional": "ptp_practitioner", "outpatient": "ptp_hospital", "dme": None}
MUE_KIND = {
    "professional": "mue_practitioner",
    "outpatient": "mue_outpatient",
    "dme": "mue_dme",
}


@dataclass(frozen=True, slots=True)
class Release:
    """Where a fact came from: the file and the release it belongs to."""

    file: str
    version: str
    system: str
    kind: str

    @classmethod
    def of(cls, rel: ReleaseRow) -> Release:
        return cls(rel.source_name, rel.version, rel.system, rel.kind)

    @property
    def label(self) -> str:
        return f"{self.system} {self.kind} {self.version}"


@dataclass(frozen=True, slots=True)
class PtpRow:
    column1: str
    column2: str
    effective: str
    deletion: str | None
    modifier_indicator: str
    line: int
    rationale: str
    release: Release


@dataclass(frozen=True, slots=True)
class MueRow:
    code: str
    value: int
    indicator: int
    line: int
    rationale: str
    release: Release


@dataclass(frozen=True, slots=True)
class AddonRow:
    edit_type: int
    addon: str
    primary: str
    effective: str | None
    deletion: str | None
    line: int
    release: Release


@dataclass(frozen=True, slots=True)
class RvuRow:
    code: str
    status: str
    global_days: str | None
    line: int
    pctc: str | None
    bilateral: str | None
    assistant: str | None
    co_surgery: str | None
    team_surgery: str | None
    release: Release


@dataclass(frozen=True, slots=True)
class HcpcsRow:
    code: str
    add_date: str | None
    termination: str | None
    action: str | None
    line: int
    release: Release


@dataclass(frozen=True, slots=True)
class CmNode:
    code: str
    kind: str
    title: str
    parent: str | None
    billable: bool


@dataclass(frozen=True, slots=True)
class Exclusion:
    """One code reference in an Excludes1 note: ``lo``..``hi`` (a prefix when equal)."""

    lo: str
    hi: str
    holder: str  # the node that prints the note
    text: str
    seq: int

    def matches(self, code: str) -> bool:
        if self.lo == self.hi:
            return code.startswith(self.lo)
        return self.lo <= code[: len(self.lo)] and code[: len(self.hi)] <= self.hi


@dataclass(slots=True)
class CmTable:
    release: Release
    nodes: dict[str, CmNode]
    needs_seventh: set[str]  # codes that are only complete with a 7th character
    excludes1: dict[str, list[Exclusion]]
    chapter_notes: dict[str, list[tuple[int, str]]]
    _ancestry: dict[str, list[str]] = field(default_factory=dict)  # memo: codes repeat
    _exclusions: dict[str, list[Exclusion]] = field(default_factory=dict)

    def exclusions_up(self, code: str) -> list[Exclusion]:
        """Excludes1 references printed at the code or any ancestor, nearest first."""
        found = self._exclusions.get(code)
        if found is None:
            found = [ex for h in self.ancestry(code) for ex in self.excludes1.get(h, ())]
            self._exclusions[code] = found
        return found

    def label(self, code: str) -> str:
        """How a node is named in a source: "chapter 15", "block N40-N53", "E11.4"."""
        node = self.nodes.get(code)
        if node is not None and node.kind in ("chapter", "block"):
            return f"{node.kind} {code}"
        return code if len(code) <= 3 else f"{code[:3]}.{code[3:]}"

    def ancestry(self, code: str) -> list[str]:
        found = self._ancestry.get(code)
        if found is None:
            found = self._ancestry[code] = self._walk_up(code)
        return found

    def _walk_up(self, code: str) -> list[str]:
        out = []
        current: str | None = code
        while current is not None and current in self.nodes:
            out.append(current)
            current = self.nodes[current].parent
        return out


@dataclass(slots=True)
class DateFacts:
    """Everything in force on one date of service (any table may be missing: not loaded)."""

    on: str
    ptp: dict[str, dict[tuple[str, str], list[PtpRow]] | None]  # claim type -> pairs
    ptp_by_code: dict[str, set[str] | None]  # claim type -> codes that appear in any pair
    mue: dict[str, dict[str, MueRow] | None]  # claim type -> code -> row
    addon: dict[str, list[AddonRow]] | None
    rvu: dict[str, RvuRow] | None
    hcpcs: dict[str, HcpcsRow] | None
    cm: CmTable | None
    rvu_release: Release | None = None
    hcpcs_release: Release | None = None
    warnings: list[str] = field(default_factory=list)
    not_loaded: list[str] = field(default_factory=list)


_CODE = r"[A-Z]\d[0-9A-Z](?:\.[0-9A-Z]{0,4})?"
_REF = re.compile(rf"^({_CODE})(?:\.?-)?(?:-({_CODE})(?:\.?-)?)?$")
_PARENS = re.compile(r"\(([^()]*)\)")


def exclusions_in(note: str, holder: str, seq: int) -> list[Exclusion]:
    """Code references printed in an Excludes1 note: "(A04.0-A04.4)", "(A05.-)", "(T61-T62)"."""
    out = []
    for group in _PARENS.findall(note):
        for item in group.split(","):
            token = item.strip().upper()
            m = _REF.match(token)
            if not m:
                continue
            lo = m.group(1).replace(".", "")
            hi = (m.group(2) or m.group(1)).replace(".", "")
            out.append(Exclusion(lo, hi, holder, note, seq))
    return out


class FactsBook:
    """Reference tables of one store file, loaded on first need and kept for the process."""

    def __init__(self, store_path: Path) -> None:
        self.store_path = Path(store_path)
        self._lock = threading.Lock()
        self._by_date: dict[str, DateFacts] = {}
        self._tables: dict[tuple[Any, ...], Any] = {}
        self._cm_code_sets: dict[int, set[str]] = {}
        self._proc_code_sets: dict[tuple[int, str], set[str]] = {}
        self._releases: list[ReleaseRow] | None = None
        self._history: dict[tuple[str, str, str], tuple[str, ReleaseRow] | None] = {}

    # -- public -----------------------------------------------------------------------------
    def on(self, iso: str) -> DateFacts:
        found = self._by_date.get(iso)
        if found is None:
            with self._lock:
                found = self._by_date.get(iso)
                if found is None:
                    found = self._load_date(iso)
                    self._by_date[iso] = found
        return found

    def releases(self) -> list[ReleaseRow]:
        if self._releases is None:
            with self._store() as store:
                self._releases = list(store.releases())
        return self._releases

    def cm_history(self, code: str, on: str) -> tuple[str, ReleaseRow] | None:
        """Where an ICD-10-CM code missing from the release in force went.

        ("deleted" | "later", the release that has it), from the other tabular releases.
        """
        key = ("cm", code, on)
        if key in self._history:
            return self._history[key]
        found: tuple[str, ReleaseRow] | None = None
        with self._lock, self._store() as store:
            rels = store.releases_of("icd10cm", "tabular")
            for rel in reversed(rels):
                codes = self._cm_code_sets.get(rel.id)
                if codes is None:
                    codes = q.cm_codes(store.conn, rel.id)
                    self._cm_code_sets[rel.id] = codes
                if code in codes:
                    found = ("later" if rel.effective_from > on else "deleted"), rel
                    break
        self._history[key] = found
        return found

    def procedure_history(self, code: str, on: str) -> tuple[str, ReleaseRow] | None:
        """The same for a CPT/HCPCS code, from the other PFS and HCPCS releases."""
        key = ("proc", code, on)
        if key in self._history:
            return self._history[key]
        found: tuple[str, ReleaseRow] | None = None
        with self._lock, self._store() as store:
            for system, kind, table in (("pfs", "rvu", "pfs_rvu"), ("hcpcs", "alpha",
                                                                      "hcpcs_item")):  # fmt: skip
                for rel in reversed(store.releases_of(system, kind)):
                    tkey = (rel.id, table)
                    codes = self._proc_code_sets.get(tkey)
                    if codes is None:
                        codes = q.procedure_codes(store.conn, rel.id, table)
                        self._proc_code_sets[tkey] = codes
                    if code in codes and found is None:
                        found = ("later" if rel.effective_from > on else "deleted"), rel
        self._history[key] = found
        return found

    # -- loading ----------------------------------------------------------------------------
    def _store(self) -> _OpenStore:
        return _OpenStore(self.store_path)

    def _table(self, key: tuple[Any, ...], build: Callable[[], T]) -> T:
        if key not in self._tables:
            self._tables[key] = build()
        found: T = self._tables[key]
        return found

    def _load_date(self, iso: str) -> DateFacts:
        on = date.fromisoformat(iso)
        with self._store() as store:
            warnings: list[str] = []
            not_loaded: list[str] = []

            def chosen(system: str, kind: str, what: str) -> list[ReleaseRow]:
                found = in_force(store, system, kind, on)
                if found is None:
                    not_loaded.append(what)
                    return []
                if found.warning:
                    warnings.append(found.warning)
                # A PTP release comes in several part files (f1..f4): all of them answer.
                return [
                    r for r in store.releases_of(system, kind)
                    if r.version == found.release.version
                    and r.effective_from == found.release.effective_from
                ]  # fmt: skip

            ptp: dict[str, dict[tuple[str, str], list[PtpRow]] | None] = {}
            ptp_codes: dict[str, set[str] | None] = {}
            for claim_type, kind in PTP_KIND.items():
                if kind is None:
                    ptp[claim_type] = ptp_codes[claim_type] = None
                    continue
                label = "NCCI PTP edits (" + kind.removeprefix("ptp_") + ")"
                rels = chosen("ncci", kind, label)
                if not rels:
                    ptp[claim_type] = ptp_codes[claim_type] = None
                    continue
                pairs = self._table(("ptp", *(r.id for r in rels)), partial(_ptp, store, rels))
                ptp[claim_type] = pairs
                ptp_codes[claim_type] = self._table(
                    ("ptp_codes", *(r.id for r in rels)),
                    partial(_codes_in, pairs),
                )
            mue: dict[str, dict[str, MueRow] | None] = {}
            for claim_type, kind in MUE_KIND.items():
                rels = chosen("ncci", kind, f"NCCI MUE ({kind.removeprefix('mue_')})")
                mue[claim_type] = (
                    self._table(("mue", rels[0].id), partial(_mue, store, rels[0]))
                    if rels
                    else None
                )
            rels = chosen("ncci", "aoc", "NCCI add-on code edits")
            addon = (
                self._table(("aoc", rels[0].id), partial(_addon, store, rels[0])) if rels else None
            )
            rvu_rels = chosen("pfs", "rvu", "PFS relative value file")
            rvu = (
                self._table(("rvu", rvu_rels[0].id), partial(_rvu, store, rvu_rels[0]))
                if rvu_rels
                else None
            )
            found = in_force(store, "hcpcs", "alpha", on)
            hcpcs = (
                self._table(("hcpcs", found.release.id), partial(_hcpcs, store, found.release))
                if found
                else None
            )
            rels = chosen("icd10cm", "tabular", "ICD-10-CM tabular")
            cm = self._table(("cm", rels[0].id), partial(_cm, store, rels[0])) if rels else None
        # Which HCPCS file answers matters less (its dates are checked per code): no warning.
        return DateFacts(
            iso, ptp, ptp_codes, mue, addon, rvu, hcpcs, cm,
            Release.of(rvu_rels[0]) if rvu_rels else None,
            Release.of(found.release) if found else None,
            sorted(set(warnings)), not_loaded,
        )  # fmt: skip


class _OpenStore(ReferenceStore):
    """A store opened for one load and closed after it.

    No connection outlives a load, so a book can be used from any thread and any worker.
    """

    def __enter__(self) -> _OpenStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _codes_in(pairs: dict[tuple[str, str], list[PtpRow]]) -> set[str]:
    return {c for pair in pairs for c in pair}


def _ptp(store: ReferenceStore, rels: list[ReleaseRow]) -> dict[tuple[str, str], list[PtpRow]]:
    pairs: dict[tuple[str, str], list[PtpRow]] = defaultdict(list)
    for rel in rels:
        source = Release.of(rel)
        for c1, c2, eff, dele, mi, line, why in q.ptp_rows(store.conn, rel.id):
            pairs[(c1, c2)].append(PtpRow(c1, c2, eff, dele, mi, line, why or "", source))
    return dict(pairs)


def _mue(store: ReferenceStore, rel: ReleaseRow) -> dict[str, MueRow]:
    source = Release.of(rel)
    return {
        code: MueRow(code, value, mai, line, why or "", source)
        for code, value, mai, line, why in q.mue_rows(store.conn, rel.id)
    }


def _addon(store: ReferenceStore, rel: ReleaseRow) -> dict[str, list[AddonRow]]:
    source = Release.of(rel)
    out: dict[str, list[AddonRow]] = defaultdict(list)
    for etype, addon, primary, eff, dele, line in q.addon_rows(store.conn, rel.id):
        out[addon].append(AddonRow(etype, addon, primary, eff, dele, line, source))
    return dict(out)


def _rvu(store: ReferenceStore, rel: ReleaseRow) -> dict[str, RvuRow]:
    """The global row of each code ('' modifier).

    A code listed only with a modifier keeps its first such row so its status is known.
    """
    source = Release.of(rel)
    out: dict[str, RvuRow] = {}
    for code, mod, status, gd, line, pctc, bil, asst, co, team in q.rvu_rows(store.conn, rel.id):
        if mod and code in out:
            continue
        row = RvuRow(code, status, gd, line, pctc, bil, asst, co, team, source)
        if not mod or code not in out:
            out[code] = row
    return out


def _hcpcs(store: ReferenceStore, rel: ReleaseRow) -> dict[str, HcpcsRow]:
    source = Release.of(rel)
    return {
        code: HcpcsRow(code, add, term, action, line, source)
        for code, add, term, action, line in q.hcpcs_rows(store.conn, rel.id)
    }


def _cm(store: ReferenceStore, rel: ReleaseRow) -> CmTable:
    nodes: dict[str, CmNode] = {}
    needs_seventh: set[str] = set()
    for code, kind, title, parent, billable, _seq in q.cm_nodes(store.conn, rel.id):
        nodes[code] = CmNode(code, kind, title, parent, bool(billable))
        if kind == "extension" and parent:
            needs_seventh.add(parent)
    excludes1: dict[str, list[Exclusion]] = defaultdict(list)
    for holder, seq, text in q.cm_notes_of_kind(store.conn, rel.id, "excludes1"):
        excludes1[holder] += exclusions_in(text, holder, seq)
    chapter_notes: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for holder, seq, text in q.cm_notes_of_kind(store.conn, rel.id, "note"):
        if holder in nodes and nodes[holder].kind == "chapter":
            chapter_notes[holder].append((seq, text))
    # A placeholder-padded code ("T33.01X") is incomplete whenever its 7th-character
    # children exist, which ``needs_seventh`` already says through the parent link.
    return CmTable(Release.of(rel), nodes, needs_seventh, dict(excludes1), dict(chapter_notes))


_BOOKS: dict[tuple[str, int, int], FactsBook] = {}
_BOOKS_LOCK = threading.Lock()


def book_for(store_path: str | os.PathLike[str]) -> FactsBook:
    """The process's book for a store file; a rebuilt store (new mtime or size) gets a new one."""
    path = Path(store_path).resolve()
    st = path.stat()
    key = (str(path), st.st_mtime_ns, st.st_size)
    with _BOOKS_LOCK:
        book = _BOOKS.get(key)
        if book is None:
            for old in [k for k in _BOOKS if k[0] == key[0]]:
                del _BOOKS[old]
            book = _BOOKS[key] = FactsBook(path)
    return book
