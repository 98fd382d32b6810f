"""A partial ICD-10-PCS code with the evidence of each chosen value, and the build's answer.

Contract: ``BuildState`` is immutable: the values chosen per position (1-7) with their
``Evidence``, the values the text suggests for positions still open, and the view of the
releases it was built against (so the interactive walk can continue it). ``BuildResult`` is
what a build answers: ``to_dict()`` is the documented JSON (``code`` null until all seven
values are chosen, ``axes``, ``open_axes`` with the valid ``choices``, ``question``,
``release``, ``table``), the same object for the CLI, the web app and the Python API.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from chartcode.services.pcs.tables_view import TablesView
from chartcode.store.pcs_queries import OPEN, pattern_of
from chartcode.store.reference import ReleaseRow


class EvidenceKind(StrEnum):
    """Why a value was chosen; every axis of an answer carries one."""

    TEXT = "text"  # words of the text, read by the builder's word tables
    TERM = "term"  # a procedure term the project wrote (lexicon/data/pcs_procedure_terms.tsv)
    INDEX = "index"  # the official ICD-10-PCS Index
    KEY = "key"  # the body part key or device key of the Definitions file, or an index "use"
    ONLY_VALUE = "only_value"  # the one value the table still allows
    DEFAULT = "default"  # the text names nothing for the axis: its "none" value
    CHOSEN = "chosen"  # the user chose it


@dataclass(frozen=True, slots=True)
class Evidence:
    kind: EvidenceKind
    reason: str
    text: str | None = None  # the words of the text, when words chose the value
    start: int | None = None
    end: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "reason": self.reason,
        }


@dataclass(frozen=True, slots=True)
class ChosenValue:
    position: int
    value: str
    evidence: Evidence


@dataclass(frozen=True)
class BuildState:
    """A partial code: chosen values by position, suggestions for the open ones."""

    view: TablesView = field(compare=False, repr=False)
    text: str
    chosen: tuple[ChosenValue, ...] = ()
    suggested: tuple[tuple[int, tuple[str, ...]], ...] = ()
    named: frozenset[int] = frozenset()  # positions the text named something for
    warnings: tuple[str, ...] = ()

    @property
    def values(self) -> dict[int, str]:
        return {c.position: c.value for c in self.chosen}

    @property
    def pattern(self) -> str:
        return pattern_of(self.values)

    def value(self, position: int) -> str | None:
        return self.values.get(position)

    def suggestions(self, position: int) -> tuple[str, ...]:
        return dict(self.suggested).get(position, ())

    @property
    def table_chosen(self) -> bool:
        return all(p in self.values for p in (1, 2, 3))

    def listable(self, position: int) -> bool:
        """Whether an open position's values mean something yet.

        Axis 2 needs the section, axis 3 the section and body system, and axes 4-7 the table
        (their values are read in the table's own rows).
        """
        return all(p in self.values for p in range(1, min(position, 4)))

    def label_of(self, position: int) -> tuple[str, str]:
        """(label, axis title) of the value chosen at a position, read in the rows allowing it."""
        values = self.values
        pattern = "".join(OPEN if p == position else values.get(p, OPEN) for p in range(1, 8))
        for c in self.view.choices(pattern, position):
            if c.value == values[position]:
                return c.label, c.axis_title
        return values[position], f"Axis {position}"

    def with_value(self, chosen: ChosenValue) -> BuildState:
        kept = tuple(c for c in self.chosen if c.position != chosen.position)
        values = tuple(sorted((*kept, chosen), key=lambda c: c.position))
        suggested = tuple((p, v) for p, v in self.suggested if p != chosen.position)
        return BuildState(self.view, self.text, values, suggested, self.named, self.warnings)

    def without(self, positions: set[int]) -> BuildState:
        kept = tuple(c for c in self.chosen if c.position not in positions)
        return BuildState(self.view, self.text, kept, self.suggested, self.named, self.warnings)

    def with_suggestion(self, position: int, values: tuple[str, ...]) -> BuildState:
        suggested = tuple((p, v) for p, v in self.suggested if p != position)
        suggested = tuple(sorted((*suggested, (position, values))))
        return BuildState(self.view, self.text, self.chosen, suggested, self.named, self.warnings)

    def with_warning(self, warning: str) -> BuildState:
        if warning in self.warnings:
            return self
        return BuildState(
            self.view,
            self.text,
            self.chosen,
            self.suggested,
            self.named,
            (*self.warnings, warning),
        )

    def with_named(self, positions: set[int]) -> BuildState:
        return BuildState(
            self.view,
            self.text,
            self.chosen,
            self.suggested,
            self.named | positions,
            self.warnings,
        )

    def to_dict(self) -> dict[str, Any]:
        """What a client keeps between steps of the walk (see ``pcs_builder.resume``)."""
        return {
            "release": self.view.release.version,
            "date_of_service": self.view.on.isoformat(),
            "text": self.text,
            "chosen": [
                {"position": c.position, "value": c.value, "evidence": c.evidence.to_dict()}
                for c in self.chosen
            ],
            "suggested": {str(p): list(v) for p, v in self.suggested},
            "named": sorted(self.named),
            "warnings": list(self.warnings),
        }


@dataclass(frozen=True, slots=True)
class AxisResult:
    position: int
    name: str
    value: str
    label: str
    evidence: Evidence
    definition: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "position": self.position,
            "name": self.name,
            "value": self.value,
            "label": self.label,
            "evidence": self.evidence.to_dict(),
            "definition": self.definition,
        }


@dataclass(frozen=True, slots=True)
class Choice:
    value: str
    label: str
    definition: str | None
    suggested: bool  # the text points to it (the question names the suggested ones)

    def to_dict(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "label": self.label,
            "definition": self.definition,
            "suggested": self.suggested,
        }


@dataclass(frozen=True, slots=True)
class OpenAxis:
    position: int
    name: str
    choices: tuple[Choice, ...]
    question: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "position": self.position,
            "name": self.name,
            "question": self.question,
            "choices": [c.to_dict() for c in self.choices],
        }


@dataclass(frozen=True)
class BuildResult:
    """A build's answer; ``state`` continues the walk and is not part of the JSON."""

    code: str | None
    axes: tuple[AxisResult, ...]
    open_axes: tuple[OpenAxis, ...]
    question: str | None
    release: ReleaseRow
    table: dict[str, Any] | None
    text: str
    date_of_service: str
    warnings: tuple[str, ...]
    state: BuildState = field(repr=False, compare=False)
    # Both sides of a paired part with no bilateral value (Guidelines B4.3): the build of each
    # side, coded on its own.
    per_side: tuple[BuildResult, ...] = ()

    @property
    def complete(self) -> bool:
        return self.code is not None

    @property
    def partial_code(self) -> str:
        """The chosen values as a pattern, ``?`` where open (``0SRC0?Z``)."""
        return self.state.pattern

    def to_dict(self) -> dict[str, Any]:
        return {
            "system": "icd10pcs",
            "code": self.code,
            "partial_code": self.partial_code,
            "axes": [a.to_dict() for a in self.axes],
            "open_axes": [o.to_dict() for o in self.open_axes],
            "question": self.question,
            "release": self.release.to_dict(),
            "table": self.table,
            "text": self.text,
            "date_of_service": self.date_of_service,
            "warnings": list(self.warnings),
            "per_side": [
                {
                    "code": side.code,
                    "partial_code": side.partial_code,
                    "body_part": {"value": side.partial_code[3], "label": side.body_part},
                    "question": side.question,
                }
                for side in self.per_side
            ],
        }

    @property
    def body_part(self) -> str | None:
        """The chosen body part's label (axis 4), if chosen."""
        return next((a.label for a in self.axes if a.position == 4), None)
