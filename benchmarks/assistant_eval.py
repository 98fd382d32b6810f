"""Coding assistant accuracy (deterministic mode): questions the team wrote, answers computed
from the official files by this script's own readers, scored automatically.

    .venv/bin/python benchmarks/assistant_eval.py                 # writes results/assistant.json
    .venv/bin/python benchmarks/assistant_eval.py --show wrong    # also list what was not correct
    .venv/bin/python benchmarks/assistant_eval.py --store PATH    # reuse a store with the files

Questions: ``benchmarks/data/assistant_questions.tsv`` (id, batch, kind, question, target): the
question as a coder would type it and, for the scorer, what it is about (a code, two codes,
a modifier, a guideline heading). Nothing in the file says what the answer is.

Expected answers are computed here from the official files in ``../shared/data`` read with
simple code of this script's own (ElementTree over the CDC tabular and CMS PCS tables XML,
fixed-width slicing of the PFS RVU file and the HCPCS file, openpyxl over the NCCI add-on
edits, pypdf over the guidelines' table of contents), never through chartcode's parsers,
store or services. NCCI PTP and MUE files are not in ``../shared/data``: their questions are
asked of a second store built from the CMS-format fixtures in ``tests/data`` and checked
against those fixture files read here directly.

Each answer is scored as one of: ``correct`` (states what the files say), ``unknown`` (says
the data does not answer), ``contradicts`` (states something the files contradict, or
misses the fact). Targets: correct >= 90 %, contradicts = 0.

CPT modifiers (the AMA's) have no official public file here: their answers are checked only
for naming the modifier and citing the project's glossary row, and are counted apart
("glossary" kind) from the officially checked total.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import os
import re
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from chartcode.api import Chartcode
from chartcode.services.assistant import Answer

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SHARED = Path(os.environ.get("CHARTCODE_SHARED_DATA", REPO.parent / "shared" / "data"))
QUESTIONS = HERE / "data" / "assistant_questions.tsv"
RESULTS = HERE / "results" / "assistant.json"
ON = date(2026, 5, 1)
FILES = {
    "tabular": "icd10/cm/icd10cm-tabular-April-1-2026.xml.gz",
    "pcs": "icd10/pcs/icd10pcs_tables_2026.xml",
    "rvu": "medicare/pfs/PPRRVU2026_Apr_nonQPP.txt",
    "hcpcs": "medicare/hcpcs/2020-Alpha-Numeric-HCPCS-File.zip",
    "aoc": "medicare/ncci/AOC_V2026Q2-MCR.xlsx",
    "guidelines": "guidelines/fy2026-icd-10-cm-coding-guidelines.pdf",
}
FIXTURES = [
    REPO / "tests/data/pfs_rvu/PPRRVU2026_Apr_nonQPP.txt",
    REPO / "tests/data/ncci_ptp/ccipra-v321r0-f1.txt",
    REPO / "tests/data/ncci_ptp/ccioph-v321r0-f1.txt",
    REPO / "tests/data/ncci_mue/MCR_MUE_PractitionerServices_Eff_04-01-2026.csv",
]
FIXTURE_KINDS = {"ptp_pair", "mue"}


# -- the official files, read independently ---------------------------------------------------
@dataclass
class CmCode:
    code: str
    title: str
    parent: str | None
    notes: dict[str, list[str]] = field(default_factory=dict)
    seventh: dict[str, str] = field(default_factory=dict)
    billable: bool = False


NOTE_TAGS = ("useAdditionalCode", "codeFirst", "codeAlso", "excludes1", "excludes2")


def read_tabular(path: Path) -> dict[str, CmCode]:
    """Every <diag> of the CDC tabular: title, parent, notes by tag, 7th characters.

    Chapter and section notes are kept under the pseudo-codes "chapter N" and "section X-Y",
    which head each chain of parents, so inherited notes are found by walking up.
    """
    with gzip.open(path) as stream:
        root = ET.parse(stream).getroot()
    out: dict[str, CmCode] = {}

    def notes_of(el: ET.Element) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for tag in NOTE_TAGS:
            for holder in el.findall(tag):
                found.setdefault(tag, []).extend(n.text or "" for n in holder.findall("note"))
        return found

    def walk(el: ET.Element, parent: str | None) -> None:
        for diag in el.findall("diag"):
            code = diag.findtext("name") or ""
            item = CmCode(code, diag.findtext("desc") or "", parent, notes_of(diag))
            for ext in diag.findall("sevenChrDef/extension"):
                item.seventh[ext.get("char") or ""] = ext.text or ""
            item.billable = not diag.findall("diag")
            out[code] = item
            walk(diag, code)

    for chapter in root.findall("chapter"):
        ch = f"chapter {chapter.findtext('name')}"
        out[ch] = CmCode(ch, chapter.findtext("desc") or "", None, notes_of(chapter))
        for section in chapter.findall("section"):
            sec = f"section {section.get('id')}"
            out[sec] = CmCode(sec, section.findtext("desc") or "", ch, notes_of(section))
            walk(section, sec)
    return out


def chain(cm: dict[str, CmCode], code: str) -> list[CmCode]:
    out = []
    cur: str | None = code
    while cur:
        out.append(cm[cur])
        cur = cm[cur].parent
    return out


def read_pcs(path: Path) -> dict[str, list[dict[int, dict[str, str]]]]:
    """PCS tables: prefix -> rows, each {position: {value: label}} for axes 1-7."""
    root = ET.parse(path).getroot()
    out: dict[str, list[dict[int, dict[str, str]]]] = {}
    for table in root.findall("pcsTable"):
        head: dict[int, dict[str, str]] = {}
        for axis in table.findall("axis"):
            pos = int(axis.get("pos") or 0)
            head[pos] = {(lab.get("code") or ""): (lab.text or "") for lab in axis.findall("label")}
        prefix = "".join(next(iter(head[p])) for p in (1, 2, 3))
        rows = []
        for row in table.findall("pcsRow"):
            axes = dict(head)
            for axis in row.findall("axis"):
                pos = int(axis.get("pos") or 0)
                axes[pos] = {
                    (lab.get("code") or ""): (lab.text or "") for lab in axis.findall("label")
                }
            rows.append(axes)
        out[prefix] = rows
    return out


def pcs_row(pcs: dict[str, list[dict[int, dict[str, str]]]], code: str) -> dict[int, str] | None:
    for row in pcs.get(code[:3], []):
        if all(code[p - 1] in row[p] for p in range(4, 8)):
            return {p: row[p][code[p - 1]] for p in range(1, 8)}
    return None


def read_rvu(path: Path) -> dict[str, dict[str, str]]:
    """Global rows (no modifier) of the fixed-width PFS RVU file, by the published positions."""
    out = {}
    for line in path.read_text("latin-1").splitlines():
        if line.startswith("HDR") or len(line) < 140:
            continue

        def col(a: int, b: int, line: str = line) -> str:
            return line[a - 1 : b].strip()

        if col(6, 7):
            continue
        out[col(1, 5)] = {
            "description": col(8, 57),
            "status": col(58, 58),
            "work": col(60, 65),
            "pe_nonfacility": col(67, 72),
            "pe_facility": col(76, 81),
            "mp": col(85, 89),
            "total_nonfacility": col(91, 96),
            "total_facility": col(97, 102),
            "global": col(104, 106),
            "cf": col(133, 140),
        }
    return out


def read_hcpcs_modifiers(path: Path) -> dict[str, str]:
    """Modifier records (record id 7 and continuations 8) of the HCPCS alpha-numeric file."""
    with zipfile.ZipFile(path) as zf:
        name = next(n for n in zf.namelist() if n.lower().endswith("_w_disclaimer.txt"))
        text = zf.read(name).decode("latin-1")
    out: dict[str, str] = {}
    for line in text.splitlines():
        if len(line) > 11 and line[:3] == "   " and line[10] in "78":
            mod = line[3:5]
            out[mod] = (out.get(mod, "") + " " + line[11:91].strip()).strip()
    return out


def read_aoc(path: Path) -> dict[str, list[tuple[str, str | None]]]:
    """Add-on code -> [(primary code, edit deletion)] of the NCCI add-on code edits."""
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True)
    out: dict[str, list[tuple[str, str | None]]] = defaultdict(list)
    header_seen = False
    for row in wb.worksheets[0].iter_rows(values_only=True):
        if not header_seen:
            header_seen = row[0] == "AOC_Edit_Type"
            continue
        if row[1]:
            out[str(row[1])].append((str(row[3]), str(row[6]) if row[6] else None))
    return out


def read_guideline_toc(path: Path) -> list[tuple[str, str, int]]:
    """(label, title, page) of the guidelines' table of contents (pages 2-6), via pypdf."""
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    out = []
    for page in reader.pages[1:6]:
        for line in (page.extract_text() or "").splitlines():
            m = re.match(r"^\s*([0-9a-zA-Z]{1,2}[.)])?\s*(.+?)\s*\.{4,}\s*(\d+)\s*$", line)
            if m and m.group(1):
                out.append((m.group(1), " ".join(m.group(2).split()), int(m.group(3))))
    return out


