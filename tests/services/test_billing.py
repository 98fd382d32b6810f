"""CPT/HCPCS code pages: billing facts assembled from the CMS files, each with its source."""

import pytest

from chartcode.api import Chartcode
from chartcode.errors import UnknownCode
from tests.conftest import TEST_DATA, shared_file


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    d = Chartcode(tmp_path_factory.mktemp("billing") / "reference.sqlite", on="2026-05-01")
    d.import_files(
        [
            TEST_DATA / "pfs_rvu" / "PPRRVU2026_Apr_nonQPP.txt",
            TEST_DATA / "ncci_ptp" / "ccipra-v321r0-f1.txt",
            TEST_DATA / "ncci_ptp" / "ccioph-v321r0-f1.txt",
            TEST_DATA / "ncci_mue" / "MCR_MUE_PractitionerServices_Eff_04-01-2026.csv",
        ]
    )
    return d


def test_cpt_page_carries_rvus_global_days_and_indicators(desk):
    r = desk.lookup("22586")
    assert r.system == "cpt" and r.billable and r.status["code"] == "A"
    assert r.rvu["work"] == "27.42" and r.rvu["total_facility"] == "60.12"
    assert r.rvu["pe_nonfacility_na"] is True
    assert r.global_days["value"] == "090"
    assert (r.global_days["pre_op"], r.global_days["intra_op"], r.global_days["post_op"]) == (
        "0.10",
        "0.69",
        "0.21",
    )
    assert r.indicators["mult_proc"]["value"] == "2"
    assert "PPRRVU2026_Apr_nonQPP.txt line" in r.rvu["source"]
    # No licensed CPT file: the CMS short descriptor, and the page says why.
    assert "licensed CPT file" in r.title_source
    d = r.to_dict()
    for key in ("rvu", "global_days", "indicators", "ptp", "mue", "addon"):
        assert key in d


def test_ptp_partners_on_both_sides_with_modifier_meaning(desk):
    r = desk.lookup("22586")
    partners = {(e["setting"], e["partner"], e["modifier_indicator"]) for e in r.ptp}
    assert ("practitioner", "22840", "1") in partners
    e = next(e for e in r.ptp if e["partner"] == "22840" and e["setting"] == "practitioner")
    assert e["this_code_is"] == "column1" and "modifier" in e["modifier_meaning"]
    assert "ccipra-v321r0-f1.txt line" in e["source"]
    other = desk.lookup("G0453")
    assert any(e["this_code_is"] == "column2" and e["partner"] == "22586" for e in other.ptp)


def test_mue_with_adjudication_meaning(desk):
    r = desk.lookup("64450")
    m = r.mue["practitioner"]
    assert m["value"] == 10 and m["adjudication_indicator"] == 3
    assert "appeal" in m["meaning"]


def test_status_not_payable_explained(desk):
    r = desk.lookup("V9999")
    assert r.system == "hcpcs" and r.status["code"] == "N" and not r.billable


def test_unknown_cpt_code(desk):
    with pytest.raises(UnknownCode) as info:
        desk.lookup("99999")
    assert any(s.startswith("cpt") for s in info.value.systems)


@pytest.mark.shared_data
def test_addon_edits_from_the_real_file(tmp_path):
    d = Chartcode(tmp_path / "reference.sqlite", on="2026-05-01")
    d.import_files(
        [
            shared_file("medicare/pfs/PPRRVU2026_Apr_nonQPP.txt"),
            shared_file("medicare/ncci/AOC_V2026Q2-MCR.xlsx"),
            shared_file("medicare/hcpcs/2020-Alpha-Numeric-HCPCS-File.zip"),
        ]
    )
    r = d.lookup("22586")
    addons = {(a["addon_code"], a["edit_type"], a["in_force"]) for a in r.addon}
    assert ("20705", 3, True) in addons and ("0309T", 1, False) in addons
    assert r.rvu["total_facility"] == "60.12"
    g = d.lookup("G0378")
    assert g.title == "Hospital observation service, per hour"
    assert g.hcpcs["coverage"] == "D" and "HCPCS long description" in g.title_source
    assert d.lookup("99213").rvu is not None
