"""The Medicare PFS payment calculator, on hand-written fixtures and on the real 2026 files.

Every expected amount is worked by hand in the comments from the fixture rows
(tests/data/fees/, tests/data/pfs_gpci/GPCI2026.csv). CF is the 2026 non-QPP conversion
factor 33.4009 printed on every fixture row; "national" means every GPCI is 1.000.
"""

import json
from datetime import date
from decimal import Decimal

import pytest

from chartcode.api import Chartcode
from chartcode.errors import (
    InvalidInput,
    ModifierNotAllowed,
    ReleaseNotFound,
    UnknownCode,
    UnknownLocality,
)
from chartcode.services import fees
from chartcode.services.data import import_paths
from chartcode.store.reference import ReferenceStore
from tests.conftest import TEST_DATA, shared_file

FEES = TEST_DATA / "fees"
FIXTURES = [
    FEES / "PPRRVU2026_Apr_nonQPP.txt",
    FEES / "PPRRVU2026_Apr_QPP.txt",
    FEES / "ZIP5_APR2026.txt",
    FEES / "ANES2026.csv",
    TEST_DATA / "pfs_gpci" / "GPCI2026.csv",
]
ON = date(2026, 5, 1)  # in force: RVU 2026B (April-June), GPCI 2026, ZIP 2026-04, ANES 2026


@pytest.fixture(scope="module")
def store_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("fees") / "reference.sqlite"
    import_paths(path, FIXTURES)
    return path


@pytest.fixture(scope="module")
def store(store_path):
    s = ReferenceStore(store_path)
    yield s
    s.close()


def amounts(result):
    return {s.setting: s.amount for s in result.settings}


# --- the check: 22586 national ------------------------------------------------------


def test_22586_national_facility_and_nonfacility_na(store):
    # 22586 (real RVU26B values): work 27.42 + facility PE 21.11 + MP 11.59 = 60.12 RVU;
    # national GPCIs 1.000: 60.12 x 33.4009 = 2008.062108 -> $2,008.06.
    # Its non-facility PE carries "NA": no non-facility amount.
    r = fees.price(store, "22586", ON)
    assert r.system == "cpt" and r.code == "22586" and r.status.payable
    facility = r.setting("facility")
    assert facility.amount == Decimal("2008.06")
    assert facility.total_rvu == Decimal("60.12")
    assert facility.fee_schedule_amount == Decimal("2008.062108")
    assert "60.12 × 33.4009 = 2008.062108" in facility.formula
    assert facility.formula.endswith("$2,008.06")
    nonfacility = r.setting("nonfacility")
    assert nonfacility.na and nonfacility.amount is None
    assert "NA" in nonfacility.reason
    assert r.locality.id is None and r.locality.name.startswith("National")


def test_every_component_carries_its_source_row(store):
    r = fees.price(store, "22586", ON, setting="facility")
    comps = {c.name: c for c in r.setting("facility").components}
    assert comps["work RVU"].value == Decimal("27.42")
    src = comps["work RVU"].source
    assert (src.release, src.file, src.line, src.field) == (
        "2026B",
        "PPRRVU2026_Apr_nonQPP.txt",
        9,  # three HDR lines, then 22586 is the sixth record
        "work_rvu",
    )
    assert comps["conversion factor"].value == Decimal("33.4009")
    assert comps["conversion factor"].source.field == "conversion_factor"
    assert comps["work GPCI"].value == Decimal("1.000") and comps["work GPCI"].source.file is None
    assert [x["kind"] for x in r.releases] == ["rvu"]


def test_locality_applies_its_gpcis(store):
    # Los Angeles, MAC 01182 locality 18 (GPCI2026.csv line 6): work 1.050, PE 1.200, MP 0.700.
    # 27.42 x 1.050 = 28.791; 21.11 x 1.200 = 25.332; 11.59 x 0.700 = 8.113;
    # sum 62.236 x 33.4009 = 2078.7384124 -> $2,078.74.
    r = fees.price(store, "22586", ON, locality="0118218", setting="facility")
    assert r.amount("facility") == Decimal("2078.74")
    assert r.setting("facility").adjusted_rvu == Decimal("62.236")
    assert r.locality.id == "0118218" and r.locality.name == "LOS ANGELES"
    gpci = {c.name: c for c in r.setting("facility").components}["PE GPCI"]
    assert gpci.value == Decimal("1.200")
    assert (gpci.source.file, gpci.source.line, gpci.source.field) == (
        "GPCI2026.csv",
        6,
        "pe_gpci",
    )
    assert {x["kind"] for x in r.releases} == {"rvu", "gpci"}


