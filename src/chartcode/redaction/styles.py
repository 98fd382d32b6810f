"""Writing the redacted text: each entity replaced by a tag, a mask or a surrogate.

``apply(text, entities, style)`` returns the new text and, for each entity, where its
replacement sits in it (``text_start``, ``text_end``), so callers can highlight replacements
and the reversible mode can put originals back by position.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from chartcode.redaction.entities import Entity, EntityType
from chartcode.redaction.surrogates import Surrogates, zip3


class Style(StrEnum):
    """How a found identifier is replaced."""

    TAG = "tag"  # [NAME], [DATE] ...
    MASK = "mask"  # the same number of mask characters
    SURROGATE = "surrogate"  # a realistic fake, consistent within the document


@dataclass(frozen=True, slots=True)
class Replacement:
    entity: Entity
    text_start: int
    text_end: int
    replacement: str


def apply(
    text: str,
    entities: list[Entity],
    style: Style,
    *,
    seed: int | None = None,
    mask_char: str = "█",
    keep_zip3: bool = True,
) -> tuple[str, list[Replacement]]:
    """The redacted text and one ``Replacement`` per entity (entities sorted, disjoint)."""
    surrogates = Surrogates(seed) if style is Style.SURROGATE else None
    if surrogates is not None:
        surrogates.learn_names(
            [text[e.start : e.end] for e in entities if e.type is EntityType.NAME]
        )
    out: list[str] = []
    done: list[Replacement] = []
    last = 0
    length = 0
    for e in entities:
        original = text[e.start : e.end]
        between = text[last : e.start]
        out.append(between)
        length += len(between)
        if style is Style.TAG:
            new = tag(e.type, original, keep_zip3)
        elif style is Style.MASK:
            new = mask(e.type, original, mask_char, keep_zip3)
        else:
            assert surrogates is not None
            new = surrogates.value(e.type, original, keep_zip3)
        out.append(new)
        done.append(Replacement(e, length, length + len(new), new))
        length += len(new)
        last = e.end
    out.append(text[last:])
    return "".join(out), done


def tag(kind: EntityType, original: str, keep_zip3: bool = True) -> str:
    """The tag of a kind ("[NAME]"); a ZIP keeps the digits Safe Harbor allows ("[ZIP 021xx]")."""
    if kind is EntityType.ZIP and keep_zip3 and zip3(original) != "000":
        return f"[ZIP {zip3(original)}xx]"
    return f"[{kind.value}]"


def mask(kind: EntityType, original: str, mask_char: str, keep_zip3: bool = True) -> str:
    """The same length of ``mask_char``; line breaks stay so the layout holds."""
    keep = 3 if kind is EntityType.ZIP and keep_zip3 and zip3(original) != "000" else 0
    return original[:keep] + "".join(ch if ch == "\n" else mask_char for ch in original[keep:])
