"""PHI redaction, the one function the CLI, the web app and the Python API call.

``redact(text, style=...)`` finds the HIPAA Safe Harbor identifiers in ``text`` (see
``chartcode.redaction``), replaces them in the chosen style and returns a ``RedactionResult``.
The result's ``to_dict()`` is the ``--json`` schema: the redacted ``text``, its ``style``,
``counts`` by type, and ``entities`` (``type``, ``start``/``end`` in the original text,
``text_start``/``text_end`` in the redacted text, ``rule_id``, ``score``). It never contains
an original value; those stay inside the result, for ``manifest()`` (which hashes them) and
``sealed_mapping()`` (which encrypts them), and are not shown by ``repr``.

With a reference store, the words of its code-set titles join the protected vocabulary.
Nothing is printed, and only counts are logged.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from chartcode.errors import InvalidInput, RedactionError
from chartcode.redaction import manifest as manifest_module
from chartcode.redaction import reversible
from chartcode.redaction.engine import PhiFinder
from chartcode.redaction.styles import Replacement, Style, apply
from chartcode.redaction.vocabulary import ProtectedVocabulary

logger = logging.getLogger(__name__)

STYLES = tuple(s.value for s in Style)


@dataclass(frozen=True, slots=True)
class RedactedEntity:
    """One redaction: where it was in the original, where its replacement is in the output."""

    type: str
    start: int
    end: int
    text_start: int
    text_end: int
    rule_id: str
    score: float

    def to_dict(self) -> dict[str, object]:
        return {
            "type": self.type,
            "start": self.start,
            "end": self.end,
            "text_start": self.text_start,
            "text_end": self.text_end,
            "rule_id": self.rule_id,
            "score": self.score,
        }


@dataclass(frozen=True, slots=True)
class RedactionResult:
    """The redacted text and its entities; the original stays private to this object."""

    text: str
    style: str
    entities: tuple[RedactedEntity, ...]
    _original: str = field(repr=False, compare=False)
    _replacements: tuple[Replacement, ...] = field(repr=False, compare=False)

    def counts(self) -> dict[str, int]:
        return dict(sorted(Counter(e.type for e in self.entities).items()))

    def to_dict(self) -> dict[str, object]:
        return {
            "style": self.style,
            "text": self.text,
            "counts": self.counts(),
            "entities": [e.to_dict() for e in self.entities],
        }

    def manifest(self, key: bytes | None = None) -> dict[str, object]:
        """The audit manifest (types, offsets, counts, keyed hashes; no values)."""
        return manifest_module.build(self._original, self.text, self._replacements, self.style, key)

    def sealed_mapping(self, key: bytes) -> bytes:
        """The originals encrypted under ``key``, for ``restore``."""
        try:
            return reversible.seal(self._original, self.text, self._replacements, key)
        except reversible.ReversibleError as exc:
            raise RedactionError(str(exc)) from exc


def redact(
    text: str,
    style: str = Style.TAG.value,
    *,
    vocabulary: ProtectedVocabulary | None = None,
    seed: int | None = None,
    mask_char: str = "█",
    keep_zip3: bool = True,
) -> RedactionResult:
    """Find and replace the PHI in ``text``.

    Args:
        text: The clinical text.
        style: "tag" ([NAME]), "mask" (same-length blocks) or "surrogate" (consistent fakes).
        vocabulary: The protected clinical vocabulary; the packaged lists when None.
        seed: Makes surrogates repeatable (tests); random when None.
        mask_char: The character of the mask style.
        keep_zip3: Keep the three ZIP digits Safe Harbor allows (the restricted areas get 000).
    """
    try:
        chosen = Style(style)
    except ValueError as exc:
        raise InvalidInput(f"unknown style {style!r}: use one of {', '.join(STYLES)}") from exc
    if len(mask_char) != 1:
        raise InvalidInput("the mask character must be exactly one character")
    entities = _finder(vocabulary).find(text)
    output, replacements = apply(
        text, entities, chosen, seed=seed, mask_char=mask_char, keep_zip3=keep_zip3
    )
    logger.info("redacted %d identifiers (%s style)", len(replacements), chosen.value)
    return RedactionResult(
        text=output,
        style=chosen.value,
        entities=tuple(
            RedactedEntity(
                r.entity.type.value,
                r.entity.start,
                r.entity.end,
                r.text_start,
                r.text_end,
                r.entity.rule_id,
                r.entity.score,
            )
            for r in replacements
        ),
        _original=text,
        _replacements=tuple(replacements),
    )


@lru_cache(maxsize=8)
def _finder(vocabulary: ProtectedVocabulary | None) -> PhiFinder:
    return PhiFinder(vocabulary)


def restore(redacted: str, sealed: bytes, key: bytes) -> str:
    """The original text, from a redacted text and its sealed mapping, with the user's key."""
    try:
        return reversible.restore(redacted, reversible.unseal(sealed, key))
    except reversible.ReversibleError as exc:
        raise RedactionError(str(exc)) from exc


def new_key() -> bytes:
    """A fresh key for reversible redaction."""
    return reversible.new_key()


def store_vocabulary(store_path: Path) -> ProtectedVocabulary:
    """The packaged vocabulary plus the words of the store's code-set titles (cached per file)."""
    stat = store_path.stat()
    return _store_vocabulary(str(store_path.resolve()), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=4)
def _store_vocabulary(path: str, mtime_ns: int, size: int) -> ProtectedVocabulary:
    # Keyed on the file's mtime and size: an import swaps the file, and the cache follows.
    from chartcode.store.database import open_readonly
    from chartcode.store.vocabulary import clinical_words

    conn = open_readonly(Path(path))
    try:
        words = clinical_words(conn)
    finally:
        conn.close()
    logger.debug("protected vocabulary: %d words from the store", len(words))
    return ProtectedVocabulary.packaged().with_words(words)
