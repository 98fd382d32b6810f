"""Architecture checks: front ends hold no SQL, services never print, sources never touch SQLite."""

import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "chartcode"
SQL = re.compile(r"\bexecute\(|\bSELECT\b.+\bFROM\b|\bINSERT\s+INTO\b|\bDELETE\s+FROM\b")


def files(folder: str) -> list[Path]:
    return sorted((SRC / folder).rglob("*.py"))


@pytest.mark.parametrize("path", files("cli"), ids=lambda p: p.name)
def test_front_ends_hold_no_sql(path):
    assert not SQL.search(path.read_text()), f"{path} contains SQL; put it in store/"


@pytest.mark.parametrize("path", files("services"), ids=lambda p: p.name)
def test_services_never_print(path):
    text = path.read_text()
    assert not re.search(r"^\s*print\(", text, re.M), f"{path} prints; return results instead"
    assert "import rich" not in text and "from rich" not in text


@pytest.mark.parametrize("path", files("sources"), ids=lambda p: p.name)
def test_sources_do_not_touch_the_store(path):
    text = path.read_text()
    assert "import sqlite3" not in text and "from chartcode.store" not in text, path
