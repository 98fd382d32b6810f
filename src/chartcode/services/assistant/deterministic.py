"""Answering without a model: the question's kind picks the tools, the data writes the answer.

Contract: ``answer(ctx, question)`` classifies the question (``classifier.classify``), calls
the tools its kind needs (recorded as ``ToolCall``s), and states each fact in a plain sentence
ending with the citation ids that back it (``[c1]``). Where the loaded data cannot answer, the
answer says so, names the file that would (``tools.NEEDS``), and ``answered`` is False; it
never states a fact that no tool returned.
"""

from __future__ import annotations

import re
from typing import Any

from chartcode.codes import SYSTEM_LABELS, System, compact, display
from chartcode.services.assistant.answer import Answer, ToolCall
from chartcode.services.assistant.classifier import CodeMention, Question, classify
from chartcode.services.assistant.tools import ToolContext, ToolOutput, call
from chartcode.services.claims.context import is_evaluation_and_management as _is_em

_EXCERPT = 420
_CODE_IN_NOTE = re.compile(r"\b([A-Z]\d[0-9A-Z](?:\.[0-9A-Z-]{1,5})?)(?:\s*-\s*([A-Z]\d[0-9A-Z]"
                           r"(?:\.[0-9A-Z-]{1,5})?))?")  # fmt: skip
_NCCI_MODIFIERS = (
    "an NCCI-associated modifier: 59 or the more specific XE, XS, XP or XU, an anatomic "
    "modifier (LT/RT, E1-E4, FA/F1-F9, TA/T1-T9, LC/LD/LM/RC/RI), or 24, 25, 57, 58, 78, 79 "
    "or 91 where they apply"
)


class _Writer:
    """Sentences with their citations, the tool calls behind them, and the answer's flags."""

    def __init__(self, ctx: ToolContext) -> None:
        self.ctx = ctx
        self.sentences: list[str] = []
        self.calls: list[ToolCall] = []
        self.flags: list[str] = []
        self.answered = True

    def call(self, name: str, **args: Any) -> ToolOutput:
        args = {k: v for k, v in args.items() if v is not None}
        out = call(self.ctx, name, args)
        self.calls.append(ToolCall(name, args, out.ok, out.summary))
        # A date of service outside the loaded releases is said with the answer.
        for warning in out.data.get("release_warnings") or []:
            if warning not in self.flags:
                self.flags.append(warning)
        return out

    def say(self, text: str, *cites: str | None) -> None:
        marks = "".join(f"[{c}]" for c in dict.fromkeys(c for c in cites if c))
        text = text.strip()
        if marks:
            if text.endswith("."):
                text = f"{text.rstrip('.').rstrip()} {marks}."
            else:
                text = f"{text} {marks}"
        self.sentences.append(text)

    def cannot(self, text: str) -> None:
        self.say(text)
        self.answered = False

    def text(self) -> str:
        return " ".join(self.sentences)


def _label(system: str) -> str:
    try:
        return SYSTEM_LABELS[System(system)]
    except ValueError:
        return system


def _article(label: str) -> str:
    return f"an {label}" if label[:1] in "AEHIO" and not label.startswith("HC") else f"a {label}"


def _show(system: str, code: str) -> str:
    return display(system, code)


def _first(q: Question, w: _Writer, what: str) -> CodeMention | None:
    if q.codes:
        return q.codes[0]
    w.cannot(f"I could not find a code in the question; name the code you mean {what}.")
    return None


def _join_notes(texts: list[str]) -> str:
    """Note lines as one phrase: a line ending in a colon introduces the next ones."""
    out = ""
    for t in texts:
        out += t if not out else (f" {t}" if out.endswith(":") else f"; {t}")
    return out


