"""What the redactor finds in a text, as (type, text) pairs, for table tests."""

from chartcode.redaction.engine import find_phi


def found(text: str) -> list[tuple[str, str]]:
    return [(e.type.value, text[e.start : e.end]) for e in find_phi(text)]


def redacted_values(text: str) -> list[str]:
    return [value for _, value in found(text)]


def kinds(text: str) -> set[str]:
    return {kind for kind, _ in found(text)}
