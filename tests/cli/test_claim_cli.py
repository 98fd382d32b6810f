"""``chartcode claim`` as a user runs it: terminal and JSON output, batches, bad input."""

import json

import pyarrow.parquet as pq
import pytest

from chartcode.api import Chartcode
from tests.cli.test_cli import chartcode
from tests.conftest import REPO, TEST_DATA

EXAMPLES = REPO / "examples" / "claims"
NCCI = sorted((TEST_DATA / "claims").glob("cci*.txt")) + sorted(
    (TEST_DATA / "claims").glob("MCR_MUE_*.csv")
)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    path = tmp_path_factory.mktemp("claimcli") / "reference.sqlite"
    Chartcode(path).import_files(NCCI)
    return path


def test_claim_json_output_schema(store, tmp_path):
    r = chartcode("claim", str(EXAMPLES / "knee_arthroscopy.json"), "--json", "--store",
                  str(store), home=tmp_path)  # fmt: skip
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["claim"]["claim_id"] == "DEMO-1"
    assert {"PTP-NEVER", "MUE-DOS-CLINICAL", "DX-POINTER-MISSING"} <= {
        e["id"] for e in data["edits"]
    }
    for e in data["edits"]:
        assert set(e) >= {"id", "severity", "line", "codes", "message", "fix", "source"}
        assert set(e["source"]) >= {"file", "release", "row"}
    assert "PFS relative value file" in data["not_checked"]


def test_claim_terminal_output_and_fail_on(store, tmp_path):
    args = ("claim", str(EXAMPLES / "knee_arthroscopy.json"), "--store", str(store))
    r = chartcode(*args, home=tmp_path)
    assert r.returncode == 0 and "PTP-NEVER" in r.stdout and "Fix:" in r.stdout
    assert chartcode(*args, "--fail-on", "error", home=tmp_path).returncode == 1
    clean = chartcode("claim", str(EXAMPLES / "claims.jsonl"), "--store", str(store),
                      "--fail-on", "warning", home=tmp_path)  # fmt: skip
    assert "JL-2" in clean.stdout


def test_malformed_claim_lists_every_field_and_exits_2(store, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps(
            {
                "patient": {"sex": "Q"},
                "lines": [
                    {"code": "99213"},
                    {"code": "ABC", "date_of_service": "2026-02-30", "units": -1},
                ],
            }
        )
    )
    r = chartcode("claim", str(bad), "--store", str(store), home=tmp_path)
    assert r.returncode == 2
    text = " ".join(r.stderr.split())
    for part in ("patient.sex", "line 1: date_of_service", "line 2: code", "line 2: units"):
        assert part in text, part
    j = chartcode("claim", str(bad), "--json", "--store", str(store), home=tmp_path)
    assert j.returncode == 2 and len(json.loads(j.stdout)["problems"]) == 5


def test_batch_to_parquet(store, tmp_path):
    out = tmp_path / "results.parquet"
    r = chartcode("claim", "--batch", str(EXAMPLES / "claims.csv"), "--out", str(out),
                  "--store", str(store), "--json", home=tmp_path)  # fmt: skip
    assert r.returncode == 0, r.stderr
    summary = json.loads(r.stdout)
    assert summary["claims"] == 3 and summary["lines"] == 6
    edits = pq.read_table(out).to_pandas()
    assert "MUE-DOS-POLICY" in set(edits.edit_id)


def test_batch_needs_out_and_one_input(store, tmp_path):
    r = chartcode("claim", "--batch", str(EXAMPLES / "claims.csv"), "--store", str(store),
                  home=tmp_path)  # fmt: skip
    assert r.returncode == 2 and "--out" in r.stderr
    r = chartcode("claim", "--store", str(store), home=tmp_path)
    assert r.returncode == 2


def test_history_file_is_read_and_checked(store, tmp_path):
    args = ("claim", str(EXAMPLES / "knee_arthroscopy.json"), "--store", str(store))
    ok = chartcode(*args, "--history", str(EXAMPLES / "history.json"), home=tmp_path)
    assert ok.returncode == 0, ok.stderr
    bad = tmp_path / "history.json"
    bad.write_text(json.dumps([{"claim_id": "H", "lines": [{"code": "27447"}]}]))
    r = chartcode(*args, "--history", str(bad), home=tmp_path)
    assert r.returncode == 2 and "date_of_service" in r.stderr
