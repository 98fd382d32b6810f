"""Looking a code up: one answer for any system, as of a date of service.

Contract: ``lookup(store, code, on=date)`` returns a ``CodeResult`` for the code in the release
in force on that date, with validity on that date, instructional notes (inherited ones say
where they come from), hierarchy, children, 7th characters, PCS axes with their definitions,
and the code's history across every loaded release. An unknown code raises ``UnknownCode``
naming the systems searched and the nearest existing codes.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from typing import Any

from chartcode.codes import System, compact, display, display_cm, looks_like
from chartcode.errors import ReleaseNotFound, UnknownCode
from chartcode.services.billing import billing_facts
from chartcode.services.releases import in_force
from chartcode.store.icd10cm_extensions import seventh_char_allowed, with_seventh
from chartcode.store.pcs_titles import compose_title
from chartcode.store.reference import ReferenceStore, ReleaseRow

# Notes printed at a category, block or chapter apply to every code below it, except
# inclusion terms, which describe only the code they are printed under (Guidelines I.A.11-12).
INHERITED_NOTE_KINDS = frozenset(
    {
        "includes",
        "excludes1",
        "excludes2",
        "code_first",
        "use_additional",
        "code_also",
        "note",
        "seventh_char_note",
    }
)

# PFS status codes for which Medicare pays under the fee schedule (RVU read-me, "STATUS
# CODE"): A active, R restricted, T paid only when no other service is billed.
PAYABLE_STATUSES = frozenset("ART")

PCS_AXIS_NAMES = {1: "Section", 2: "Body System", 3: "Operation"}


@dataclass(frozen=True, slots=True)
class Note:
    kind: str
    text: str
    from_code: str  # the code, block or chapter where the note is printed


@dataclass(frozen=True, slots=True)
class HistoryEvent:
    version: str
    effective_from: str
    effective_to: str | None
    event: str  # present | added | revised | deleted | absent
    title: str | None


@dataclass(frozen=True, slots=True)
class Node:
    code: str
    kind: str
    title: str
    billable: bool | None = None


@dataclass(frozen=True, slots=True)
class SeventhCharacter:
    char: str
    meaning: str
    code: str | None  # the complete code it makes with this base, when the base is a leaf


@dataclass(frozen=True, slots=True)
class PcsAxis:
    position: int
    name: str
    value: str
    label: str
    definition: str | None
    explanation: str | None
    includes: list[str]


@dataclass(frozen=True, slots=True)
class IndexEntry:
    """An index path that leads to the code: the official route from words to a code."""

    source: str  # index | neoplasm | drug | eindex (ICD-10-CM) or index (ICD-10-PCS)
    release: str
    path: str
    printed_code: str  # as the index prints it: "C79.8-", "0UT9" (a PCS table row prefix)
    column: str | None  # table column heading for Neoplasm and Drug table cells


@dataclass(frozen=True, slots=True)
class CodeResult:
    """The answer to a lookup; ``to_dict()`` is the documented JSON schema."""

    system: str
    code: str
    title: str
    billable: bool
    billable_reason: str
    release: ReleaseRow
    date_of_service: str
    valid_on_date: bool
    validity: str  # valid | not_yet_valid | deleted | not_billable | outside_releases
    validity_message: str | None
    valid_from: str | None
    notes: list[Note] = field(default_factory=list)
    history: list[HistoryEvent] = field(default_factory=list)
    hierarchy: list[Node] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)
    seventh_characters: list[SeventhCharacter] = field(default_factory=list)
    axes: list[PcsAxis] = field(default_factory=list)
    table: dict[str, str | None] | None = None
    title_source: str = "official"
    index_entries: list[IndexEntry] = field(default_factory=list)
    # CPT/HCPCS billing facts (see services/billing.py); None or empty for ICD-10 codes.
    status: dict[str, Any] | None = None
    rvu: dict[str, Any] | None = None
    global_days: dict[str, Any] | None = None
    indicators: dict[str, dict[str, Any]] = field(default_factory=dict)
    ptp: list[dict[str, Any]] = field(default_factory=list)
    mue: dict[str, Any] | None = None
    addon: list[dict[str, Any]] = field(default_factory=list)
    hcpcs: dict[str, Any] | None = None
    notices: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    also_matches: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        d = asdict(self)
        d["release"] = self.release.to_dict()
        return d


class Lookup:
    """Lookups over one store; cheap to keep and reuse (no state but the store)."""

    def __init__(self, store: ReferenceStore) -> None:
        self.store = store

    def loaded_systems(self) -> list[str]:
        out = []
        if self.store.releases_of("icd10cm", "tabular"):
            out.append("icd10cm")
        if self.store.releases_of("icd10pcs", "tables"):
            out.append("icd10pcs")
        medicare = {(r.system, r.kind) for r in self.store.releases()}
        if medicare & {("pfs", "rvu"), ("cpt", "descriptors")} or any(
            s == "ncci" for s, _ in medicare
        ):
            out.append("cpt")
        if medicare & {("pfs", "rvu"), ("hcpcs", "alpha")} or any(s == "ncci" for s, _ in medicare):
            out.append("hcpcs")
        return out

    def lookup(self, code: str, on: date, system: str | None = None) -> CodeResult:
        c = compact(code)
        systems = [system] if system else [s.value for s in looks_like(c)] or self.loaded_systems()
        systems = [s for s in systems if s in self.loaded_systems()]
        if not self.loaded_systems():
            raise ReleaseNotFound("no code set is loaded: run `chartcode data import` or fetch")
        results: list[CodeResult] = []
        hint: str | None = None
        for s in systems:
            if s == System.ICD10CM:
                r, h = self._cm(c, on)
                hint = hint or h
            elif s == System.ICD10PCS:
                r = self._pcs(c, on)
            else:
                r = self._billing(c, on)
            if r is not None:
                results.append(r)
        if not results:
            searched = [
                f"{s} {', '.join(x.version for x in self._releases(s))}"
                for s in self.loaded_systems()
            ]
            raise UnknownCode(code, searched, self.nearest(c), hint)
        first = results[0]
        if len(results) > 1:
            also = [f"{r.system} {r.code}" for r in results[1:]]
            return replace(first, also_matches=also)
        return first

    def releases_for(self, system: str) -> list[ReleaseRow]:
        """The releases a system's codes are described from, oldest first."""
        return self._releases(system)

    # -- helpers ----------------------------------------------------------------------------
    def _releases(self, system: str) -> list[ReleaseRow]:
        if system in (System.CPT, System.HCPCS):
            return self.store.releases_of("pfs", "rvu") or self.store.releases_of("hcpcs", "alpha")
        kind = "tabular" if system == System.ICD10CM else "tables"
        return self.store.releases_of(system, kind)

    def nearest(self, c: str, limit: int = 8) -> list[str]:
        """Existing codes sharing the longest prefix with ``c`` (what a typo most likely meant)."""
        out: list[str] = []
        for table, system in (("cm_node", System.ICD10CM), ("pcs_code", System.ICD10PCS)):
            if system not in self.loaded_systems():
                continue
            for k in range(len(c), 0, -1):
                found = [x for x in self.store.codes_with_prefix(table, c[:k], limit) if x != c]
                found = [
                    x for x in found if system != System.ICD10CM or not ("-" in x or x.isdigit())
                ]
                if found:
                    out += [display(system, x) for x in found]
                    break
        return out[:limit]

    def _validity(
        self,
        system: str,
        present: set[int],
        chosen: ReleaseRow,
        in_force_id: int,
        on: date,
        warning: str | None,
    ) -> tuple[str, bool, str | None, str | None]:
        """(validity, valid_on_date, message, valid_from) for a code found in ``present``."""
        rels = self._releases(system)
        first = next((r for r in rels if r.id in present), None)
        valid_from = first.effective_from if first and first is not rels[0] else None
        if in_force_id in present:
            if warning and on.isoformat() < rels[0].effective_from:
                return "outside_releases", False, warning, valid_from
            return "valid", True, None, valid_from
        iso = on.isoformat()
        if chosen.effective_from > iso:
            return (
                "not_yet_valid",
                False,
                f"not valid on {iso}: added in release {chosen.version}, valid from "
                f"{chosen.effective_from}",
                chosen.effective_from,
            )
        return (
            "deleted",
            False,
            f"not valid on {iso}: no longer in the release in force; last in {chosen.version} "
            f"(in force to {chosen.effective_to or 'its successor'})",
            valid_from,
        )

    def _pick(self, system: str, present: set[int], in_force_id: int) -> ReleaseRow | None:
        """The release to describe a code from: the one in force, else the nearest that has it."""
        rels = self._releases(system)
        if in_force_id in present:
            return next(r for r in rels if r.id == in_force_id)
        idx = next(i for i, r in enumerate(rels) if r.id == in_force_id)
        later = [r for r in rels[idx + 1 :] if r.id in present]
        earlier = [r for r in rels[:idx] if r.id in present]
        if later:
            return later[0]
        return earlier[-1] if earlier else None

    def _history(self, system: str, titles: dict[int, str]) -> list[HistoryEvent]:
        return self._history_in(self._releases(system), titles)

    @staticmethod
    def _history_in(releases: list[ReleaseRow], titles: dict[int, str]) -> list[HistoryEvent]:
        events: list[HistoryEvent] = []
        prev: str | None = None
        seen = False
        for r in releases:
            title = titles.get(r.id)
            if title is None:
                event = "deleted" if seen and prev is not None else "absent"
            elif not seen:
                event = "present" if not events else "added"
            elif prev is None:
                event = "added"
            elif title != prev:
                event = "revised"
            else:
                event = "unchanged"
            events.append(HistoryEvent(r.version, r.effective_from, r.effective_to, event, title))
            seen = seen or title is not None
            prev = title
        return events

    def _index_entries(
        self, system: str, kinds: tuple[str, ...], keys: list[str], on: date, limit: int = 25
    ) -> list[IndexEntry]:
        """Index paths in the index releases in force on the date that lead to ``keys``."""
        rels = {}
        for kind in kinds:
            chosen = in_force(self.store, system, kind, on)
            if chosen is not None:
                rels[chosen.release.id] = chosen.release
        rows = self.store.index_entries(list(rels), keys, limit)
        out: list[IndexEntry] = []
        for rid, path, nemod, printed, _kind, heading in rows:
            shown = f"{path} {nemod}" if nemod else path
            entry = IndexEntry(rels[rid].kind, rels[rid].version, shown, printed, heading)
            if entry not in out:  # a term can print the same code twice (see and code)
                out.append(entry)
        return out

    # -- ICD-10-CM --------------------------------------------------------------------------
    def _cm(self, c: str, on: date) -> tuple[CodeResult | None, str | None]:
        chosen_in_force = in_force(self.store, "icd10cm", "tabular", on)
        if chosen_in_force is None:
            return None, None
        titles = self.store.cm_titles_across(c)
        present = set(titles)
        if not present:
            return None, self._cm_hint(c, chosen_in_force.release.id)
        rel = self._pick("icd10cm", present, chosen_in_force.release.id)
        assert rel is not None
        row = self.store.cm_node(rel.id, c)
        assert row is not None
        code, kind, title, parent, _depth, billable, _seq = row
        if kind in ("chapter", "block"):
            return None, None
        validity, ok, message, valid_from = self._validity(
            "icd10cm", present, rel, chosen_in_force.release.id, on, chosen_in_force.warning
        )
        chain = self._cm_chain(rel.id, parent)
        notes = [Note(k, t, display_cm(code)) for k, t in self.store.cm_notes(rel.id, code)]
        for anc in chain:
            notes += [
                Note(k, t, anc.code)
                for k, t in self.store.cm_notes(rel.id, compact(anc.code))
                if k in INHERITED_NOTE_KINDS
            ]
        children_rows = self.store.cm_children(rel.id, code)
        seventh_src = self._cm_seventh_source(rel.id, code, chain)
        sevenths: list[SeventhCharacter] = []
        is_leaf = not children_rows or all(k == "extension" for _, k, _, _ in children_rows)
        if seventh_src and len(code) < 7:
            for char, meaning in seventh_src:
                if seventh_char_allowed(code, char):
                    full = display_cm(with_seventh(code, char)) if is_leaf else None
                    sevenths.append(SeventhCharacter(char, meaning, full))
        reason = self._cm_billable_reason(bool(billable), kind, is_leaf, bool(sevenths), code)
        if ok and not billable:
            validity, message = "not_billable", reason
        warnings = [chosen_in_force.warning] if chosen_in_force.warning else []
        return CodeResult(
            system="icd10cm",
            code=display_cm(code),
            title=title,
            billable=bool(billable),
            billable_reason=reason,
            release=rel,
            date_of_service=on.isoformat(),
            valid_on_date=ok,
            validity=validity,
            validity_message=message,
            valid_from=valid_from,
            notes=notes,
            history=self._history("icd10cm", titles),
            hierarchy=list(reversed(chain)),
            children=[
                Node(display_cm(cc), k, t, bool(b))
                for cc, k, t, b in children_rows
                if k != "extension"
            ],
            seventh_characters=sevenths,
            index_entries=self._index_entries(
                "icd10cm",
                ("index", "neoplasm", "drug", "eindex"),
                [code, code[:6]] if kind == "extension" else [code],
                on,
            ),
            warnings=warnings,
        ), None

    def _cm_chain(self, release_id: int, parent: str | None) -> list[Node]:
        """Ancestors from the parent up to the chapter."""
        chain: list[Node] = []
        while parent:
            row = self.store.cm_node(release_id, parent)
            if row is None:
                break
            code, kind, title, parent, *_ = row
            shown = (
                code
                if kind == "chapter"
                else _block_display(code)
                if kind == "block"
                else display_cm(code)
            )
            chain.append(Node(shown, kind, title))
        return chain

    def _cm_seventh_source(
        self, release_id: int, code: str, chain: list[Node]
    ) -> list[tuple[str, str]]:
        for c in [code] + [compact(n.code) for n in chain if n.kind not in ("chapter", "block")]:
            found = self.store.cm_seventh(release_id, c)
            if found:
                return found
        return []

    @staticmethod
    def _cm_billable_reason(
        billable: bool, kind: str, is_leaf: bool, needs_seventh: bool, code: str
    ) -> str:
        if kind == "extension":
            return "billable: a complete code with its 7th character"
        if billable:
            return "billable: a complete code with no subdivisions"
        if needs_seventh and is_leaf:
            pad = " (with placeholder X to fill six characters)" if len(code) < 6 else ""
            return f"not billable: needs a 7th character{pad}; choose one of the codes below"
        return (
            "not billable: a header with more specific codes below; code to the highest specificity"
        )

    def _cm_hint(self, c: str, release_id: int) -> str | None:
        """Explain near misses with the 7th-character convention (W11A -> W11.XXXA)."""
        if len(c) < 4:
            return None
        base, char = c[:-1], c[-1]
        for b in (base, base.rstrip("X")):
            row = self.store.cm_node(release_id, b)
            if row is None:
                continue
            chain = self._cm_chain(release_id, row[3])
            chars = dict(self._cm_seventh_source(release_id, b, chain))
            if not chars:
                return None
            full = with_seventh(b, char)
            if char in chars and full != c:
                return (
                    f"{display_cm(b)} takes a 7th character, padded with placeholder X to six "
                    f"characters: did you mean {display_cm(full)}?"
                )
            if char not in chars:
                return f"{char!r} is not a 7th character of {display_cm(b)}; valid: " + ", ".join(
                    f"{k} ({v})" for k, v in chars.items()
                )
        return None

    # -- ICD-10-PCS -------------------------------------------------------------------------
    def _pcs(self, c: str, on: date) -> CodeResult | None:
        chosen = in_force(self.store, "icd10pcs", "tables", on)
        if chosen is None or len(c) != 7:
            return None
        present = self.store.pcs_releases_with(c)
        if not present:
            return None
        rel = self._pick("icd10pcs", present, chosen.release.id)
        assert rel is not None
        row_no = self.store.pcs_code_row(rel.id, c)
        assert row_no is not None
        validity, ok, message, valid_from = self._validity(
            "icd10pcs", present, rel, chosen.release.id, on, chosen.warning
        )
        table = self.store.pcs_table(rel.id, c[:3])
        assert table is not None
        labels = self.store.pcs_axis_labels(rel.id, c[:3], row_no)
        defs_rel = in_force(self.store, "icd10pcs", "definitions", on)
        axes: list[PcsAxis] = []
        for pos in range(1, 8):
            title, label = labels[(pos, c[pos - 1])]
            definition = explanation = None
            includes: list[str] = []
            if defs_rel is not None:
                found = self.store.pcs_definition(defs_rel.release.id, c[0], pos, label)
                if found:
                    definition, explanation, inc = found
                    includes = json.loads(inc) if inc else []
            if pos == 3 and definition is None and table[4]:
                definition = table[4]
            axes.append(PcsAxis(pos, title, c[pos - 1], label, definition, explanation, includes))
        title = compose_title(*(a.label for a in axes[2:]), section=c[0])
        titles = {rid: title for rid in present}
        warnings = [chosen.warning] if chosen.warning else []
        return CodeResult(
            system="icd10pcs",
            code=c,
            title=title,
            billable=True,
            billable_reason=(
                f"a complete code: all seven characters form a row of table {c[:3]} "
                f"(release {rel.version})"
            ),
            release=rel,
            date_of_service=on.isoformat(),
            valid_on_date=ok,
            validity=validity,
            validity_message=message,
            valid_from=valid_from,
            history=self._history("icd10pcs", titles),
            hierarchy=[
                Node(c[:i], PCS_AXIS_NAMES[i].lower(), labels[(i, c[i - 1])][1]) for i in (1, 2, 3)
            ],
            axes=axes,
            table={
                "prefix": table[0],
                "section": table[1],
                "body_system": table[2],
                "operation": table[3],
                "definition": table[4],
            },
            title_source="composed from the table labels of the seven axes",
            index_entries=self._index_entries(
                "icd10pcs", ("index",), [c[:k] for k in range(3, 8)], on
            ),
            warnings=warnings,
        )

    # -- CPT / HCPCS ------------------------------------------------------------------------
    def _billing(self, c: str, on: date) -> CodeResult | None:
        facts = billing_facts(self.store, c, on)
        if facts is None:
            return None
        release = facts.releases[0]
        for r in facts.releases:
            if (r.system, r.kind) in (("pfs", "rvu"), ("hcpcs", "alpha")):
                release = r
                break
        status = (facts.status or {}).get("code")
        validity, ok, message = "valid", True, None
        term = (facts.hcpcs or {}).get("termination_date")
        added = (facts.hcpcs or {}).get("add_date")
        iso = on.isoformat()
        if status == "D" or (term and term < iso):
            validity, ok = "deleted", False
            message = f"not valid on {iso}: deleted" + (f" as of {term}" if term else "")
        elif added and added > iso:
            validity, ok, message = "not_yet_valid", False, f"not valid before {added}"
        payable = bool(facts.status and facts.status.get("code") in PAYABLE_STATUSES)
        reason = (
            f"PFS status {status}: {(facts.status or {}).get('meaning') or 'see the RVU read-me'}"
            if status
            else "no Physician Fee Schedule status in the loaded files"
        )
        rvu_rels = self.store.releases_of("pfs", "rvu")
        titles = {}
        for r in rvu_rels:
            row = self.store.medicare.rvu(r.id, c)
            if row:
                titles[r.id] = row["description"]
        return CodeResult(
            system=facts.system,
            code=c,
            title=facts.title,
            billable=ok and (payable or facts.status is None),
            billable_reason=reason,
            release=release,
            date_of_service=iso,
            valid_on_date=ok,
            validity=validity,
            validity_message=message,
            valid_from=added,
            history=self._history_in(rvu_rels, titles) if rvu_rels else [],
            title_source=facts.title_source,
            status=facts.status,
            rvu=facts.rvu,
            global_days=facts.global_days,
            indicators=facts.indicators,
            ptp=facts.ptp,
            mue=facts.mue,
            addon=facts.addon,
            hcpcs=facts.hcpcs,
            notices=facts.notices,
            warnings=facts.warnings,
        )


def _block_display(code: str) -> str:
    first, _, last = code.partition("-")
    return first if first == last else code
