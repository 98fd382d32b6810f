"""Coding a case: chartcode suggest on the CodiEsp dev split, diagnoses and procedures.

    .venv/bin/python benchmarks/codiesp_eval.py                 # writes results/codiesp.json
    .venv/bin/python benchmarks/codiesp_eval.py --top 30        # longer error lists
    .venv/bin/python benchmarks/codiesp_eval.py --policy us-inpatient
    .venv/bin/python benchmarks/codiesp_eval.py --split train   # the split weights are tuned on

Data: ``../shared/data/eval/codiesp-dev`` (250 English case reports, gold ICD-10-CM ``devD.tsv``
and ICD-10-PCS ``devP.tsv``; read in place, nothing copied). The store is $CHARTCODE_HOME's (or
``--store``) with the ICD-10-CM tabular and the ICD-10-PCS tables imported.

Metrics, as CodiEsp defines them:

* D MAP: for each report with gold codes, the average precision of the ranked ICD-10-CM list
  (precision at the rank of every gold code found, summed, divided by the number of gold codes;
  a report with no prediction scores 0), averaged over reports (the trectools MAP the CodiEsp
  evaluation script uses).
* micro precision / recall / F1 for D, and for P with the 4-character prefix rule of
  ``pcs_eval.py`` (its ``Scores`` and matching rule are reused, so the two benchmarks agree).

The gold codes are CIE-10-ES 2018 (about US FY2018); the store holds the 2026 ICD-10-CM. A gold
code that the 2026 release no longer bills because it was subdivided since (M54.5 -> M54.50) is
matched by any 2026 code under it, and so is a gold code printed with its placeholder X's but
no 7th character (W19XXX, T814XX: the category the X's pad); nothing else is mapped (F32.9,
whose "depression NOS" moved to F32.A in FY2022, is not). PCS tables are those in force on
2024-10-01 (FY2025), as in ``pcs_eval.py``. Throughput is reports per second on one process,
after the one-off load of the vocabulary (reported separately).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

from chartcode.api import Chartcode
from chartcode.services.learn.drift import cm_label_rule
from chartcode.services.learn.metrics import average_precision
from chartcode.services.suggest import Policy, Suggester
from pcs_eval import CODIESP_DATE, PCS_FILES, Scores, _matches, prf

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SHARED = Path(os.environ.get("CHARTCODE_SHARED_DATA", REPO.parent / "shared" / "data"))
CODIESP = SHARED / "eval" / "codiesp-dev"
RESULTS = HERE / "results" / "codiesp.json"
SPLITS = ("dev", "train")
# The score cut for the second D figure, chosen on the CodiEsp *training* split (best F1 there).
CUT = 0.45
CM_FILES = ["icd10/cm/icd10cm-tabular-April-1-2026.xml.gz"]


def open_store(path: Path | None) -> tuple[Chartcode, Path | None]:
    """The given store, else $CHARTCODE_HOME's if it has the files, else one built now."""
    desk = Chartcode(path, on=CODIESP_DATE)
    if path is not None or (
        desk.store_path.exists()
        and desk.store.releases_of("icd10cm", "tabular")
        and desk.store.releases_of("icd10pcs", "tables")
    ):
        return desk, None
    desk.close()
    tmp = Path(tempfile.mkdtemp(prefix="codiesp-eval-"))
    files = [SHARED / f for f in CM_FILES + PCS_FILES]
    missing = [str(f) for f in files if not f.exists()]
    if missing:
        sys.exit(f"missing official files: {', '.join(missing)}")
    desk = Chartcode(tmp / "reference.sqlite", on=CODIESP_DATE)
    desk.import_files(files)
    return desk, tmp


