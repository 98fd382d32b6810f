"""Web settings, read once from the environment (``CHARTCODE_*``) or given by tests.

Defaults suit a self-hosted install: everything open, no quotas, SQLite user database in the
chartcode data directory, a secret key generated once and kept beside it (so every worker and
every restart signs cookies with the same key).
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, replace
from pathlib import Path

from chartcode.paths import data_home

# The largest case or note text the app accepts, in characters (documented in the README).
MAX_TEXT_CHARS = 100_000
# The largest request body, in bytes; a bigger one is refused with 413 before it is read.
MAX_BODY_BYTES = 1_000_000
# The longest question the assistant takes, in characters (documented in the README).
MAX_QUESTION_CHARS = 2_000
SECRET_FILENAME = "web-secret.key"
USER_DB_FILENAME = "users.sqlite"


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    return value in ("1", "true", "yes", "on")


def _env_list(name: str) -> tuple[str, ...]:
    return tuple(x.strip() for x in os.environ.get(name, "").split(",") if x.strip())


@dataclass(frozen=True)
class Settings:
    """Everything the app reads from its configuration.

    ``gate_sections`` names the code-page sections a reader must be signed in to see:
    ``()`` (the default) gates nothing, ``("tagged",)`` gates the sections the code page tags
    ``account``, otherwise the listed section ids. A quota of 0 means unlimited.
    """

    database_url: str = ""
    store_path: Path | None = None
    secret_key: str = ""
    secure_cookies: bool = False
    registration_open: bool = True
    gate_sections: tuple[str, ...] = ()
    guest_daily_pages: int = 0
    user_daily_pages: int = 0
    admin_emails: tuple[str, ...] = ()
    mail_backend: str = "console"
    mail_from: str = "chartcode@localhost"
    base_url: str = ""
    max_text_chars: int = MAX_TEXT_CHARS
    max_body_bytes: int = MAX_BODY_BYTES
    login_attempts_per_minute: int = 10
    registrations_per_hour: int = 5
    session_days: int = 14
    migrate: bool = True
    page_cache_size: int = 4096
    # The assistant (/ask, /api/ask): questions a guest may ask per hour per address (0 = no
    # limit), the longest question, and the optional OpenAI-compatible model (none: rules).
    guest_questions_per_hour: int = 20
    max_question_chars: int = MAX_QUESTION_CHARS
    model_url: str = ""
    model_name: str = ""
    model_api_key: str = ""

    @classmethod
    def from_env(cls) -> Settings:
        """Settings from ``CHARTCODE_*`` environment variables (see README, chartcode serve)."""
        store = os.environ.get("CHARTCODE_STORE")
        return cls(
            database_url=os.environ.get("CHARTCODE_DATABASE_URL", ""),
            store_path=Path(store) if store else None,
            secret_key=os.environ.get("CHARTCODE_SECRET_KEY", ""),
            secure_cookies=_env_bool("CHARTCODE_SECURE_COOKIES", False),
            registration_open=_env_bool("CHARTCODE_REGISTRATION_OPEN", True),
            gate_sections=_env_list("CHARTCODE_GATE_SECTIONS"),
            guest_daily_pages=_env_int("CHARTCODE_GUEST_DAILY_PAGES", 0),
            user_daily_pages=_env_int("CHARTCODE_USER_DAILY_PAGES", 0),
            admin_emails=tuple(e.lower() for e in _env_list("CHARTCODE_ADMIN_EMAILS")),
            mail_backend=os.environ.get("CHARTCODE_MAIL_BACKEND", "console"),
            mail_from=os.environ.get("CHARTCODE_MAIL_FROM", "chartcode@localhost"),
            base_url=os.environ.get("CHARTCODE_BASE_URL", ""),
            max_text_chars=_env_int("CHARTCODE_MAX_TEXT_CHARS", MAX_TEXT_CHARS),
            max_body_bytes=_env_int("CHARTCODE_MAX_BODY_BYTES", MAX_BODY_BYTES),
            migrate=not _env_bool("CHARTCODE_WEB_MIGRATED", False),
            guest_questions_per_hour=_env_int("CHARTCODE_GUEST_QUESTIONS_PER_HOUR", 20),
            max_question_chars=_env_int("CHARTCODE_MAX_QUESTION_CHARS", MAX_QUESTION_CHARS),
            model_url=os.environ.get("CHARTCODE_MODEL_URL", ""),
            model_name=os.environ.get("CHARTCODE_MODEL", ""),
            model_api_key=os.environ.get("CHARTCODE_API_KEY", ""),
        )

    def resolved(self) -> Settings:
        """These settings with the database URL and secret key filled in."""
        url = self.database_url or f"sqlite:///{data_home() / USER_DB_FILENAME}"
        key = self.secret_key or stored_secret(data_home() / SECRET_FILENAME)
        return replace(self, database_url=url, secret_key=key)


def stored_secret(path: Path) -> str:
    """The key kept at ``path``, made (mode 0600) by whichever process gets there first."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _ in range(50):  # another worker is writing it right now
            text = path.read_text(encoding="ascii").strip()
            if text:
                return text
            import time

            time.sleep(0.02)
        raise
    key = secrets.token_urlsafe(48)
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(key + "\n")
    return key
