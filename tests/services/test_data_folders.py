"""Importing a folder: data files found recursively, everything else named as skipped."""

import shutil

import pytest

from chartcode.errors import ImportFormatError
from chartcode.services.data import import_paths, status
from tests.conftest import TEST_DATA


def test_folder_imports_its_data_files_and_names_what_it_skipped(tmp_path):
    folder = tmp_path / "downloads"
    (folder / "cm").mkdir(parents=True)
    shutil.copy(TEST_DATA / "icd10cm_tabular" / "tabular_sample_2026.xml", folder / "cm")
    (folder / "README.md").write_text("notes about the files\n")
    (folder / "layout.pdf").write_bytes(b"%PDF-1.4\n")
    store = tmp_path / "reference.sqlite"
    report = import_paths(store, [folder])
    loaded = [r for r in report if r.status == "loaded"]
    skipped = sorted(r.source_name for r in report if r.status.startswith("skipped"))
    assert [r.source_name for r in loaded] == ["downloads/cm/tabular_sample_2026.xml"]
    assert skipped == ["README.md", "layout.pdf"]
    assert [(s.system, s.kind) for s in status(store)] == [("icd10cm", "tabular")]


def test_a_file_named_on_its_own_must_be_data(tmp_path):
    notes = tmp_path / "README.md"
    notes.write_text("not data\n")
    with pytest.raises(ImportFormatError, match="not a data file"):
        import_paths(tmp_path / "reference.sqlite", [notes])
    assert not (tmp_path / "reference.sqlite").exists()


def test_folder_name_dates_a_file_whose_own_name_gives_no_year(tmp_path):
    # CMS ships OPPSCAP_Oct.csv inside rvu25d.zip; unzipped, the folder keeps the release.
    folder = tmp_path / "rvu25d"
    folder.mkdir()
    shutil.copy(TEST_DATA / "opps_cap" / "OPPSCAP_Oct.csv", folder)
    report = import_paths(tmp_path / "reference.sqlite", [folder])
    assert [(r.kind, r.version, r.effective_from) for r in report] == [
        ("oppscap", "2025D", "2025-10-01")
    ]