def test_zip_maps_to_its_locality(store):
    # ZIP 90001 -> carrier 01182, locality 18 (ZIP5_APR2026.txt line 2): same as above.
    r = fees.price(store, "22586", ON, zip5="90001", setting="facility")
    assert r.amount("facility") == Decimal("2078.74")
    assert r.locality.id == "0118218" and r.locality.zip5 == "90001"
    assert {x["kind"] for x in r.releases} == {"rvu", "zip", "gpci"}


def test_zip_split_by_plus_four_warns(store):
    # 95001 -> 01112/99 with the ZIP+4 flag: 27.42 x 1.010 + 21.11 x 1.050 + 11.59 x 0.650
    # = 27.6942 + 22.1655 + 7.5335 = 57.3932 x 33.4009 = 1916.98453388 -> $1,916.98.
    r = fees.price(store, "22586", ON, zip5="95001", setting="facility")
    assert r.amount("facility") == Decimal("1916.98")
    assert any("ZIP+4" in w for w in r.warnings)


def test_qpp_uses_the_qpp_copy_and_its_conversion_factor(store):
    # QPP copy of 22586: CF 33.5675; 60.12 x 33.5675 = 2018.0781 -> $2,018.08.
    r = fees.price(store, "22586", ON, qpp=True, setting="facility")
    assert r.amount("facility") == Decimal("2018.08") and r.qpp
    assert r.releases[0]["kind"] == "rvu_qpp"


def test_to_dict_is_json_with_decimals_as_strings(store):
    d = fees.price(store, "22586", ON, locality="0118218").to_dict()
    json.dumps(d)  # no Decimal left
    facility = next(s for s in d["settings"] if s["setting"] == "facility")
    assert facility["amount"] == "2078.74"
    assert facility["components"][0]["value"] == "27.42"
    for key in ("system", "code", "modifiers", "status", "locality", "settings", "adjustments",
                "releases", "warnings"):  # fmt: skip
        assert key in d
    assert set(d["status"]) >= {"code", "meaning", "payable"}
    assert set(d["locality"]) >= {"id", "name", "source"}
    assert set(facility) >= {"setting", "amount", "total_rvu", "formula", "components", "na",
                             "reason"}  # fmt: skip


# --- 26 / TC --------------------------------------------------------------------------------


def test_professional_and_technical_components_use_their_own_rows(store):
    # 7999A-26 row: 1.00 + 0.40 + 0.04 = 1.44 x 33.4009 = 48.097296 -> $48.10 (both settings).
    pc = fees.price(store, "7999A", ON, modifiers=["26"])
    assert amounts(pc) == {"nonfacility": Decimal("48.10"), "facility": Decimal("48.10")}
    assert pc.row.line == 22 and pc.adjustments[0].rule_id == "pfs.pctc.1"
    # 7999A-TC row: 0.00 + 3.20 + 0.01 = 3.21 x 33.4009 = 107.216889 -> $107.22; facility NA.
    tc = fees.price(store, "7999A", ON, modifiers=["tc"])
    assert tc.amount("nonfacility") == Decimal("107.22")
    assert tc.setting("facility").na
    # Global: 1.00 + 3.60 + 0.05 = 4.65 x 33.4009 = 155.314185 -> $155.31.
    assert fees.price(store, "7999A", ON).amount("nonfacility") == Decimal("155.31")


def test_lab_interpretation_26_row_is_payable_while_the_global_is_not(store):
    # 8302A global is status X; its 26 row (PC/TC 6): 0.36 + 0.16 + 0.01 = 0.53 x 33.4009
    # = 17.702477 -> $17.70.
    assert not fees.price(store, "8302A", ON).status.payable
    r = fees.price(store, "8302A", ON, modifiers=["26"])
    assert r.status.payable and r.amount("facility") == Decimal("17.70")


