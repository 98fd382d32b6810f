"""Modifiers against the PFS payment indicators, and global surgery periods (official RVU)."""

import pytest

from tests.services.claims.conftest import check, claim, ids, line

pytestmark = pytest.mark.shared_data


def test_bilateral_modifier_on_a_code_where_the_concept_does_not_apply(claim_store):
    r = check(claim_store, claim(line("11300", "50")))
    [e] = [e for e in r.edits if e.id == "FEE-BILATERAL"]
    assert "bilateral indicator 9" in e.message and e.source.file == "PPRRVU2026_Apr_nonQPP.txt"
    assert e.severity == "error"
    r = check(claim_store, claim(line("29881", "50")))  # indicator 1: 150 %
    assert not [i for i in ids(r) if i.startswith("FEE-BILATERAL")]


def test_bilateral_modifier_that_pays_no_more(claim_store):
    for code in ("11042", "11010"):  # indicators 0 and 2
        r = check(claim_store, claim(line(code, "50")))
        [e] = [e for e in r.edits if e.id.startswith("FEE-BILATERAL")]
        assert e.id == "FEE-BILATERAL-NO-ADJUSTMENT" and e.severity == "warning", code


def test_rt_and_lt_on_one_line_read_as_bilateral(claim_store):
    assert "FEE-BILATERAL" in ids(check(claim_store, claim(line("11300", "RT", "LT"))))


def test_assistant_at_surgery(claim_store):
    r = check(claim_store, claim(line("64450", "80")))
    assert "FEE-ASSISTANT" in ids(r)
    assert not [i for i in ids(check(claim_store, claim(line("27447", "80"))))
                if i.startswith("FEE-ASSISTANT")]  # fmt: skip


def test_assistant_paid_only_with_documentation(claim_store):
    r = check(claim_store, claim(line("11451", "80")))
    [e] = [e for e in r.edits if e.id.startswith("FEE-ASSISTANT")]
    assert e.id == "FEE-ASSISTANT-DOCS" and e.severity == "info" and "operative report" in e.fix
    assert "FEE-ASSISTANT-DOCS" not in ids(check(claim_store, claim(line("11451"))))


def test_co_surgeons(claim_store):
    assert "FEE-COSURGERY" in ids(check(claim_store, claim(line("64450", "62"))))
    docs = check(claim_store, claim(line("27447", "62")))
    [e] = [e for e in docs.edits if e.id.startswith("FEE-COSURGERY")]
    assert e.id == "FEE-COSURGERY-DOCS" and e.severity == "info"
    assert not [i for i in ids(check(claim_store, claim(line("22586", "62"))))
                if i.startswith("FEE-COSURGERY")]  # fmt: skip


def test_team_surgery(claim_store):
    assert "FEE-TEAM" in ids(check(claim_store, claim(line("47562", "66"))))
    assert "FEE-TEAM" not in ids(check(claim_store, claim(line("47562"))))


def test_team_surgery_with_documentation(claim_store):
    r = check(claim_store, claim(line("22836", "66")))
    [e] = [e for e in r.edits if e.id.startswith("FEE-TEAM")]
    assert e.id == "FEE-TEAM-DOCS"
    assert not [i for i in ids(check(claim_store, claim(line("22818", "66"))))
                if i.startswith("FEE-TEAM")]  # fmt: skip


def test_professional_and_technical_components(claim_store):
    assert "FEE-PCTC" in ids(check(claim_store, claim(line("93010", "TC"))))
    assert "FEE-PCTC" in ids(check(claim_store, claim(line("71046", "26", "TC"))))
    assert "FEE-PCTC" not in ids(check(claim_store, claim(line("71046", "26"))))


def test_visit_in_the_global_period_of_a_prior_surgery(claim_store):
    prior = claim(line("27447", dos="2026-04-10"), claim_id="PRIOR")
    visit = claim(line("99213", dos="2026-05-04"))
    r = check(claim_store, visit, (prior,))
    [e] = [e for e in r.edits if e.id == "FEE-GLOBAL-VISIT"]
    assert "prior claim PRIOR" in e.message and "24" in e.fix and e.codes == ("99213", "27447")
    unrelated = claim(line("99213", "24", dos="2026-05-04"))
    assert "FEE-GLOBAL-VISIT" not in ids(check(claim_store, unrelated, (prior,)))
    after = claim(line("99213", dos="2026-08-01"))  # day 113: outside the 90 days
    assert "FEE-GLOBAL-VISIT" not in ids(check(claim_store, after, (prior,)))
    assert "FEE-GLOBAL-VISIT" not in ids(check(claim_store, visit))  # no history


def test_visit_on_the_day_of_major_surgery_needs_57(claim_store):
    r = check(claim_store, claim(line("27447"), line("99223")))
    [e] = [e for e in r.edits if e.id == "FEE-GLOBAL-VISIT"]
    assert "57" in e.fix and e.related_lines == (1, 2)
    ok = check(claim_store, claim(line("27447"), line("99223", "57")))
    assert "FEE-GLOBAL-VISIT" not in ids(ok)


def test_procedure_in_a_prior_global_period(claim_store):
    prior = claim(line("27447", dos="2026-04-10"), claim_id="PRIOR")
    r = check(claim_store, claim(line("20610", dos="2026-05-04")), (prior,))
    assert "FEE-GLOBAL-PROCEDURE" in ids(r)
    ok = check(claim_store, claim(line("20610", "79", dos="2026-05-04")), (prior,))
    assert "FEE-GLOBAL-PROCEDURE" not in ids(ok)


def test_history_of_another_patient_is_ignored(claim_store):
    prior = claim(line("27447", dos="2026-04-10"), claim_id="PRIOR", patient_id="P2")
    visit = claim(line("99213"), patient_id="P1")
    assert "FEE-GLOBAL-VISIT" not in ids(check(claim_store, visit, (prior,)))
