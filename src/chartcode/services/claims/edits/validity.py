"""Code validity on the date of service.

CPT/HCPCS are judged against the PFS and HCPCS files in force, ICD-10-CM against the tabular
in force: unknown, deleted, not yet effective, header code, missing 7th character.
"""

from __future__ import annotations

from chartcode.rules.pfs_indicators import STATUS_CODES
from chartcode.services.claims.context import ClaimContext
from chartcode.services.claims.facts import CmTable, Release
from chartcode.services.claims.model import dotted
from chartcode.services.claims.result import ERROR, INFO, WARNING, Edit, Source

# PFS status codes grouped by what they mean for a claim (RVU read-me, Attachment A).
_DELETED = frozenset({"D", "F", "H"})
_NOT_MEDICARE = frozenset({"G", "I"})
_NONCOVERED = frozenset({"N"})
_BUNDLED = frozenset({"B", "P"})
# Liability modifiers on a non-covered service: ABN on file (GA), voluntary ABN (GX),
# statutorily excluded (GY), denial expected without an ABN (GZ).
_LIABILITY = frozenset({"GA", "GX", "GY", "GZ"})
_FLAGGED = _DELETED | _NOT_MEDICARE | _NONCOVERED | _BUNDLED


def procedure_validity(ctx: ClaimContext) -> list[Edit]:
    out: list[Edit] = []
    for ln in ctx.claim.lines:
        f = ctx.at(ln)
        code, dos = ln.code, ln.date_from
        rvu = f.rvu.get(code) if f.rvu is not None else None
        hc = f.hcpcs.get(code) if f.hcpcs is not None and code[0].isalpha() else None
        if rvu is not None:
            if rvu.status not in _FLAGGED:
                continue
            status = STATUS_CODES.get(rvu.status)
            src = Source.of(rvu.release, rvu.line, status.citation if status else None)
            why = f"PFS status {rvu.status}" + (
                f" ({status.label}): {status.description}" if status else ""
            )
            if rvu.status in _DELETED:
                out.append(Edit(
                    "VAL-PROC-DELETED", ERROR, ln.number, (code,),
                    f"{code} is deleted for services on {dos}: {why}",
                    "Report the code that replaced it (see the CPT/HCPCS update for the year); "
                    "a deleted code is rejected.", src))  # fmt: skip
            elif rvu.status in _NOT_MEDICARE:
                out.append(Edit(
                    "VAL-PROC-NOT-MEDICARE", WARNING, ln.number, (code,),
                    f"{code} is not valid for Medicare on {dos}: {why}",
                    "For Medicare, report the HCPCS code CMS uses for this service; other "
                    "payers may accept the code as it is.", src))  # fmt: skip
            elif rvu.status in _NONCOVERED and (told := _LIABILITY & set(ln.modifiers)):
                # The line already carries the liability modifier a non-covered service needs.
                out.append(Edit(
                    "VAL-PROC-NONCOVERED", INFO, ln.number, (code,),
                    f"{code} is not covered by Medicare: {why} The line carries "
                    f"{', '.join(sorted(told))}, which tells the payer so.",
                    "Expect Medicare to deny the line"
                    + ("; keep the signed advance beneficiary notice on file."
                       if told & {"GA", "GX"} else "."), src))  # fmt: skip
            elif rvu.status in _NONCOVERED:
                out.append(Edit(
                    "VAL-PROC-NONCOVERED", WARNING, ln.number, (code,),
                    f"{code} is not covered by Medicare: {why}",
                    "Bill the patient only with a valid advance beneficiary notice (modifier "
                    "GA) or report the denial as expected (GY/GZ).", src))  # fmt: skip
            elif rvu.status in _BUNDLED:
                out.append(Edit(
                    "VAL-PROC-BUNDLED", INFO, ln.number, (code,),
                    f"{code} is never paid on its own: {why}",
                    "Keep the line if your payer wants it reported, but expect no separate "
                    "payment.", src))  # fmt: skip
            continue
        if hc is not None:
            src = Source.of(hc.release, hc.line)
            if hc.termination and hc.termination < dos:
                out.append(Edit(
                    "VAL-PROC-DELETED", ERROR, ln.number, (code,),
                    f"{code} was terminated on {hc.termination}, before the date of service "
                    f"{dos}", "Report the code that replaced it (the HCPCS file's cross "
                    "reference names it); a terminated code is rejected.", src))  # fmt: skip
            elif hc.add_date and hc.add_date > dos:
                out.append(Edit(
                    "VAL-PROC-NOT-YET", ERROR, ln.number, (code,),
                    f"{code} takes effect on {hc.add_date}, after the date of service {dos}",
                    "Report the code in force on the date of service.", src))  # fmt: skip
            continue
        if f.rvu is None and f.hcpcs is None:
            continue  # nothing loaded to judge by: reported once in ``not_checked``
        found = ctx.book.procedure_history(code, dos)
        if found is not None:
            state, rel = found
            src = Source(rel.source_name, Release.of(rel).label)
            if state == "deleted":
                out.append(Edit(
                    "VAL-PROC-DELETED", ERROR, ln.number, (code,),
                    f"{code} is not in the files in force on {dos}; it was last listed in "
                    f"{rel.source_name} ({rel.version})",
                    "Report the code that replaced it; a deleted code is rejected.",
                    src))  # fmt: skip
            else:
                out.append(Edit(
                    "VAL-PROC-NOT-YET", ERROR, ln.number, (code,),
                    f"{code} is first listed in {rel.source_name}, in force from "
                    f"{rel.effective_from}, after the date of service {dos}",
                    "Report the code in force on the date of service.", src))  # fmt: skip
            continue
        rel_ = f.rvu_release or f.hcpcs_release
        out.append(Edit(
            "VAL-PROC-UNKNOWN", WARNING, ln.number, (code,),
            f"{code} is in none of the CMS files in force on {dos} (PFS relative value file, "
            "HCPCS file)", "Check the code for a typing error; if it is new, import the "
            "current CMS files (chartcode data import).",
            Source(rel_.file, rel_.label) if rel_ else Source("", "")))  # fmt: skip
    return out


