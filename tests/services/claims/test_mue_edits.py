"""MUE by adjudication indicator, from hand-written rows in CMS's MUE table layout."""

from tests.services.claims.conftest import OTHER_NPI, check, claim, ids, line


def test_line_edit_checks_each_line_on_its_own(ncci_store):
    r = check(ncci_store, claim(line("96372", units=5)))
    [e] = [e for e in r.edits if e.id == "MUE-LINE"]
    assert e.line == 1 and "4 per line" in e.message and "Clinical: Data" in e.message
    assert e.source.file.startswith("MCR_MUE_Practitioner") and e.source.row == 9
    split = claim(line("96372", units=4), line("96372", "76", units=3))
    assert "MUE-LINE" not in ids(check(ncci_store, split))


def test_policy_edit_adds_up_the_day(ncci_store):
    r = check(ncci_store, claim(line("20610", "RT", units=2), line("20610", "LT", units=1)))
    [e] = [e for e in r.edits if e.id == "MUE-DOS-POLICY"]
    assert e.related_lines == (1, 2) and "3 units" in e.message and "appeal cannot" in e.message
    ok = claim(line("20610", "RT"), line("20610", "LT"))
    assert "MUE-DOS-POLICY" not in ids(check(ncci_store, ok))
    other_day = claim(line("20610", units=2), line("20610", units=2, dos="2026-05-05"))
    assert "MUE-DOS-POLICY" not in ids(check(ncci_store, other_day))


def test_clinical_edit_mentions_the_appeal(ncci_store):
    r = check(ncci_store, claim(line("64450", units=11)))
    [e] = [e for e in r.edits if e.id == "MUE-DOS-CLINICAL"]
    assert "appeal" in e.fix
    assert "MUE-DOS-CLINICAL" not in ids(check(ncci_store, claim(line("64450", units=10))))


def test_days_are_per_provider(ncci_store):
    two = claim(line("20610", units=2), line("20610", units=2, npi=OTHER_NPI))
    assert "MUE-DOS-POLICY" not in ids(check(ncci_store, two))


def test_zero_value_means_not_payable(ncci_store):
    r = check(ncci_store, claim(line("J1100")))
    [e] = [e for e in r.edits if e.id == "MUE-DOS-CLINICAL"]
    assert "MUE of 0" in e.fix


def test_outpatient_claims_use_the_outpatient_table(ncci_store):
    prof = claim(line("64450", units=9))
    assert "MUE-DOS-CLINICAL" not in ids(check(ncci_store, prof))
    hosp = claim(line("64450", units=9), claim_type="outpatient")
    assert "MUE-DOS-CLINICAL" in ids(check(ncci_store, hosp))


def test_files_not_loaded_are_reported_not_silently_skipped(ncci_store):
    r = check(ncci_store, claim(line("99213"), claim_type="dme"))
    assert "NCCI add-on code edits" in r.not_checked
    assert "PFS relative value file" in r.not_checked


def test_a_line_without_a_provider_counts_with_the_others(ncci_store):
    mixed = claim(line("20610", units=2), line("20610", units=1, npi=None))
    assert "MUE-DOS-POLICY" in ids(check(ncci_store, mixed))


def test_one_unit_over_an_mue_of_0_reads_in_the_singular(ncci_store):
    [e] = [e for e in check(ncci_store, claim(line("J1100"))).edits if e.id.startswith("MUE")]
    assert e.message.startswith("1 unit of J1100 on 2026-05-04 (line 1) exceeds the MUE of 0")
    assert "not payable" in e.fix
