"""Choosing the approach, device and qualifier (axes 5-7) from the words of a description.

Contract: ``choose_axes(state, reading, synonyms)`` reads, for each open axis 5-7 of a state
whose table is chosen, what the text says about it: the project's procedure terms, the cue
words of ``axis_words`` (the first label of a cue that the partial code still allows), the
device key and index "use" entries, labels written out in the text ("metal on
polyethylene"), and durations ("for 48 hours" against "24-96 Consecutive Hours"). Only the
values ``TablesView.choices`` offers are read, so the choice keeps the code valid; where the
strongest readings leave several values, they become the axis's suggested values and the
builder asks. ``named`` on the state records the axes the text spoke to, so that their
"none" value is not taken by default.
"""

from __future__ import annotations

import re

from chartcode.services.pcs.axis_words import NONE_LABELS
from chartcode.services.pcs.label_match import parse_label
from chartcode.services.pcs.official_words import SynonymHit
from chartcode.services.pcs.reading import TERM_WEIGHT, CueKind, Reading
from chartcode.services.pcs.state import BuildState, ChosenValue, Evidence, EvidenceKind
from chartcode.services.pcs.table_choice import term_fits_table
from chartcode.services.pcs.text import WINDOW
from chartcode.store.pcs_queries import PcsChoice, PcsTableHead

# Which cue kind speaks to an axis, by the axis title the table prints.
AXIS_CUES: dict[str, CueKind] = {
    "Approach": CueKind.APPROACH,
    "Device": CueKind.DEVICE,
    "Device / Substance / Technology": CueKind.DEVICE,
    "Function / Device": CueKind.DEVICE,
    "Qualifier": CueKind.QUALIFIER,
    "Contrast": CueKind.CONTRAST,
}

CUE_WEIGHT = 5.0
KEY_WEIGHT = 4.0
LABEL_WEIGHT = 3.0
TIE = 1e-6


def choose_axes(state: BuildState, reading: Reading, synonyms: list[SynonymHit]) -> BuildState:
    """Choose approach, device and qualifier from the words, within the valid values."""
    if not state.table_chosen:
        return state
    view = state.view
    head = view.head(state.pattern[:3])
    assert head is not None
    named: set[int] = set()
    for pos in (5, 6, 7):
        if state.value(pos) is not None:
            continue
        choices = view.choices(state.pattern, pos)
        if not choices:
            continue
        kind = AXIS_CUES.get(choices[0].axis_title)
        picks = _picks(state, head, pos, choices, kind, reading, synonyms)
        if picks or (kind is not None and reading.of(kind)):
            named.add(pos)
        if not picks:
            if kind in (CueKind.APPROACH, CueKind.DEVICE) and reading.of(kind):
                said = ", ".join(f"'{reading.text.snippet(c.span)}'" for c in reading.of(kind))
                state = state.with_warning(
                    f"{said} does not fit table {head.prefix} with the values chosen "
                    f"({state.pattern}): the {choices[0].axis_title.lower()} is asked"
                )
            continue
        values, ev = _resolve(picks)
        if len(values) == 1:
            state = state.with_value(ChosenValue(pos, values[0], ev))
        else:
            state = state.with_suggestion(pos, tuple(values))
    return state.with_named(named)


def _resolve(picks: list[tuple[float, list[str], Evidence]]) -> tuple[list[str], Evidence]:
    """The values the strongest readings agree on, and the evidence of the deciding one.

    A procedure term that leaves several values names the candidates and the other words
    choose among them ("PCI with stent" leaves the stent kind; "drug-eluting" decides).
    """
    terms = [p for p in picks if p[2].kind == EvidenceKind.TERM]
    others = [p for p in picks if p[2].kind != EvidenceKind.TERM]
    allowed: set[str] | None = None
    for _, vs, _ in terms:
        allowed = set(vs) if allowed is None else allowed & set(vs) or allowed
    if others:
        top = max(w for w, _, _ in others)
        best = [p for p in others if p[0] >= top - TIE]
        narrowed = {v for _, vs, _ in best for v in vs}
        if allowed is None or narrowed & allowed:
            chosen = narrowed & allowed if allowed is not None else narrowed
            return sorted(chosen), best[0][2]
        if top >= CUE_WEIGHT:
            # The words say something the term does not ("closed reduction" with
            # "percutaneous pinning"): what is written about this axis wins.
            return sorted(narrowed), best[0][2]
    assert allowed is not None
    return sorted(allowed), terms[0][2]


