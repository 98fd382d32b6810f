from datetime import date

import pytest

from chartcode.api import Chartcode
from chartcode.errors import InvalidInput, ReleaseNotFound, UnknownCode
from tests.conftest import TEST_DATA

CM = TEST_DATA / "icd10cm_tabular"


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    store = tmp_path_factory.mktemp("lookup") / "reference.sqlite"
    d = Chartcode(store, on="2026-05-01")
    d.import_files([CM / "tabular_sample_2025.xml", CM / "tabular_sample_2026.xml"])
    return d


@pytest.mark.parametrize("typed", ["E11.40", "e1140", "E1140", " e11.40 "])
def test_code_accepted_with_or_without_dot_any_case(desk, typed):
    r = desk.lookup(typed)
    assert r.code == "E11.40" and r.system == "icd10cm"


def test_billable_code_page(desk):
    r = desk.lookup("E11.40")
    assert r.billable and r.valid_on_date and r.validity == "valid"
    assert r.release.version == "2026"
    assert [n.code for n in r.hierarchy] == ["4", "E08-E13", "E11", "E11.4"]
    d = r.to_dict()
    for key in ("system", "code", "title", "billable", "release", "notes", "history"):
        assert key in d
    assert set(d["release"]) >= {"version", "effective_from", "effective_to"}


def test_notes_inherited_from_category_and_chapter_say_where_they_come_from(desk):
    notes = {(n.kind, n.from_code) for n in desk.lookup("E11.40").notes}
    assert ("excludes1", "E11") in notes
    assert ("use_additional", "E11") in notes
    assert ("excludes1", "4") in notes
    # Inclusion terms belong to the code they are printed under only.
    assert not any(n.kind == "inclusion_term" for n in desk.lookup("E11.40").notes)
    assert any(n.kind == "inclusion_term" for n in desk.lookup("E11.9").notes)


def test_header_code_is_not_billable_and_lists_children(desk):
    r = desk.lookup("E11")
    assert not r.billable and "header" in r.billable_reason
    assert r.validity == "not_billable"
    assert [c.code for c in r.children] == ["E11.4", "E11.9"]


def test_code_needing_seventh_character(desk):
    r = desk.lookup("S52.501")
    assert not r.billable and "7th character" in r.billable_reason
    assert [(s.char, s.code) for s in r.seventh_characters] == [
        ("A", "S52.501A"),
        ("B", "S52.501B"),
        ("D", "S52.501D"),
    ]
    full = desk.lookup("s52501a")
    assert full.billable and full.title.endswith("initial encounter for closed fracture")
    assert any(n.from_code == "S52" and n.kind == "note" for n in full.notes)


def test_placeholder_x(desk):
    assert desk.lookup("W11.XXXA").billable
    w11 = desk.lookup("W11")
    assert [s.code for s in w11.seventh_characters] == ["W11.XXXA", "W11.XXXD", "W11.XXXS"]
    assert "placeholder X" in w11.billable_reason
    with pytest.raises(UnknownCode) as info:
        desk.lookup("W11A")
    assert "placeholder X" in str(info.value) and "W11.XXXA" in str(info.value)
    with pytest.raises(UnknownCode) as info:
        desk.lookup("S52.501Z")
    assert "not a 7th character" in str(info.value)


def test_history_added_revised_deleted(desk):
    events = {h.version: h.event for h in desk.lookup("E11.40").history}
    assert events == {"2025": "absent", "2026": "added"}
    events = {h.version: h.event for h in desk.lookup("E11.41").history}
    assert events == {"2025": "present", "2026": "revised"}
    gone = desk.lookup("E11.8")
    assert {h.version: h.event for h in gone.history} == {"2025": "present", "2026": "deleted"}
    assert gone.validity == "deleted" and not gone.valid_on_date


def test_date_of_service_picks_the_release_in_force(desk):
    early = desk.lookup("E11.41", on="2025-06-01")
    assert early.release.version == "2025"
    assert early.title == "Type II diabetes mellitus with mononeuropathy"
    assert desk.lookup("E11.41", on="2025-10-01").release.version == "2026"
    new = desk.lookup("E11.40", on="2025-06-01")
    assert new.validity == "not_yet_valid" and not new.valid_on_date
    assert new.valid_from == "2025-10-01"
    assert "valid from 2025-10-01" in (new.validity_message or "")
    assert desk.lookup("E11.8", on="2025-09-30").valid_on_date


def test_dates_outside_every_release_say_so(desk):
    late = desk.lookup("E11.9", on="2027-01-15")
    assert late.release.version == "2026" and "newer data may exist" in late.warnings[0]
    early = desk.lookup("E11.9", on="2020-01-01")
    assert early.release.version == "2025" and "before every loaded" in early.warnings[0]
    assert early.validity == "outside_releases"


def test_unknown_code_names_systems_and_nearest(desk):
    with pytest.raises(UnknownCode) as info:
        desk.lookup("E11.49")
    err = info.value
    assert err.exit_code == 2
    assert any(s.startswith("icd10cm") for s in err.systems)
    assert "E11.40" in err.nearest and "E11.41" in err.nearest
    assert err.to_dict()["error"] == "unknown_code"


def test_bad_date_is_invalid_input(desk):
    with pytest.raises(InvalidInput):
        desk.lookup("E11.9", on="05/01/2026")


def test_empty_store_is_a_clear_error(tmp_path):
    with pytest.raises(ReleaseNotFound):
        Chartcode(tmp_path / "none.sqlite").lookup("E11.9")


def test_search_finds_titles_in_force(desk):
    hits = desk.search("ladder fall", on=date(2026, 5, 1))
    assert hits and hits[0].code.startswith("W11")
    assert desk.search("E11.9")[0].code == "E11.9"
    assert [h.code for h in desk.search("e11.4")] == ["E11.4", "E11.40", "E11.41"]
    diabetes = desk.search("diabetes neuropathy")
    assert diabetes[0].code == "E11.40" and diabetes[0].release == "2026"
    assert desk.search("   ") == []
