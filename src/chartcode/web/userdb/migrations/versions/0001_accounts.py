"""Accounts, password resets, API tokens, saved cases, favourites, notes, history, page views.

Revision ID: 0001_accounts
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_accounts"
down_revision = None
branch_labels = None
depends_on = None


def _when(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _owner() -> sa.Column:
    return sa.Column(
        "user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False
    )


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("auth_epoch", sa.Integer, nullable=False),
        _when("created_at"),
    )
    op.create_index("ix_users_email", "users", ["email"], unique=True)
    op.create_table(
        "password_resets",
        sa.Column("id", sa.Integer, primary_key=True),
        _owner(),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        _when("expires_at"),
        _when("used_at", nullable=True),
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer, primary_key=True),
        _owner(),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("prefix", sa.String(16), nullable=False),
        _when("created_at"),
        _when("last_used_at", nullable=True),
    )
    op.create_table(
        "saved_cases",
        sa.Column("id", sa.Integer, primary_key=True),
        _owner(),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("suggestions", sa.Text, nullable=True),
        _when("created_at"),
        _when("updated_at"),
    )
    op.create_table(
        "favourites",
        sa.Column("id", sa.Integer, primary_key=True),
        _owner(),
        sa.Column("system", sa.String(16), nullable=False),
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("title", sa.String(500), nullable=False),
        _when("created_at"),
        sa.UniqueConstraint("user_id", "system", "code"),
    )
    op.create_table(
        "notes",
        sa.Column("id", sa.Integer, primary_key=True),
        _owner(),
        sa.Column("system", sa.String(16), nullable=False),
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        _when("created_at"),
        _when("updated_at"),
    )
    op.create_table(
        "search_history",
        sa.Column("id", sa.Integer, primary_key=True),
        _owner(),
        sa.Column("query", sa.String(500), nullable=False),
        _when("created_at"),
    )
    op.create_table(
        "page_views",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("subject", sa.String(80), nullable=False),
        sa.Column("day", sa.String(10), nullable=False),
        sa.Column("count", sa.Integer, nullable=False),
        sa.UniqueConstraint("subject", "day"),
    )
    for table in (
        "password_resets",
        "api_tokens",
        "saved_cases",
        "favourites",
        "notes",
        "search_history",
    ):
        op.create_index(f"ix_{table}_user_id", table, ["user_id"])


def downgrade() -> None:
    for table in (
        "page_views",
        "search_history",
        "notes",
        "favourites",
        "saved_cases",
        "api_tokens",
        "password_resets",
        "users",
    ):
        op.drop_table(table)
