"""``chartcode redact`` as a user runs it: files and stdin, styles, JSON, manifest, restore."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import TEST_DATA

NOTE = TEST_DATA / "redaction" / "discharge_summary.txt"


def chartcode(
    *args: str, home: Path, stdin: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "CHARTCODE_HOME": str(home), "COLUMNS": "200"}
    full_env.pop("CHARTCODE_REDACT_KEY", None)  # only the key a test gives
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "chartcode.cli.main", "redact", *args],
        capture_output=True,
        text=True,
        env=full_env,
        input=stdin,
        timeout=120,
    )


def test_tag_style_to_stdout(home):
    r = chartcode(str(NOTE), home=home)
    assert r.returncode == 0, r.stderr
    assert "Patient: [NAME]" in r.stdout and "mild LA enlargement" in r.stdout
    assert "Whitfield" not in r.stdout
    assert "Redacted" in r.stderr and "NAME" in r.stderr


def test_stdin_and_json(home):
    r = chartcode(
        "-", "--json", "--style", "mask", home=home, stdin="Call John Smith at 555-123-4567."
    )
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["style"] == "mask" and d["text"] == "Call ██████████ at ████████████."
    assert [e["type"] for e in d["entities"]] == ["NAME", "PHONE"]
    assert d["entities"][0]["start"] == 5 and d["entities"][0]["end"] == 15


def test_surrogate_style_is_repeatable_with_seed(home):
    a = chartcode(str(NOTE), "--style", "surrogate", "--seed", "4", home=home)
    b = chartcode(str(NOTE), "--style", "surrogate", "--seed", "4", home=home)
    assert a.returncode == 0 and a.stdout == b.stdout and "Whitfield" not in a.stdout


def test_manifest_file_holds_no_value(home, tmp_path):
    manifest = tmp_path / "manifest.json"
    r = chartcode(str(NOTE), "--manifest", str(manifest), home=home)
    assert r.returncode == 0, r.stderr
    m = json.loads(manifest.read_text())
    assert m["total"] == len(m["entities"]) > 30
    assert "Whitfield" not in manifest.read_text() and "402-71-9386" not in manifest.read_text()


def test_reversible_round_trip_with_a_key_file(home, tmp_path):
    key, mapping, out = tmp_path / "my.key", tmp_path / "note.map", tmp_path / "note.txt"
    r = chartcode(
        str(NOTE), "--style", "surrogate", "--key-file", str(key), "--mapping", str(mapping),
        "-o", str(out), home=home,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert "New key written" in r.stderr and key.stat().st_mode & 0o777 == 0o600
    assert "Whitfield" not in out.read_text() and b"Whitfield" not in mapping.read_bytes()
    back = chartcode(
        str(out), "--restore", "--key-file", str(key), "--mapping", str(mapping), home=home
    )
    assert back.returncode == 0, back.stderr
    assert back.stdout == NOTE.read_text()


def test_reversible_with_the_key_in_the_environment(home, tmp_path):
    from chartcode.services.redact import new_key

    env = {"CHARTCODE_REDACT_KEY": new_key().decode()}
    mapping, out = tmp_path / "note.map", tmp_path / "note.txt"
    r = chartcode(str(NOTE), "--mapping", str(mapping), "-o", str(out), home=home, env=env)
    assert r.returncode == 0, r.stderr
    back = chartcode(str(out), "--restore", "--mapping", str(mapping), home=home, env=env)
    assert back.stdout == NOTE.read_text()


def test_wrong_key_exits_2_with_a_clear_message(home, tmp_path):
    from chartcode.services.redact import new_key

    mapping, out = tmp_path / "note.map", tmp_path / "note.txt"
    env = {"CHARTCODE_REDACT_KEY": new_key().decode()}
    chartcode(str(NOTE), "--mapping", str(mapping), "-o", str(out), home=home, env=env)
    other = {"CHARTCODE_REDACT_KEY": new_key().decode()}
    r = chartcode(str(out), "--restore", "--mapping", str(mapping), "--json", home=home, env=other)
    assert r.returncode == 2
    assert json.loads(r.stdout)["error"] == "redaction_error"


@pytest.mark.parametrize(
    "args",
    [
        ("missing.txt",),
        (str(NOTE), "--style", "fancy"),
        (str(NOTE), "--restore"),
        (str(NOTE), "--mapping", "x.map"),
    ],
)
def test_bad_input_exits_2(home, args):
    r = chartcode(*args, home=home)
    assert r.returncode == 2, (r.stdout, r.stderr)


def test_help_describes_the_command(home):
    r = chartcode("--help", home=home)
    assert r.returncode == 0 and "Safe Harbor" in r.stdout and "--style" in r.stdout