def diagnosis_validity(ctx: ClaimContext) -> list[Edit]:
    f = ctx.diagnosis_facts
    cm = f.cm
    if cm is None:
        return []
    out: list[Edit] = []
    dos = ctx.first_date
    for code in ctx.claim.diagnoses:
        shown = dotted(code)
        node = cm.nodes.get(code)
        if node is not None and node.billable:
            continue
        if node is not None and node.kind not in ("chapter", "block"):
            if code in cm.needs_seventh:
                out.append(Edit(
                    "VAL-DX-7TH", ERROR, None, (shown,),
                    f"{shown} needs a 7th character ({node.title})",
                    f"Add the 7th character that fits the encounter (e.g. {shown}"
                    f"{'X' * (6 - len(code))}A for an initial encounter where the tabular "
                    "lists A); use X placeholders to reach six characters first.",
                    Source.of(cm.release, cm.label(code))))  # fmt: skip
            else:
                out.append(
                    Edit(
                        "VAL-DX-HEADER",
                        ERROR,
                        None,
                        (shown,),
                        f"{shown} is a header, not a billable code ({node.title}); it has "
                        "subdivisions",
                        "Report the most specific code under it (chartcode "
                        f"lookup {shown} lists them).",
                        Source.of(cm.release, cm.label(code)),
                    )
                )
            continue
        padded = _with_placeholder(code, cm)
        if padded is not None:
            out.append(Edit(
                "VAL-DX-7TH", ERROR, None, (shown,),
                f"{shown} is missing its X placeholder: the 7th character belongs after "
                f"six characters ({dotted(padded)})", f"Report {dotted(padded)}.",
                Source.of(cm.release, cm.label(padded))))  # fmt: skip
            continue
        found = ctx.book.cm_history(code, dos)
        if found is not None:
            state, rel = found
            src = Source(rel.source_name, Release.of(rel).label)
            if state == "deleted":
                out.append(Edit(
                    "VAL-DX-DELETED", ERROR, None, (shown,),
                    f"{shown} is not valid on {dos}: it was last in ICD-10-CM {rel.version}",
                    "Report the code that replaced it (the addenda for the fiscal year "
                    "list it; chartcode lookup shows its history).", src))  # fmt: skip
            else:
                out.append(Edit(
                    "VAL-DX-NOT-YET", ERROR, None, (shown,),
                    f"{shown} takes effect with ICD-10-CM {rel.version} on "
                    f"{rel.effective_from}, after the date of service {dos}",
                    "Report the code in force on the date of service.", src))  # fmt: skip
            continue
        out.append(Edit(
            "VAL-DX-UNKNOWN", ERROR, None, (shown,),
            f"{shown} is not an ICD-10-CM code in the release in force on {dos}",
            f"Check for a typing error (chartcode search or chartcode lookup {shown}).",
            Source.of(cm.release, None)))  # fmt: skip
    return out


def _with_placeholder(code: str, cm: CmTable) -> str | None:
    """'T331A' -> 'T331XXA' when that is a code: the 7th character given too early."""
    nodes = cm.nodes
    if len(code) < 4 or len(code) >= 7:
        return None
    padded = code[:-1] + "X" * (7 - len(code)) + code[-1]
    return padded if padded in nodes else None