@pytest.mark.parametrize(
    ("code", "modifier", "rule_id"),
    [
        ("22586", "26", "pfs.pctc.0"),  # a physician service cannot be split
        ("22586", "TC", "pfs.pctc.0"),
        ("1105R", "TC", "pfs.pctc.0"),
    ],
)
def test_26_tc_refused_where_the_pctc_indicator_forbids(store, code, modifier, rule_id):
    with pytest.raises(ModifierNotAllowed) as exc:
        fees.price(store, code, ON, modifiers=[modifier])
    assert exc.value.rule_id == rule_id and "PC/TC indicator 0" in str(exc.value)


def test_26_and_tc_together_refused(store):
    with pytest.raises(ModifierNotAllowed):
        fees.price(store, "7999A", ON, modifiers=["26", "TC"])


# --- bilateral, assistant, co-surgery, team, 51, 53 -----------------------------------------


@pytest.mark.parametrize(
    ("code", "expected", "rule_id"),
    [
        # 2758A, bilateral 1: 10.00 + 6.00 + 2.00 = 18.00 x 33.4009 = 601.2162 x 150 %
        # = 901.8243 -> $901.82.
        ("2758A", "901.82", "pfs.bilateral.1"),
        # 2758B, bilateral 2 (already bilateral): 9.00 x 33.4009 = 300.6081 x 100 % -> $300.61.
        ("2758B", "300.61", "pfs.bilateral.2"),
        # 7758C, bilateral 3 (each side): 1.60 x 33.4009 = 53.44144 x 200 % = 106.88288.
        ("7758C", "106.88", "pfs.bilateral.3"),
        # 22586, bilateral 0: 100 % of one code: $2,008.06.
        ("22586", "2008.06", "pfs.bilateral.0"),
    ],
)
def test_bilateral_by_indicator(store, code, expected, rule_id):
    r = fees.price(store, code, ON, modifiers=["50"], setting="facility")
    assert r.amount("facility") == Decimal(expected)
    assert r.adjustments[0].rule_id == rule_id


def test_rt_and_lt_on_one_line_read_as_bilateral(store):
    r = fees.price(store, "2758A", ON, modifiers=["RT", "LT"], setting="facility")
    assert r.amount("facility") == Decimal("901.82")


@pytest.mark.parametrize(
    ("modifier", "expected", "factor"),
    [
        # 2008.062108 x 16 % = 321.28993728 -> $321.29.
        ("80", "321.29", "0.16"),
        ("82", "321.29", "0.16"),
        # AS: 85 % of 16 % = 13.6 %: 2008.062108 x 0.136 = 273.096446688 -> $273.10.
        ("AS", "273.10", "0.1360"),
    ],
)
def test_assistant_at_surgery(store, modifier, expected, factor):
    r = fees.price(store, "22586", ON, modifiers=[modifier], setting="facility")
    assert r.amount("facility") == Decimal(expected)
    assert r.adjustments[0].factor == Decimal(factor)


def test_assistant_with_indicator_0_needs_documentation(store):
    # 2758A nonfacility: 20.00 x 33.4009 = 668.018 x 16 % = 106.88288 -> $106.88.
    r = fees.price(store, "2758A", ON, modifiers=["80"])
    assert r.amount("nonfacility") == Decimal("106.88")
    assert any("pfs.assistant.0" in w for w in r.warnings)


def test_co_surgery_pays_each_surgeon_62_5_percent(store):
    # 2008.062108 x 62.5 % = 1255.0388175 -> $1,255.04.
    r = fees.price(store, "22586", ON, modifiers=["62"], setting="facility")
    assert r.amount("facility") == Decimal("1255.04")
    assert "62.5%" in r.setting("facility").formula


def test_team_surgery_is_by_report(store):
    r = fees.price(store, "2758A", ON, modifiers=["66"], setting="facility")
    assert r.amount("facility") is None
    assert "by report" in r.setting("facility").reason