def read_ptp_fixture(paths: list[Path]) -> list[tuple[str, str, str, str, str]]:
    """(column1, column2, effective, deletion, modifier indicator) of the PTP fixture files."""
    out = []
    for p in paths:
        for line in p.read_text("latin-1").splitlines():
            f = line.split("\t")
            if len(f) >= 6 and re.fullmatch(r"[0-9A-Z]{5}", f[0]) and f[3].isdigit():
                out.append((f[0], f[1], f[3], f[4], f[5]))
    return out


def read_mue_fixture(path: Path) -> dict[str, tuple[int, int]]:
    out = {}
    for row in csv.reader(io.StringIO(path.read_text("latin-1"))):
        if len(row) >= 3 and re.fullmatch(r"[0-9A-Z]{5}", row[0]) and row[1].isdigit():
            out[row[0]] = (int(row[1]), int(row[2][:1]))
    return out


# -- expectations and scoring ---------------------------------------------------------------
def dotted(code: str) -> str:
    c = code.replace(".", "").upper()
    return c if len(c) <= 3 else f"{c[:3]}.{c[3:]}"


def money(v: Decimal) -> str:
    return str(v.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


@dataclass
class Official:
    cm: dict[str, CmCode]
    pcs: dict[str, list[dict[int, dict[str, str]]]]
    rvu: dict[str, dict[str, str]]
    modifiers: dict[str, str]
    aoc: dict[str, list[tuple[str, str | None]]]
    toc: list[tuple[str, str, int]]
    ptp: list[tuple[str, str, str, str, str]]
    mue: dict[str, tuple[int, int]]


def load_official() -> Official:
    missing = [f for f in FILES.values() if not (SHARED / f).exists()]
    if missing:
        sys.exit(f"missing official files under {SHARED}: {', '.join(missing)}")
    return Official(
        cm=read_tabular(SHARED / FILES["tabular"]),
        pcs=read_pcs(SHARED / FILES["pcs"]),
        rvu=read_rvu(SHARED / FILES["rvu"]),
        modifiers=read_hcpcs_modifiers(SHARED / FILES["hcpcs"]),
        aoc=read_aoc(SHARED / FILES["aoc"]),
        toc=read_guideline_toc(SHARED / FILES["guidelines"]),
        ptp=read_ptp_fixture(FIXTURES[1:3]),
        mue=read_mue_fixture(FIXTURES[3]),
    )


# A code or range printed in a note: "(E10.-)", "(S00-T88)", "(O24.4-)", "(E08-E13)".
_NOTE_CODE = re.compile(
    r"\b([A-Z]\d[0-9A-Z](?:\.[0-9A-Z-]{0,5})?)(?:-([A-Z]\d[0-9A-Z](?:\.[0-9A-Z-]{0,5})?))?"
)


def _has(text: str, *needles: str) -> bool:
    low = " ".join(text.lower().split())
    return all(" ".join(n.lower().split()) in low for n in needles)


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]{3,}", text.lower())} - {
        "the", "and", "for", "used", "with", "service", "services", "procedure", "procedures",
        "identify", "that", "was", "not", "are", "code", "codes", "same", "one", "this",
    }  # fmt: skip


