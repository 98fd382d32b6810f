"""Billing facts for a CPT or HCPCS code on a date of service, from the CMS files loaded.

Contract: ``billing_facts(store, code, on)`` returns ``BillingFacts`` (or None when no Medicare
file knows the code): the descriptor with where it came from, PFS status and RVUs, global
days with the pre/intra/post split, every payment indicator with what it means, NCCI PTP
partners on both sides, the MUE and what its adjudication indicator means, add-on edits in
both directions, and the HCPCS Level II record. Each fact names its file, line and release.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from chartcode.rules import pfs_indicators
from chartcode.services.releases import in_force
from chartcode.store.reference import ReferenceStore, ReleaseRow

CPT_RE = re.compile(r"^(\d{5}|\d{4}[FTUM])$")
HCPCS_RE = re.compile(r"^[A-V](\d{4}|[\dX]{3}\d)$")  # GXXX1: a CMS placeholder

# MUE adjudication indicators (CMS NCCI MUE page, "MUE Adjudication Indicator", 2024-): how
# units are counted against the value. Wording is chartcode's own.
MUE_INDICATORS = {
    1: "line edit: units on each claim line are checked on their own; a line over the value "
    "is denied",
    2: "date-of-service edit (policy): units on all lines for the same date are added up; the "
    "limit is absolute and appeals do not raise it",
    3: "date-of-service edit (clinical): units on all lines for the same date are added up; "
    "units over the value may be paid on appeal with documentation",
}

# NCCI PTP modifier indicators (NCCI Policy Manual, chapter I, "Modifiers and Modifier
# Indicators"). Wording is chartcode's own.
PTP_MODIFIER_INDICATORS = {
    "0": "never billable together: no modifier bypasses this edit",
    "1": "may be billed together with an NCCI-associated modifier (59, XE, XS, XP, XU, "
    "anatomic modifiers, 24, 25, 57, 58, 78, 79, 91) when the documentation supports it",
    "9": "the edit no longer applies (deleted or not applicable)",
}

# NCCI add-on code edit types (CMS add-on code edits page, 2013-).
ADDON_TYPES = {
    1: "type 1: payable only with one of the listed primary codes",
    2: "type 2: the contractor defines the primary codes",
    3: "type 3: listed primary codes, and the contractor may allow others",
}

INDICATOR_FIELDS = (
    "pctc",
    "mult_proc",
    "bilateral",
    "assistant",
    "co_surgery",
    "team_surgery",
    "supervision",
    "calc_flag",
    "imaging_family",
    "endo_base",
    "pricing_indicator",
)


def code_system(code: str) -> str | None:
    if CPT_RE.match(code):
        return "cpt"
    if HCPCS_RE.match(code):
        return "hcpcs"
    return None


@dataclass(frozen=True, slots=True)
class BillingFacts:
    system: str
    code: str
    title: str
    title_source: str
    status: dict[str, Any] | None
    rvu: dict[str, Any] | None
    global_days: dict[str, Any] | None
    indicators: dict[str, dict[str, Any]]
    ptp: list[dict[str, Any]]
    mue: dict[str, Any] | None
    addon: list[dict[str, Any]]
    hcpcs: dict[str, Any] | None
    releases: list[ReleaseRow]
    warnings: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)


def _meaning(field_name: str, value: Any) -> str | None:
    """Plain-language meaning of a PFS indicator value, from the rule tables."""
    return pfs_indicators.describe(field_name, value)


def _indicator(field_name: str, value: Any) -> dict[str, Any]:
    """An indicator value with its meaning, the modifiers it permits and its citation."""
    rule = pfs_indicators.rule_for(field_name, value)
    view: dict[str, Any] = {"value": value, "meaning": _meaning(field_name, value)}
    if rule is not None:
        view |= {
            "rule_id": rule.rule_id,
            "permits": sorted(rule.permits),
            "citation": rule.citation,
        }
        if rule.note:
            view["note"] = rule.note
    return view


def _source(rel: ReleaseRow, line: int) -> str:
    return f"{rel.source_name} line {line} ({rel.system} {rel.kind} {rel.version})"


def billing_facts(store: ReferenceStore, code: str, on: date) -> BillingFacts | None:
    system = code_system(code)
    if system is None:
        return None
    q = store.medicare
    used: list[ReleaseRow] = []
    warnings: list[str] = []

    def release(system_: str, kind: str) -> ReleaseRow | None:
        chosen = in_force(store, system_, kind, on)
        if chosen is None:
            return None
        used.append(chosen.release)
        if chosen.warning:
            warnings.append(chosen.warning)
        return chosen.release

    rvu_rel = release("pfs", "rvu")
    rvu = q.rvu(rvu_rel.id, code) if rvu_rel else None
    if rvu_rel and rvu is None:
        # A few codes are listed only with a modifier (86153 has just its -26 row): describe
        # the code from that row and say so.
        listed = [m for m in q.rvu_modifiers(rvu_rel.id, code) if m]
        if listed:
            rvu = q.rvu(rvu_rel.id, code, listed[0])
            warnings.append(
                f"the RVU file lists {code} only with modifier {', '.join(listed)}; "
                f"the figures shown are the -{listed[0]} row"
            )
    hcpcs_rel = release("hcpcs", "alpha") if system == "hcpcs" else None
    hcpcs = q.hcpcs(hcpcs_rel.id, code) if hcpcs_rel else None
    cpt_rel = release("cpt", "descriptors") if system == "cpt" else None
    cpt = q.cpt_descriptor(cpt_rel.id, code) if cpt_rel else None
    ptp = _ptp(store, code, release("ncci", "ptp_practitioner"), "practitioner")
    ptp += _ptp(store, code, release("ncci", "ptp_hospital"), "hospital")
    mue = None
    for kind in ("mue_practitioner", "mue_outpatient", "mue_dme"):
        rel = release("ncci", kind)
        found = q.mue(rel.id, code) if rel else None
        if found and rel:
            mue = mue or {}
            mue[kind.removeprefix("mue_")] = {
                "value": found["value"],
                "adjudication_indicator": found["adjudication_indicator"],
                "adjudication_text": found["adjudication_text"],
                "meaning": MUE_INDICATORS.get(found["adjudication_indicator"]),
                "rationale": found["rationale"],
                "source": _source(rel, found["line"]),
            }
    aoc_rel = release("ncci", "aoc")
    addon = _addons(store, code, aoc_rel, on) if aoc_rel else []
    if not (rvu or hcpcs or cpt or ptp or mue or addon):
        return None

    if cpt and cpt_rel:
        title, title_source = cpt[0], f"licensed CPT descriptor, {_source(cpt_rel, cpt[1])}"
    elif hcpcs and hcpcs_rel:
        title = hcpcs["long_description"]
        title_source = f"HCPCS long description, {_source(hcpcs_rel, hcpcs['line'])}"
    elif rvu and rvu_rel:
        title = rvu["description"]
        title_source = f"CMS short descriptor, {_source(rvu_rel, rvu['line'])}"
        if system == "cpt":
            title_source += (
                "; the full CPT descriptor is the AMA's and needs a licensed CPT file "
                "(chartcode data import)"
            )
    else:
        title, title_source = "", "no descriptor in the loaded files"

    status = rvu_dict = global_days = None
    indicators: dict[str, dict[str, Any]] = {}
    if rvu and rvu_rel:
        src = _source(rvu_rel, rvu["line"])
        status = {
            "code": rvu["status"],
            "meaning": _meaning("status", rvu["status"]),
            "source": src,
        }
        rvu_dict = {
            "work": rvu["work_rvu"],
            "pe_facility": rvu["pe_facility"],
            "pe_nonfacility": rvu["pe_nonfacility"],
            "pe_nonfacility_na": rvu["pe_nonfacility_na"],
            "pe_facility_na": rvu["pe_facility_na"],
            "mp": rvu["mp_rvu"],
            "total_facility": rvu["total_facility"],
            "total_nonfacility": rvu["total_nonfacility"],
            "conversion_factor": rvu["conversion_factor"],
            "source": src,
        }
        global_days = {
            "value": rvu["global_days"],
            "meaning": _meaning("global_days", rvu["global_days"]),
            "pre_op": rvu["pre_op"],
            "intra_op": rvu["intra_op"],
            "post_op": rvu["post_op"],
            "source": src,
        }
        for name in INDICATOR_FIELDS:
            value = rvu.get(name)
            if value not in (None, ""):
                indicators[name] = _indicator(name, value)
    return BillingFacts(
        system=system,
        code=code,
        title=title,
        title_source=title_source,
        status=status,
        rvu=rvu_dict,
        global_days=global_days,
        indicators=indicators,
        ptp=ptp,
        mue=mue,
        addon=addon,
        hcpcs=_hcpcs_view(hcpcs, hcpcs_rel) if hcpcs and hcpcs_rel else None,
        releases=used,
        warnings=sorted(set(warnings)),
        notices=q.notices(rvu_rel.id) if rvu_rel else [],
    )


def _ptp(
    store: ReferenceStore, code: str, rel: ReleaseRow | None, setting: str
) -> list[dict[str, Any]]:
    if rel is None:
        return []
    out = []
    for e in store.medicare.ptp_partners(rel.id, code):
        partner = e["column2"] if e["side"] == "column1" else e["column1"]
        out.append(
            {
                "setting": setting,
                "this_code_is": e["side"],
                "partner": partner,
                "modifier_indicator": e["modifier_indicator"],
                "modifier_meaning": PTP_MODIFIER_INDICATORS.get(e["modifier_indicator"]),
                "effective": e["effective"],
                "deletion": e["deletion"],
                "rationale": e["rationale"],
                "source": _source(rel, e["line"]),
            }
        )
    return out


def _addons(store: ReferenceStore, code: str, rel: ReleaseRow, on: date) -> list[dict[str, Any]]:
    iso = on.isoformat()
    out = []
    for e in store.medicare.addon_edits(rel.id, code):
        active = (e["effective"] or "") <= iso and (e["deletion"] is None or iso <= e["deletion"])
        out.append(
            {
                "role": "add-on" if e["role"] == "addon" else "primary",
                "addon_code": e["addon_code"],
                "primary_code": e["primary_code"],
                "contractor_defined": e["contractor_defined"],
                "edit_type": e["edit_type"],
                "meaning": ADDON_TYPES.get(e["edit_type"]),
                "effective": e["effective"],
                "deletion": e["deletion"],
                "in_force": active,
                "source": _source(rel, e["line"]),
            }
        )
    return out


def _hcpcs_view(h: dict[str, Any], rel: ReleaseRow) -> dict[str, Any]:
    keys = (
        "long_description",
        "short_description",
        "pricing_indicators",
        "coverage",
        "betos",
        "type_of_service",
        "action_code",
        "add_date",
        "action_effective_date",
        "termination_date",
        "processing_note",
        "asc_group",
        "opps_pi",
    )
    view = {k: h.get(k) for k in keys}
    view["source"] = _source(rel, h["line"])
    return view
