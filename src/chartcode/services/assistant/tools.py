"""The tools the assistant calls: one thin wrapper over one service each.

Contract: ``TOOLS`` maps a tool name to a ``Tool`` with a description and a JSON-schema of its
arguments (what a model is offered through function calling) and ``run(ctx, **args)``, which
returns a ``ToolOutput``: plain JSON-able ``data`` in which every fact carries the id of the
citation that backs it (``"cite": "c3"``, registered in ``ctx.book``), and a one-line
``summary``. A tool never raises for bad input or missing data: ``ok`` is False and
``data["error"]`` says why, and, where data is missing, which file would answer
(``data["needs"]``). Tools whose service is not available in this installation (case coding,
claim checks, until the desk provides them) answer ``ok=False`` with ``unavailable``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from chartcode.codes import compact, display
from chartcode.errors import ChartcodeError, UnknownCode
from chartcode.lexicon.modifiers import FILE as MODIFIER_FILE
from chartcode.lexicon.modifiers import modifier as modifier_entry
from chartcode.services.assistant.answer import CitationBook
from chartcode.services.billing import MUE_INDICATORS, PTP_MODIFIER_INDICATORS, billing_facts
from chartcode.services.guidelines import GuidelineLookup
from chartcode.services.lookup import CodeResult, Lookup
from chartcode.services.releases import in_force
from chartcode.store.reference import ReferenceStore, ReleaseRow

if TYPE_CHECKING:
    from chartcode.services.search import Searcher

# What to import when a file family is missing (named in "needs" and in the answer).
NEEDS = {
    "ptp": "NCCI PTP edits are not loaded: chartcode data import <PTP file> (CMS 'Medicare NCCI "
    "Procedure to Procedure (PTP) Edits', practitioner and hospital files)",
    "mue": "NCCI MUE values are not loaded: chartcode data import <MUE file> (CMS 'Medicare "
    "NCCI Medically Unlikely Edits', MCR_MUE_PractitionerServices_Eff_*.csv)",
    "aoc": "NCCI add-on code edits are not loaded: chartcode data import <AOC file> (CMS "
    "'Medicare NCCI Add-on Code Edits', AOC_V*-MCR.xlsx)",
    "rvu": "the Medicare Physician Fee Schedule RVU file is not loaded: chartcode data import "
    "<PPRRVU file> (CMS 'PFS Relative Value Files')",
    "guidelines": "the Official Guidelines for Coding and Reporting are not loaded: chartcode "
    "data import <guidelines PDF> (CDC/CMS 'ICD-10-CM Official Guidelines for Coding and "
    "Reporting')",
}
UNAVAILABLE = {
    "suggest_codes": "case coding (Chartcode.suggest) is not available in this installation",
    "check_claim": "claim checks (Chartcode.check_claim) are not available in this installation",
}


@dataclass(slots=True)
class ToolContext:
    """What tools run against: one store, one date of service, one book of citations."""

    store: ReferenceStore
    on: date
    book: CitationBook = field(default_factory=CitationBook)
    suggest: Callable[..., Any] | None = None
    check_claim: Callable[..., Any] | None = None
    # The desk's searcher, which keeps the store's vocabulary once built (about a second).
    searcher: Searcher | None = None
    _lookup: Lookup | None = None
    _guidelines: GuidelineLookup | None = None

    @property
    def lookup(self) -> Lookup:
        if self._lookup is None:
            self._lookup = Lookup(self.store)
        return self._lookup

    @property
    def guidelines(self) -> GuidelineLookup:
        if self._guidelines is None:
            self._guidelines = GuidelineLookup(self.store)
        return self._guidelines

    def cite_release(self, rel: ReleaseRow, locator: str) -> str:
        return self.book.add(
            "official", rel.source_name, f"{rel.system} {rel.kind} {rel.version}", locator
        )


@dataclass(frozen=True, slots=True)
class ToolOutput:
    ok: bool
    data: dict[str, Any]
    summary: str


Runner = Callable[..., ToolOutput]


@dataclass(frozen=True, slots=True)
class Tool:
    name: str
    description: str
    parameters: dict[str, Any]
    run: Runner

    def schema(self) -> dict[str, Any]:
        """The OpenAI function-calling declaration."""
        return {
            "type": "function",
            "function": {
                "name": self.name,
                "description": self.description,
                "parameters": self.parameters,
            },
        }


def _params(required: list[str], **props: tuple[str, str]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {k: {"type": t, "description": d} for k, (t, d) in props.items()},
        "required": required,
    }


def _fail(error: str, summary: str | None = None, **extra: Any) -> ToolOutput:
    return ToolOutput(False, {"error": error, **extra}, summary or error)


def _cite_code(ctx: ToolContext, r: CodeResult) -> str:
    """The row that backs a code's title: the release file and the code (ICD-10) or line."""
    for part in (r.hcpcs, r.status, r.rvu):
        if part and part.get("source"):
            return ctx.book.cited(str(part["source"]))
    return ctx.cite_release(r.release, f"code {r.code}")


