"""The Alembic migrations build exactly the schema the models describe, on each database."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from chartcode.web.userdb.database import migrate, open_database
from chartcode.web.userdb.models import Base


def test_migrations_match_the_models(db_url):
    engine, _ = open_database(db_url)
    migrate(engine)
    migrate(engine)  # running again changes nothing
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    assert diff == []
