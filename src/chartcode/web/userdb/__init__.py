"""The user database: accounts and everything a user keeps (SQLAlchemy, Alembic migrations).

Separate from the reference store: SQLite by default, PostgreSQL by URL. ``database.py`` opens
it and runs the migrations shipped in ``migrations/``; ``repository.py`` is the only module
that queries it, and every per-user query there is filtered by the owner's id.
"""