def lookup_code(ctx: ToolContext, code: str, system: str | None = None) -> ToolOutput:
    try:
        r = ctx.lookup.lookup(code, ctx.on, system)
    except UnknownCode as exc:
        return _fail(str(exc), f"{code}: not a code in the loaded code sets", nearest=exc.nearest)
    except ChartcodeError as exc:
        return _fail(str(exc))
    cite = _cite_code(ctx, r)
    data: dict[str, Any] = {
        "system": r.system,
        "code": r.code,
        "title": r.title,
        "billable": r.billable,
        "billable_reason": r.billable_reason,
        "validity": r.validity,
        "validity_message": r.validity_message,
        "valid_on_date": r.valid_on_date,
        "release": r.release.version,
        "cite": cite,
        "warnings": r.warnings,
        "release_warnings": [r.validity_message]
        if r.validity == "outside_releases" and r.validity_message
        else [],
        "children": [{"code": n.code, "title": n.title} for n in r.children[:30]],
        "seventh_characters": [
            {"char": s.char, "meaning": s.meaning, "code": s.code} for s in r.seventh_characters
        ],
    }
    return ToolOutput(True, data, f"{r.code} ({r.system} {r.release.version}): {r.title}")


def code_notes(ctx: ToolContext, code: str) -> ToolOutput:
    """Instructional notes printed at the code or above it (where each is printed)."""
    try:
        r = ctx.lookup.lookup(code, ctx.on, "icd10cm")
    except ChartcodeError as exc:
        return _fail(str(exc))
    notes = []
    for n in r.notes:
        if n.kind == "inclusion_term":
            continue
        notes.append(
            {
                "kind": n.kind,
                "text": n.text,
                "printed_at": _where(n.from_code),
                "cite": ctx.cite_release(r.release, f"code {_shown(n.from_code)}, {n.kind} note"),
            }
        )
    data = {
        "code": r.code,
        "title": r.title,
        "release": r.release.version,
        "cite": ctx.cite_release(r.release, f"code {r.code}"),
        "notes": notes,
    }
    kinds = sorted({n["kind"] for n in notes})
    return ToolOutput(True, data, f"{r.code}: {len(notes)} notes ({', '.join(kinds) or 'none'})")


def _where(code: str) -> str:
    """Where a note is printed, as a coder says it: "E11", "chapter 13", "block S00-S09"."""
    if code.isdigit():
        return f"chapter {code}"
    if "-" in code:
        return f"block {code}"
    return display("icd10cm", code)


def _shown(code: str) -> str:
    if code.isdigit() or "-" in code:  # a chapter or a block
        return code
    return display("icd10cm", code)


def search_codes(
    ctx: ToolContext, query: str, system: str | None = None, limit: int = 5
) -> ToolOutput:
    from chartcode.services.search import Searcher

    if ctx.searcher is None:
        ctx.searcher = Searcher(ctx.store)
    hits = ctx.searcher.search(query, ctx.on, system=system, limit=max(1, min(limit, 20)))
    by_version = {(r.system, r.version): r for r in ctx.store.releases()}
    out = []
    for h in hits:
        kind_system = "pfs" if h.system == "cpt" else h.system
        rel = by_version.get((h.system, h.release)) or by_version.get((kind_system, h.release))
        cite = (
            ctx.cite_release(rel, f"code {h.code}")
            if rel
            else ctx.book.add("official", f"{h.system} release {h.release}", "", f"code {h.code}")
        )
        out.append(
            {
                "system": h.system,
                "code": h.code,
                "title": h.title,
                "billable": h.billable,
                "why": h.explain,
                "cite": cite,
            }
        )
    summary = ", ".join(f"{h['code']}" for h in out[:5]) or "no match"
    return ToolOutput(bool(out), {"query": query, "results": out}, f"search '{query}': {summary}")


