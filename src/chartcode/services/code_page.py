"""The code page: everything a coder needs about one code, each fact with its source.

Contract: ``CodePages(store).page(code, on)`` returns a ``CodePage`` for any ICD-10-CM,
ICD-10-PCS, CPT or HCPCS code the store holds: the lookup answer (``result``), a plain-language
``explanation``, and ``sections`` in a fixed order -- official, plain, placement, notes,
billing, related, history, sources -- each present when the data supports it, with a
``visibility`` tag (``public`` or ``account``) that a front end may use to gate it. Every
``Fact`` names the ids of its ``sources`` (official file, release and row, note or definition,
or the project's own glossary and rule tables), listed once in ``sources``.

Visibility defaults to ``DEFAULT_VISIBILITY`` and can be overridden per section id.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import date

from chartcode.codes import display_cm
from chartcode.errors import ChartcodeError
from chartcode.services.explain import Explainer, Explanation, Trace
from chartcode.services.lookup import CodeResult, Lookup, Node
from chartcode.services.releases import in_force
from chartcode.store.reference import ReferenceStore, ReleaseRow

SECTION_TITLES = {
    "official": "Official description",
    "plain": "In plain words",
    "placement": "Where it sits",
    "notes": "Instructional notes and guideline hints",
    "billing": "How to bill it",
    "related": "Related codes",
    "history": "History",
    "sources": "Sources",
}
PUBLIC, ACCOUNT = "public", "account"
DEFAULT_VISIBILITY: dict[str, str] = {
    "official": PUBLIC,
    "plain": PUBLIC,
    "placement": PUBLIC,
    "notes": PUBLIC,
    "billing": ACCOUNT,
    "related": PUBLIC,
    "history": ACCOUNT,
    "sources": PUBLIC,
}
MAX_PTP_FACTS = 25
WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'-]*")


@dataclass(frozen=True, slots=True)
class Source:
    """One place facts come from: ``file`` and ``locator`` (line, note, definition)."""

    id: str
    kind: str  # official | project
    file: str
    release: str
    locator: str


@dataclass(frozen=True, slots=True)
class Fact:
    label: str
    text: str
    code: str | None = None
    sources: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Section:
    id: str
    title: str
    visibility: str
    facts: list[Fact]


@dataclass(frozen=True, slots=True)
class CodePage:
    result: CodeResult
    explanation: Explanation
    sections: list[Section] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)

    def section(self, section_id: str) -> Section | None:
        return next((s for s in self.sections if s.id == section_id), None)

    def visible(self, signed_in: bool) -> list[Section]:
        """Sections a reader may see: all when signed in, the public ones otherwise."""
        return [s for s in self.sections if signed_in or s.visibility == PUBLIC]

    def to_dict(self) -> dict[str, object]:
        d = self.result.to_dict()
        d["explanation"] = self.explanation.to_dict()
        d["sections"] = [asdict(s) for s in self.sections]
        d["sources"] = [asdict(s) for s in self.sources]
        return d


class _Sources:
    """Collects sources, one id each, in the order they are first cited."""

    def __init__(self) -> None:
        self.items: dict[tuple[str, str, str, str], Source] = {}

    def add(self, kind: str, file: str, release: str, locator: str) -> str:
        key = (kind, file, release, locator)
        if key not in self.items:
            self.items[key] = Source(f"s{len(self.items) + 1}", kind, file, release, locator)
        return self.items[key].id

    def release(self, rel: ReleaseRow, locator: str) -> str:
        return self.add(
            "official", rel.source_name, f"{rel.system} {rel.kind} {rel.version}", locator
        )

    def project(self, ref: str) -> str:
        """A project data row cited as ``file line N`` (glossary, families, abbreviations)."""
        file, _, line = ref.partition(" line ")
        return self.add("project", f"chartcode/lexicon/data/{file}", "chartcode", f"line {line}")

    def cited(self, text: str) -> str:
        """A source named in prose by the billing layer: ``FILE line N (system kind version)``."""
        m = re.match(r"(.+?) line (\d+) \((.+)\)$", text)
        if m:
            return self.add("official", m.group(1), m.group(3), f"line {m.group(2)}")
        return self.add("official", text, "", "")


class CodePages:
    """Assembles code pages over one store; cheap to keep and reuse."""

    def __init__(
        self,
        store: ReferenceStore,
        lookup: Lookup | None = None,
        visibility: Mapping[str, str] | None = None,
    ) -> None:
        self.store = store
        self.lookup = lookup or Lookup(store)
        self.explainer = Explainer()
        self.visibility = {**DEFAULT_VISIBILITY, **(visibility or {})}

    def page(self, code: str, on: date, system: str | None = None) -> CodePage:
        return self.page_for(self.lookup.lookup(code, on, system), on)

    def page_for(self, r: CodeResult, on: date) -> CodePage:
        src = _Sources()
        siblings = self._siblings(r)
        explanation = self.explainer.explain(r, siblings)
        sections = [
            ("official", self._official(r, src)),
            ("plain", self._plain(explanation, r, src)),
            ("placement", self._placement(r, siblings, src)),
            ("notes", self._notes(r, src)),
            ("billing", self._billing(r, on, src)),
            ("related", self._related(r, siblings, src)),
            ("history", self._history(r, src)),
        ]
        out = [
            Section(sid, SECTION_TITLES[sid], self.visibility[sid], facts)
            for sid, facts in sections
            if facts
        ]
        sources = list(src.items.values())
        out.append(
            Section(
                "sources",
                SECTION_TITLES["sources"],
                self.visibility["sources"],
                [
                    Fact(s.id, f"{s.file}, {s.locator}" + (f" ({s.release})" if s.release else ""))
                    for s in sources
                ],
            )
        )
        return CodePage(r, explanation, out, sources)

    # -- sections ----------------------------------------------------------------------------
    def _title_source(self, r: CodeResult, src: _Sources) -> str:
        if r.system == "icd10cm":
            return src.release(r.release, f"{r.code}, title")
        if r.system == "icd10pcs":
            return src.release(r.release, f"table {r.code[:3]}, row with {r.code}")
        return src.cited(r.title_source.split(";")[0].split(", ", 1)[-1])

    def _official(self, r: CodeResult, src: _Sources) -> list[Fact]:
        title_src = self._title_source(r, src)
        facts = [Fact("Description", r.title, r.code, (title_src,))]
        if r.system == "icd10pcs":
            facts.append(
                Fact(
                    "Note",
                    "The description is composed from the table labels of the seven characters.",
                    None,
                    (title_src,),
                )
            )
        if r.system == "cpt" and not r.title_source.startswith("licensed CPT"):
            facts.append(
                Fact(
                    "Note",
                    "This is the CMS short descriptor. The full CPT descriptor belongs to the "
                    "AMA: import a licensed CPT file to show it.",
                    None,
                    (title_src,),
                )
            )
        status = "valid" if r.valid_on_date else r.validity.replace("_", " ")
        facts.append(
            Fact(
                "Validity",
                f"{status} on {r.date_of_service}"
                + (f": {r.validity_message}" if r.validity_message else ""),
                None,
                (title_src,),
            )
        )
        facts.append(Fact("Billable", r.billable_reason, None, (title_src,)))
        return facts

    @staticmethod
    def _plain(e: Explanation, r: CodeResult, src: _Sources) -> list[Fact]:
        facts = []
        for clause in e.clauses:
            ids = tuple(dict.fromkeys(_trace_source(t, r, src) for t in clause.traces))
            facts.append(Fact("Explanation", clause.text, None, ids))
        return facts

    def _placement(self, r: CodeResult, siblings: list[Node], src: _Sources) -> list[Fact]:
        facts: list[Fact] = []
        if r.system == "icd10cm":
            for n in r.hierarchy:
                facts.append(
                    Fact(n.kind.capitalize(), n.title, n.code, (src.release(r.release, n.code),))
                )
            for s in siblings:
                if s.code == r.code:
                    continue
                facts.append(
                    Fact(
                        "Neighbour",
                        f"{s.title} ({_difference(r.title, s.title)})",
                        s.code,
                        (src.release(r.release, s.code),),
                    )
                )
        elif r.system == "icd10pcs":
            ref = src.release(r.release, f"table {r.code[:3]}")
            for a in r.axes:
                facts.append(Fact(f"{a.position} {a.name}", f"{a.value} = {a.label}", None, (ref,)))
            facts += self._pcs_neighbours(r, src)
        else:
            from chartcode.lexicon.families import cpt_family_chain, hcpcs_family

            chain = cpt_family_chain(r.code) if r.system == "cpt" else []
            fam = hcpcs_family(r.code) if r.system == "hcpcs" else None
            for f in chain + ([fam] if fam else []):
                sid = src.project(f"{f.file} line {f.line}")
                facts.append(Fact(f.level.capitalize(), f"{f.range}: {f.name}", None, (sid,)))
            facts += self._billing_neighbours(r, src)
        return facts

    def _pcs_neighbours(self, r: CodeResult, src: _Sources) -> list[Fact]:
        """Codes of the same table row that differ from this one in one character."""
        row_no = self.store.pcs_code_row(r.release.id, r.code)
        if row_no is None:
            return []
        labels = self.store.pcs_axis_labels(r.release.id, r.code[:3], row_no)
        ref = src.release(r.release, f"table {r.code[:3]}, row {row_no}")
        facts = []
        for (pos, value), (axis_title, label) in sorted(labels.items()):
            if pos < 4 or value == r.code[pos - 1]:
                continue
            other = r.code[: pos - 1] + value + r.code[pos:]
            mine = labels[(pos, r.code[pos - 1])][1]
            facts.append(
                Fact("Neighbour", f"{axis_title.lower()} {label} instead of {mine}", other, (ref,))
            )
        return facts

    def _billing_neighbours(self, r: CodeResult, src: _Sources) -> list[Fact]:
        rel = in_force(self.store, "pfs", "rvu", date.fromisoformat(r.date_of_service))
        if rel is None:
            return []
        facts = []
        for code, desc in self.store.medicare.rvu_neighbours(rel.release.id, r.code, 3):
            sid = src.release(rel.release, f"row of {code}")
            facts.append(Fact("Neighbour", f"{desc} ({_difference(r.title, desc)})", code, (sid,)))
        return facts

    def _notes(self, r: CodeResult, src: _Sources) -> list[Fact]:
        facts: list[Fact] = []
        for n in r.notes:
            where = n.from_code if n.from_code != r.code else r.code
            kind = "" if n.kind == "note" else f"{n.kind} "
            sid = src.release(r.release, f"{kind}note at {where}")
            label = NOTE_LABELS.get(n.kind, n.kind.replace("_", " ").capitalize())
            inherited = "" if n.from_code == r.code else f" (from {n.from_code})"
            facts.append(Fact(label + inherited, n.text, None, (sid,)))
        if r.seventh_characters:
            sid = src.release(r.release, f"7th characters for {r.code}")
            for s in r.seventh_characters:
                facts.append(Fact("7th character", f"{s.char}: {s.meaning}", s.code, (sid,)))
        if r.system == "icd10cm":
            facts += self._cm_hints(r, src)
        for a in r.axes:
            if a.explanation or a.includes:
                sid = src.release(r.release, f"definitions, {a.name} {a.label}")
                if a.explanation:
                    facts.append(Fact(f"{a.name}: {a.label}", a.explanation, None, (sid,)))
                if a.includes:
                    facts.append(
                        Fact(f"{a.name} {a.label} includes", "; ".join(a.includes), None, (sid,))
                    )
        for e in r.index_entries:
            sid = src.add("official", f"ICD-10 {e.source} index", e.release, e.path)
            col = f" [{e.column}]" if e.column else ""
            facts.append(Fact("Index entry", f"{e.path}{col} -> {e.printed_code}", None, (sid,)))
        return facts

    def _cm_hints(self, r: CodeResult, src: _Sources) -> list[Fact]:
        sid = src.release(r.release, f"{r.code}, title")
        hints = []
        low = r.title.lower()
        if re.search(r"\b(right|left|bilateral)\b", low) or "unspecified side" in low:
            hints.append(
                Fact(
                    "Laterality",
                    "The side is part of this code: check it against the record; when the "
                    "record does not say, the unspecified-side code is used.",
                    None,
                    (sid,),
                )
            )
        if "unspecified" in low:
            hints.append(
                Fact(
                    "Unspecified",
                    "Use this code only when the record gives no more detail; query the "
                    "provider when it is unclear.",
                    None,
                    (sid,),
                )
            )
        if len(r.code.replace(".", "")) == 7 and "X" in r.code[4:6]:
            hints.append(
                Fact(
                    "Placeholder",
                    "X is a placeholder that keeps the 7th character in the 7th position.",
                    None,
                    (sid,),
                )
            )
        return hints

    def _billing(self, r: CodeResult, on: date, src: _Sources) -> list[Fact]:
        if r.system not in ("cpt", "hcpcs"):
            return []
        facts: list[Fact] = []
        if r.status:
            facts.append(
                Fact(
                    "Status",
                    f"{r.status['code']}: {r.status.get('meaning') or ''}".rstrip(": "),
                    None,
                    (src.cited(str(r.status["source"])),),
                )
            )
        if r.global_days:
            g = r.global_days
            split = f" (pre-op {g['pre_op']}, intra-op {g['intra_op']}, post-op {g['post_op']})"
            facts.append(
                Fact(
                    "Global period",
                    f"{g['value']}: {g.get('meaning') or ''}{split}",
                    None,
                    (src.cited(str(g["source"])),),
                )
            )
        rvu_sid = src.cited(str(r.rvu["source"])) if r.rvu else None
        for name, ind in r.indicators.items():
            permits = ind.get("permits") or []
            text = f"{ind['value']}: {ind.get('meaning') or 'see the RVU read-me'}"
            if permits:
                text += f" Modifiers: {', '.join(permits)}."
            ids = (rvu_sid,) if rvu_sid else ()
            facts.append(Fact(INDICATOR_LABELS.get(name, name), text, None, ids))
        if r.rvu:
            v = r.rvu
            facts.append(
                Fact(
                    "RVUs",
                    f"work {v['work']}, practice expense {v['pe_facility']} facility / "
                    f"{v['pe_nonfacility']} non-facility, malpractice {v['mp']}; total "
                    f"{v['total_facility']} facility / {v['total_nonfacility']} non-facility",
                    None,
                    (rvu_sid,) if rvu_sid else (),
                )
            )
            facts += self._payment(r, on, src)
        if r.mue:
            for setting, m in r.mue.items():
                facts.append(
                    Fact(
                        f"Units (MUE, {setting})",
                        f"{m['value']} per {_mue_unit(m)}: {m.get('meaning') or ''}",
                        None,
                        (src.cited(str(m["source"])),),
                    )
                )
        live = [a for a in r.addon if a.get("in_force")]
        for a in live[:MAX_PTP_FACTS]:
            other = a["primary_code"] if a["role"] == "add-on" else a["addon_code"]
            label = "Add-on to" if a["role"] == "add-on" else "Has add-on"
            facts.append(
                Fact(label, str(a.get("meaning") or ""), str(other), (src.cited(str(a["source"])),))
            )
        ptp_live = [p for p in r.ptp if not p.get("deletion")]
        if ptp_live:
            facts.append(
                Fact(
                    "Bundling (NCCI PTP)",
                    f"{len(ptp_live)} code pair edits in force; see related codes",
                    None,
                    tuple(dict.fromkeys(src.cited(str(p["source"])) for p in ptp_live[:3])),
                )
            )
        return facts

    def _payment(self, r: CodeResult, on: date, src: _Sources) -> list[Fact]:
        from chartcode.services.fees import price

        try:
            fee = price(self.store, r.code, on)
        except ChartcodeError:
            return []
        sid = src.add(
            "official",
            fee.row.file or "",
            f"{fee.row.kind} {fee.row.release}",
            f"line {fee.row.line}",
        )
        parts = []
        for s in fee.settings:
            amount = f"${s.amount:,.2f}" if s.amount is not None else (s.reason or "no amount")
            parts.append(f"{s.setting} {amount}")
        return [Fact("Medicare payment (national)", "; ".join(parts), None, (sid,))]

    def _related(self, r: CodeResult, siblings: list[Node], src: _Sources) -> list[Fact]:
        facts: list[Fact] = []
        if r.system == "icd10cm":
            parent = r.hierarchy[-1] if r.hierarchy else None
            if parent and parent.kind not in ("chapter", "block"):
                facts.append(
                    Fact(
                        "Parent", parent.title, parent.code, (src.release(r.release, parent.code),)
                    )
                )
            for c in r.children:
                facts.append(Fact("Child", c.title, c.code, (src.release(r.release, c.code),)))
            for s in siblings:
                if s.code != r.code:
                    facts.append(
                        Fact("Sibling", s.title, s.code, (src.release(r.release, s.code),))
                    )
        for a in r.addon:
            if not a.get("in_force"):
                continue
            other = a["primary_code"] if a["role"] == "add-on" else a["addon_code"]
            role = "Primary code" if a["role"] == "add-on" else "Add-on code"
            facts.append(
                Fact(role, str(a.get("meaning") or ""), str(other), (src.cited(str(a["source"])),))
            )
        for p in [p for p in r.ptp if not p.get("deletion")][:MAX_PTP_FACTS]:
            side = "column 1" if p["this_code_is"] == "column1" else "column 2"
            facts.append(
                Fact(
                    f"PTP partner ({p['setting']})",
                    f"this code is {side}; modifier indicator {p['modifier_indicator']}: "
                    f"{p.get('modifier_meaning') or ''}",
                    str(p["partner"]),
                    (src.cited(str(p["source"])),),
                )
            )
        return facts

    def _history(self, r: CodeResult, src: _Sources) -> list[Fact]:
        rels = {x.version: x for x in self.lookup.releases_for(r.system)}
        facts = []
        for h in r.history:
            rel = rels.get(h.version)
            sid = (
                src.release(rel, f"in force from {h.effective_from}")
                if rel
                else src.add("official", "", h.version, f"in force from {h.effective_from}")
            )
            text = h.event + (f": {h.title}" if h.title and h.event in ("added", "revised") else "")
            facts.append(Fact(h.version, text, None, (sid,)))
        return facts

    # -- helpers -----------------------------------------------------------------------------
    def _siblings(self, r: CodeResult) -> list[Node]:
        if r.system != "icd10cm" or not r.hierarchy:
            return []
        parent = r.hierarchy[-1]
        if parent.kind in ("chapter", "block"):
            return []
        rows = self.store.cm_children(r.release.id, parent.code.replace(".", ""))
        return [Node(display_cm(c), k, t, bool(b)) for c, k, t, b in rows if k != "extension"]


NOTE_LABELS = {
    "excludes1": "Excludes1 (never together)",
    "excludes2": "Excludes2 (not included here; may be coded together)",
    "code_first": "Code first",
    "use_additional": "Use additional code",
    "code_also": "Code also",
    "includes": "Includes",
    "inclusion_term": "Inclusion term",
    "seventh_char_note": "7th character note",
    "note": "Note",
}
INDICATOR_LABELS = {
    "pctc": "Professional/technical split (PC/TC)",
    "mult_proc": "Multiple procedures (modifier 51)",
    "bilateral": "Bilateral (modifier 50)",
    "assistant": "Assistant at surgery (80/81/82/AS)",
    "co_surgery": "Co-surgeons (modifier 62)",
    "team_surgery": "Team surgery (modifier 66)",
    "supervision": "Physician supervision of diagnostic tests",
    "calc_flag": "Diagnostic imaging calculation flag",
    "imaging_family": "Diagnostic imaging family",
    "endo_base": "Endoscopic base code",
    "pricing_indicator": "Non-facility pricing indicator",
}


def _mue_unit(m: Mapping[str, object]) -> str:
    return "line" if m["adjudication_indicator"] == 1 else "day"


def _difference(mine: str, theirs: str) -> str:
    """How a neighbour's title differs from this one, in the words that differ."""
    a = [w.lower() for w in WORD.findall(mine)]
    b = [w.lower() for w in WORD.findall(theirs)]
    added = [w for w in b if w not in a]
    dropped = [w for w in a if w not in b]
    parts = []
    if added:
        parts.append("has " + " ".join(added[:6]))
    if dropped:
        parts.append("not " + " ".join(dropped[:6]))
    return "; ".join(parts) or "same words"


def _trace_source(t: Trace, r: CodeResult, src: _Sources) -> str:
    if t.kind in ("glossary", "word_parts", "family", "abbreviation"):
        return src.project(t.ref)
    if t.kind == "convention":
        return src.add(
            "official",
            "ICD-10-CM Official Guidelines for Coding and Reporting",
            "",
            t.ref.rsplit(", ", 1)[-1],
        )
    if t.kind == "billing":
        if " line " in t.ref:
            return src.cited(t.ref)
        return src.add("official", t.ref, "", t.text)
    if t.kind == "descriptor":
        return src.cited(t.ref.split(";")[0].split(", ", 1)[-1])
    if t.kind == "definition":
        return src.add(
            "official", "ICD-10-PCS definitions", r.release.version, t.ref.rsplit(", ", 1)[-1]
        )
    if t.kind == "title" and r.system == "icd10cm":
        return src.release(r.release, f"{t.ref}, title")
    return src.release(r.release, t.ref)
