"""Reversible redaction: the originals, encrypted with a key only the user holds.

The mapping (where each replacement sits in the redacted text, and what it replaced) is sealed
with Fernet (AES-128-CBC with HMAC-SHA256, from the ``cryptography`` package) under the user's
key. Without the key the mapping file is noise; with it, ``restore`` puts every original back.
The redacted text's SHA-256 is sealed too, so an edited text is restored by searching for each
replacement in order rather than trusting offsets that no longer hold.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from collections.abc import Sequence
from typing import Any

from chartcode.redaction.styles import Replacement

FORMAT = 1


class ReversibleError(ValueError):
    """A key or mapping file that cannot be used (wrong key, damaged or foreign file)."""


def _fernet(key: bytes) -> Any:
    try:
        from cryptography.fernet import Fernet
    except ImportError as exc:  # pragma: no cover - cryptography is a declared dependency
        raise ReversibleError(
            "reversible redaction needs the 'cryptography' package: pip install cryptography"
        ) from exc
    try:
        return Fernet(key.strip())
    except (ValueError, TypeError) as exc:
        raise ReversibleError(
            "not a redaction key: a key is 32 url-safe base64 bytes, as written by --new-key"
        ) from exc


def new_key() -> bytes:
    """A fresh random key (44 characters of url-safe base64)."""
    return base64.urlsafe_b64encode(os.urandom(32))


def seal(original: str, redacted: str, replacements: Sequence[Replacement], key: bytes) -> bytes:
    payload = {
        "format": FORMAT,
        "redacted_sha256": hashlib.sha256(redacted.encode("utf-8")).hexdigest(),
        "items": [
            {
                "text_start": r.text_start,
                "text_end": r.text_end,
                "replacement": r.replacement,
                "original": original[r.entity.start : r.entity.end],
                "type": r.entity.type.value,
            }
            for r in replacements
        ],
    }
    return _fernet(key).encrypt(json.dumps(payload).encode("utf-8"))


def unseal(token: bytes, key: bytes) -> dict[str, Any]:
    fernet = _fernet(key)  # first: says so when cryptography is missing
    from cryptography.fernet import InvalidToken

    try:
        data = json.loads(fernet.decrypt(token.strip()))
    except InvalidToken as exc:
        raise ReversibleError(
            "the key does not open this mapping file (wrong key or file)"
        ) from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ReversibleError("not a chartcode redaction mapping")
    return data


def restore(redacted: str, mapping: dict[str, Any]) -> str:
    """The original text from the redacted one and its unsealed mapping."""
    items = mapping["items"]
    if hashlib.sha256(redacted.encode("utf-8")).hexdigest() == mapping["redacted_sha256"]:
        spans = [(i["text_start"], i["text_end"], i["original"]) for i in items]
    else:
        # The text was edited after redaction: find each replacement in order instead.
        spans, at = [], 0
        for i in items:
            where = redacted.find(i["replacement"], at)
            if where < 0:
                raise ReversibleError(
                    "the redacted text was changed where a replacement stood; cannot restore it"
                )
            spans.append((where, where + len(i["replacement"]), i["original"]))
            at = where + len(i["replacement"])
    out, last = [], 0
    for start, end, original in spans:
        out.append(redacted[last:start])
        out.append(original)
        last = end
    out.append(redacted[last:])
    return "".join(out)
