"""Reversible mode: originals sealed under the user's key, restored exactly."""

import pytest

from chartcode.errors import RedactionError
from chartcode.services.redact import new_key, redact, restore
from tests.conftest import TEST_DATA

NOTE = (TEST_DATA / "redaction" / "discharge_summary.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("style", ["tag", "mask", "surrogate"])
def test_round_trip(style):
    key = new_key()
    r = redact(NOTE, style)
    sealed = r.sealed_mapping(key)
    assert b"Whitfield" not in sealed and b"00482913" not in sealed
    assert restore(r.text, sealed, key) == NOTE


def test_round_trip_after_an_edit_elsewhere_in_the_text():
    key = new_key()
    r = redact(NOTE, "tag")
    edited = "CODER NOTE: query physician about the pacemaker.\n" + r.text
    restored = restore(edited, r.sealed_mapping(key), key)
    assert restored == "CODER NOTE: query physician about the pacemaker.\n" + NOTE


def test_wrong_key_is_refused():
    r = redact(NOTE, "tag")
    sealed = r.sealed_mapping(new_key())
    with pytest.raises(RedactionError, match="does not open"):
        restore(r.text, sealed, new_key())


def test_malformed_key_is_refused():
    with pytest.raises(RedactionError, match="not a redaction key"):
        redact(NOTE, "tag").sealed_mapping(b"too short")


def test_replacement_edited_away_is_refused():
    key = new_key()
    r = redact("Call John Smith today.", "tag")
    with pytest.raises(RedactionError, match="changed"):
        restore("Call someone today.", r.sealed_mapping(key), key)