@pytest.mark.parametrize(
    ("code", "modifier", "rule_id"),
    [
        ("2758B", "80", "pfs.assistant.1"),  # statutory: assistant never paid
        ("2758B", "AS", "pfs.assistant.1"),
        ("7758C", "80", "pfs.assistant.9"),
        ("2758B", "62", "pfs.co_surgery.0"),
        ("22586", "66", "pfs.team_surgery.0"),
    ],
)
def test_modifiers_the_indicators_forbid_are_refused(store, code, modifier, rule_id):
    with pytest.raises(ModifierNotAllowed) as exc:
        fees.price(store, code, ON, modifiers=[modifier])
    assert exc.value.rule_id == rule_id
    assert exc.value.to_dict()["error"] == "modifier_not_allowed"


def test_two_surgeon_roles_on_one_line_refused(store):
    with pytest.raises(ModifierNotAllowed):
        fees.price(store, "22586", ON, modifiers=["62", "80"])


def test_modifier_51_alone_assumes_a_secondary_rank(store):
    # Indicator 2: 2008.062108 x 50 % = 1004.031054 -> $1,004.03.
    r = fees.price(store, "22586", ON, modifiers=["51"], setting="facility")
    assert r.amount("facility") == Decimal("1004.03")
    # Indicator 0 (add-on 9599E): no reduction, said so.
    addon = fees.price(store, "9599E", ON, modifiers=["51"], setting="facility")
    assert addon.amount("facility") == Decimal("25.05")  # 0.75 x 33.4009 = 25.050675
    assert addon.adjustments[0].kind == "no_change"


def test_modifier_53_uses_its_row_or_is_priced_by_the_mac(store):
    # 4438A-53 row nonfacility: 1.30 + 3.75 + 0.20 = 5.25 x 33.4009 = 175.354725 -> $175.35.
    r = fees.price(store, "4438A", ON, modifiers=["53"])
    assert r.amount("nonfacility") == Decimal("175.35") and r.row.line == 19
    ic = fees.price(store, "4399A", ON, modifiers=["53"])
    assert ic.amount("nonfacility") is None
    assert "individual consideration" in ic.setting("nonfacility").reason


def test_informational_modifiers_do_not_change_the_amount(store):
    r = fees.price(store, "22586", ON, modifiers=["59", "xs"], setting="facility")
    assert r.amount("facility") == Decimal("2008.06")
    assert [a.kind for a in r.adjustments] == ["no_change", "no_change"]


# --- status codes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "status", "says"),
    [
        ("2093B", "B", "bundled"),
        ("0999T", "C", "contractor priced"),
        ("9265N", "N", "not covered"),
        ("2299C", "N", "not used for Medicare payment"),  # the "+" mark on an N row
        ("0001X", "I", "not valid for Medicare"),
        ("00790", "J", "anesthesia"),
        ("3285X", "X", "statutory exclusion"),
    ],
)
def test_non_payable_status_says_why(store, code, status, says):
    r = fees.price(store, code, ON)
    assert r.status.code == status and not r.status.payable
    for s in r.settings:
        assert s.amount is None and not s.na
        assert says in s.reason and s.formula.startswith("no amount")


@pytest.mark.parametrize("code", ["22586", "1105R", "3659T"])
def test_payable_statuses_get_an_amount(store, code):
    r = fees.price(store, code, ON, setting="facility")
    assert r.status.payable and r.amount("facility") is not None


def test_restricted_status_r_warns_and_zero_rvus_have_no_amount(store):
    # 1105R nonfacility: 0.34 + 1.73 + 0.03 = 2.10 x 33.4009 = 70.14189 -> $70.14.
    r = fees.price(store, "1105R", ON)
    assert r.amount("nonfacility") == Decimal("70.14")
    assert any("restricted coverage" in w for w in r.warnings)
    dental = fees.price(store, "D9999", ON)
    assert dental.system == "hcpcs" and dental.amount("facility") is None
    assert "MAC prices it" in dental.setting("facility").reason


# --- several procedures on one date ---------------------------------------------------------


