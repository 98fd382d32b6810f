"""Stores and claim builders for the claim-check tests.

``ncci_store`` holds only the hand-written NCCI files (tests/data/claims, CMS layouts) and
always exists. ``claim_store`` adds the official PFS relative value files, the add-on code
edits and the ICD-10-CM tabular from ../shared/data; tests that need it skip, with the reason,
where those files are absent.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from chartcode.api import Chartcode
from chartcode.services.claims.check import ClaimChecker
from chartcode.services.claims.claim_input import claims_from_object
from chartcode.services.claims.model import Claim
from chartcode.services.claims.result import ClaimResult
from tests.conftest import TEST_DATA, shared_file

CLAIMS_DATA = TEST_DATA / "claims"
NCCI_FILES = sorted(CLAIMS_DATA.glob("cci*.txt")) + sorted(CLAIMS_DATA.glob("MCR_MUE_*.csv"))
DOS = "2026-05-04"
NPI = "1245319599"
OTHER_NPI = "1234567893"


@pytest.fixture(scope="session")
def ncci_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ncci") / "reference.sqlite"
    Chartcode(path).import_files(NCCI_FILES)
    return path


@pytest.fixture(scope="session")
def claim_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    files = [
        shared_file("medicare/pfs/PPRRVU2026_Apr_nonQPP.txt"),
        shared_file("medicare/pfs/PPRRVU2025_Oct.csv"),
        shared_file("medicare/ncci/AOC_V2026Q2-MCR.xlsx"),
        shared_file("icd10/cm/icd10cm-tabular-April-1-2026.xml.gz"),
    ]
    path = tmp_path_factory.mktemp("claims") / "reference.sqlite"
    Chartcode(path).import_files([*files, *NCCI_FILES])
    return path


def line(code: str, *mods: str, units: int = 1, dx: str = "A", dos: str = DOS,
         npi: str | None = NPI, **extra: Any) -> dict[str, Any]:  # fmt: skip
    d: dict[str, Any] = {"date_of_service": dos, "code": code, "modifiers": list(mods),
                         "units": units, "diagnosis_pointers": dx}  # fmt: skip
    if npi:
        d["rendering_provider"] = npi
    d.update(extra)
    return d


def claim(*lines: dict[str, Any], dx: tuple[str, ...] = ("M17.11",), sex: str = "F",
          dob: str = "1970-06-01", **extra: Any) -> Claim:  # fmt: skip
    data = {
        "claim_id": extra.pop("claim_id", "T1"),
        "diagnoses": list(dx),
        "patient": {"sex": sex, "date_of_birth": dob},
        "lines": list(lines),
        **extra,
    }
    return claims_from_object(data)[0]


def check(store: Path, c: Claim, history: tuple[Claim, ...] = ()) -> ClaimResult:
    return ClaimChecker(store).check(c, history)


def ids(result: ClaimResult) -> list[str]:
    return [e.id for e in result.edits]
