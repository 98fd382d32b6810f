"""NCCI add-on code edits, from the official 2026 Q2 file (../shared/data)."""

import pytest

from tests.services.claims.conftest import check, claim, ids, line

pytestmark = pytest.mark.shared_data


def test_type_1_addon_without_its_primary(claim_store):
    r = check(claim_store, claim(line("22585"), line("99213")))
    [e] = [e for e in r.edits if e.id == "AOC-NO-PRIMARY"]
    assert e.line == 1 and e.severity == "error" and "22554" in e.message
    assert e.source.file == "AOC_V2026Q2-MCR.xlsx" and isinstance(e.source.row, int)


def test_type_1_addon_with_its_primary(claim_store):
    r = check(claim_store, claim(line("22554"), line("22585")))
    assert not [i for i in ids(r) if i.startswith("AOC")]


def test_primary_on_another_day_does_not_count(claim_store):
    r = check(claim_store, claim(line("22554", dos="2026-05-03"), line("22585")))
    assert "AOC-NO-PRIMARY" in ids(r)


def test_type_3_addon_without_a_listed_primary_is_a_warning(claim_store):
    r = check(claim_store, claim(line("20701"), line("99213")))
    [e] = [e for e in r.edits if e.id == "AOC-NO-LISTED-PRIMARY"]
    assert e.severity == "warning" and "MAC" in e.message
    ok = check(claim_store, claim(line("11010"), line("20701")))
    assert not [i for i in ids(ok) if i.startswith("AOC")]


def test_type_2_addon_alone_on_the_claim(claim_store):
    r = check(claim_store, claim(line("0054T")))
    [e] = [e for e in r.edits if e.id == "AOC-NO-PRIMARY"]
    assert "type 2" in e.message
    ok = check(claim_store, claim(line("20985"), line("0054T")))
    assert not [i for i in ids(ok) if i.startswith("AOC")]