def pcs_build(ctx: ToolContext, description: str) -> ToolOutput:
    from chartcode.services import pcs_builder

    try:
        res = pcs_builder.build(ctx.store, description, ctx.on)
    except ChartcodeError as exc:
        return _fail(str(exc))
    cite = ctx.cite_release(res.release, f"table {res.code[:3]}" if res.code else "tables")
    d = res.to_dict()
    data = {
        "code": res.code,
        "question": res.question,
        "axes": d.get("axes"),
        "warnings": list(res.warnings),
        "per_side": d["per_side"],
        "release": res.release.version,
        "cite": cite,
    }
    return ToolOutput(True, data, f"PCS build: {res.code or res.question}")


def fee(
    ctx: ToolContext,
    code: str,
    locality: str | None = None,
    zip: str | None = None,  # noqa: A002 - the argument name the model sees
    setting: str | None = None,
    modifiers: list[str] | None = None,
) -> ToolOutput:
    from chartcode.services import fees

    try:
        res = fees.price(
            ctx.store,
            compact(code),
            ctx.on,
            modifiers=modifiers or (),
            locality=locality,
            zip5=zip,
            setting=setting,
        )
    except ChartcodeError as exc:
        return _fail(str(exc), needs=NEEDS["rvu"] if "RVU" in str(exc) else None)
    row = res.row
    cite = ctx.book.add(
        "official", row.file or row.kind, f"{row.kind} {row.release}", f"line {row.line}"
    )
    loc = res.locality
    loc_cite = (
        ctx.book.add(
            "official",
            loc.source.file,
            f"{loc.source.kind} {loc.source.release}",
            f"line {loc.source.line}",
        )  # fmt: skip
        if loc.source.file
        else cite
    )
    settings = {
        s.setting: {
            "amount": str(s.amount) if s.amount is not None else None,
            "total_rvu": str(s.total_rvu) if s.total_rvu is not None else None,
            "formula": s.formula,
            "reason": s.reason,
        }
        for s in res.settings
    }
    data = {
        "code": res.code,
        "description": res.description,
        "status": {"code": res.status.code, "meaning": res.status.meaning},
        "locality": {"id": loc.id, "name": loc.name, "cite": loc_cite},
        "settings": settings,
        "warnings": res.warnings,
        "cite": cite,
    }
    amounts = ", ".join(f"{k} {v['amount']}" for k, v in settings.items())
    return ToolOutput(True, data, f"fee {res.code} ({loc.name}): {amounts}")


def billing(ctx: ToolContext, code: str) -> ToolOutput:
    """PFS status, RVUs, global days and payment indicators of a CPT/HCPCS code."""
    c = compact(code)
    if in_force(ctx.store, "pfs", "rvu", ctx.on) is None:
        return _fail(NEEDS["rvu"], needs=NEEDS["rvu"])
    facts = billing_facts(ctx.store, c, ctx.on)
    if facts is None or facts.rvu is None:
        return _fail(f"{c} is not in the loaded PFS RVU file", code=c)
    cite = ctx.book.cited(facts.rvu["source"])
    global_days = {k: v for k, v in (facts.global_days or {}).items() if k != "source"}
    data = {
        "code": c,
        "title": facts.title,
        "status": facts.status,
        "rvu": {k: v for k, v in facts.rvu.items() if k != "source"},
        "global_days": global_days,
        "indicators": {k: v.get("value") for k, v in facts.indicators.items()},
        "warnings": facts.warnings,
        "release_warnings": facts.warnings,
        "cite": cite,
    }
    return ToolOutput(True, data, f"{c}: global {global_days.get('value')}")


def _active(edit: dict[str, Any], on: date) -> bool:
    iso = on.isoformat()
    eff = str(edit.get("effective") or "")[:10]
    dele = edit.get("deletion")
    return (not eff or eff <= iso) and (dele is None or iso <= str(dele)[:10])