def expected_and_score(o: Official, kind: str, target: str, a: Answer) -> tuple[str, str]:
    """(what the files say, verdict) for one answer."""
    text = a.text
    if kind == "code_meaning":
        c = target.replace(".", "").upper()
        if re.fullmatch(r"[A-Z]\d[0-9A-Z]{1,5}", c) and dotted(c) in o.cm:
            exp = o.cm[dotted(c)].title
            ok = _has(text, dotted(c), exp)
        elif len(c) == 7 and pcs_row(o.pcs, c):
            row = pcs_row(o.pcs, c)
            assert row
            exp = f"{row[4]} / {row[5]}"
            ok = _has(text, c, row[4], row[5])
        elif c in o.rvu:
            exp = o.rvu[c]["description"]
            ok = _has(text, c) and _has(text, exp) or _has(text, c, exp[:20])
        else:
            exp = "not a code in the official files"
            ok = _has(text, "not a code")
            return exp, "correct" if ok else "contradicts"
    elif kind == "code_for":
        code = target
        seven = next((n.seventh for n in chain(o.cm, dotted(code)) if n.seventh), {})
        m = re.search(r"best match for “.*?” is (\S+)", text)
        got = m.group(1) if m else ""
        if seven:
            # The tabular's code needs a 7th character: any of the listed ones completes it.
            base = dotted(code.replace(".", "").ljust(6, "X"))
            exp = f"{base} + 7th character ({', '.join(seven)})"
            ok = got[:-1] == base and got[-1:] in seven
        else:
            exp = code
            ok = got == dotted(code)
    elif kind == "global_period":
        exp = o.rvu[target]["global"]
        ok = _has(text, f"global period of {target} is {exp}")
    elif kind == "rvu":
        r = o.rvu[target]
        exp = f"work {r['work']}, total {r['total_nonfacility']}/{r['total_facility']}"
        ok = _has(text, f"work {r['work']}", f"total {r['total_nonfacility']} non-facility",
                  f"{r['total_facility']} facility")  # fmt: skip
    elif kind == "payment":
        r = o.rvu[target]
        cf = Decimal(r["cf"])
        nf = money(Decimal(r["total_nonfacility"]) * cf)
        fa = money(Decimal(r["total_facility"]) * cf)
        exp = f"status {r['status']}; national non-facility ${nf}, facility ${fa}"
        if r["status"] in ("A", "R", "T"):
            ok = _has(text, f"facility payment: ${fa}") and (
                _has(text, f"nonfacility payment: ${nf}") or "NA" in text or "no amount" in text
            )
        else:
            ok = _has(text, f"status {r['status']}") and "payment: $" not in text
    elif kind == "additional_code":
        tags = set()
        for node in chain(o.cm, dotted(target)):
            tags.update(t for t in node.notes if t in ("useAdditionalCode", "codeFirst",
                                                        "codeAlso") and node.notes[t])  # fmt: skip
        exp = ", ".join(sorted(tags)) or "none"
        names = {"useAdditionalCode": "Use additional code", "codeFirst": "Code first",
                 "codeAlso": "Code also"}  # fmt: skip
        if tags:
            ok = all(_has(text, names[t] + " (") for t in tags)
        else:
            ok = _has(text, "No “use additional code”")
    elif kind == "seventh_character":
        seven: dict[str, str] = {}
        for node in chain(o.cm, dotted(target)):
            if node.seventh:
                seven = node.seventh
                break
        exp = ", ".join(f"{k} {v}" for k, v in seven.items()) or "none"
        if seven:
            ok = all(_has(text, f"{k} {v}") for k, v in seven.items())
        else:
            ok = _has(text, "takes no 7th character") or _has(text, "already has seven")
    elif kind == "excludes":
        a_code, b_code = target.split("+")
        notes: list[tuple[str, str]] = []
        for first, second in ((a_code, b_code), (b_code, a_code)):
            for node in chain(o.cm, dotted(first)):
                for tag in ("excludes1", "excludes2"):
                    for n in node.notes.get(tag, []):
                        for m in _NOTE_CODE.finditer(n):
                            lo = m.group(1).replace(".", "").rstrip("-")
                            hi = (m.group(2) or "").replace(".", "").rstrip("-")
                            s = second.replace(".", "")
                            if (hi and lo[:3] <= s[:3] <= hi[:3]) or (not hi and s.startswith(lo)):
                                notes.append((tag, n))
        exp = "; ".join(f"{t}: {n}" for t, n in notes) or "none"
        if notes:
            ok = all(_has(text, "Excludes1" if t == "excludes1" else "Excludes2") for t, _ in notes)
        else:
            ok = _has(text, "No Excludes1 or Excludes2 note")
    elif kind == "modifier":
        official = o.modifiers.get(target)
        if official is None:
            exp = "(CPT modifier: no official file here; glossary row)"
            ok = _has(text, f"Modifier {target}") and any(
                c.file.endswith("modifiers.tsv") for c in a.citations
            )
            return exp, "glossary-ok" if ok else ("unknown" if not a.answered else "contradicts")
        exp = official
        ok = _has(text, f"Modifier {target}") and bool(_words(official) & _words(text))
    elif kind == "addon":
        edits = o.aoc.get(target, [])
        exp = f"add-on with {len(edits)} primary rows" if edits else "not an add-on code"
        ok = (
            _has(text, f"{target} is an add-on code")
            if edits
            else _has(text, "not listed as an add-on")
        )
    elif kind == "guideline":
        label, title, page = next(t for t in o.toc if t[1] == target)
        exp = f"“{title}” p. {page}"
        ok = _has(text, f"“{title.rstrip(':')}") and (f"p. {page}" in text or f"pp. {page}" in text)
    elif kind == "ptp_pair":
        a_code, b_code = target.split("+")
        iso = ON.strftime("%Y%m%d")
        edits = [e for e in o.ptp if {e[0], e[1]} == {a_code, b_code} and active(e, iso)]
        exp = "; ".join(f"{e[0]}/{e[1]} mi {e[4]}" for e in edits) or "no edit in force"
        if edits:
            ok = all(
                _has(text, f"{e[0]} is column 1 and {e[1]} column 2")
                and _has(text, f"modifier indicator {e[4]}")
                for e in edits
            )
        else:
            ok = _has(text, "No NCCI PTP edit in force")
    elif kind == "mue":
        found = o.mue.get(target)
        exp = f"{found[0]} units, MAI {found[1]}" if found else "no MUE listed"
        if found:
            ok = _has(text, f"MUE for {target} (practitioner services) is {found[0]} unit",
                      f"adjudication indicator {found[1]}")  # fmt: skip
        else:
            ok = _has(text, "has no MUE")
    else:
        return "?", "contradicts"
    if ok:
        return exp, "correct"
    return exp, "unknown" if not a.answered else "contradicts"


