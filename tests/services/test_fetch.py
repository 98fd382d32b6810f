"""`chartcode data fetch` end to end against a local HTTP server (no outside network)."""

import functools
import hashlib
import json
import os
import subprocess
import sys
import threading
import zipfile
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from chartcode.errors import FetchError, ImportFormatError
from chartcode.services.data import status
from chartcode.services.fetch import fetch, known_releases
from tests.conftest import TEST_DATA, shared_file


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002
        pass


@pytest.fixture
def served(tmp_path):
    """A directory served on 127.0.0.1; yields (directory, base URL)."""
    root = tmp_path / "www"
    root.mkdir()
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(root))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def registry_file(tmp_path: Path, entries: list[dict]) -> Path:
    p = tmp_path / "registry.json"
    p.write_text(json.dumps({"releases": entries}))
    return p


def entry(base: str, filename: str, sha: str | None, **kw) -> dict:
    return {
        "id": kw.pop("id", "icd10pcs-test"),
        "system": "icd10pcs",
        "kind_hint": "tables+definitions",
        "version": "2026",
        "title": "PCS test release",
        "url": f"{base}/{filename}",
        "filename": filename,
        "sha256": sha,
        "size": None,
        "effective_from": "2025-10-01",
        **kw,
    }


@pytest.mark.shared_data
def test_fetch_official_zip_from_local_server_and_import(served, home, tmp_path):
    root, base = served
    z = root / "2026-icd-10-pcs-code-tables-and-index.zip"
    with zipfile.ZipFile(z, "w") as zf:
        for name in ("icd10pcs_tables_2026.xml", "icd10pcs_definitions_2026.xml"):
            zf.write(shared_file(f"icd10/pcs/{name}"), f"2026 PCS/{name}")
        zf.writestr("2026 PCS/readme.pdf", b"%PDF-1.4")
    sha = hashlib.sha256(z.read_bytes()).hexdigest()
    reg = registry_file(tmp_path, [entry(base, z.name, sha)])
    store = home / "reference.sqlite"
    report = fetch(store, ["icd10pcs"], registry=reg)
    assert sorted(r.kind for r in report) == ["definitions", "tables"]
    rows = {(s.kind, s.version): s.rows for s in status(store)}
    assert rows[("tables", "2026")] == 79115
    assert (home / "downloads" / z.name).exists()
    # A second fetch finds the file already downloaded and the release unchanged.
    again = fetch(store, ["icd10pcs-test"], registry=reg)
    assert {r.status for r in again} == {"unchanged"}


def test_checksum_mismatch_imports_nothing(served, home, tmp_path):
    root, base = served
    (root / "tab.xml").write_bytes(
        (TEST_DATA / "icd10cm_tabular" / "tabular_sample_2026.xml").read_bytes()
    )
    reg = registry_file(tmp_path, [entry(base, "tab.xml", "0" * 64)])
    with pytest.raises(FetchError):
        fetch(home / "reference.sqlite", [], registry=reg)
    assert status(home / "reference.sqlite") == []


def test_server_down_is_a_fetch_error(home, tmp_path):
    reg = registry_file(tmp_path, [entry("http://127.0.0.1:9", "x.zip", None)])
    with pytest.raises(FetchError):
        fetch(home / "reference.sqlite", [], registry=reg)


def test_downloaded_file_that_is_not_data_is_refused(served, home, tmp_path):
    root, base = served
    (root / "page.html").write_text("<html><body>moved</body></html>")
    reg = registry_file(tmp_path, [entry(base, "page.html", None)])
    with pytest.raises(ImportFormatError):
        fetch(home / "reference.sqlite", [], registry=reg)
    assert status(home / "reference.sqlite") == []


def test_known_releases_lists_builtin_registry():
    ids = [k.id for k in known_releases(None, [])]
    assert "icd10pcs-fy2026" in ids and "icd10cm-fy2026" in ids
    assert all(k.to_dict()["url"].startswith("https://") for k in known_releases(None, []))


def test_cli_fetch_with_registry_option(served, home, tmp_path):
    root, base = served
    sample = TEST_DATA / "icd10cm_tabular" / "tabular_sample_2026.xml"
    (root / "icd10cm_tabular_2026.xml").write_bytes(sample.read_bytes())
    reg = registry_file(
        tmp_path, [entry(base, "icd10cm_tabular_2026.xml", None, id="cm-test", system="icd10cm")]
    )
    env = {**os.environ, "CHARTCODE_HOME": str(home)}
    cmd = [sys.executable, "-m", "chartcode.cli.main", "data", "fetch", "--registry", str(reg)]
    listed = subprocess.run([*cmd, "--list", "--json"], capture_output=True, text=True, env=env)
    assert json.loads(listed.stdout)["releases"][0]["id"] == "cm-test"
    r = subprocess.run([*cmd, "--json"], capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["imported"][0]["version"] == "2026"
    bad = subprocess.run([*cmd, "nope"], capture_output=True, text=True, env=env)
    assert bad.returncode == 2 and "cm-test" in bad.stderr