def ptp_pair(ctx: ToolContext, code1: str, code2: str) -> ToolOutput:
    """NCCI PTP edits between two codes, in either column order, practitioner and hospital."""
    a, b = compact(code1), compact(code2)
    q = ctx.store.medicare
    loaded = False
    edits = []
    checked = []
    warnings: list[str] = []
    for kind, setting in (("ptp_practitioner", "practitioner"), ("ptp_hospital", "hospital")):
        chosen = in_force(ctx.store, "ncci", kind, ctx.on)
        if chosen is None:
            continue
        loaded = True
        rel = chosen.release
        warnings += [chosen.warning] if chosen.warning else []
        checked.append({"setting": setting, "cite": ctx.cite_release(rel, "whole file")})
        for c1, c2 in ((a, b), (b, a)):
            for e in q.ptp_pair(rel.id, c1, c2):
                edits.append(
                    {
                        "setting": setting,
                        "column1": c1,
                        "column2": c2,
                        "modifier_indicator": e["modifier_indicator"],
                        "meaning": PTP_MODIFIER_INDICATORS.get(e["modifier_indicator"]),
                        "effective": str(e.get("effective")),
                        "deletion": str(e["deletion"]) if e.get("deletion") else None,
                        "in_force": _active(e, ctx.on),
                        "rationale": e.get("rationale"),
                        "cite": ctx.cite_release(rel, f"line {e['line']}"),
                    }
                )
    if not loaded:
        return _fail(NEEDS["ptp"], needs=NEEDS["ptp"], codes=[a, b])
    data = {"codes": [a, b], "edits": edits, "files_checked": checked,
            "release_warnings": warnings}  # fmt: skip
    active = [e for e in edits if e["in_force"]]
    return ToolOutput(True, data, f"PTP {a}+{b}: {len(active)} edit(s) in force")


def mue(ctx: ToolContext, code: str) -> ToolOutput:
    c = compact(code)
    out: dict[str, Any] = {}
    checked = []
    warnings: list[str] = []
    for kind in ("mue_practitioner", "mue_outpatient", "mue_dme"):
        chosen = in_force(ctx.store, "ncci", kind, ctx.on)
        if chosen is None:
            continue
        rel = chosen.release
        warnings += [chosen.warning] if chosen.warning else []
        checked.append({"table": kind, "cite": ctx.cite_release(rel, "whole file")})
        found = ctx.store.medicare.mue(rel.id, c)
        if found:
            out[kind.removeprefix("mue_")] = {
                "value": found["value"],
                "adjudication_indicator": found["adjudication_indicator"],
                "meaning": MUE_INDICATORS.get(found["adjudication_indicator"]),
                "rationale": found.get("rationale"),
                "cite": ctx.cite_release(rel, f"line {found['line']}"),
            }
    if not checked:
        return _fail(NEEDS["mue"], needs=NEEDS["mue"], code=c)
    summary = ", ".join(f"{k} {v['value']}" for k, v in out.items()) or "no MUE listed"
    data = {"code": c, "mue": out, "files_checked": checked, "release_warnings": warnings}
    return ToolOutput(True, data, f"MUE {c}: {summary}")


def addon_check(ctx: ToolContext, code: str, primary: str | None = None) -> ToolOutput:
    c = compact(code)
    chosen = in_force(ctx.store, "ncci", "aoc", ctx.on)
    if chosen is None:
        return _fail(NEEDS["aoc"], needs=NEEDS["aoc"], code=c)
    rel = chosen.release
    iso = ctx.on.isoformat()
    edits = []
    for e in ctx.store.medicare.addon_edits(rel.id, c):
        if e["role"] != "addon":
            continue
        if primary and e["primary_code"] != compact(primary):
            continue
        active = (e["effective"] or "") <= iso and (e["deletion"] is None or iso <= e["deletion"])
        edits.append(
            {
                "addon_code": e["addon_code"],
                "primary_code": e["primary_code"],
                "edit_type": e["edit_type"],
                "effective": e["effective"],
                "deletion": e["deletion"],
                "in_force": active,
                "cite": ctx.cite_release(rel, f"line {e['line']}"),
            }
        )
    data = {
        "code": c,
        "is_addon": bool(edits) or primary is None and _is_addon_anywhere(ctx, rel, c),
        "edits": edits[:200],
        "file_cite": ctx.cite_release(rel, "whole file"),
        "release_warnings": [chosen.warning] if chosen.warning else [],
    }
    n = sum(1 for e in edits if e["in_force"])
    return ToolOutput(True, data, f"add-on {c}: {n} primary edit(s) in force")


def _is_addon_anywhere(ctx: ToolContext, rel: ReleaseRow, c: str) -> bool:
    return any(e["role"] == "addon" for e in ctx.store.medicare.addon_edits(rel.id, c))