def test_multiple_procedures_100_50_50(store):
    # Facility amounts: 22586 2008.062108; 2758A 18.00 x 33.4009 = 601.2162;
    # 2758B 9.00 x 33.4009 = 300.6081. Ranked by amount (all indicator 2):
    # 22586 100 % = $2,008.06; 2758A 50 % = 300.6081 -> $300.61; 2758B 50 % = 150.30405
    # -> $150.30. Total $2,458.97.
    r = fees.price_procedures(store, ["2758B", "22586", "2758A"], ON, setting="facility")
    got = {ln.code: ln.amount("facility") for ln in r.lines}
    assert got == {
        "22586": Decimal("2008.06"),
        "2758A": Decimal("300.61"),
        "2758B": Decimal("150.30"),
    }
    assert r.totals[0].amount == Decimal("2458.97") and r.totals[0].complete
    assert any("22586 ranked first" in x for x in r.reductions)
    assert any("2758B ranked 3" in x for x in r.reductions)


def test_bilateral_applies_before_the_ranking(store):
    # 2758A-50: 601.2162 x 150 % = 901.8243, ranked 2 after 22586: x 50 % = 450.91215.
    r = fees.price_procedures(store, [("2758A", ["50"]), ("22586", ["51"])], ON,
                              setting="facility")  # fmt: skip
    assert [ln.amount("facility") for ln in r.lines] == [Decimal("450.91"), Decimal("2008.06")]


def test_sixth_ranked_procedure_is_by_report(store):
    lines = ["22586", "2758A", "2758B", "4438A", "7758C", "1105R", "4399A"]
    r = fees.price_procedures(store, lines, ON, setting="facility")
    # 7758C is indicator 0 (not ranked); ranked: 22586, 2758A, 2758B, 4438A (140.28378),
    # 4399A (105.212835), then 1105R (13.694369) sixth.
    assert r.lines[5].code == "1105R" and r.lines[5].amount("facility") is None
    assert not r.totals[0].complete
    assert any("1105R ranked 6: by report" in x for x in r.not_implemented)
    assert r.lines[4].amount("facility") == Decimal("53.44")  # 7758C untouched: 1.60 x CF


def test_endoscopy_family_pays_the_difference_over_the_base(store):
    # Facility: 4399C 4.75 x 33.4009 = 158.654275 (highest, in full -> $158.65);
    # 4399B 3.90 x 33.4009 = 130.26351 less base 4399A 3.15 x 33.4009 = 105.212835
    # = 25.050675 -> $25.05; the base 4399A itself: $0.00. One family: no 51 ranking.
    r = fees.price_procedures(store, ["4399B", "4399C", "4399A"], ON, setting="facility")
    assert [ln.amount("facility") for ln in r.lines] == [
        Decimal("25.05"),
        Decimal("158.65"),
        Decimal("0.00"),
    ]
    assert r.lines[0].setting("facility").adjustments[-1].kind == "multiple_endoscopy"


def test_endoscopy_with_only_its_base_does_not_pay_the_base(store):
    r = fees.price_procedures(store, ["4399B", "4399A"], ON, setting="facility")
    assert [ln.amount("facility") for ln in r.lines] == [Decimal("130.26"), Decimal("0.00")]


def test_imaging_reduces_tc_50_and_pc_5_percent(store):
    # Non-facility. 7999A global 4.65 x 33.4009 = 155.314185, TC 107.216889 (3.21),
    # PC 48.097296 (1.44). 7999B global capped at OPPS: (1.20 + 3.00 + 0.06) x 33.4009
    # = 142.287834; its TC capped too: (2.50 + 0.02) x 33.4009 = 84.170268; its PC
    # 1.74 x 33.4009 = 58.117566.
    # TC: 7999A highest; 7999B less 50 % x 84.170268 = 142.287834 - 42.085134 = 100.2027.
    # PC: 7999B highest; 7999A less 5 % x 48.097296 = 155.314185 - 2.4048648 = 152.9093202.
    r = fees.price_procedures(store, ["7999A", "7999B"], ON, setting="nonfacility")
    assert [ln.amount("nonfacility") for ln in r.lines] == [
        Decimal("152.91"),
        Decimal("100.20"),
    ]


def test_opps_cap_on_imaging_technical_component(store):
    # 7999B-TC: PFS 3.52 x 33.4009 = 117.571168; OPPS (0 + 2.50 + 0.02) x 33.4009
    # = 84.170268 is lower -> $84.17.
    r = fees.price(store, "7999B", ON, modifiers=["TC"], setting="nonfacility")
    s = r.setting("nonfacility")
    assert s.amount == Decimal("84.17") and s.fee_schedule_amount == Decimal("117.571168")
    assert s.adjustments[0].kind == "opps_cap"


