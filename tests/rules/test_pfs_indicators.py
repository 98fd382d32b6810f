"""The PFS indicator tables: complete, unique ids, cited, and in line with the RVU26B read-me."""

import subprocess
from decimal import Decimal

import pytest

from chartcode.rules.pfs_indicators import (
    ALL_TABLES,
    ASSISTANT_AT_SURGERY,
    BILATERAL_SURGERY,
    CO_SURGEONS,
    PAYMENT_RATES,
    PCTC_INDICATORS,
    STATUS_CODES,
    TEAM_SURGERY,
)
from tests.conftest import shared_file

EXPECTED_VALUES = {
    "status": set("ABCDEFGHIJMNPRTX"),
    "pctc": set("0123456789"),
    "global_days": {"000", "010", "090", "MMM", "XXX", "YYY", "ZZZ"},
    "mult_proc": {"0", "1", "2", "3", "4", "5", "6", "7", "9"},
    "bilateral": {"0", "1", "2", "3", "9"},
    "assistant": {"0", "1", "2", "9"},
    "co_surgery": {"0", "1", "2", "9"},
    "team_surgery": {"0", "1", "2", "9"},
}


@pytest.mark.parametrize("name", sorted(EXPECTED_VALUES))
def test_every_value_of_the_layout_has_a_rule(name):
    assert set(ALL_TABLES[name]) == EXPECTED_VALUES[name]


def test_rule_ids_are_unique_and_every_rule_is_described_and_cited():
    rules = [r for table in ALL_TABLES.values() for r in table.values()]
    ids = [r.rule_id for r in rules] + list(PAYMENT_RATES)
    assert len(ids) == len(set(ids))
    for r in rules:
        assert r.description and r.label and "RVU26B" in r.citation
    for rate in PAYMENT_RATES.values():
        assert rate.description and rate.citation


@pytest.mark.parametrize(
    ("status", "payable"),
    [("A", True), ("R", True), ("T", True), ("B", False), ("C", False), ("E", False),
     ("I", False), ("J", False), ("M", False), ("N", False), ("P", False), ("X", False)],
)  # fmt: skip
def test_only_a_r_t_are_payable(status, payable):
    # RVU26B read-me, Status Code: "Only RVUs associated with status codes of A, R, or T
    # are used for Medicare payment."
    assert STATUS_CODES[status].payable is payable


@pytest.mark.parametrize(
    ("value", "factor"), [("0", "1.00"), ("1", "1.50"), ("2", "1.00"), ("3", "2.00")]
)
def test_bilateral_factors(value, factor):
    assert BILATERAL_SURGERY[value].factor == Decimal(factor)
    assert "50" in BILATERAL_SURGERY[value].permits
    assert not BILATERAL_SURGERY["9"].permits


@pytest.mark.parametrize(
    ("table", "modifier", "allowed"),
    [
        (ASSISTANT_AT_SURGERY, "80", {"0", "2"}),
        (CO_SURGEONS, "62", {"1", "2"}),
        (TEAM_SURGERY, "66", {"1", "2"}),
        (PCTC_INDICATORS, "26", {"1", "6"}),
        (PCTC_INDICATORS, "TC", {"1"}),
    ],
)
def test_which_values_permit_the_modifier(table, modifier, allowed):
    assert {v for v, r in table.items() if modifier in r.permits} == allowed


@pytest.mark.parametrize(
    ("rule_id", "rate"),
    [
        ("pfs.rate.multiple_secondary", "0.50"),
        ("pfs.rate.imaging_tc", "0.50"),
        ("pfs.rate.imaging_pc", "0.95"),
        ("pfs.rate.therapy_pe", "0.50"),
        ("pfs.rate.cardiovascular_tc", "0.75"),
        ("pfs.rate.ophthalmology_tc", "0.80"),
        ("pfs.rate.co_surgeon", "0.625"),
        ("pfs.rate.assistant", "0.16"),
        ("pfs.rate.npp_assistant", "0.85"),
    ],
)
def test_payment_rates(rule_id, rate):
    assert PAYMENT_RATES[rule_id].rate == Decimal(rate)


@pytest.mark.shared_data
def test_percentages_are_the_read_mes():
    """The percentages cited to the read-me are printed in it (RVU26B.pdf, pdftotext)."""
    pdf = shared_file("medicare/pfs/RVU26B.pdf")
    try:
        text = subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
    except FileNotFoundError:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    flat = " ".join(text.split())
    for phrase in (
        "150% of the fee schedule amount for a single code",
        "(100%, 50%, 50%, 50%, 50% and by report)",
        "Subject to 50% reduction of the TC diagnostic imaging",
        "Subject to 5% reduction of the PC of diagnostic imaging",
        "Subject to 50% of the practice expense component for certain therapy services",
        "Subject to 25% reduction of the second highest and subsequent procedures to the TC",
        "Subject to 20% reduction of the second highest and subsequent procedures to the TC",
        'Only RVUs associated with status codes of "A", "R", or "T"',
    ):
        assert phrase in flat, phrase