def explain_code(ctx: ToolContext, code: str) -> ToolOutput:
    from chartcode.services.code_page import CodePages

    try:
        page = CodePages(ctx.store, ctx.lookup).page(code, ctx.on, None)
    except ChartcodeError as exc:
        return _fail(str(exc))
    cite = _cite_code(ctx, page.result)
    proj = ctx.book.add("project", "chartcode plain-language explanation", "chartcode", code)
    data = {
        "code": page.result.code,
        "title": page.result.title,
        "explanation": page.explanation.text,
        "cite": cite,
        "explanation_cite": proj,
    }
    return ToolOutput(True, data, f"explained {page.result.code}")


def guideline_lookup(ctx: ToolContext, query: str, system: str | None = None) -> ToolOutput:
    g = ctx.guidelines
    if not g.loaded(ctx.on, system):
        return _fail(NEEDS["guidelines"], needs=NEEDS["guidelines"])
    hits = g.find(query, ctx.on, system, limit=3)
    warnings = [w for _, w in g.releases(ctx.on, system) if w]
    out = []
    for h in hits:
        pages = f"p. {h.page_start}" + (f"-{h.page_end}" if h.page_end != h.page_start else "")
        cite = ctx.book.add(
            "guideline", h.source, h.release, f"{h.cited_number} “{h.title}”, {pages}"
        )
        out.append(
            {
                "number": h.cited_number,
                "label": "ICD-10-CM" if h.system == "icd10cm" else "ICD-10-PCS",
                "title": h.title,
                "text": h.text[:1500],
                "subsections": [{"number": n, "title": t} for n, t in h.subsections[:20]],
                "pages": pages,
                "cite": cite,
            }
        )
    summary = "; ".join(f"{h['number']} {h['title']}" for h in out) or "no section found"
    data = {"query": query, "sections": out, "release_warnings": warnings}
    return ToolOutput(bool(out), data, summary)


def modifier_meaning(ctx: ToolContext, modifier: str) -> ToolOutput:
    m = modifier_entry(modifier)
    if m is None:
        return _fail(
            f"modifier {modifier.upper()} is not in chartcode's modifier glossary",
            needs=f"chartcode/lexicon/data/{MODIFIER_FILE} (the project's glossary)",
        )
    cite = ctx.book.add("project", f"chartcode/lexicon/data/{MODIFIER_FILE}", "chartcode",
                        f"line {m.line}")  # fmt: skip
    data = {"modifier": m.code, "system": m.system, "title": m.title, "meaning": m.meaning,
            "cite": cite}  # fmt: skip
    return ToolOutput(True, data, f"modifier {m.code}: {m.title}")


def suggest_codes(ctx: ToolContext, text: str) -> ToolOutput:
    """Case coding (``Chartcode.suggest``): each code cited to the release row it is from."""
    if ctx.suggest is None:
        return _fail(UNAVAILABLE["suggest_codes"], unavailable=True)
    try:
        result = ctx.suggest(text)
    except ChartcodeError as exc:
        return _fail(str(exc))
    data: dict[str, Any] = result.to_dict() if hasattr(result, "to_dict") else {}
    codes = data.get("codes") or []
    for c in codes:
        found = lookup_code(ctx, str(c.get("code", "")), c.get("system"))
        c["cite"] = found.data.get("cite") if found.ok else None
    summary = ", ".join(str(c.get("code")) for c in codes[:8]) or "no code"
    return ToolOutput(True, data, f"case coded: {summary}")


def check_claim(ctx: ToolContext, claim: dict[str, Any]) -> ToolOutput:
    """Claim checks (``Chartcode.check_claim``): each edit cited to the row that triggered it."""
    if ctx.check_claim is None:
        return _fail(UNAVAILABLE["check_claim"], unavailable=True)
    try:
        result = ctx.check_claim(claim)
    except ChartcodeError as exc:
        return _fail(str(exc))
    data: dict[str, Any] = result.to_dict() if hasattr(result, "to_dict") else {}
    edits = data.get("edits") or []
    for e in edits:
        src = e.get("source") or {}
        if src.get("file"):
            row = src.get("row")
            e["cite"] = ctx.book.add(
                "official", src["file"], str(src.get("release") or ""),
                f"row {row}" if row is not None else str(src.get("rule") or ""),
            )  # fmt: skip
    return ToolOutput(True, data, f"claim checked: {len(edits)} edit(s)")