def test_cardiovascular_reduces_the_second_tc_25_percent(store):
    # 9330A TC 3.88 x 33.4009 = 129.595492 is the highest; 9330B global 2.53 x 33.4009
    # = 84.504277 less 25 % of its TC 1.81 x 33.4009 = 60.455629 (15.11390725)
    # = 69.39036975 -> $69.39; 9330A in full: 5.88 x 33.4009 = 196.397292 -> $196.40.
    r = fees.price_procedures(store, ["9330A", "9330B"], ON, setting="nonfacility")
    assert [ln.amount("nonfacility") for ln in r.lines] == [Decimal("196.40"), Decimal("69.39")]


def test_therapy_pays_the_lower_practice_expense_at_50_percent(store):
    # PE: 9711A 0.41 x 33.4009 = 13.694369; 9711B 0.60 x 33.4009 = 20.04054 (highest).
    # 9711A 0.87 x 33.4009 = 29.058783 - 6.8471845 = 22.2115985 -> $22.21;
    # 9711B 1.12 x 33.4009 = 37.409008 -> $37.41.
    r = fees.price_procedures(store, ["9711A", "9711B"], ON, setting="nonfacility")
    assert [ln.amount("nonfacility") for ln in r.lines] == [Decimal("22.21"), Decimal("37.41")]


def test_status_t_is_bundled_with_another_payable_service_and_paid_alone(store):
    with_other = fees.price_procedures(store, ["3659T", "22586"], ON, setting="facility")
    assert with_other.lines[0].amount("facility") == Decimal("0.00")
    alone = fees.price_procedures(store, ["3659T"], ON, setting="facility")
    assert alone.lines[0].amount("facility") == Decimal("30.39")  # 0.91 x 33.4009


def test_procedures_result_lists_assumptions_and_is_json(store):
    r = fees.price_procedures(store, ["22586", "2758A"], ON)
    d = r.to_dict()
    json.dumps(d)
    assert d["assumptions"] and {"lines", "totals", "reductions", "not_implemented"} <= set(d)


# --- anesthesia -----------------------------------------------------------------------------


def test_anesthesia_national_and_by_locality(store):
    # Base 5 + 60 minutes / 15 = 4.0 time units = 9.0 units.
    # National CF (ANES2026.csv header) 20.5000: 9.0 x 20.5000 = 184.50.
    r = fees.anesthesia(store, "00790", ON, minutes=60, base_units=5)
    assert (r.time_units, r.total_units, r.amount) == (
        Decimal("4.0"),
        Decimal("9.0"),
        Decimal("184.50"),
    )
    assert r.conversion_factor == Decimal("20.5000")
    # Los Angeles 01182/18: CF 21.90: 9.0 x 21.90 = 197.10.
    la = fees.anesthesia(store, "00790", ON, minutes=60, base_units=5, locality="0118218")
    assert la.amount == Decimal("197.10") and la.components[-1].source.line == 4


def test_anesthesia_time_units_to_one_decimal(store):
    # 37 minutes / 15 = 2.466... -> 2.5; (5 + 2.5) x 21.90 = 164.25.
    r = fees.anesthesia(store, "00790", ON, minutes=37, base_units=5, zip5="90001")
    assert r.time_units == Decimal("2.5") and r.amount == Decimal("164.25")


def test_anesthesia_needs_base_units_and_an_anesthesia_code(store):
    with pytest.raises(InvalidInput, match="base units"):
        fees.anesthesia(store, "00790", ON, minutes=60)
    with pytest.raises(InvalidInput, match="not an anesthesia code"):
        fees.anesthesia(store, "22586", ON, minutes=60, base_units=5)


# --- errors and releases --------------------------------------------------------------------


def test_unknown_code_names_the_rvu_release_and_nearest(store):
    with pytest.raises(UnknownCode) as exc:
        fees.price(store, "22587", ON)
    d = exc.value.to_dict()
    assert "PPRRVU2026_Apr_nonQPP.txt" in d["systems_searched"][0]
    assert "22586" in d["nearest"]


