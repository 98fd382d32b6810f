"""``chartcode fee`` as a user runs it: a real process, a throw-away store, exit codes."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import TEST_DATA

FEES = TEST_DATA / "fees"


def chartcode(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CHARTCODE_HOME": str(home), "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "chartcode.cli.main", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    home = tmp_path_factory.mktemp("feehome")
    r = chartcode(
        "data",
        "import",
        str(FEES / "PPRRVU2026_Apr_nonQPP.txt"),
        str(FEES / "ZIP5_APR2026.txt"),
        str(FEES / "ANES2026.csv"),
        str(TEST_DATA / "pfs_gpci" / "GPCI2026.csv"),
        # An ICD-10-CM release too, so the first command does not load the embedded default.
        str(TEST_DATA / "icd10cm_tabular" / "tabular_sample_2026.xml"),
        home=home,
    )
    assert r.returncode == 0, r.stderr
    return home


def test_fee_json_national(home):
    # 60.12 x 33.4009 = 2008.062108 -> 2008.06 in the facility; non-facility NA.
    r = chartcode("fee", "22586", "--date", "2026-05-01", "--json", home=home)
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    by = {s["setting"]: s for s in d["settings"]}
    assert by["facility"]["amount"] == "2008.06"
    assert by["nonfacility"]["na"] is True and by["nonfacility"]["amount"] is None
    assert d["status"] == {
        "code": "A",
        "meaning": "active",
        "payable": True,
        "rule_id": "pfs.status.A",
        "description": d["status"]["description"],
    }


def test_fee_page_shows_the_formula_and_sources(home):
    r = chartcode(
        "fee", "22586", "--locality", "0118218", "--facility", "--date", "2026-05-01", home=home
    )
    assert r.returncode == 0, r.stderr
    assert "$2,078.74" in r.stdout
    assert "62.236 × 33.4009" in r.stdout
    assert "GPCI2026.csv:6" in r.stdout and "PPRRVU2026_Apr_nonQPP.txt:9" in r.stdout
    assert "Non-facility" not in r.stdout  # --facility: one setting only


def test_fee_with_modifiers_and_zip(home):
    # LA facility 2078.7384124 x 62.5 % = 1299.21150775 -> 1299.21.
    r = chartcode(
        "fee", "22586", "-m", "62", "--zip", "90001", "--facility", "--date", "2026-05-01",
        "--json", home=home,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["settings"][0]["amount"] == "1299.21" and d["locality"]["zip5"] == "90001"


def test_anesthesia_with_minutes(home):
    # (5 + 60/15 = 4.0) x national anesthesia CF 20.5000 = 184.50.
    r = chartcode(
        "fee", "00790", "--minutes", "60", "--base-units", "5", "--date", "2026-05-01",
        "--json", home=home,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["amount"] == "184.50" and d["time_units"] == "4.0"


def test_not_payable_status_explains(home):
    r = chartcode("fee", "2093B", "--date", "2026-05-01", home=home)
    assert r.returncode == 0, r.stderr
    assert "not payable" in r.stdout and "bundled" in r.stdout


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (["22586", "--locality", "0111205"], "unknown_locality"),
        (["22587"], "unknown_code"),
        (["22586", "-m", "66"], "modifier_not_allowed"),
        (["00790", "--minutes", "60", "-m", "26"], "invalid_input"),
    ],
)
def test_errors_exit_2_with_a_json_error(home, args, error):
    r = chartcode("fee", *args, "--date", "2026-05-01", "--json", home=home)
    assert r.returncode == 2
    assert json.loads(r.stdout)["error"] == error


def test_error_message_without_json(home):
    r = chartcode("fee", "22586", "--locality", "0111205", "--date", "2026-05-01", home=home)
    assert r.returncode == 2
    assert "0111205" in r.stderr and "--zip" in r.stderr


def test_help():
    r = chartcode("fee", "--help", home=Path("/nonexistent"))
    assert r.returncode == 0
    assert "--modifier" in r.stdout and "--locality" in r.stdout and "--minutes" in r.stdout
