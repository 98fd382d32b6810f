"""Domain errors, each with a stable machine code that every front end maps in one place.

The CLI turns them into a message and a non-zero exit; the web app into a 4xx JSON body.
"""

from __future__ import annotations

from collections.abc import Sequence


class ChartcodeError(Exception):
    """Base of every error chartcode raises on purpose."""

    code = "chartcode_error"
    exit_code = 1

    def to_dict(self) -> dict[str, object]:
        return {"error": self.code, "message": str(self)}


class ImportFormatError(ChartcodeError):
    """A data file is not what it claims to be, or is damaged; nothing was imported."""

    code = "import_format_error"

    def __init__(self, path: str, message: str, line: object = None) -> None:
        # ``line`` is typically lxml's ``sourceline``, which may be missing for some nodes.
        self.path = path
        self.line = line if isinstance(line, int) and line > 0 else None
        where = f"{path}:{self.line}" if self.line else path
        super().__init__(f"{where}: {message}")

    def to_dict(self) -> dict[str, object]:
        return {**super().to_dict(), "path": self.path, "line": self.line}


class UnknownCode(ChartcodeError):
    """No loaded code set holds this code."""

    code = "unknown_code"
    exit_code = 2

    def __init__(self, query: str, systems: Sequence[str], nearest: Sequence[str],
                 hint: str | None = None) -> None:  # fmt: skip
        self.query = query
        self.systems = list(systems)
        self.nearest = list(nearest)
        self.hint = hint
        msg = f"{query!r} is not a code in any loaded code set (searched: {', '.join(systems)})"
        if nearest:
            msg += f"; nearest: {', '.join(nearest)}"
        if hint:
            msg += f". {hint}"
        super().__init__(msg)

    def to_dict(self) -> dict[str, object]:
        return {
            **super().to_dict(),
            "query": self.query,
            "systems_searched": self.systems,
            "nearest": self.nearest,
            "hint": self.hint,
        }


class ReleaseNotFound(ChartcodeError):
    """No release of a code set is loaded, or none covers the date asked for."""

    code = "release_not_found"
    exit_code = 2


class FetchError(ChartcodeError):
    """A download failed or did not match its published checksum."""

    code = "fetch_error"
    exit_code = 3


class InvalidInput(ChartcodeError):
    """A request argument is malformed (a date, a system name)."""

    code = "invalid_input"
    exit_code = 2


class UnknownLocality(ChartcodeError):
    """A Medicare payment locality or ZIP code that the loaded PFS files do not know."""

    code = "unknown_locality"
    exit_code = 2

    def __init__(self, query: str, message: str, suggestions: Sequence[str] = ()) -> None:
        self.query = query
        self.suggestions = list(suggestions)
        msg = message
        if self.suggestions:
            msg += f"; for example: {', '.join(self.suggestions)}"
        super().__init__(msg)

    def to_dict(self) -> dict[str, object]:
        return {**super().to_dict(), "query": self.query, "suggestions": self.suggestions}


class ModifierNotAllowed(ChartcodeError):
    """A modifier that the code's payment indicators forbid (or that contradicts another)."""

    code = "modifier_not_allowed"
    exit_code = 2

    def __init__(
        self, procedure: str, modifier: str, reason: str, rule_id: str | None = None
    ) -> None:
        # ``code`` is the class's machine error code, so the procedure code has its own name.
        self.procedure = procedure
        self.modifier = modifier
        self.rule_id = rule_id
        super().__init__(f"modifier {modifier} cannot be used with {procedure}: {reason}")

    def to_dict(self) -> dict[str, object]:
        return {
            **super().to_dict(),
            "query": self.procedure,
            "modifier": self.modifier,
            "rule_id": self.rule_id,
        }


class RedactionError(ChartcodeError):
    """A redaction key or mapping file cannot be used (wrong key, damaged or edited file)."""

    code = "redaction_error"
    exit_code = 2


class ClaimInputError(ChartcodeError):
    """A claim (or a batch of claims) that cannot be read; every problem found is listed.

    ``problems`` holds one dict per field: ``row`` (file line or row, when the input is a
    file), ``claim_id``, ``line`` (claim line number), ``field``, ``value`` and ``message``.
    """

    code = "claim_input_error"
    exit_code = 2

    def __init__(self, problems: Sequence[dict[str, object]], source: str = "claim") -> None:
        self.problems = list(problems)
        self.source = source
        shown = "\n".join(f"  - {_describe_problem(p)}" for p in self.problems[:50])
        more = f"\n  ... and {len(self.problems) - 50} more" if len(self.problems) > 50 else ""
        super().__init__(
            f"{source}: {len(self.problems)} field error(s) in the claim input; nothing was "
            f"checked:\n{shown}{more}"
        )

    def to_dict(self) -> dict[str, object]:
        return {**super().to_dict(), "source": self.source, "problems": self.problems}


def _describe_problem(p: dict[str, object]) -> str:
    where = []
    if p.get("row") is not None:
        where.append(f"row {p['row']}")
    if p.get("claim_id"):
        where.append(f"claim {p['claim_id']}")
    if p.get("line") is not None:
        where.append(f"line {p['line']}")
    place = " ".join(where)
    value = p.get("value")
    shown = f" {str(value)[:60]!r}" if value not in (None, "") and p.get("field") != "file" else ""
    return f"{place + ': ' if place else ''}{p.get('field')}{shown}: {p.get('message')}"
