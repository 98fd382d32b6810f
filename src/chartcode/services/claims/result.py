"""What a claim check returns: edits, each with its evidence, and the releases consulted.

The JSON form is the stable contract of ``chartcode claim --json`` and of the API:
``{"claim": ..., "edits": [{"id", "severity", "line", "codes", "message", "fix", "source"}],
"warnings": [...], "not_checked": [...]}``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from chartcode.services.claims.facts import Release
from chartcode.services.claims.model import Claim

ERROR = "error"  # the payer will deny or reject the line as billed
WARNING = "warning"  # likely denied unless a modifier, documentation or policy supports it
INFO = "info"  # worth a look; not a denial by itself
SEVERITY_ORDER = {ERROR: 0, WARNING: 1, INFO: 2}


@dataclass(frozen=True, slots=True)
class Source:
    """The published row (or rule) that triggered an edit."""

    file: str
    release: str
    row: int | str | None = None
    rule: str | None = None  # the document that defines the rule, where it is not the file

    @classmethod
    def of(cls, rel: Release, row: int | str | None, rule: str | None = None) -> Source:
        return cls(rel.file, rel.label, row, rule)

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "release": self.release, "row": self.row, "rule": self.rule}

    def describe(self) -> str:
        where = f"{self.file}" + (f" row {self.row}" if self.row is not None else "")
        text = f"{where} ({self.release})"
        return f"{text}; {self.rule}" if self.rule else text


@dataclass(frozen=True, slots=True)
class Edit:
    id: str
    severity: str
    line: int | None  # None: about the claim as a whole
    codes: tuple[str, ...]
    message: str
    fix: str
    source: Source
    related_lines: tuple[int, ...] = ()  # every line the edit is about (line included)

    def sort_key(self) -> tuple[int, int, str, tuple[str, ...]]:
        return (self.line or 0, SEVERITY_ORDER[self.severity], self.id, self.codes)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "severity": self.severity,
            "line": self.line,
            "codes": list(self.codes),
            "message": self.message,
            "fix": self.fix,
            "source": self.source.to_dict(),
            "related_lines": list(self.related_lines or ((self.line,) if self.line else ())),
        }


@dataclass(frozen=True, slots=True)
class ClaimResult:
    claim: Claim
    edits: list[Edit]
    warnings: list[str] = field(default_factory=list)  # releases outside their dates
    not_checked: list[str] = field(default_factory=list)  # files not loaded: edits skipped

    @property
    def clean(self) -> bool:
        return not any(e.severity in (ERROR, WARNING) for e in self.edits)

    def count(self, severity: str) -> int:
        return sum(1 for e in self.edits if e.severity == severity)

    def to_dict(self) -> dict[str, Any]:
        return {
            "claim": self.claim.to_dict(),
            "clean": self.clean,
            "edits": [e.to_dict() for e in self.edits],
            "warnings": self.warnings,
            "not_checked": self.not_checked,
        }
