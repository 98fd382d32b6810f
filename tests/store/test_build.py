import gzip
import shutil
import sqlite3
from pathlib import Path

import pytest

from chartcode.errors import ImportFormatError
from chartcode.services.data import import_paths, status
from tests.conftest import TEST_DATA

CM = TEST_DATA / "icd10cm_tabular"


def store_in(tmp_path: Path) -> Path:
    return tmp_path / "reference.sqlite"


def test_import_creates_release_rows_with_checksums(tmp_path):
    store = store_in(tmp_path)
    report = import_paths(store, [CM / "tabular_sample_2026.xml"])
    assert [(r.system, r.kind, r.version, r.status) for r in report] == [
        ("icd10cm", "tabular", "2026", "loaded")
    ]
    (rel,) = status(store)
    assert rel.effective_from == "2025-10-01" and rel.effective_to == "2026-09-30"
    assert len(rel.sha256) == 64 and rel.rows == report[0].rows > 0


def test_same_file_twice_is_unchanged_and_changed_file_replaces(tmp_path):
    store = store_in(tmp_path)
    import_paths(store, [CM / "tabular_sample_2026.xml"])
    again = import_paths(store, [CM / "tabular_sample_2026.xml"])
    assert again[0].status == "unchanged"
    changed = tmp_path / "tabular_sample_2026.xml"
    changed.write_bytes((CM / "tabular_sample_2026.xml").read_bytes().replace(b"ladder", b"steps"))
    assert import_paths(store, [changed])[0].status == "replaced"
    assert len(status(store)) == 1


def test_gz_and_zip_are_read(tmp_path):
    import zipfile

    gz = tmp_path / "tab.xml.gz"
    gz.write_bytes(gzip.compress((CM / "tabular_sample_2026.xml").read_bytes()))
    z = tmp_path / "codes.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.write(CM / "tabular_sample_2025.xml", "icd10cm_tabular_2025.xml")
        zf.writestr("README.txt", "not data")
    report = import_paths(store_in(tmp_path), [gz, z])
    assert sorted(r.version for r in report) == ["2025", "2026"]
    assert any(r.source_name == "codes.zip!icd10cm_tabular_2025.xml" for r in report)


def test_april_file_name_makes_a_mid_year_release(tmp_path):
    april = tmp_path / "icd10cm-tabular-April-1-2026.xml"
    shutil.copy(CM / "tabular_sample_2026.xml", april)
    (r,) = import_paths(store_in(tmp_path), [april])
    assert (r.version, r.effective_from, r.effective_to) == ("2026-04", "2026-04-01", "2026-09-30")


def _snapshot(store: Path) -> bytes:
    return store.read_bytes()


@pytest.mark.parametrize(
    "bad",
    [
        "truncated",
        "unknown",
        "empty_zip",
        "corrupt_gz",
    ],
)
def test_bad_file_is_refused_whole_and_store_left_as_it_was(tmp_path, bad):
    store = store_in(tmp_path)
    import_paths(store, [CM / "tabular_sample_2025.xml"])
    before = _snapshot(store)
    path = tmp_path / "bad.xml"
    good = (CM / "tabular_sample_2026.xml").read_bytes()
    if bad == "truncated":
        path.write_bytes(good[: len(good) * 2 // 3])
    elif bad == "unknown":
        path.write_bytes(b"<?xml version='1.0'?><html><body>not a code file</body></html>")
    elif bad == "empty_zip":
        import zipfile

        path = tmp_path / "bad.zip"
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("readme.pdf", b"%PDF")
    else:
        path = tmp_path / "bad.xml.gz"
        path.write_bytes(gzip.compress(good)[:300])
    # The good file in the same call is not imported either: the set lands whole or not at all.
    with pytest.raises(ImportFormatError) as info:
        import_paths(store, [CM / "tabular_sample_2026.xml", path])
    assert path.name in str(info.value)
    assert _snapshot(store) == before
    assert [r.version for r in status(store)] == ["2025"]
    assert not list(tmp_path.glob("*.build-*"))


def test_failure_while_loading_leaves_store_intact(tmp_path, monkeypatch):
    store = store_in(tmp_path)
    import_paths(store, [CM / "tabular_sample_2025.xml"])
    before = _snapshot(store)

    from chartcode.store import build

    def boom(*args, **kwargs):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(build, "load_release", boom)
    with pytest.raises(sqlite3.OperationalError):
        import_paths(store, [CM / "tabular_sample_2026.xml"])
    assert _snapshot(store) == before
    assert not list(tmp_path.glob("*.build-*"))


def test_readers_keep_working_while_a_build_swaps_the_file(tmp_path):
    from chartcode.store.reference import ReferenceStore

    store = store_in(tmp_path)
    import_paths(store, [CM / "tabular_sample_2025.xml"])
    reader = ReferenceStore(store)
    import_paths(store, [CM / "tabular_sample_2026.xml"])
    # The old reader still sees its snapshot; a new one sees both releases.
    assert len(reader.releases()) == 1
    assert len(ReferenceStore(store).releases()) == 2


def test_no_such_file(tmp_path):
    with pytest.raises(ImportFormatError, match="no such file"):
        import_paths(store_in(tmp_path), [tmp_path / "missing.xml"])
