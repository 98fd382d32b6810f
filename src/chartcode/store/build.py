"""Atomic builds of the reference store: parse everything, build a new file, then swap.

Contract: ``import_files(store_path, files)`` either lands every file or none. All files are
parsed before anything is written; the build happens in a private copy of the store, and
``os.replace`` swaps it in only after the transaction commits. A failure at any point deletes
the copy and leaves the existing store exactly as it was.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from chartcode.sources.detect import DataFile, identify_release
from chartcode.sources.records import ParsedFile
from chartcode.store.database import migrate, open_writable
from chartcode.store.loader import NewRelease, delete_release, load_release

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True, slots=True)
class ImportedFile:
    source_name: str
    system: str
    kind: str
    version: str
    effective_from: str
    effective_to: str | None
    status: str  # loaded | replaced | unchanged
    rows: int

    def to_dict(self) -> dict[str, object]:
        return {k: getattr(self, k) for k in self.__slots__}


@contextlib.contextmanager
def _build_lock(store_path: Path) -> Iterator[None]:
    """One build at a time per store; a second importer waits rather than racing the swap."""
    store_path.parent.mkdir(parents=True, exist_ok=True)
    with open(store_path.with_name(store_path.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _release_for(
    f: DataFile, parsed: ParsedFile, version: str | None, effective_from: date | None
) -> NewRelease:
    ident = identify_release(parsed.header, f.name)
    eff_from = effective_from or ident.effective_from
    return NewRelease(
        system=parsed.header.system,
        kind=parsed.header.kind,
        version=version or ident.version,
        title=ident.title,
        effective_from=eff_from,
        effective_to=ident.effective_to,
        source_name=f.name,
        sha256=f.sha256,
    )


def import_files(
    store_path: Path,
    files: list[DataFile],
    *,
    progress: Progress | None = None,
    version: str | None = None,
    effective_from: date | None = None,
) -> list[ImportedFile]:
    """Import ``files`` into the store at ``store_path`` atomically (see module contract)."""
    total = len(files)
    parsed: list[tuple[DataFile, ParsedFile]] = []
    for i, f in enumerate(files):
        if progress:
            progress(f"parsing {f.name}", i, total * 2)
        parsed.append((f, f.parse(version, effective_from)))
    with _build_lock(store_path):
        tmp = store_path.with_name(f"{store_path.name}.build-{os.getpid()}")
        try:
            if store_path.exists():
                shutil.copyfile(store_path, tmp)
            conn = open_writable(tmp)
            try:
                migrate(conn)
                report: list[ImportedFile] = []
                conn.execute("BEGIN")
                for i, (f, p) in enumerate(parsed):
                    if progress:
                        progress(f"loading {f.name}", total + i, total * 2)
                    rel = _release_for(f, p, version, effective_from)
                    report.append(_load_one(conn, rel, p))
                conn.commit()
                conn.execute("INSERT INTO code_fts(code_fts) VALUES ('optimize')")
                conn.commit()
            finally:
                conn.close()
            os.replace(tmp, store_path)
        finally:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
    if progress:
        progress("done", total * 2, total * 2)
    return report


def _load_one(conn: sqlite3.Connection, rel: NewRelease, parsed: ParsedFile) -> ImportedFile:
    """Load one release; the same file again is a no-op, a changed file replaces its release."""
    old = conn.execute(
        "SELECT id, sha256, row_count FROM release WHERE system=? AND kind=? AND version=?",
        (rel.system, rel.kind, rel.version),
    ).fetchone()
    status = "loaded"
    if old is not None:
        if old[1] == rel.sha256:
            return _imported(rel, "unchanged", old[2])
        delete_release(conn, old[0])
        status = "replaced"
    rid = load_release(conn, rel, parsed)
    rows = conn.execute("SELECT row_count FROM release WHERE id=?", (rid,)).fetchone()[0]
    return _imported(rel, status, rows)


def _imported(rel: NewRelease, status: str, rows: int) -> ImportedFile:
    return ImportedFile(
        source_name=rel.source_name,
        system=rel.system,
        kind=rel.kind,
        version=rel.version,
        effective_from=rel.effective_from.isoformat(),
        effective_to=rel.effective_to.isoformat() if rel.effective_to else None,
        status=status,
        rows=rows,
    )
