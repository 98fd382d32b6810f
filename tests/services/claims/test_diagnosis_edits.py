"""Diagnosis pointers, Excludes1 pairs, sex and age rules (official ICD-10-CM tabular)."""

import pytest

from chartcode.services.claims.diagnosis_rules import AGE_RULES, SEX_RULES
from tests.services.claims.conftest import check, claim, ids, line


def test_line_without_a_pointer(ncci_store):
    r = check(ncci_store, claim(line("99213", dx="")))
    [e] = [e for e in r.edits if e.id == "DX-POINTER-MISSING"]
    assert e.line == 1
    assert "DX-POINTER-MISSING" not in ids(check(ncci_store, claim(line("99213"))))


def test_pointer_past_the_last_diagnosis(ncci_store):
    r = check(ncci_store, claim(line("99213", dx="AC"), dx=("M17.11", "I10")))
    [e] = [e for e in r.edits if e.id == "DX-POINTER-INVALID"]
    assert "diagnosis C" in e.message
    ok = check(ncci_store, claim(line("99213", dx="AB"), dx=("M17.11", "I10")))
    assert "DX-POINTER-INVALID" not in ids(ok)


@pytest.mark.shared_data
def test_excludes1_pair(claim_store):
    r = check(claim_store, claim(line("99213", dx="AB"), dx=("E11.9", "E10.9")))
    [e] = [e for e in r.edits if e.id == "DX-EXCLUDES1"]
    assert set(e.codes) == {"E10.9", "E11.9"} and "unrelated" in e.fix
    assert "Excludes1" in (e.source.rule or "")
    ok = check(claim_store, claim(line("99213", dx="AB"), dx=("E11.9", "I10")))
    assert "DX-EXCLUDES1" not in ids(ok)


@pytest.mark.shared_data
def test_sex_specific_codes(claim_store):
    r = check(claim_store, claim(line("99213"), dx=("N40.0",), sex="F"))
    [e] = [e for e in r.edits if e.id == "DX-SEX"]
    assert "male patients only" in e.message and "Diseases of male genital organs" in e.message
    assert e.source.row == "block N40-N53"
    assert "DX-SEX" not in ids(check(claim_store, claim(line("99213"), dx=("N40.0",), sex="M")))
    assert "DX-SEX" not in ids(check(claim_store, claim(line("99213"), dx=("N40.0",), sex="U")))
    assert "DX-SEX" in ids(check(claim_store, claim(line("99213"), dx=("N95.2",), sex="M")))


@pytest.mark.shared_data
def test_maternity_age(claim_store):
    r = check(claim_store, claim(line("59400"), dx=("O80",), dob="1960-01-01"))
    [e] = [e for e in r.edits if e.id == "DX-AGE-MATERNITY"]
    assert "66" in e.message and "chapter 15" in e.message
    young = check(claim_store, claim(line("59400"), dx=("O80",), dob="1995-01-01"))
    assert "DX-AGE-MATERNITY" not in ids(young)


@pytest.mark.shared_data
def test_newborn_age(claim_store):
    r = check(claim_store, claim(line("99213"), dx=("P07.30",), dob="1980-01-01"))
    assert "DX-AGE-NEWBORN" in ids(r)
    baby = check(claim_store, claim(line("99460"), dx=("P07.30",), dob="2026-05-01"))
    assert "DX-AGE-NEWBORN" not in ids(baby)


@pytest.mark.shared_data
def test_every_rule_names_a_tabular_node_whose_title_backs_it(claim_store):
    from chartcode.services.claims.facts import book_for

    cm = book_for(claim_store).on("2026-05-04").cm
    assert cm is not None
    words = {"F": ("female", "uter", "ovar", "cervix", "vulva", "pregnan", "delivery",
                   "gestation", "postpartum", "endometri"),
             "M": ("male", "testi", "penis", "prostat")}  # fmt: skip
    for rule in SEX_RULES:
        title = cm.nodes[rule.node].title.lower()
        assert any(w in title for w in words[rule.sex]) or rule.node == "D07", (rule, title)
    for arule in AGE_RULES:
        assert arule.node in cm.nodes, arule