def _norm(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def _excerpt(text: str, limit: int = _EXCERPT) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit]
    end = max(cut.rfind(". "), cut.rfind("; "))
    return (cut[: end + 1] if end > limit // 3 else cut.rsplit(" ", 1)[0] + " …").strip()


# -- kinds -----------------------------------------------------------------------------------
def _code_meaning(q: Question, w: _Writer) -> None:
    c = _first(q, w, "to look up")
    if c is None:
        return
    out = w.call("lookup_code", code=c.code, system=q.system_hint if q.system_hint in
                 c.systems else None)  # fmt: skip
    if not out.ok:
        nearest = out.data.get("nearest") or []
        w.say(f"{c.written} is not a code in the loaded code sets.")
        if nearest:
            w.say(f"Nearest codes: {', '.join(nearest[:6])}.")
        w.answered = False
        return
    d = out.data
    shown = d["code"]
    w.say(
        f"{shown} is {_article(_label(d['system']))} code (release {d['release']}): "
        f"“{d['title']}”.",
        d["cite"],
    )
    if d["system"] == "cpt":
        w.say("That is the CMS short descriptor; the full CPT descriptor is the AMA's.")
    iso = w.ctx.on.isoformat()
    # A date outside the loaded releases is answered from the nearest one, with a warning
    # naming the date: validity on that date is then not something the data says.
    outside = [x for x in d.get("warnings") or [] if iso in x]
    if d["billable"] and d["validity"] == "valid" and outside:
        w.say(
            f"It is billable in release {d['release']}; its validity on {iso} is not in the "
            f"loaded data: {outside[0].rstrip('.')}.",
            d["cite"],
        )
    elif d["billable"] and d["validity"] == "valid":
        w.say(f"It is valid for a date of service of {iso}.", d["cite"])
    elif d["validity"] == "not_billable":
        reason = d.get("billable_reason") or "it is a header"
        reason = reason.removeprefix("not billable: ")
        w.say(f"It is not a billable code on its own: {reason}.", d["cite"])
        kids = d.get("children") or []
        if kids:
            listed = ", ".join(f"{k['code']}" for k in kids[:8])
            more = f" and {len(kids) - 8} more" if len(kids) > 8 else ""
            w.say(f"Codes under it: {listed}{more}.", d["cite"])
    elif d.get("validity_message"):
        msg = d["validity_message"].rstrip(".")
        w.say(f"It is {msg}." if msg.startswith("not ") else f"{msg[:1].upper()}{msg[1:]}.",
              d["cite"])  # fmt: skip
    for warning in d.get("warnings") or []:
        w.flags.append(warning)


def _code_for(q: Question, w: _Writer) -> None:
    topic = q.topic.strip()
    if not topic:
        w.cannot("Say what you want a code for (a diagnosis or a procedure, in words).")
        return
    if w.ctx.suggest is not None and len(topic.split()) > _CASE_WORDS:
        _case(topic, w)
        return
    if q.system_hint == "icd10pcs":
        out = w.call("pcs_build", description=topic)
        if out.ok and out.data.get("code"):
            d = out.data
            w.say(f"Built axis by axis from the ICD-10-PCS Tables, the code is {d['code']}.",
                  d["cite"])  # fmt: skip
            lookup = w.call("lookup_code", code=d["code"], system="icd10pcs")
            if lookup.ok:
                w.say(f"{d['code']} reads “{lookup.data['title']}”.", lookup.data["cite"])
            w.say("Check each axis against the operative report before you assign it.")
            return
        sides = out.data.get("per_side") or [] if out.ok else []
        if sides and all(side["code"] for side in sides):
            # The builder's answer names each side's complete code (Guidelines B4.3).
            w.say(out.data["question"], out.data["cite"])
            w.say("Check each axis against the operative report before you assign them.")
            return
        if out.ok and out.data.get("question"):
            w.say(f"The ICD-10-PCS Tables need more detail: {out.data['question']}",
                  out.data["cite"])  # fmt: skip
            w.answered = False
            return
    out = w.call("search_codes", query=topic, system=q.system_hint, limit=5)
    results = out.data.get("results") or []
    if not results:
        w.cannot(f"No code in the loaded code sets matches “{topic}”; try other words, or "
                 "`chartcode search`.")  # fmt: skip
        return
    # The search ranks by words; a title that is exactly what was asked for is the answer.
    exact = [r for r in results if r["billable"] and _norm(r["title"]) == _norm(topic)]
    if exact:
        results = exact[:1] + [r for r in results if r is not exact[0]]
    best = results[0]
    w.say(
        f"The best match for “{topic}” is {_show(best['system'], best['code'])} "
        f"({_label(best['system'])}): “{best['title']}”.",
        best["cite"],
    )
    if not best["billable"] and best["system"] == "icd10cm":
        w.say("It is a header: pick a code below it that the record supports.")
    others = [f"{_show(r['system'], r['code'])} “{r['title']}” [{r['cite']}]" for r in results[1:4]]
    if others:
        w.say("Other candidates: " + "; ".join(others) + ".")
    w.say("Confirm it in the Tabular List (and the Index) before you assign it.")


_CASE_WORDS = 14  # a "code for" longer than this is a case, coded by the case coder


def _case(text: str, w: _Writer) -> None:
    out = w.call("suggest_codes", text=text)
    codes = out.data.get("codes") or [] if out.ok else []
    if not codes:
        w.cannot("The case coder found nothing to code in that text; name the condition or "
                 "procedure in a few words instead.")  # fmt: skip
        return
    for c in codes[:8]:
        said = "; ".join(f"“{e['text']}”" for e in c.get("evidence", [])[:2])
        w.say(
            f"{_show(c['system'], c['code'])} ({_label(c['system'])}) “{c['title']}”"
            + (f", from {said}" if said else "")
            + ".",
            c.get("cite"),
        )
    w.say("These are suggestions from the case coder: check each against the record.")


def _ptp(q: Question, w: _Writer) -> None:
    if len(q.codes) < 2:
        w.cannot("Name the two codes you want to bill together.")
        return
    a, b = q.codes[0].code, q.codes[1].code
    out = w.call("ptp_pair", code1=a, code2=b)
    if not out.ok:
        w.cannot(f"I cannot check {a} with {b}: {out.data.get('needs') or out.data['error']}.")
        _addon_pair(w, a, b)
        return
    edits = out.data["edits"]
    active = [e for e in edits if e["in_force"]]
    files = [f["cite"] for f in out.data["files_checked"]]
    if not active:
        w.say(
            f"No NCCI PTP edit in force on {w.ctx.on.isoformat()} pairs {a} and {b} in the "
            "loaded PTP files, so NCCI does not stop them being billed together (MUEs, add-on "
            "edits and payer policy still apply).",
            *files,
        )
        for e in edits:
            w.say(
                f"An earlier edit ({e['column1']} column 1, {e['column2']} column 2, "
                f"{e['setting']}) ended on {e['deletion']}.",
                e["cite"],
            )
    for e in active:
        c1, c2, mi = e["column1"], e["column2"], e["modifier_indicator"]
        w.say(
            f"NCCI PTP edit ({e['setting']} file): {c1} is column 1 and {c2} column 2, in force "
            f"since {e['effective']}, modifier indicator {mi}.",
            e["cite"],
        )
        if mi == "0":
            w.say(
                f"Modifier indicator 0: they cannot be billed together and no modifier "
                f"bypasses the edit; only the column 1 code {c1} is paid.",
                e["cite"],
            )
        elif mi == "1" and _is_em(c2):
            # NCCI Policy Manual, chapter I: modifier 59 (and XE/XS/XP/XU) is not used on E/M.
            w.say(
                f"Modifier indicator 1: they can be billed together only when the visit {c2} "
                f"is a significant, separately identifiable E/M service, with modifier 25 on "
                f"{c2} (57 when the visit is the decision for a major surgery), as the "
                "documentation supports; modifier 59 and XE, XS, XP, XU are not used on an E/M "
                "service (NCCI Policy Manual, chapter I).",
                e["cite"],
            )
        elif mi == "1":
            w.say(
                f"Modifier indicator 1: they can be billed together only when the services "
                f"are distinct, with {_NCCI_MODIFIERS}, on the column 2 code {c2}, as the "
                "documentation supports.",
                e["cite"],
            )
        elif mi == "9":
            w.say("Modifier indicator 9: the edit does not apply.", e["cite"])
    _addon_pair(w, a, b)


def _addon_pair(w: _Writer, a: str, b: str) -> None:
    """When one of the two is an add-on code, whether the other is one of its primaries."""
    for addon, primary in ((a, b), (b, a)):
        out = w.call("addon_check", code=addon, primary=primary)
        if out.ok and out.data["edits"]:
            e = out.data["edits"][0]
            state = "in force" if e["in_force"] else f"deleted {e['deletion']}"
            w.say(
                f"{addon} is an add-on code and {primary} is listed as one of its primary "
                f"codes (NCCI add-on edit type {e['edit_type']}, {state}).",
                e["cite"],
            )
        if not out.ok:
            w.calls.pop()  # an unloaded add-on file is not part of this answer
            return
        if not out.data["edits"]:
            _addon_not_listed(w, addon, primary)


def _addon_not_listed(w: _Writer, addon: str, primary: str) -> None:
    """An add-on code whose listed primaries do not include the other code of the question."""
    out = w.call("addon_check", code=addon)
    active = [e for e in out.data["edits"] if e["in_force"]] if out.ok else []
    if not active:
        w.calls.pop()  # not an add-on code (in force): nothing to add
        return
    types = {int(e["edit_type"]) for e in active if str(e["edit_type"]).isdigit()}
    listed = [e["primary_code"] for e in active if e["primary_code"] != "CCCCC"]
    cite = active[0]["cite"]
    kind = ", ".join(str(t) for t in sorted(types))
    if listed and 1 in types:
        shown = ", ".join(listed[:8]) + (f" and {len(listed) - 8} more" if len(listed) > 8
                                         else "")  # fmt: skip
        w.say(
            f"{addon} is an add-on code (NCCI add-on edit type {kind}) and {primary} is not "
            f"one of its listed primary codes: {addon} is paid only when one of them ({shown}) "
            "is billed the same day by the same provider.",
            cite,
        )
    elif listed:
        w.say(
            f"{addon} is an add-on code (NCCI add-on edit type {kind}) and {primary} is not "
            f"one of its listed primary codes; the Medicare contractor may accept other "
            "primaries.",
            cite,
        )
    else:
        w.say(
            f"{addon} is an add-on code (NCCI add-on edit type {kind}): its primary codes are "
            f"defined by the Medicare contractor, so whether {primary} qualifies is the "
            "contractor's list.",
            cite,
        )


def _mue(q: Question, w: _Writer) -> None:
    c = _first(q, w, "for the MUE")
    if c is None:
        return
    out = w.call("mue", code=c.code)
    if not out.ok:
        w.cannot(f"I cannot tell the units allowed for {c.code}: {out.data.get('needs')}.")
        return
    found = out.data["mue"]
    if not found:
        w.say(
            f"{c.code} has no MUE in the loaded MUE files; CMS does not publish every MUE, "
            "so the absence does not mean units are unlimited.",
            *[f["cite"] for f in out.data["files_checked"]],
        )
        return
    names = {"practitioner": "practitioner services", "outpatient": "outpatient hospital",
             "dme": "DME supplier"}  # fmt: skip
    for setting, m in found.items():
        units = "unit" if m["value"] == 1 else "units"
        w.say(
            f"The MUE for {c.code} ({names.get(setting, setting)}) is {m['value']} {units} "
            f"{'per claim line' if m['adjudication_indicator'] == 1 else 'per day of service'}"
            f", adjudication indicator {m['adjudication_indicator']}: "
            f"{m['meaning']}.",
            m["cite"],
        )
        if m["value"] == 0:
            w.say(
                f"An MUE of 0 means {c.code} is not payable in that setting: any unit is denied.",
                m["cite"],
            )


def _billing(q: Question, w: _Writer, what: str) -> dict[str, Any] | None:
    c = _first(q, w, f"for the {what}")
    if c is None:
        return None
    out = w.call("billing_facts", code=c.code)
    if not out.ok:
        if out.data.get("needs"):
            w.cannot(f"I cannot tell the {what} of {c.code}: {out.data['needs']}.")
        else:
            w.cannot(f"{c.code} is not in the loaded Medicare Physician Fee Schedule RVU file, "
                     f"so its {what} is not known here.")  # fmt: skip
        return None
    return out.data


def _global(q: Question, w: _Writer) -> None:
    d = _billing(q, w, "global period")
    if d is None:
        return
    g = d["global_days"]
    w.say(f"The global period of {d['code']} is {g['value']}: {g.get('meaning')}.", d["cite"])
    if g.get("value") in ("010", "090"):
        w.say(
            f"Its payment splits {g['pre_op']} pre-operative, {g['intra_op']} intra-operative "
            f"and {g['post_op']} post-operative.",
            d["cite"],
        )


def _rvu(q: Question, w: _Writer) -> None:
    d = _billing(q, w, "RVUs")
    if d is None:
        return
    r = d["rvu"]
    pe_nf = "NA" if r.get("pe_nonfacility_na") else r["pe_nonfacility"]
    w.say(
        f"RVUs of {d['code']}: work {r['work']}, practice expense {pe_nf} non-facility and "
        f"{r['pe_facility']} facility, malpractice {r['mp']}; total {r['total_nonfacility']} "
        f"non-facility and {r['total_facility']} facility, conversion factor "
        f"{r['conversion_factor']}.",
        d["cite"],
    )


_LOCALITY = re.compile(r"\blocality\s+(\d{7})\b|\b(\d{7})\b", re.I)
_ZIP = re.compile(r"\bzip(?:\s*code)?\s*(\d{5})\b", re.I)


def _payment(q: Question, w: _Writer) -> None:
    c = _first(q, w, "to price")
    if c is None:
        return
    loc = _LOCALITY.search(q.text)
    zm = _ZIP.search(q.text)
    out = w.call(
        "fee",
        code=c.code,
        locality=(loc.group(1) or loc.group(2)) if loc else None,
        zip=zm.group(1) if zm else None,
    )
    if not out.ok:
        w.cannot(f"I cannot price {c.code}: {out.data.get('needs') or out.data['error']}.")
        return
    d = out.data
    w.say(
        f"Medicare Physician Fee Schedule, {d['locality']['name']}, date of service "
        f"{w.ctx.on.isoformat()}: {d['code']} ({d['description']}) has status "
        f"{d['status']['code']}.",
        d["cite"],
    )
    for setting, s in d["settings"].items():
        if s["amount"] is not None:
            w.say(f"{setting.capitalize()} payment: ${s['amount']} ({s['formula']}).",
                  d["cite"], d["locality"]["cite"])  # fmt: skip
        elif s.get("reason"):
            w.say(f"{setting.capitalize()}: no amount ({s['reason']}).", d["cite"])
    for warning in d.get("warnings") or []:
        w.flags.append(warning)


_NOTE_NAMES = {
    "use_additional": "Use additional code",
    "code_first": "Code first",
    "code_also": "Code also",
    "excludes1": "Excludes1",
    "excludes2": "Excludes2",
}


def _notes_of(w: _Writer, code: str) -> dict[str, Any] | None:
    out = w.call("code_notes", code=code)
    if not out.ok:
        w.cannot(f"{code} is not an ICD-10-CM code in the loaded Tabular List, so it has no "
                 "instructional notes here.")  # fmt: skip
        return None
    return out.data


def _additional(q: Question, w: _Writer) -> None:
    c = _first(q, w, "for its notes")
    if c is None:
        return
    if "icd10cm" not in c.systems:
        out = w.call("addon_check", code=c.code)
        if out.ok:
            _addon_answer(w, c.code, out)
        else:
            w.cannot(f"{c.code} is not an ICD-10-CM code; instructional notes are an "
                     "ICD-10-CM convention.")  # fmt: skip
        return
    d = _notes_of(w, c.code)
    if d is None:
        return
    wanted = [n for n in d["notes"] if n["kind"] in ("use_additional", "code_first", "code_also")]
    if not wanted:
        w.say(
            f"No “use additional code”, “code first” or “code also” note applies to "
            f"{d['code']} (“{d['title']}”) at the code or above it in the Tabular List.",
            d["cite"],
        )
        return
    for kind in ("use_additional", "code_first", "code_also"):
        notes = [n for n in wanted if n["kind"] == kind]
        if not notes:
            continue
        where = sorted({n["printed_at"] for n in notes})
        texts = _join_notes([n["text"] for n in notes])
        w.say(
            f"{_NOTE_NAMES[kind]} ({'printed at ' + ', '.join(where)}, applies to "
            f"{d['code']}): {texts}.",
            *sorted({n["cite"] for n in notes}),
        )
    if any(n["kind"] == "use_additional" for n in wanted):
        w.say("So yes: report the additional code(s) the note names when the record supports "
              "them, after the code.")  # fmt: skip
    if any(n["kind"] == "code_first" for n in wanted):
        w.say(f"“Code first” means the underlying condition is sequenced before {d['code']}.")


def _covers(printed: str, target: str) -> bool:
    """Whether a code or range printed in a note ("E08.-", "E10-E13", "O24.-") covers target."""
    m = _CODE_IN_NOTE.fullmatch(printed)
    if not m:
        return False
    lo = compact(m.group(1)).rstrip("-")
    hi = compact(m.group(2)).rstrip("-") if m.group(2) else None
    t = compact(target)
    if hi:
        return lo[:3] <= t[:3] <= hi[:3]
    return t.startswith(lo)


def _excludes(q: Question, w: _Writer) -> None:
    if len(q.codes) < 2:
        w.cannot("Name the two ICD-10-CM codes you want to report together.")
        return
    a, b = q.codes[0], q.codes[1]
    found = False
    for x, y in ((a, b), (b, a)):
        d = _notes_of(w, x.code)
        if d is None:
            return
        for n in d["notes"]:
            if n["kind"] not in ("excludes1", "excludes2"):
                continue
            printed = [m.group(0) for m in _CODE_IN_NOTE.finditer(n["text"])]
            if any(_covers(p, y.code) for p in printed):
                found = True
                if n["kind"] == "excludes1":
                    w.say(
                        f"{d['code']} carries an Excludes1 note (printed at {n['printed_at']}) "
                        f"that covers {display('icd10cm', y.code)}: “{n['text']}”. Excludes1 "
                        "means the two are not coded together (see the exceptions in the "
                        "Guidelines, Section I.A.12.a).",
                        n["cite"],
                    )
                else:
                    w.say(
                        f"{d['code']} carries an Excludes2 note (printed at {n['printed_at']}) "
                        f"that covers {display('icd10cm', y.code)}: “{n['text']}”. Excludes2 "
                        "means the condition is not part of this code; both may be coded when "
                        "the patient has both.",
                        n["cite"],
                    )
    if not found:
        w.say(
            f"No Excludes1 or Excludes2 note at {display('icd10cm', a.code)} or "
            f"{display('icd10cm', b.code)} (or above them) names the other code, so the Tabular "
            "List does not bar reporting them together.",
            *[c.id for c in w.ctx.book.all() if c.locator.startswith("code ")][:2],
        )


def _seventh(q: Question, w: _Writer) -> None:
    c = _first(q, w, "for its 7th characters")
    if c is None:
        return
    out = w.call("lookup_code", code=c.code, system="icd10cm")
    if not out.ok:
        w.cannot(f"{c.written} is not an ICD-10-CM code in the loaded Tabular List.")
        return
    d = out.data
    chars = d.get("seventh_characters") or []
    if not chars:
        if len(compact(d["code"])) == 7:
            w.say(f"{d['code']} already has seven characters: “{d['title']}”.", d["cite"])
        else:
            w.say(f"{d['code']} (“{d['title']}”) takes no 7th character in the Tabular List.",
                  d["cite"])  # fmt: skip
        return
    listed = "; ".join(
        f"{s['char']} {s['meaning']}" + (f" ({s['code']})" if s.get("code") else "") for s in chars
    )
    w.say(f"The 7th characters for {d['code']} are: {listed}.", d["cite"])
    if any("X" in (s.get("code") or "")[3:6] for s in chars):
        w.say("The placeholder X fills the empty positions before the 7th character.")


def _modifier(q: Question, w: _Writer) -> None:
    if not q.modifier:
        w.cannot("Name the modifier (for example 25, 59, XS, LT).")
        return
    out = w.call("modifier_meaning", modifier=q.modifier)
    if not out.ok:
        w.cannot(f"Modifier {q.modifier} is not in chartcode's modifier glossary; the AMA's CPT "
                 "book (Appendix A) and the CMS HCPCS file list every modifier.")  # fmt: skip
        return
    d = out.data
    w.say(f"Modifier {d['modifier']} ({d['system'].upper()}): {d['title']}. {d['meaning']}",
          d["cite"])  # fmt: skip


def _addon_answer(w: _Writer, code: str, out: ToolOutput) -> None:
    edits = out.data["edits"]
    active = [e for e in edits if e["in_force"]]
    if not edits:
        w.say(f"{code} is not listed as an add-on code in the loaded NCCI add-on code edits.",
              out.data["file_cite"])  # fmt: skip
        return
    types = sorted({e["edit_type"] for e in active or edits})
    primaries = [e["primary_code"] for e in active if e["primary_code"] != "CCCCC"]
    w.say(
        f"{code} is an add-on code (NCCI add-on edit type {', '.join(map(str, types))}): it is "
        "reported only with a primary procedure, never alone.",
        *[e["cite"] for e in (active or edits)[:1]],
    )
    if primaries:
        shown = ", ".join(primaries[:12]) + (f" and {len(primaries) - 12} more"
                                             if len(primaries) > 12 else "")  # fmt: skip
        w.say(f"Primary codes listed for it: {shown}.", *[e["cite"] for e in active[:3]])
    elif 2 in types:
        w.say("The primary codes are defined by the Medicare contractor (edit type 2).")


def _addon(q: Question, w: _Writer) -> None:
    c = _first(q, w, "to check")
    if c is None:
        return
    out = w.call("addon_check", code=c.code)
    if not out.ok:
        w.cannot(f"I cannot tell whether {c.code} is an add-on code: {out.data.get('needs')}.")
        return
    _addon_answer(w, c.code, out)


def _guideline(q: Question, w: _Writer) -> None:
    out = w.call("guideline_lookup", query=q.topic or q.text)
    if not out.ok:
        if out.data.get("needs"):
            w.cannot(f"I cannot quote the guidelines: {out.data['needs']}.")
        else:
            w.cannot(f"No section of the loaded guidelines matches “{q.topic}”.")
        return
    sections = out.data["sections"]
    top = sections[0]
    if top["text"]:
        w.say(
            f"The {top['label']} Official Guidelines, {top['number']} “{top['title']}” "
            f"({top['pages']}), say: {_excerpt(top['text'])}",
            top["cite"],
        )
    else:
        subs = "; ".join(f"{s['number']} {s['title']}" for s in top["subsections"][:8])
        w.say(f"The Official Guidelines, {top['number']} “{top['title']}” ({top['pages']}), "
              f"cover: {subs}.", top["cite"])  # fmt: skip
    more = [f"{s['number']} “{s['title']}” [{s['cite']}]" for s in sections[1:3]]
    if more:
        w.say("See also " + "; ".join(more) + ".")


def _unknown(q: Question, w: _Writer) -> None:
    if q.codes:
        _code_meaning(q, w)
    elif q.modifier:
        _modifier(q, w)
    else:
        # Not one of the kinds the rules know: say so before treating the words as a search,
        # so "hello there" is not answered as if it asked for a code.
        if q.topic.strip():
            w.say("That is not one of the questions I recognise (what a code means, the code "
                  "for some words, billing two codes together, units, global period, RVUs or "
                  "payment, additional codes, Excludes1, 7th characters, modifiers, "
                  "guidelines); here is what a code search finds for its words.")  # fmt: skip
        _code_for(q, w)


HANDLERS = {
    "code_meaning": _code_meaning,
    "code_for": _code_for,
    "ptp_pair": _ptp,
    "mue": _mue,
    "global_period": _global,
    "payment": _payment,
    "rvu": _rvu,
    "additional_code": _additional,
    "excludes": _excludes,
    "seventh_character": _seventh,
    "modifier": _modifier,
    "addon": _addon,
    "guideline": _guideline,
    "unknown": _unknown,
}


def answer(ctx: ToolContext, question: str) -> Answer:
    q = classify(question)
    w = _Writer(ctx)
    HANDLERS[q.kind](q, w)
    text, cited = ctx.book.renumber(w.text())
    return Answer(
        question=question,
        text=text,
        kind=q.kind,
        mode="deterministic",
        date_of_service=ctx.on.isoformat(),
        citations=cited,
        tool_calls=w.calls,
        flags=w.flags,
        codes=[{"code": c.code, "systems": list(c.systems)} for c in q.codes],
        answered=w.answered,
    )