def load_gold(path: Path) -> dict[str, set[str]]:
    gold: dict[str, set[str]] = defaultdict(set)
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            doc, code = line.split("\t")[:2]
            gold[doc].add(code.strip().upper().replace(".", ""))
    return gold


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--store", type=Path, help="reference store (default: $CHARTCODE_HOME's)")
    ap.add_argument(
        "--policy", default=Policy.CODE_EVERY_MENTION.value, choices=[p.value for p in Policy]
    )
    ap.add_argument("--top", type=int, default=15, help="how many missed / spurious codes")
    ap.add_argument("--limit", type=int, default=0, help="only the first N reports")
    ap.add_argument(
        "--split", default="dev", choices=SPLITS, help="dev (reported) or train (for tuning)"
    )
    args = ap.parse_args()
    split = CODIESP.parent / f"codiesp-{args.split}"
    if not (split / f"{args.split}D.tsv").exists():
        sys.exit(f"CodiEsp {args.split} split not found under {split}")
    desk, tmp = open_store(args.store)
    started = time.perf_counter()
    suggester = Suggester(desk.store, CODIESP_DATE)
    load_seconds = time.perf_counter() - started
    hit_d = cm_label_rule(suggester.tabular.billable)

    gold_d = load_gold(split / f"{args.split}D.tsv")
    gold_p = load_gold(split / f"{args.split}P.tsv")
    paths = sorted((split / "text_files_en").glob("*.txt"))
    if args.limit:
        paths = paths[: args.limit]
    texts = {p.stem: p.read_text(encoding="utf-8") for p in paths}
    started, cpu_started = time.perf_counter(), time.process_time()
    results = {doc: suggester.suggest(text, args.policy) for doc, text in texts.items()}
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_started

    aps: list[float] = []
    tp_pred = n_pred = tp_gold = n_gold = 0
    cut = [0, 0, 0, 0]  # the same counts over the codes scored at least CUT
    missed: Counter[str] = Counter()
    spurious: Counter[str] = Counter()
    pcs = Scores()
    missed_p: Counter[str] = Counter()
    spurious_p: Counter[str] = Counter()
    for doc, result in results.items():
        ranked = [c.code.replace(".", "") for c in result.of("icd10cm")]
        golds = gold_d.get(doc, set())
        if golds:
            aps.append(average_precision(ranked, golds, hit_d))
        for code in ranked:
            n_pred += 1
            if any(hit_d(code, g) for g in golds):
                tp_pred += 1
            else:
                spurious[code] += 1
        for g in golds:
            n_gold += 1
            if any(hit_d(code, g) for code in ranked):
                tp_gold += 1
            else:
                missed[g] += 1
        confident = [c.code.replace(".", "") for c in result.of("icd10cm") if c.score >= CUT]
        cut[0] += sum(any(hit_d(c, g) for g in golds) for c in confident)
        cut[1] += len(confident)
        cut[2] += sum(any(hit_d(c, g) for c in confident) for g in golds)
        cut[3] += len(golds)
        preds_p = {c.code for c in result.of("icd10pcs")}
        golds_p = gold_p.get(doc, set())
        pcs.add(golds_p, preds_p)
        missed_p.update(g for g in golds_p if not any(_matches(p, g) for p in preds_p))
        spurious_p.update(p for p in preds_p if not any(_matches(p, g) for g in golds_p))
    d_map = sum(aps) / len(aps) if aps else 0.0
    p_report = pcs.report()
    out = {
        "split": args.split,
        "reports": len(results),
        "policy": args.policy,
        "D": {"MAP": round(d_map, 3), **prf(tp_pred, n_pred, tp_gold, n_gold)},
        f"D_score_at_least_{CUT}": prf(*cut),
        "P": p_report["all"],
        "P_detail": {k: v for k, v in p_report.items() if k != "all"},
        "docs_per_second": round(len(results) / seconds, 1),
        # CPU time of this process: the machine is shared, and wall time counts the waits.
        "docs_per_cpu_second": round(len(results) / cpu_seconds, 1),
        "load_seconds": round(load_seconds, 2),
        "top_missed_D": [f"{c} x{n}" for c, n in missed.most_common(args.top)],
        "top_spurious_D": [f"{c} x{n}" for c, n in spurious.most_common(args.top)],
        "top_missed_P": [f"{c} x{n}" for c, n in missed_p.most_common(args.top)],
        "top_spurious_P": [f"{c} x{n}" for c, n in spurious_p.most_common(args.top)],
    }
    print(json.dumps(out, indent=2))
    if not args.limit and args.split == "dev":
        RESULTS.parent.mkdir(exist_ok=True)
        RESULTS.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    desk.close()
    if tmp is not None:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