_CODE = ("string", "A code in any system, with or without the dot (E11.40, 0SG00A0, 22586)")
TOOLS: dict[str, Tool] = {
    t.name: t
    for t in (
        Tool("lookup_code", "What a code means in the release in force on the date of "
             "service: title, validity, billable, children and 7th characters.",
             _params(["code"], code=_CODE, system=("string", "icd10cm, icd10pcs, cpt or hcpcs")),
             lookup_code),
        Tool("search_codes", "Find codes for words, abbreviations or lay terms, best first.",
             _params(["query"], query=("string", "What to find"),
                     system=("string", "Limit to one system"),
                     limit=("integer", "Most results (default 5)")),
             search_codes),
        Tool("pcs_build", "Build an ICD-10-PCS code from a procedure description.",
             _params(["description"], description=("string", "The procedure, in words")),
             pcs_build),
        Tool("fee", "Medicare Physician Fee Schedule payment of a CPT/HCPCS code, national or "
             "by locality (7 digits) or ZIP.",
             _params(["code"], code=_CODE, locality=("string", "MAC+locality, e.g. 0111205"),
                     zip=("string", "5-digit ZIP code"),
                     setting=("string", "facility or nonfacility")),
             fee),
        Tool("billing_facts", "PFS status, RVUs, global surgery days and payment indicators of "
             "a CPT/HCPCS code.", _params(["code"], code=_CODE), billing),
        Tool("ptp_pair", "NCCI procedure-to-procedure edits between two CPT/HCPCS codes and "
             "whether a modifier can bypass them.",
             _params(["code1", "code2"], code1=_CODE, code2=_CODE), ptp_pair),
        Tool("mue", "NCCI medically unlikely edit: most units of a code per line or day.",
             _params(["code"], code=_CODE), mue),
        Tool("addon_check", "NCCI add-on code edits: the primary codes an add-on code needs.",
             _params(["code"], code=_CODE, primary=("string", "A primary code to check")),
             addon_check),
        Tool("code_notes", "ICD-10-CM instructional notes at a code and above it: Excludes1, "
             "Excludes2, code first, use additional code, code also.",
             _params(["code"], code=_CODE), code_notes),
        Tool("explain_code", "A plain-language explanation of a code.",
             _params(["code"], code=_CODE), explain_code),
        Tool("guideline_lookup", "The ICD-10-CM/PCS Official Guidelines: a section by number "
             "(I.C.4.a, B3.1a) or the sections about some words.",
             _params(["query"], query=("string", "Section number or words"),
                     system=("string", "icd10cm or icd10pcs")),
             guideline_lookup),
        Tool("modifier_meaning", "What a CPT/HCPCS modifier means (chartcode's glossary).",
             _params(["modifier"], modifier=("string", "Two characters, e.g. 25, XS, LT")),
             modifier_meaning),
        Tool("suggest_codes", "Code a clinical case: ICD-10-CM/PCS and CPT codes with evidence.",
             _params(["text"], text=("string", "The note or case text")), suggest_codes),
        Tool("check_claim", "Check a claim: NCCI PTP, MUE, add-on, global, validity, age/sex. "
             "claim: {claim_type, patient: {sex, date_of_birth}, diagnoses: [codes], "
             "date_of_service, lines: [{code, modifiers, units, date_of_service}]}.",
             {"type": "object", "properties": {"claim": {"type": "object"}},
              "required": ["claim"]}, check_claim),
    )
}  # fmt: skip


def call(ctx: ToolContext, name: str, arguments: dict[str, Any]) -> ToolOutput:
    """Run a tool by name; unknown tools and bad arguments come back as failures."""
    tool = TOOLS.get(name)
    if tool is None:
        return _fail(f"no tool named {name!r}")
    try:
        return tool.run(ctx, **arguments)
    except TypeError as exc:
        return _fail(f"bad arguments for {name}: {exc}")


def available(ctx: ToolContext) -> list[Tool]:
    """The tools a model is offered: those whose service exists in this installation."""
    out = []
    for t in TOOLS.values():
        if t.name == "suggest_codes" and ctx.suggest is None:
            continue
        if t.name == "check_claim" and ctx.check_claim is None:
            continue
        out.append(t)
    return out
