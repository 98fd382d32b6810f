"""NCCI PTP edits from hand-written rows in CMS's practitioner and hospital layouts."""

from tests.services.claims.conftest import OTHER_NPI, check, claim, ids, line


def test_indicator_0_is_never_billable_together(ncci_store):
    r = check(ncci_store, claim(line("29881", "RT"), line("29877", "RT", "59")))
    [e] = [e for e in r.edits if e.id == "PTP-NEVER"]
    assert e.severity == "error" and e.line == 2 and e.codes == ("29881", "29877")
    assert e.source.file == "ccipra-v321r0-f1.txt" and e.source.row == 13
    assert "32.1r0" in e.source.release and "no modifier" in e.fix.lower()
    assert e.related_lines == (1, 2)


def test_indicator_0_not_raised_on_other_days_or_providers(ncci_store):
    apart = claim(line("29881"), line("29877", dos="2026-05-05"))
    assert "PTP-NEVER" not in ids(check(ncci_store, apart))
    others = claim(line("29881"), line("29877", npi=OTHER_NPI))
    assert "PTP-NEVER" not in ids(check(ncci_store, others))


def test_indicator_1_needs_a_modifier_on_the_column_2_line(ncci_store):
    r = check(ncci_store, claim(line("29881"), line("64450")))
    [e] = [e for e in r.edits if e.id.startswith("PTP")]
    assert e.id == "PTP-MODIFIER-NEEDED" and e.line == 2 and "XS" in e.fix


def test_indicator_1_bypassed_by_ncci_modifiers(ncci_store):
    for mod in ("59", "XS", "XU", "LT"):
        r = check(ncci_store, claim(line("29881", "RT"), line("64450", mod)))
        assert not [e for e in r.edits if e.id.startswith("PTP")], mod


def test_same_anatomic_modifier_on_both_lines_does_not_bypass(ncci_store):
    r = check(ncci_store, claim(line("29881", "RT"), line("64450", "RT")))
    [e] = [e for e in r.edits if e.id.startswith("PTP")]
    assert e.id == "PTP-MODIFIER-NEEDED" and "same site" in e.message


def test_modifier_on_the_column_1_line_is_flagged(ncci_store):
    r = check(ncci_store, claim(line("29881", "59"), line("64450")))
    [e] = [e for e in r.edits if e.id.startswith("PTP")]
    assert e.id == "PTP-MODIFIER-PLACEMENT" and e.severity == "warning"


def test_edit_dates_pick_the_row_in_force(ncci_store):
    # 22586/22840: indicator 0 until 2019-12-31, then 1.
    old = claim(line("22586", dos="2019-06-01"), line("22840", dos="2019-06-01"))
    assert "PTP-NEVER" in ids(check(ncci_store, old))
    new = claim(line("22586"), line("22840", "XS"))
    assert not [i for i in ids(check(ncci_store, new)) if i.startswith("PTP")]
    # 27447/27370 was deleted on 2025-12-31.
    gone = claim(line("27447"), line("27370"))
    assert not [i for i in ids(check(ncci_store, gone)) if i.startswith("PTP")]


def test_indicator_9_does_not_apply(ncci_store):
    r = check(ncci_store, claim(line("93000"), line("93010")))
    assert not [i for i in ids(r) if i.startswith("PTP")]


def test_claim_type_chooses_the_hospital_file(ncci_store):
    prof = claim(line("G0463"), line("36591"))
    assert "PTP-NEVER" not in ids(check(ncci_store, prof))
    hosp = claim(line("G0463"), line("36591"), claim_type="outpatient")
    r = check(ncci_store, hosp)
    assert "PTP-NEVER" in ids(r)
    assert next(e for e in r.edits if e.id == "PTP-NEVER").source.file == "ccioph-v321r0-f1.txt"


def test_em_column_2_fix_asks_for_modifier_25_not_59(ncci_store):
    # NCCI Policy Manual, chapter I: modifier 59 (and XE/XS/XP/XU) is not appended to an E/M.
    r = check(ncci_store, claim(line("20610"), line("99213")))
    [e] = [e for e in r.edits if e.id.startswith("PTP")]
    assert e.id == "PTP-MODIFIER-NEEDED" and "modifier 25" in e.fix
    assert "add XE" not in e.fix and "not used on an E/M" in e.fix


def test_x_modifier_on_the_procedure_is_not_moved_to_the_em_line(ncci_store):
    r = check(ncci_store, claim(line("20610", "XS"), line("99213")))
    [e] = [e for e in r.edits if e.id.startswith("PTP")]
    assert e.id == "PTP-MODIFIER-NEEDED" and e.severity == "error"
    assert "modifier 25" in e.fix and "Move" not in e.fix
    assert not [e for e in check(ncci_store, claim(line("20610"), line("99213", "25"))).edits
                if e.id.startswith("PTP")]  # fmt: skip