def test_unknown_locality_says_how_to_find_one(store):
    with pytest.raises(UnknownLocality) as exc:
        fees.price(store, "22586", ON, locality="0111205")
    assert exc.value.code == "unknown_locality" and exc.value.exit_code == 2
    assert exc.value.suggestions == ["0111299 (EXAMPLE REST OF CALIFORNIA)"]
    assert "--zip" in str(exc.value)


def test_unknown_zip_and_zip_outside_the_gpci_file(store):
    with pytest.raises(UnknownLocality, match="not in the ZIP code file"):
        fees.price(store, "22586", ON, zip5="99999")
    with pytest.raises(UnknownLocality, match="maps to MAC 01112 locality 05"):
        fees.price(store, "22586", ON, zip5="94101")


@pytest.mark.parametrize(
    "kwargs",
    [
        {"locality": "01112-05"},
        {"zip5": "9000"},
        {"locality": "0118218", "zip5": "90001"},
        {"setting": "office"},
        {"modifiers": ["5"]},
    ],
)
def test_malformed_input_is_refused(store, kwargs):
    with pytest.raises(InvalidInput):
        fees.price(store, "22586", ON, **kwargs)


def test_no_pfs_release_loaded(tmp_path):
    path = tmp_path / "reference.sqlite"
    import_paths(path, [TEST_DATA / "pfs_gpci" / "GPCI2026.csv"])
    s = ReferenceStore(path)
    try:
        with pytest.raises(ReleaseNotFound, match="relative value"):
            fees.price(s, "22586", ON)
    finally:
        s.close()


def test_date_after_the_release_warns(store):
    r = fees.price(store, "22586", date(2026, 8, 1), setting="facility")
    assert r.amount("facility") == Decimal("2008.06")
    assert any("newer data may exist" in w for w in r.warnings)


def test_api_facade(store_path):
    with Chartcode(store_path, on="2026-05-01") as desk:
        assert desk.fee("22586").amount("facility") == Decimal("2008.06")
        assert desk.fee("22586", locality="0118218").amount("facility") == Decimal("2078.74")
        assert desk.anesthesia_fee("00790", 60, 5).amount == Decimal("184.50")
        many = desk.fee_procedures(["22586", "2758A"], setting="facility")
        assert many.totals[0].amount == Decimal("2308.67")  # 2008.06 + 300.61


# --- the real 2026 files --------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_store(tmp_path_factory):
    rvu = shared_file("medicare/pfs/PPRRVU2026_Apr_nonQPP.txt")
    gpci = shared_file("medicare/pfs/GPCI2026.csv")
    anes = shared_file("medicare/pfs/ANES2025.csv")
    path = tmp_path_factory.mktemp("fees_real") / "reference.sqlite"
    import_paths(path, [rvu, gpci, anes])
    s = ReferenceStore(path)
    yield s
    s.close()


@pytest.mark.shared_data
def test_real_22586_national_facility(real_store):
    r = fees.price(real_store, "22586", ON)
    assert r.amount("facility") == Decimal("2008.06")  # 60.12 x 33.4009 = 2008.062108
    assert r.setting("nonfacility").na
    assert r.row.file == "PPRRVU2026_Apr_nonQPP.txt"


@pytest.mark.shared_data
def test_real_22586_manhattan(real_store):
    # GPCI2026.csv line 78: 13202,NY,01,MANHATTAN, PW 1.064 (floored 1.064), PE 1.162, MP 1.586.
    # 27.42 x 1.064 = 29.17488; 21.11 x 1.162 = 24.52982; 11.59 x 1.586 = 18.38174;
    # sum 72.08644 x 33.4009 = 2407.751973796 -> $2,407.75.
    r = fees.price(real_store, "22586", ON, locality="1320201", setting="facility")
    assert r.amount("facility") == Decimal("2407.75")
    assert r.locality.name == "MANHATTAN" and r.locality.source.line == 78


@pytest.mark.shared_data
def test_real_anesthesia_national_factor_from_the_header(real_store):
    # ANES2025.csv header: national anesthesia CF 20.3178; (7 + 4.0) x 20.3178 = 223.4958.
    r = fees.anesthesia(real_store, "00790", date(2025, 11, 1), minutes=60, base_units=7)
    assert r.conversion_factor == Decimal("20.3178") and r.amount == Decimal("223.50")
