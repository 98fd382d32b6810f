"""Opening the user database and bringing its schema up to date with Alembic.

``open_database(url)`` returns an engine and a session factory; ``migrate(engine)`` runs the
migrations shipped in this package (``importlib.resources``, so an installed wheel works).
SQLite gets foreign keys on and a busy timeout so that several workers can share one file.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

# psycopg 3 is the PostgreSQL driver; a plain postgresql:// URL would ask for psycopg2.
_DRIVER_PREFIXES = {
    "postgresql://": "postgresql+psycopg://",
    "postgres://": "postgresql+psycopg://",
}


def engine_url(url: str) -> str:
    for plain, full in _DRIVER_PREFIXES.items():
        if url.startswith(plain):
            return full + url[len(plain) :]
    return url


def open_database(url: str) -> tuple[Engine, sessionmaker[Session]]:
    url = engine_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.close()

    else:
        engine = create_engine(url, pool_pre_ping=True)
    return engine, sessionmaker(engine, expire_on_commit=False)


def migrate(engine: Engine) -> None:
    """Upgrade the schema to the newest migration (idempotent)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    location = resources.files("chartcode.web.userdb") / "migrations"
    config.set_main_option("script_location", str(location))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
