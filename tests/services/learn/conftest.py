"""Shared fixtures for the learn tests."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from chartcode.api import Chartcode
from chartcode.services.learn.validity import Validity
from chartcode.services.lookup import Lookup

DATA = Path(__file__).resolve().parents[2] / "data"


@pytest.fixture(scope="module")
def validity(tmp_path_factory: pytest.TempPathFactory):
    home = tmp_path_factory.mktemp("titles")
    desk = Chartcode(home / "reference.sqlite", on="2026-01-15")
    desk.import_files(
        [
            DATA / "icd10cm_tabular" / "tabular_sample_2026.xml",
            DATA / "icd10pcs_tables" / "tables.xml",
        ]
    )
    yield Validity(Lookup(desk.store), date(2026, 1, 15))
    desk.close()
