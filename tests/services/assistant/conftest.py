"""A desk with small official-format files: the CM tabular sample, the PFS RVU, NCCI PTP and
MUE fixtures, and a tiny guidelines PDF built from ``tests/data/guidelines/cm_pages.txt``."""

import pytest

from chartcode.api import Chartcode
from tests.conftest import TEST_DATA
from tests.sources.pdf_fixture import make_pdf

FILES = [
    TEST_DATA / "icd10cm_tabular" / "tabular_sample_2026.xml",
    TEST_DATA / "pfs_rvu" / "PPRRVU2026_Apr_nonQPP.txt",
    TEST_DATA / "ncci_ptp" / "ccipra-v321r0-f1.txt",
    TEST_DATA / "ncci_ptp" / "ccioph-v321r0-f1.txt",
    TEST_DATA / "ncci_mue" / "MCR_MUE_PractitionerServices_Eff_04-01-2026.csv",
]


def guidelines_pdf(folder):
    text = (TEST_DATA / "guidelines" / "cm_pages.txt").read_text()
    pages = [p.strip("\n").split("\n") for p in text.split("\\f\n")]
    path = folder / "fy2026-icd-10-cm-coding-guidelines.pdf"
    path.write_bytes(make_pdf(pages))
    return path


@pytest.fixture(scope="package")
def desk(tmp_path_factory):
    folder = tmp_path_factory.mktemp("assistant")
    d = Chartcode(folder / "reference.sqlite", on="2026-05-01")
    d.import_files([*FILES, guidelines_pdf(folder)])
    yield d
    d.close()


@pytest.fixture(scope="package")
def bare_desk(tmp_path_factory):
    """Only the ICD-10-CM tabular: no Medicare files, no guidelines."""
    folder = tmp_path_factory.mktemp("assistant-bare")
    d = Chartcode(folder / "reference.sqlite", on="2026-05-01")
    d.import_files([FILES[0]])
    yield d
    d.close()
