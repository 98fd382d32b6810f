"""Web fixtures: one small reference store per session, a fresh user database per test.

``db_url`` runs each account test twice: on SQLite, and on PostgreSQL when
``CHARTCODE_TEST_POSTGRES_URL`` names a server (``.ci/run`` starts one); without it the
PostgreSQL runs skip and say why.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from sqlalchemy import MetaData, Table

from chartcode.api import Chartcode
from tests.conftest import TEST_DATA


def pytest_configure(config: pytest.Config) -> None:
    # Starlette 1.x suggests httpx2 for its test client; httpx is what the project pins.
    config.addinivalue_line("filterwarnings", "ignore:Using `httpx` with")


POSTGRES_ENV = "CHARTCODE_TEST_POSTGRES_URL"
PASSWORD = "correct horse battery"
ON = "2026-05-01"
STORE_FILES = [
    TEST_DATA / "icd10cm_tabular" / "tabular_sample_2025.xml",
    TEST_DATA / "icd10cm_tabular" / "tabular_sample_2026.xml",
    TEST_DATA / "icd10pcs_tables" / "tables.xml",
    TEST_DATA / "icd10pcs_definitions" / "definitions.xml",
    TEST_DATA / "pfs_rvu" / "PPRRVU2026_Apr_nonQPP.txt",
    TEST_DATA / "ncci_mue" / "MCR_MUE_PractitionerServices_Eff_04-01-2026.csv",
]


@pytest.fixture(autouse=True)
def cheap_password_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2id at its smallest cost: accounts tests register dozens of users.

    The production parameters are argon2-cffi's defaults (``test_security`` checks them); a
    hash costs ~0.1-0.3 s on a shared 2-core machine, which is the point in production and
    only time here.
    """
    from argon2 import PasswordHasher

    from chartcode.web import security

    monkeypatch.setattr(
        security, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )


@pytest.fixture(scope="session")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("webstore") / "reference.sqlite"
    with Chartcode(path) as desk:
        desk.import_files(STORE_FILES)
    return path


def _reset_postgres(url: str) -> None:
    from chartcode.web.userdb.database import open_database
    from chartcode.web.userdb.models import Base

    engine, _ = open_database(url)
    Base.metadata.drop_all(engine)
    Table("alembic_version", MetaData()).drop(engine, checkfirst=True)
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'users.sqlite'}"
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        if os.environ.get("CI"):
            pytest.fail(f"CI must set {POSTGRES_ENV} (.ci/run starts PostgreSQL)")
        pytest.skip(f"no PostgreSQL server: set {POSTGRES_ENV}=postgresql://user:pw@host/db")
    _reset_postgres(url)
    return url


def make_settings(db_url: str, store_path: Path, tmp_path: Path, **overrides: object):
    from chartcode.web.settings import Settings

    base = {
        "database_url": db_url,
        "store_path": store_path,
        "secret_key": "test-secret-key-" + "x" * 32,
        "mail_backend": f"file:{tmp_path / 'mail'}",
    }
    return Settings(**{**base, **overrides})  # type: ignore[arg-type]


@pytest.fixture
def make_client(db_url: str, store_path: Path, tmp_path: Path):
    """A factory of test clients on one user database; settings may be overridden."""
    from fastapi.testclient import TestClient

    from chartcode.web.app import create_app

    apps: dict[str, object] = {}

    def make(
        raise_errors: bool = True, base_url: str = "http://testserver", **overrides: object
    ) -> TestClient:
        # Clients with the same settings share one app (one migration run), not one cookie jar.
        key = repr(sorted(overrides.items()))
        if key not in apps:
            apps[key] = create_app(make_settings(db_url, store_path, tmp_path, **overrides))
        return TestClient(apps[key], raise_server_exceptions=raise_errors, base_url=base_url)

    yield make
    for app in apps.values():
        app.state.engine.dispose()  # type: ignore[attr-defined]


@pytest.fixture
def client(make_client):
    return make_client()


CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf(client, path: str = "/login") -> str:
    page = client.get(path)
    found = CSRF.search(page.text)
    assert found, f"no CSRF field on {path}"
    return found.group(1)


def register(client, email: str, password: str = PASSWORD):
    token = csrf(client, "/register")
    return client.post(
        "/register",
        data={"email": email, "password": password, "password2": password, "csrf_token": token},
        follow_redirects=False,
    )


def login(client, email: str, password: str = PASSWORD):
    token = csrf(client, "/login")
    return client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": token},
        follow_redirects=False,
    )


def post(client, path: str, data: dict[str, str] | None = None, page: str = "/account"):
    """A form post with the session's CSRF token, as a browser sends it."""
    token = csrf(client, page)
    return client.post(path, data={**(data or {}), "csrf_token": token}, follow_redirects=False)


@pytest.fixture
def open_client(store_path: Path, tmp_path: Path):
    """A client on SQLite, for tests of pages that involve no account."""
    from fastapi.testclient import TestClient

    from chartcode.web.app import create_app

    app = create_app(make_settings(f"sqlite:///{tmp_path / 'users.sqlite'}", store_path, tmp_path))
    yield TestClient(app)
    app.state.engine.dispose()