def _picks(
    state: BuildState,
    head: PcsTableHead,
    pos: int,
    choices: list[PcsChoice],
    kind: CueKind | None,
    reading: Reading,
    synonyms: list[SynonymHit],
) -> list[tuple[float, list[str], Evidence]]:
    """(weight, values, evidence) of every reading of the text for one open axis."""
    picks: list[tuple[float, list[str], Evidence]] = []
    text = reading.text
    term_spans = [tm.span for tm in reading.terms if term_fits_table(tm.term, head.prefix)]
    by_label: dict[str, list[str]] = {}
    for c in choices:
        for label in c.label.split(" / "):
            by_label.setdefault(label.lower(), []).append(c.value)
    for tm in reading.terms:
        allowed = tm.term.allowed(pos)
        if not allowed or not term_fits_table(tm.term, head.prefix):
            continue
        values = [c.value for c in choices if c.value in allowed]
        if values:
            reason = f"procedure term '{tm.term.term}' ({tm.term.ref})"
            ev = Evidence(
                EvidenceKind.TERM, reason, text.snippet(tm.span), tm.span.start, tm.span.end
            )
            picks.append((TERM_WEIGHT, values, ev))
    if kind is not None:
        for cue in reading.of(kind):
            if any(ts.first <= cue.span.first and cue.span.last <= ts.last for ts in term_spans):
                continue  # words inside a term speak through the term ("percutaneous nephro...")
            for label in cue.labels:
                # "A|B|C" is one reading with equally likely labels ("with contrast").
                alts = [_counted(alt, cue.span.first, reading) for alt in label.split("|")]
                values = [
                    v
                    for alt in alts
                    for v in next((by_label[a.lower()] for a in alt if a.lower() in by_label), [])
                ]
                if values:
                    ev = Evidence(
                        EvidenceKind.TEXT,
                        cue.rule,
                        text.snippet(cue.span),
                        cue.span.start,
                        cue.span.end,
                    )
                    picks.append((CUE_WEIGHT + cue.weight - 1.0, values, ev))
                    break
    if kind == CueKind.DEVICE:
        for hit in synonyms:
            kp = hit.phrase
            if kp.body_system not in (None, head.body_system_label):
                continue
            if kp.operation not in (None, head.operation_label):
                continue
            values = [v for label in kp.labels for v in by_label.get(label.lower(), [])]
            if values:
                ev = Evidence(
                    EvidenceKind.KEY, kp.rule, text.snippet(hit.span), hit.span.start, hit.span.end
                )
                picks.append((KEY_WEIGHT, values, ev))
    if pos >= 5:
        skip = _body_part_words(state) if head.operation_label == "Bypass" and pos == 7 else None
        for c in choices:
            if skip is not None and set(parse_label(c.label).distinct) <= skip:
                continue  # "femoral-popliteal bypass" from the femoral artery goes to the popliteal
            found = _label_written(c.label, reading)
            if found is not None:
                first, last, n = found
                span = text.span(first, last)
                ev = Evidence(
                    EvidenceKind.TEXT,
                    f"'{text.snippet(span)}' names {c.label}",
                    text.snippet(span),
                    span.start,
                    span.end,
                )
                picks.append((LABEL_WEIGHT + 0.1 * n, [c.value], ev))
        picks += _duration_picks(choices, reading)
    return picks


_COUNTED = {"2": "Two", "3": "Three", "4": "Four or More"}


def _counted(label: str, before: int, reading: Reading) -> list[str]:
    """The label, preceded by its counted form when the text counts the devices.

    "Two drug-eluting stents" is "Intraluminal Device, Drug-eluting, Two" where the table
    has that value; one, or no count, is the label itself.
    """
    counts = [n for i, n in reading.device_counts if 0 < before - i <= 3 or i == before]
    if counts and counts[0] in _COUNTED:
        return [f"{label}, {_COUNTED[counts[0]]}", label]
    return [label]


def _body_part_words(state: BuildState) -> set[str]:
    label, _ = state.label_of(4) if state.value(4) else ("", "")
    return set(parse_label(label).distinct)


def _label_written(label: str, reading: Reading) -> tuple[int, int, int] | None:
    """(first token, last token, words) where a label, or one comma part of it, is written.

    A part counts when it has two words or a word of five letters or more ("Metal on
    Polyethylene" of "Synthetic Substitute, Metal on Polyethylene"; "Intermittent"); the
    part with most words wins. Words must be written, not stood for by a synonym.
    """
    if label in NONE_LABELS:
        return None
    best: tuple[int, int, int] | None = None
    for part in label.split(","):
        p = parse_label(part)
        ws = p.distinct
        if not ws or (len(ws) < 2 and len(ws[0]) < 5) or ws[0] in _VAGUE_PARTS:
            continue
        toks: list[int] = []
        for w in ws:
            written = [h.token for h in reading.hits.get(w, []) if h.via is None]
            if not written:
                break
            toks.append(written[0])
        else:
            # Kind words ("Artery" of "Popliteal Artery") may be left out; written, they count.
            n = len(ws) + sum(
                any(h.via is None for h in reading.hits.get(w, [])) for w in p.generic
            )
            if max(toks) - min(toks) <= WINDOW and (best is None or n > best[2]):
                best = (min(toks), max(toks), n)
    return best


# Label parts too general to choose a value by: "Synthetic Substitute, Metal" is named by
# "metal", not by "synthetic".
_VAGUE_PARTS = frozenset({"synthetic", "other", "single", "multiple", "device", "left", "right"})

_HOURS = re.compile(r"\b(\d+(?:\.\d+)?)\s*(hours?|hrs?|h|days?)\b", re.I)
_RANGE = re.compile(r"(?:less than (\d+))|(?:greater than (\d+))|(?:(\d+)-(\d+))", re.I)


def _duration_picks(
    choices: list[PcsChoice], reading: Reading
) -> list[tuple[float, list[str], Evidence]]:
    """Durations ("for 48 hours") read against labels that give hour ranges ("24-96 ...")."""
    found = _HOURS.search(reading.raw)
    if found is None:
        return []
    hours = float(found.group(1)) * (24 if found.group(2).lower().startswith("d") else 1)
    out: list[tuple[float, list[str], Evidence]] = []
    for c in choices:
        if "hour" not in c.label.lower():
            continue
        m = _RANGE.search(c.label)
        if m is None:
            continue
        less, greater, low, high = m.groups()
        inside = (
            (less is not None and hours < float(less))
            or (greater is not None and hours > float(greater))
            or (low is not None and float(low) <= hours <= float(high))
        )
        if inside:
            reason = f"'{found.group(0)}' falls in {c.label}"
            ev = Evidence(EvidenceKind.TEXT, reason, found.group(0), found.start(), found.end())
            out.append((CUE_WEIGHT, [c.value], ev))
    return out