def active(edit: tuple[str, str, str, str, str], iso: str) -> bool:
    """An edit in force on the day: effective on or before it, not deleted before it."""
    return edit[2] <= iso and (edit[3] in ("*", "") or iso <= edit[3])


# -- running ----------------------------------------------------------------------------------
def build_store(files: list[Path], prefix: str) -> Chartcode:
    tmp = Path(tempfile.mkdtemp(prefix=prefix))
    desk = Chartcode(tmp / "reference.sqlite", on=ON)
    desk.import_files(files)
    return desk


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--store", type=Path, help="a store with the official files (default: build)")
    ap.add_argument("--show", choices=["wrong", "all"], help="list answers")
    args = ap.parse_args()
    questions = list(csv.DictReader(QUESTIONS.open(encoding="utf-8"), delimiter="\t"))
    t0 = time.perf_counter()
    o = load_official()
    read_s = time.perf_counter() - t0
    desk = (
        Chartcode(args.store, on=ON)
        if args.store
        else build_store([SHARED / f for f in FILES.values()], "assistant-eval-")
    )
    fixture_desk = build_store(FIXTURES, "assistant-eval-ncci-")
    verdicts: Counter[str] = Counter()
    by_kind: dict[str, Counter[str]] = defaultdict(Counter)
    by_batch: dict[str, Counter[str]] = defaultdict(Counter)
    rows = []
    t1 = time.perf_counter()
    for q in questions:
        d = fixture_desk if q["kind"] in FIXTURE_KINDS else desk
        a = d.ask(q["question"], on=ON)
        exp, verdict = expected_and_score(o, q["kind"], q["target"], a)
        glossary_only = q["kind"] == "modifier" and q["target"] not in o.modifiers
        kind = "modifier (CPT, glossary only)" if glossary_only else q["kind"]
        if verdict == "glossary-ok":
            verdict = "correct"
        if kind.startswith("modifier (CPT"):
            by_kind[kind][verdict] += 1
        else:
            verdicts[verdict] += 1
            by_kind[kind][verdict] += 1
            by_batch[q["batch"]][verdict] += 1
        uncited = not a.citations and a.answered
        rows.append({**q, "verdict": verdict, "expected": exp, "answer": a.text,
                     "answered_kind": a.kind, "uncited": uncited})  # fmt: skip
        if args.show == "all" or (args.show == "wrong" and verdict != "correct"):
            print(f"[{verdict}] {q['id']} {q['question']}\n  expected: {exp}\n  answer: {a.text}\n")
    ask_s = time.perf_counter() - t1
    total = sum(verdicts.values())
    pct = {k: round(100.0 * v / total, 1) for k, v in verdicts.items()}
    result = {
        "date_of_service": ON.isoformat(),
        "questions": len(questions),
        "officially_checked": total,
        "correct": verdicts["correct"],
        "unknown": verdicts["unknown"],
        "contradicts": verdicts["contradicts"],
        "percent": pct,
        "uncited_answers": sum(1 for r in rows if r["uncited"]),
        "by_batch": {k: dict(v) for k, v in sorted(by_batch.items())},
        "by_kind": {k: dict(v) for k, v in sorted(by_kind.items())},
        "seconds": {"read_official_files": round(read_s, 1), "answer_all": round(ask_s, 2)},
        "ms_per_answer": round(1000 * ask_s / max(1, len(questions)), 1),
    }
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
