"""Plain-language explanations: reading level on a random sample, and coverage of the store.

    .venv/bin/python benchmarks/explain_readability.py            # 600-code sample
    .venv/bin/python benchmarks/explain_readability.py --all      # every code in force

The reading level is the Flesch-Kincaid grade (textstat) of each explanation's text. The
sample is drawn with a fixed seed from the codes in force on the date: ICD-10-CM, ICD-10-PCS,
and CPT/HCPCS from the RVU file, in proportion to a fixed mix so no system dominates.
Coverage counts the codes whose page has an explanation of at least two clauses, each traced.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections import defaultdict
from datetime import date

import textstat

from chartcode.api import Chartcode
from chartcode.services.code_page import CodePages
from chartcode.services.releases import in_force

MIX = {"icd10cm": 250, "icd10pcs": 200, "pfs": 150}
RELEASE_KIND = {"icd10cm": "tabular", "icd10pcs": "tables", "pfs": "rvu"}


def codes_in_force(desk: Chartcode, on: date) -> dict[str, list[str]]:
    out = {}
    for system, kind in RELEASE_KIND.items():
        chosen = in_force(desk.store, system, kind, on)
        if chosen is not None:
            out[system] = desk.store.all_codes(chosen.release.id)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", help="reference store (default: $CHARTCODE_HOME)")
    ap.add_argument("--date", default="2026-05-01")
    ap.add_argument("--all", action="store_true", help="explain every code in force")
    ap.add_argument("--seed", type=int, default=20261126)
    args = ap.parse_args()
    desk = Chartcode(args.store, on=args.date)
    on = desk.on
    pages = CodePages(desk.store)
    codes = codes_in_force(desk, on)
    if args.all:
        chosen = {s: c for s, c in codes.items()}
    else:
        rng = random.Random(args.seed)
        chosen = {s: rng.sample(c, min(MIX[s], len(c))) for s, c in codes.items()}
    grades: dict[str, list[float]] = defaultdict(list)
    missing: dict[str, list[str]] = defaultdict(list)
    started = time.perf_counter()
    n = 0
    for system, items in chosen.items():
        for code in items:
            page = pages.page(code, on, None if system == "pfs" else system)
            e = page.explanation
            n += 1
            if len(e.clauses) < 2 or any(not c.traces for c in e.clauses):
                missing[system].append(code)
                continue
            if not args.all:
                grades[system].append(textstat.flesch_kincaid_grade(e.text))
    elapsed = time.perf_counter() - started
    print(f"explained {n} codes in {elapsed:.1f} s ({elapsed / max(n, 1) * 1000:.2f} ms a page)")
    for system, items in chosen.items():
        bad = missing.get(system, [])
        print(f"{system}: {len(items) - len(bad)}/{len(items)} with an explanation", end="")
        print(f"; missing e.g. {bad[:5]}" if bad else "")
    if grades:
        every = [g for gs in grades.values() for g in gs]
        print("\n| system | sample | median FK grade | p90 |")
        print("|---|---|---|---|")
        for system, gs in grades.items():
            p90 = statistics.quantiles(gs, n=10)[-1]
            print(f"| {system} | {len(gs)} | {statistics.median(gs):.1f} | {p90:.1f} |")
        p90 = statistics.quantiles(every, n=10)[-1]
        print(f"| all | {len(every)} | {statistics.median(every):.1f} | {p90:.1f} |")
    return 1 if any(missing.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
