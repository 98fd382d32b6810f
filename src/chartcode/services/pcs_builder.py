"""ICD-10-PCS codes built axis by axis from a procedure description; never an invalid code.

Contract:

* ``build(store, text, on)`` reads the description (``services/pcs/reading.py``), chooses
  the table and body part the words point to (``services/pcs/table_choice.py``), then the
  approach, device and qualifier among the values still valid
  (``services/pcs/axis_choice.py``), and returns a
  ``BuildResult``: a complete code with each axis justified by the words that chose it and
  the official definition that applies, or the partial code with the remaining valid
  values of each open axis and a question about the first ("Which approach: Open,
  Percutaneous, or Percutaneous Endoscopic?").
* ``start(store, on)`` is the empty walk; ``options(state)`` lists the open axes and their
  valid values; ``choose(state, position, value)`` and ``clear(state, position)`` move the
  walk; ``describe(state)`` turns any state into a ``BuildResult``; ``resume`` rebuilds a
  state a client kept as ``state.to_dict()``.

Every value comes from ``TablesView.choices``, the values some valid code of the tables in
force still has with everything chosen so far, so every partial code can be completed and a
complete code is a row of the tables. An axis with one valid value left is chosen and says
so; an axis the text names nothing for takes its "none" value (No Device, No Qualifier)
only where the coding conventions make that the answer (``_default_allowed``); everything
else is asked.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from chartcode.errors import InvalidInput
from chartcode.services.pcs import operation_words as ow
from chartcode.services.pcs.axis_choice import TIE, choose_axes
from chartcode.services.pcs.axis_words import CONVENTIONAL_DEFAULTS, NONE_LABELS
from chartcode.services.pcs.both_sides import both_sides
from chartcode.services.pcs.reading import read
from chartcode.services.pcs.state import (
    AxisResult,
    BuildResult,
    BuildState,
    Choice,
    ChosenValue,
    Evidence,
    EvidenceKind,
    OpenAxis,
)
from chartcode.services.pcs.table_choice import Candidate, rank_candidates
from chartcode.services.pcs.tables_view import TablesView, tables_view
from chartcode.store.pcs_queries import OPEN, PcsChoice, PcsTableHead
from chartcode.store.reference import ReferenceStore

__all__ = [
    "BuildResult",
    "BuildState",
    "build",
    "build_state",
    "choose",
    "clear",
    "describe",
    "options",
    "resume",
    "settle",
    "start",
]

# Sections whose device axis takes "No Device" when the text names none (see _default_allowed).
DEVICE_DEFAULT_SECTIONS = frozenset("01")

# Most labels a question names before it only counts them.
QUESTION_LABELS = 8


# -- entry points ---------------------------------------------------------------------------------
def start(store: ReferenceStore, on: date) -> BuildState:
    """The empty walk: nothing chosen, the first question is the section."""
    view = tables_view(store, on)
    return settle(BuildState(view, "", warnings=view.warnings))


def build(store: ReferenceStore, text: str, on: date) -> BuildResult:
    """Build a code from a procedure description (see the module contract)."""
    if not text or not text.strip():
        return describe(start(store, on))
    view = tables_view(store, on)
    state = build_state(view, text)
    result = describe(state)
    sides = both_sides(state, text)
    if not sides:
        return result
    per_side = tuple(describe(choose(state, 4, v)) for v in sides)
    named = " and ".join(f"{s.code or s.partial_code} ({s.body_part})" for s in per_side)
    question = (
        "Both sides of a paired part with no bilateral value are coded one side each "
        f"(Guidelines B4.3): {named}."
    )
    if per_side[0].question:
        question += f" For each side: {per_side[0].question}"
    return replace(result, per_side=per_side, question=question)


def build_state(view: TablesView, text: str) -> BuildState:
    """The state a description leads to in one view (benchmarks reuse one view)."""
    reading = read(text)
    synonyms = view.words.synonyms(reading.text)
    index_hits = view.words.index_hits(reading, view.release.id)
    state = BuildState(view, text, warnings=view.warnings)
    for level in reading.spinal:
        if level.note:
            state = state.with_warning(level.note)
    candidates = rank_candidates(view, reading, synonyms, index_hits)
    if not candidates:
        state = state.with_warning(
            "no procedure words recognised: choose the section, body system and operation"
        )
        return settle(state)
    state = _choose_table(state, candidates)
    state = choose_axes(state, reading, synonyms)
    return settle(state)


def options(state: BuildState) -> list[OpenAxis]:
    """The open axes whose values mean something yet, each with its valid values."""
    return [_open_axis(state, pos) for pos in range(1, 8) if _is_open(state, pos)]


def choose(state: BuildState, position: int, value: str) -> BuildState:
    """Choose ``value`` at ``position``; values filled automatically are worked out again.

    Raises:
        InvalidInput: the position is not open to choice yet or the value is not valid with
            the values already chosen (the message lists the valid ones).
    """
    if not 1 <= position <= 7:
        raise InvalidInput(f"position {position} is not an ICD-10-PCS axis (1-7)")
    value = value.strip().upper()
    if not state.listable(position):
        first = next(p for p in range(1, 4) if state.value(p) is None)
        raise InvalidInput(f"choose axis {first} before axis {position}")
    automatic = {
        c.position
        for c in state.chosen
        if c.evidence.kind in (EvidenceKind.ONLY_VALUE, EvidenceKind.DEFAULT)
    }
    base = state.without(automatic | {position})
    valid = state.view.choices(base.pattern, position)
    if value not in {c.value for c in valid}:
        name = valid[0].axis_title.lower() if valid else f"axis {position}"
        shown = ", ".join(f"{c.value} ({c.label})" for c in valid[:20])
        raise InvalidInput(
            f"{value!r} is not a valid {name} with the values chosen ({base.pattern}); "
            f"valid: {shown}"
        )
    chosen = ChosenValue(position, value, Evidence(EvidenceKind.CHOSEN, "chosen in the builder"))
    return settle(base.with_value(chosen))


def clear(state: BuildState, position: int) -> BuildState:
    """Open a position again (and, for axes 1-3, the table's axes 4-7 with it)."""
    drop = {position} | ({4, 5, 6, 7} if position <= 3 else set())
    drop |= {
        c.position
        for c in state.chosen
        if c.evidence.kind in (EvidenceKind.ONLY_VALUE, EvidenceKind.DEFAULT)
    }
    return settle(state.without(drop))


def resume(store: ReferenceStore, data: dict[str, Any]) -> BuildState:
    """A state from ``BuildState.to_dict()``; its values are checked against the tables."""
    try:
        on = date.fromisoformat(str(data["date_of_service"]))
        chosen = [
            (int(c["position"]), str(c["value"]), c.get("evidence") or {}) for c in data["chosen"]
        ]
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidInput(f"not a saved ICD-10-PCS build state: {exc}") from exc
    view = tables_view(store, on)
    state = BuildState(view, str(data.get("text") or ""), warnings=view.warnings)
    for pos, value, ev in sorted(chosen):
        kind = EvidenceKind(ev.get("kind", EvidenceKind.CHOSEN.value))
        evidence = Evidence(
            kind, str(ev.get("reason") or "saved"), ev.get("text"), ev.get("start"), ev.get("end")
        )
        state = state.with_value(ChosenValue(pos, value, evidence))
    if view.queries.count_codes(view.release.id, state.pattern) == 0:
        raise InvalidInput(
            f"{state.pattern} is not the start of a valid code in {view.release.version}"
        )
    suggested = data.get("suggested") or {}
    for pos, values in suggested.items():
        state = state.with_suggestion(int(pos), tuple(values))
    return state.with_named({int(p) for p in data.get("named") or []})


# -- axes 1-4 -------------------------------------------------------------------------------------
def _choose_table(state: BuildState, candidates: list[Candidate]) -> BuildState:
    """Choose axes 1-4 where the best candidates agree; suggest their values where not."""
    best = candidates[0].total
    top = [c for c in candidates if c.total >= best - TIE]
    lead = top[0]
    for pos in (1, 2, 3):
        values = sorted({c.head.prefix[pos - 1] for c in top})
        if len(values) == 1:
            if pos == 2 and lead.bp_evidence is not None and _same_body_part(top):
                ev = lead.bp_evidence
            else:
                ev = lead.op_evidence
            state = state.with_value(ChosenValue(pos, values[0], ev))
        else:
            state = state.with_suggestion(pos, tuple(values))
    systems = {c.head.prefix[:2] for c in top}
    parts = sorted({c.body_part for c in top if c.body_part is not None})
    if len(systems) == 1 and parts:
        if _same_body_part(top) and lead.bp_evidence is not None:
            state = state.with_value(ChosenValue(4, parts[0], lead.bp_evidence))
        else:
            state = state.with_suggestion(4, tuple(parts))
    return state


def _same_body_part(top: list[Candidate]) -> bool:
    parts = {c.body_part for c in top}
    return len(parts) == 1 and None not in parts and len({c.head.prefix[:2] for c in top}) == 1


# -- settling: one value left, or nothing named ------------------------------------------------
def settle(state: BuildState) -> BuildState:
    """Choose every axis with one valid value left, and the "none" value where it applies."""
    view = state.view
    changed = True
    while changed:
        changed = False
        for pos in range(1, 8):
            if state.value(pos) is not None or not state.listable(pos):
                continue
            choices = view.choices(state.pattern, pos)
            if len(choices) == 1:
                only = choices[0]
                where = f"table {state.pattern[:3]}" if state.table_chosen else "the tables"
                reason = (
                    f"the only {only.axis_title} value {where} allows with the values chosen "
                    f"({state.pattern})"
                )
                state = state.with_value(
                    ChosenValue(pos, only.value, Evidence(EvidenceKind.ONLY_VALUE, reason))
                )
                changed = True
                continue
            default = _default(state, pos, choices)
            if default is not None:
                state = state.with_value(default)
                changed = True
    return state


def _default(state: BuildState, pos: int, choices: list[PcsChoice]) -> ChosenValue | None:
    """The "none" value of an axis the text names nothing for, where conventions allow it."""
    if not state.text or pos < 5 or pos in state.named or state.suggestions(pos):
        return None
    if any(state.value(p) is None for p in range(1, pos)):
        return None
    head = state.view.head(state.pattern[:3])
    if head is None:
        return None
    conventional = [c for c in choices if c.label in CONVENTIONAL_DEFAULTS]
    if len(conventional) == 1:
        c = conventional[0]
        reason = f"the text names no {c.axis_title.lower()}; {CONVENTIONAL_DEFAULTS[c.label]}"
        return ChosenValue(pos, c.value, Evidence(EvidenceKind.DEFAULT, reason))
    nones = [c for c in choices if c.label in NONE_LABELS]
    if len(nones) != 1 or not _default_allowed(head, nones[0].axis_title):
        return None
    c = nones[0]
    reason = (
        f"the text names no {c.axis_title.lower()}; {c.label} ({c.value}) is the value for none"
    )
    return ChosenValue(pos, c.value, Evidence(EvidenceKind.DEFAULT, reason))


def _default_allowed(head: PcsTableHead, axis_title: str) -> bool:
    """Whether "nothing named" means the axis's "none" value (or must be asked).

    A qualifier or contrast the text does not mention is none (Guidelines B3: the qualifier
    adds detail only when documented). A device is none only in sections 0 and 1, and not
    for root operations whose codes are defined by their device (Insertion, Replacement,
    Fusion, ...) nor vascular bypass, whose graft the coder must name.
    """
    if axis_title in ("Qualifier", "Contrast"):
        return True
    if axis_title != "Device" or head.section not in DEVICE_DEFAULT_SECTIONS:
        return False
    if head.operation_label in ow.DEVICE_OPERATIONS:
        return False
    return not (head.operation_label == "Bypass" and head.body_system in ow.DEVICE_BYPASS_SYSTEMS)


# -- describing a state ------------------------------------------------------------------------
def describe(state: BuildState) -> BuildResult:
    """The answer for a state: chosen axes with evidence and definitions, open axes, question."""
    view = state.view
    head = view.head(state.pattern[:3]) if state.table_chosen else None
    axes = []
    for c in state.chosen:
        label, title = state.label_of(c.position)
        axes.append(
            AxisResult(
                c.position,
                title,
                c.value,
                label,
                c.evidence,
                _definition(state, head, c.position, label, title),
            )
        )
    open_axes = tuple(options(state))
    code: str | None = state.pattern if OPEN not in state.pattern else None
    warnings = state.warnings
    if code is not None and not view.is_valid(code):  # cannot happen: every value was valid
        warnings = (*warnings, f"{code} is not in the tables; not returned")
        code = None
    table = None
    if head is not None:
        table = {
            "prefix": head.prefix,
            "section": head.section_label,
            "body_system": head.body_system_label,
            "operation": head.operation_label,
            "definition": head.definition,
        }
    return BuildResult(
        code=code,
        axes=tuple(axes),
        open_axes=open_axes,
        question=open_axes[0].question if open_axes else None,
        release=view.release,
        table=table,
        text=state.text,
        date_of_service=view.on.isoformat(),
        warnings=warnings,
        state=state,
    )


def _is_open(state: BuildState, pos: int) -> bool:
    return state.value(pos) is None and state.listable(pos)


def _definition(
    state: BuildState, head: PcsTableHead | None, pos: int, label: str, title: str
) -> str | None:
    if pos < 3:
        return None
    section = state.pattern[0]
    body_system = head.body_system_label if head else ""
    operation = head.operation_label if head else label
    found = state.view.words.describe(section, pos, label, body_system, operation)
    if found is None and pos == 3 and head is not None:
        return head.definition
    return found


def _noun(title: str, section: str) -> str:
    if title == "Operation" and section == "0":
        return "root operation"
    return title.lower()


def _question(title: str, section: str, labels: list[str], total: int) -> str:
    noun = _noun(title, section)
    if len(labels) > QUESTION_LABELS:
        return f"Which {noun}? {total} values are valid."
    if len(labels) == 1:
        return f"Which {noun}: {labels[0]}?"
    if len(labels) == 2:
        return f"Which {noun}: {labels[0]} or {labels[1]}?"
    return f"Which {noun}: {', '.join(labels[:-1])}, or {labels[-1]}?"


def _open_axis(state: BuildState, pos: int) -> OpenAxis:
    choices = state.view.choices(state.pattern, pos)
    head = state.view.head(state.pattern[:3]) if state.table_chosen else None
    suggested = set(state.suggestions(pos))
    title = choices[0].axis_title if choices else f"Axis {pos}"
    out = tuple(
        Choice(
            c.value, c.label, _definition(state, head, pos, c.label, title), c.value in suggested
        )
        for c in choices
    )
    named = [c.label for c in out if c.suggested] or [c.label for c in out]
    section = state.pattern[0]
    return OpenAxis(pos, title, out, _question(title, section, named, len(out)))
