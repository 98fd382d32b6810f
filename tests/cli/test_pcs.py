"""``chartcode pcs`` as a user runs it: real processes, a store built from the fixtures."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from chartcode.api import Chartcode
from tests.conftest import TEST_DATA

FIXTURES = TEST_DATA / "icd10pcs_builder"


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("pcscli") / "reference.sqlite"
    desk = Chartcode(path)
    desk.import_files(sorted(FIXTURES.glob("*.xml")))
    desk.close()
    return path


def pcs(*args: str, store: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "CHARTCODE_STORE": str(store)}
    return subprocess.run(
        [sys.executable, "-m", "chartcode.cli.main", "pcs", *args],
        capture_output=True,
        text=True,
        env=env,
        input=stdin,
        timeout=120,
    )


def test_build_json(store):
    r = pcs("build", "laparoscopic cholecystectomy", "--json", "--date", "2026-05-01", store=store)
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["code"] == "0FT44ZZ" and d["open_axes"] == [] and d["question"] is None
    assert [a["position"] for a in d["axes"]] == [1, 2, 3, 4, 5, 6, 7]
    assert d["release"]["version"] == "2026"


def test_build_asks_the_open_axis(store):
    r = pcs("build", "right total knee replacement", "--date", "2026-05-01", store=store)
    assert r.returncode == 0, r.stderr
    assert "0SRC0??" in r.stdout and "Which device:" in r.stdout
    assert "Oxidized Zirconium" in r.stdout  # the choices are listed


def test_build_both_knees_offers_each_side(store):
    r = pcs("build", "total knee replacement of both knees", "--date", "2026-05-01", store=store)
    assert r.returncode == 0, r.stderr
    assert "Each side, coded on its own (Guidelines B4.3): 0SRC0?? Knee Joint, Right and" in (
        r.stdout
    )
    assert "0SRD0?? Knee Joint, Left" in r.stdout


def test_build_interactive_walk(store):
    answers = "\n".join(["0", "S", "G", "x9", "3", "3", "A", "J"]) + "\n"
    r = pcs("build", "--date", "2026-05-01", store=store, stdin=answers)
    assert r.returncode == 0, r.stderr
    assert "'x9' is not one of the values listed" in r.stdout
    assert "0SG33AJ" in r.stdout


def test_build_interactive_after_text_and_json(store):
    args = ("build", "right total knee replacement", "-i", "--json", "--date", "2026-05-01")
    r = pcs(*args, store=store, stdin="J\n")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout[r.stdout.index("{\n") :])
    # The device is asked; cement is not mentioned, so the qualifier is No Qualifier.
    assert d["code"] == "0SRC0JZ"
    assert d["axes"][6]["evidence"]["kind"] == "default"


def test_interactive_stop(store):
    r = pcs("build", "--date", "2026-05-01", store=store, stdin="q\n")
    assert r.returncode == 0 and "Which section" in r.stdout


def test_table(store):
    r = pcs("table", "0SG", "--date", "2026-05-01", store=store)
    assert r.returncode == 0, r.stderr
    assert "Fusion" in r.stdout and "row 2 (18 codes)" in r.stdout
    d = json.loads(pcs("table", "0sg3", "--json", "--date", "2026-05-01", store=store).stdout)
    assert d["table"] == "0SG" and d["filter"] == "0SG3" and len(d["rows"]) == 2


def test_unknown_table_is_an_error_with_nearest(store):
    r = pcs("table", "0SZ", "--date", "2026-05-01", store=store)
    assert r.returncode == 2
    assert "0SG" in r.stderr
    j = pcs("table", "0SZ", "--json", store=store)
    assert json.loads(j.stdout)["error"] == "unknown_code"


def test_help_texts(store):
    for args in (["--help"], ["build", "--help"], ["table", "--help"]):
        r = pcs(*args, store=store)
        assert r.returncode == 0 and "Usage" in r.stdout
