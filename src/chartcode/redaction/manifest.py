"""The audit manifest: what was redacted where, with a keyed hash of each value, never the value.

A reviewer can count and locate every redaction, and someone who holds the original note can
check that a given value was among those redacted (hash it the same way and compare), without
the manifest itself disclosing anything.

The hash is HMAC-SHA256. With the user's key (``--key-file``), its key is derived from that
secret, so only the key holder can test a guess. Without one, a random salt is made for this
manifest and written in it: then whoever holds the manifest can test guesses of short values
(a date, an SSN) by brute force, so keep such a manifest as private as the note.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime

from chartcode.redaction.styles import Replacement

FORMAT = 1


def hash_key(user_key: bytes | None) -> tuple[bytes, str | None]:
    """(HMAC key, salt to publish): derived from the user's key, or a fresh published salt."""
    if user_key is not None:
        return hmac.new(user_key, b"chartcode manifest hash key v1", hashlib.sha256).digest(), None
    salt = secrets.token_bytes(16)
    return salt, salt.hex()


def value_hash(key: bytes, value: str) -> str:
    return hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()


def build(
    original: str,
    redacted: str,
    replacements: Sequence[Replacement],
    style: str,
    user_key: bytes | None = None,
) -> dict[str, object]:
    """The manifest as a JSON-ready dict; ``original`` is hashed, never copied."""
    key, salt = hash_key(user_key)
    counts = Counter(r.entity.type.value for r in replacements)
    return {
        "format": FORMAT,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "style": style,
        "hash": {"algorithm": "HMAC-SHA256", "keyed": user_key is not None, "salt": salt},
        "original": {"characters": len(original), "hash": value_hash(key, original)},
        "redacted": {
            "characters": len(redacted),
            "sha256": hashlib.sha256(redacted.encode("utf-8")).hexdigest(),
        },
        "counts": dict(sorted(counts.items())),
        "total": len(replacements),
        "entities": [
            {
                "type": r.entity.type.value,
                "safe_harbor": r.entity.type.safe_harbor,
                "start": r.entity.start,
                "end": r.entity.end,
                "text_start": r.text_start,
                "text_end": r.text_end,
                "rule_id": r.entity.rule_id,
                "value_hash": value_hash(key, original[r.entity.start : r.entity.end]),
            }
            for r in replacements
        ],
    }
