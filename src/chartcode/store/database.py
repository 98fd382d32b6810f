"""Opening store files and applying the named SQL migrations in ``store/migrations``."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

SCHEMA_VERSION = 1


def migrations() -> list[tuple[str, str]]:
    """(name, sql) of every migration shipped with the package, in name order."""
    folder = resources.files("chartcode.store") / "migrations"
    found = [(p.name, p.read_text(encoding="utf-8")) for p in folder.iterdir()]
    return sorted((n, s) for n, s in found if n.endswith(".sql"))


def migrate(conn: sqlite3.Connection) -> None:
    """Apply the migrations this file has not seen yet."""
    has_table = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type='table' AND name='schema_migration'"
    ).fetchone()
    done = {r[0] for r in conn.execute("SELECT name FROM schema_migration")} if has_table else set()
    for name, sql in migrations():
        if name in done:
            continue
        conn.executescript(sql)
        conn.execute(
            "INSERT INTO schema_migration (name, applied_at) VALUES (?, ?)",
            (name, datetime.now(UTC).isoformat(timespec="seconds")),
        )
    conn.commit()


def open_writable(path: Path) -> sqlite3.Connection:
    """A connection tuned for a one-off bulk build (the file is private until swapped in)."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = OFF")
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA temp_store = MEMORY")
    conn.execute("PRAGMA cache_size = -200000")
    return conn


def open_readonly(path: Path) -> sqlite3.Connection:
    """A read-only connection; the store is never written in place."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)
    conn.execute("PRAGMA query_only = ON")
    conn.execute("PRAGMA cache_size = -64000")
    conn.execute("PRAGMA mmap_size = 268435456")
    return conn
