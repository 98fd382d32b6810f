"""Code validity on the date of service (official PFS files and ICD-10-CM tabular)."""

import pytest

from tests.services.claims.conftest import check, claim, ids, line

pytestmark = pytest.mark.shared_data


def test_diagnosis_header_code(claim_store):
    r = check(claim_store, claim(line("99213"), dx=("E11.4",)))
    [e] = [e for e in r.edits if e.id == "VAL-DX-HEADER"]
    assert e.line is None and e.codes == ("E11.4",) and e.source.row == "E11.4"
    assert "VAL-DX-HEADER" not in ids(check(claim_store, claim(line("99213"), dx=("E11.40",))))


def test_missing_seventh_character(claim_store):
    r = check(claim_store, claim(line("99213"), dx=("S52.501",)))
    assert "VAL-DX-7TH" in ids(r)
    ok = check(claim_store, claim(line("99213"), dx=("S52.501A",)))
    assert not [i for i in ids(ok) if i.startswith("VAL-DX")]


def test_seventh_character_without_its_placeholder(claim_store):
    r = check(claim_store, claim(line("99213"), dx=("S02.0A",)))
    [e] = [e for e in r.edits if e.id == "VAL-DX-7TH"]
    assert "S02.0XXA" in e.fix


def test_unknown_diagnosis(claim_store):
    r = check(claim_store, claim(line("99213"), dx=("E11.99",)))
    assert "VAL-DX-UNKNOWN" in ids(r)


def test_procedure_deleted_after_an_earlier_release(claim_store):
    r = check(claim_store, claim(line("0042T")))
    [e] = [e for e in r.edits if e.id == "VAL-PROC-DELETED"]
    assert e.source.file == "PPRRVU2025_Oct.csv"
    assert "VAL-PROC-DELETED" not in ids(check(claim_store, claim(line("0042T", dos="2025-11-03"))))


def test_procedure_not_yet_effective(claim_store):
    r = check(claim_store, claim(line("0988T", dos="2025-11-03")))
    assert "VAL-PROC-NOT-YET" in ids(r)
    assert "VAL-PROC-NOT-YET" not in ids(check(claim_store, claim(line("0988T"))))


def test_status_codes(claim_store):
    assert "VAL-PROC-NOT-MEDICARE" in ids(check(claim_store, claim(line("0001F"))))
    assert "VAL-PROC-NONCOVERED" in ids(check(claim_store, claim(line("0469T"))))
    assert "VAL-PROC-BUNDLED" in ids(check(claim_store, claim(line("99024"))))
    r = check(claim_store, claim(line("99213")))
    assert not [i for i in ids(r) if i.startswith("VAL-PROC")]


def test_unknown_procedure(claim_store):
    r = check(claim_store, claim(line("0000T")))
    [e] = [e for e in r.edits if e.id == "VAL-PROC-UNKNOWN"]
    assert e.severity == "warning"


@pytest.fixture(scope="module")
def two_tabulars(tmp_path_factory):
    from chartcode.api import Chartcode
    from tests.conftest import TEST_DATA

    path = tmp_path_factory.mktemp("cm2") / "reference.sqlite"
    cm = TEST_DATA / "icd10cm_tabular"
    Chartcode(path).import_files([cm / "tabular_sample_2025.xml", cm / "tabular_sample_2026.xml"])
    return path


def test_diagnosis_deleted_in_the_release_in_force(two_tabulars):
    r = check(two_tabulars, claim(line("99213"), dx=("E11.8",)))  # 2025 only
    [e] = [e for e in r.edits if e.id == "VAL-DX-DELETED"]
    assert "2025" in e.message
    old = check(two_tabulars, claim(line("99213", dos="2025-06-02"), dx=("E11.8",)))
    assert not [i for i in ids(old) if i.startswith("VAL-DX")]


def test_diagnosis_not_yet_in_force(two_tabulars):
    r = check(two_tabulars, claim(line("99213", dos="2025-06-02"), dx=("E11.40",)))  # 2026 only
    assert "VAL-DX-NOT-YET" in ids(r)
    new = check(two_tabulars, claim(line("99213"), dx=("E11.40",)))
    assert not [i for i in ids(new) if i.startswith("VAL-DX")]


def test_noncovered_with_a_liability_modifier_is_info_not_a_warning(claim_store):
    [bare] = [e for e in check(claim_store, claim(line("0469T"))).edits
              if e.id == "VAL-PROC-NONCOVERED"]  # fmt: skip
    assert bare.severity == "warning"
    for mod in ("GA", "GY", "GZ"):
        r = check(claim_store, claim(line("0469T", mod)))
        [e] = [e for e in r.edits if e.id == "VAL-PROC-NONCOVERED"]
        assert e.severity == "info" and mod in e.message, mod
        assert r.clean
    [ga] = [e for e in check(claim_store, claim(line("0469T", "GA"))).edits
            if e.id == "VAL-PROC-NONCOVERED"]  # fmt: skip
    assert "advance beneficiary notice" in ga.fix
