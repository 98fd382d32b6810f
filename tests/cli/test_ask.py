"""``chartcode ask`` as a user runs it: Rich output with sources, and --json."""

import json

import pytest

from tests.cli.test_cli import chartcode
from tests.conftest import TEST_DATA


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    h = tmp_path_factory.mktemp("askhome")
    r = chartcode(
        "data",
        "import",
        str(TEST_DATA / "icd10cm_tabular" / "tabular_sample_2026.xml"),
        str(TEST_DATA / "pfs_rvu" / "PPRRVU2026_Apr_nonQPP.txt"),
        home=h,
    )
    assert r.returncode == 0, r.stderr
    return h


def test_ask_prints_the_answer_and_its_sources(home):
    r = chartcode("ask", "What is the global period of 22586?", "--date", "2026-05-01", home=home)
    assert r.returncode == 0, r.stderr
    assert "global period of 22586 is 090" in r.stdout
    assert "Sources" in r.stdout and "PPRRVU2026_Apr_nonQPP.txt" in r.stdout


def test_ask_json_and_missing_data(home):
    r = chartcode("ask", "Can 22586 be billed with 22840?", "--json", "--date", "2026-05-01",
                  home=home)  # fmt: skip
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["kind"] == "ptp_pair" and d["answered"] is False
    assert "chartcode data import <PTP file>" in d["text"]
    assert {"text", "citations", "tool_calls", "flags", "codes"} <= set(d)


def test_ask_model_mode_unreachable_is_a_clear_error(home):
    r = chartcode("ask", "What does E11.40 mean?", "--model-url", "http://127.0.0.1:9/v1",
                  "--json", home=home)  # fmt: skip
    assert r.returncode == 3
    assert json.loads(r.stdout)["error"] == "model_error"
