"""Shared fixtures: where the official files are, and throw-away chartcode homes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
TEST_DATA = Path(__file__).resolve().parent / "data"


def _shared_data_dir() -> Path:
    env = os.environ.get("CHARTCODE_SHARED_DATA")
    return Path(env) if env else REPO.parent / "shared" / "data"


SHARED_DATA = _shared_data_dir()


def shared_file(relpath: str) -> Path:
    """A file under ../shared/data, or skip the test loudly when it is absent."""
    p = SHARED_DATA / relpath
    if not p.exists():
        if os.environ.get("CI"):
            pytest.fail(f"CI must have the official file {p}; ../shared/data is missing")
        pytest.skip(f"official file {p} is absent (../shared/data not beside the repo)")
    return p


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty CHARTCODE_HOME for one test."""
    h = tmp_path / "home"
    h.mkdir()
    monkeypatch.setenv("CHARTCODE_HOME", str(h))
    return h
