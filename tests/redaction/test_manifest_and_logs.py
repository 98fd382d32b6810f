"""The manifest and the logs never hold an original value."""

import json
import logging

from chartcode.redaction.manifest import value_hash
from chartcode.services.redact import redact

NOTE = (
    "Patient: Margaret Whitfield, MRN 00482913, SSN 402-71-9386, seen 03/04/2024 at "
    "Mercy Ridge Medical Center; phone (859) 555-0142; email m.whitfield@gmail.com."
)
VALUES = ["Margaret", "Whitfield", "00482913", "402-71-9386", "03/04/2024", "Mercy Ridge",
          "555-0142", "m.whitfield@gmail.com"]  # fmt: skip


def test_manifest_has_types_offsets_counts_and_hashes_only():
    r = redact(NOTE, "tag")
    m = r.manifest()
    dumped = json.dumps(m)
    for value in VALUES:
        assert value not in dumped
    assert m["total"] == len(r.entities) == sum(m["counts"].values())
    first = m["entities"][0]
    assert {"type", "start", "end", "text_start", "text_end", "rule_id", "value_hash"} <= set(first)
    assert first["safe_harbor"].startswith("(A)")


def test_value_hash_lets_the_holder_of_the_original_check_a_value():
    r = redact(NOTE, "tag")
    m = r.manifest()
    salt = bytes.fromhex(m["hash"]["salt"])
    e = m["entities"][0]
    assert e["value_hash"] == value_hash(salt, NOTE[e["start"] : e["end"]])


def test_keyed_manifest_publishes_no_salt_and_differs_by_key():
    r = redact(NOTE, "tag")
    a, b = r.manifest(b"k" * 44), r.manifest(b"j" * 44)
    assert a["hash"] == {"algorithm": "HMAC-SHA256", "keyed": True, "salt": None}
    assert a["entities"][0]["value_hash"] != b["entities"][0]["value_hash"]
    assert a["entities"][0]["value_hash"] == r.manifest(b"k" * 44)["entities"][0]["value_hash"]


def test_no_original_value_reaches_the_logs(caplog):
    with caplog.at_level(logging.DEBUG):
        for style in ("tag", "mask", "surrogate"):
            redact(NOTE, style)
    assert caplog.records, "redaction logs its counts"
    for record in caplog.records:
        message = record.getMessage()
        for value in VALUES:
            assert value not in message


def test_result_repr_and_dict_hold_no_original():
    r = redact(NOTE, "surrogate", seed=1)
    for shown in (repr(r), json.dumps(r.to_dict())):
        for value in VALUES:
            assert value not in shown
