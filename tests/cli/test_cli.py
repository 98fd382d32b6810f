"""The CLI as a user runs it: real processes, a throw-away CHARTCODE_HOME, exit codes."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, TEST_DATA

CM = TEST_DATA / "icd10cm_tabular"


def chartcode(*args: str, home: Path, check: bool = False) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CHARTCODE_HOME": str(home), "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "chartcode.cli.main", *args],
        capture_output=True,
        text=True,
        env=env,
        check=check,
        timeout=120,
    )


@pytest.fixture(scope="module")
def loaded_home(tmp_path_factory):
    home = tmp_path_factory.mktemp("clihome")
    r = chartcode(
        "data",
        "import",
        str(CM / "tabular_sample_2025.xml"),
        str(CM / "tabular_sample_2026.xml"),
        home=home,
    )
    assert r.returncode == 0, r.stderr
    return home


def test_lookup_json_schema(loaded_home):
    r = chartcode("lookup", "e1140", "--date", "2026-01-15", "--json", home=loaded_home)
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["system"] == "icd10cm" and d["code"] == "E11.40" and d["billable"] is True
    assert d["release"]["version"] == "2026"
    assert {"kind", "text", "from_code"} <= set(d["notes"][0])
    assert [h["event"] for h in d["history"]] == ["absent", "added"]


def test_lookup_terminal_page(loaded_home):
    r = chartcode("lookup", "S52.501", "--date", "2026-01-15", home=loaded_home)
    assert r.returncode == 0
    assert "S52.501A" in r.stdout and "7th character" in r.stdout


def test_unknown_code_exits_2_with_nearest(loaded_home):
    r = chartcode("lookup", "E11.49", "--json", home=loaded_home)
    assert r.returncode == 2
    d = json.loads(r.stdout)
    assert d["error"] == "unknown_code" and "E11.40" in d["nearest"]
    r = chartcode("lookup", "E11.49", home=loaded_home)
    assert r.returncode == 2 and "nearest" in r.stderr and "icd10cm" in r.stderr


def test_not_yet_valid_on_date(loaded_home):
    r = chartcode("lookup", "E11.40", "--date", "2025-06-01", "--json", home=loaded_home)
    d = json.loads(r.stdout)
    assert d["validity"] == "not_yet_valid" and d["valid_from"] == "2025-10-01"


def test_status_lists_releases(loaded_home):
    r = chartcode("data", "status", "--json", home=loaded_home)
    rels = json.loads(r.stdout)["releases"]
    assert [x["version"] for x in rels] == ["2025", "2026"]
    assert all(len(x["sha256"]) == 64 and x["rows"] > 0 for x in rels)
    text = chartcode("data", "status", home=loaded_home).stdout
    assert "2025-10-01" in text


def test_import_refuses_unknown_file_and_keeps_store(loaded_home, tmp_path):
    store = loaded_home / "reference.sqlite"
    before = store.read_bytes()
    junk = tmp_path / "notes.xml"
    junk.write_text("<?xml version='1.0'?><notes/>")
    r = chartcode("data", "import", str(junk), home=loaded_home)
    assert r.returncode != 0 and "notes.xml" in r.stderr and "not a recognised" in r.stderr
    assert store.read_bytes() == before


def test_bad_date_is_a_clear_error(loaded_home):
    r = chartcode("lookup", "E11.9", "--date", "1/2/2026", home=loaded_home)
    assert r.returncode == 2 and "YYYY-MM-DD" in r.stderr


def test_search_json(loaded_home):
    r = chartcode("search", "ladder", "--json", "--date", "2026-01-15", home=loaded_home)
    d = json.loads(r.stdout)
    assert d["results"][0]["code"].startswith("W11")
    assert {"system", "code", "title", "billable", "score"} <= set(d["results"][0])


def test_every_command_has_help_and_a_readme_section():
    from typer.main import get_command

    from chartcode.cli.main import app

    readme = (REPO / "README.md").read_text()
    group = get_command(app)
    names = []
    for name, cmd in group.commands.items():  # type: ignore[attr-defined]
        sub = getattr(cmd, "commands", None)
        if sub:
            names += [f"{name} {s}" for s in sub]
            assert all(c.help for c in sub.values())
        else:
            names.append(name)
            assert cmd.help
    for name in names:
        assert f"chartcode {name}" in readme, f"README has no section for `chartcode {name}`"
