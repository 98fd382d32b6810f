"""Claim check throughput: claim lines per second on one core and on a local Dask cluster.

One command: ``.venv/bin/python benchmarks/claims.py`` (``--lines`` to change the size,
default 1,000,000). Everything is generated deterministically in a temporary directory:

* a reference store with the official PFS relative value file, add-on code edits and
  ICD-10-CM tabular from ../shared/data, plus NCCI PTP and MUE files written in CMS's layouts
  with synthetic rows (the real PTP/MUE files are not in ../shared/data): 200,000 PTP pairs
  among the codes of the RVU file and an MUE for each code, so the lookups are as large as a
  real quarter's practitioner files;
* a batch of claims (1-8 lines each) over those codes and billable ICD-10-CM codes, written as
  eight Parquet files of whole claims.

Then it times ``run_batch`` (read, check and write Parquet) in this process, and
``dask.dataframe.read_parquet(...).map_partitions(check_partition)`` written back to Parquet on a
``LocalCluster`` of 2 worker processes (one thread each), and prints a table with the ratio.
Reference facts load once per worker, which is part of the measured time.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("CHARTCODE_SHARED_DATA", REPO.parent / "shared" / "data"))
SEED = 20260504
DOS = ["2026-05-04", "2026-05-05", "2026-05-06", "2026-05-07"]
MODS = ["25", "59", "XS", "RT", "LT", "50", "26", "TC", "80", "76"]
NPIS = ["1245319599", "1234567893", ""]


def _ptp_file(path: Path, codes: list[str], n: int, rng: random.Random) -> None:
    head = (
        "CPT codes, descriptions and other data only are copyright 2025 American Medical "
        "Association.  All rights reserved.\t\t\t\t\t\t\n"
        "Column1/Column2 Edits\t\t\t\t\t\t\n"
        "Column 1\tColumn 2\t*=in existence\tEffective\tDeletion\tModifier\tPTP Edit Rationale\n"
        "\t\tprior to 1996\tDate\tDate\t0=not allowed\t\n"
        "\t\t\t\t*=no data\t1=allowed\t\n"
        "\t\t\t\t\t9=not applicable\t\n"
    )
    pairs: set[tuple[str, str]] = set()
    while len(pairs) < n:
        a, b = rng.sample(codes, 2)
        pairs.add((a, b))
    with path.open("w", encoding="cp1252", newline="\r\n") as fh:
        fh.write(head)
        for a, b in sorted(pairs):
            mi = rng.choice("0111119")
            fh.write(f"{a}\t{b}\t\t20150101\t*\t{mi}\tStandards of medical / surgical practice\n")


def _mue_file(path: Path, codes: list[str], rng: random.Random) -> None:
    with path.open("w", encoding="cp1252", newline="\r\n") as fh:
        fh.write('"CPT codes, descriptions and other data only are copyright 2025 American '
                 'Medical Association.  All rights reserved.",,,\n')  # fmt: skip
        fh.write('"HCPCS/\nCPT Code",Practitioner Services MUE Values,MUE Adjudication '
                 "Indicator,MUE Rationale\n")  # fmt: skip
        texts = {1: "1 Line Edit", 2: "2 Date of Service Edit: Policy",
                 3: "3 Date of Service Edit: Clinical"}  # fmt: skip
        for c in codes:
            mai = rng.choice((1, 2, 3, 3))
            fh.write(f"{c},{rng.choice((1, 2, 2, 3, 4, 6, 10))},{texts[mai]},Clinical: Data\n")


def build_store(work: Path) -> Path:
    from chartcode.api import Chartcode

    need = [
        SHARED / "medicare/pfs/PPRRVU2026_Apr_nonQPP.txt",
        SHARED / "medicare/ncci/AOC_V2026Q2-MCR.xlsx",
        SHARED / "icd10/cm/icd10cm-tabular-April-1-2026.xml.gz",
    ]
    missing = [p for p in need if not p.exists()]
    if missing:
        sys.exit(f"benchmark needs the official files in ../shared/data; missing: {missing}")
    store = work / "reference.sqlite"
    desk = Chartcode(store)
    desk.import_files(need)
    codes = desk.store.all_codes(desk.store.releases_of("pfs", "rvu")[-1].id)
    desk.close()
    rng = random.Random(SEED)
    ncci = work / "ncci"
    ncci.mkdir()
    _ptp_file(ncci / "ccipra-v321r0-f1.txt", codes, 200_000, rng)
    _mue_file(ncci / "MCR_MUE_PractitionerServices_Eff_04-01-2026.csv", codes, rng)
    Chartcode(store).import_files(sorted(ncci.iterdir()))
    return store


def generate(work: Path, store: Path, lines: int, files: int = 8) -> list[Path]:
    """Claims like a practice's: mostly active codes, few modifiers, plausible diagnoses.

    About one claim in four still carries something an edit catches (a rare code, a modifier
    that does not fit, a bundled pair, too many units, a diagnosis that does not fit the
    patient), so the checker's reporting path is part of the measurement.
    """
    from chartcode.services.claims.diagnosis_rules import age_rule, sex_rule
    from chartcode.services.claims.facts import book_for
    from chartcode.store.reference import ReferenceStore

    facts = book_for(store).on(DOS[0])
    assert facts.rvu is not None
    procs = sorted(c for c in facts.rvu if c[:1].isdigit())
    active = [c for c in procs if facts.rvu[c].status == "A"
              and facts.rvu[c].global_days in ("000", "010", "090", "XXX")]  # fmt: skip
    ref = ReferenceStore(store)
    cm_rel = ref.releases_of("icd10cm", "tabular")[-1].id
    dx_all = [c for c, _t, b in ref.codes_in_release(cm_rel, "", 200_000) if b]
    ref.close()
    rng = random.Random(SEED)
    common = rng.sample(active, 400)  # a practice bills a few hundred codes most of the time
    plain_dx = [c for c in dx_all if sex_rule(c) is None and age_rule(c) is None]
    dxs = rng.sample(plain_dx, 3000)
    cols: dict[str, list[str]] = {k: [] for k in (
        "claim_id", "claim_type", "patient_id", "patient_sex", "patient_dob", "diagnoses",
        "line", "date_of_service", "code", "modifiers", "units", "diagnosis_pointers",
        "place_of_service", "rendering_provider")}  # fmt: skip
    n = claim_no = 0
    while n < lines:
        claim_no += 1
        k = min(rng.randint(1, 8), lines - n)
        ndx = rng.randint(1, 4)
        dx = ";".join(rng.sample(dxs if rng.random() < 0.98 else dx_all, ndx))
        sex, dob = rng.choice("FM"), f"{rng.randint(1930, 2020)}-{rng.randint(1, 12):02d}-15"
        dos, npi = rng.choice(DOS), rng.choice(NPIS)
        for i in range(1, k + 1):
            cols["claim_id"].append(f"C{claim_no:08d}")
            cols["claim_type"].append("professional")
            cols["patient_id"].append(f"P{claim_no % 50_000:06d}")
            cols["patient_sex"].append(sex)
            cols["patient_dob"].append(dob)
            cols["diagnoses"].append(dx)
            cols["line"].append(str(i))
            cols["date_of_service"].append(dos)
            cols["code"].append(rng.choice(common) if rng.random() < 0.98 else rng.choice(procs))
            cols["modifiers"].append(rng.choice(MODS) if rng.random() < 0.1 else "")
            cols["units"].append("1" if rng.random() < 0.95 else str(rng.choice((2, 3))))
            cols["diagnosis_pointers"].append("ABCD"[: rng.randint(0, ndx)] or "A")
            cols["place_of_service"].append(rng.choice(("11", "22", "21")))
            cols["rendering_provider"].append(npi)
        n += k
    table = pa.table(cols)
    # Cut into files at claim boundaries so each file (a Dask partition) holds whole claims.
    ids = cols["claim_id"]
    out, start = [], 0
    for f in range(files):
        end = len(ids) if f == files - 1 else (len(ids) * (f + 1)) // files
        while 0 < end < len(ids) and ids[end] == ids[end - 1]:
            end += 1
        path = work / "claims" / f"part-{f:02d}.parquet"
        path.parent.mkdir(exist_ok=True)
        pq.write_table(table.slice(start, end - start), path)
        out.append(path)
        start = end
    return out


def one_core(store: Path, parts: list[Path], work: Path) -> tuple[int, float, dict[str, int]]:
    """Single process: stream each file through run_batch (read, check, write).

    The facts loaded while generating are dropped first, so this run pays for loading them
    just as each Dask worker does.
    """
    from chartcode.services.claims import facts
    from chartcode.services.claims.batch import run_batch

    facts._BOOKS.clear()
    started = time.perf_counter()
    lines = claims = flagged = edits = 0
    for i, p in enumerate(parts):
        s = run_batch(p, work / "out-1core" / f"edits-{i:02d}.parquet", store)
        lines += s.lines
        claims += s.claims
        flagged += s.claims_flagged
        edits += sum(s.edits.values())
    seconds = time.perf_counter() - started
    return lines, seconds, {"claims": claims, "flagged": flagged, "edits": edits}


def on_dask(store: Path, parts: list[Path], work: Path, workers: int) -> tuple[int, float]:
    import dask.dataframe as dd
    from distributed import Client, LocalCluster

    from chartcode.services.claims.batch import check_partition, result_meta

    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster):  # fmt: skip
        started = time.perf_counter()
        ddf = dd.read_parquet([str(p) for p in parts])
        edits = ddf.map_partitions(check_partition, store_path=str(store), meta=result_meta())
        edits.to_parquet(str(work / "out-dask"), write_index=False)
        seconds = time.perf_counter() - started
    lines = sum(pq.ParquetFile(p).metadata.num_rows for p in parts)
    return lines, seconds


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lines", type=int, default=1_000_000)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="chartcode-claims-bench-") as tmp:
        work = Path(tmp)
        t0 = time.perf_counter()
        store = build_store(work)
        t1 = time.perf_counter()
        parts = generate(work, store, args.lines)
        t2 = time.perf_counter()
        print(f"store built in {t1 - t0:.1f} s; {args.lines:,} claim lines generated in "
              f"{t2 - t1:.1f} s ({len(parts)} Parquet files)")  # fmt: skip
        n1, s1, stats = one_core(store, parts, work)
        n2, s2 = on_dask(store, parts, work, args.workers)
        r1, r2 = n1 / s1, n2 / s2
        print()
        print("| run | claim lines | seconds | lines/s |")
        print("|---|---:|---:|---:|")
        print(f"| one core (run_batch, Parquet in and out) | {n1:,} | {s1:.1f} | {r1:,.0f} |")
        print(f"| Dask LocalCluster, {args.workers} worker processes | {n2:,} | {s2:.1f} | "
              f"{r2:,.0f} |")  # fmt: skip
        print(f"| ratio Dask / one core | | | {r2 / r1:.2f}x |")
        print(f"\n{stats['claims']:,} claims; {stats['flagged']:,} with an error or warning; "
              f"{stats['edits']:,} edits. Machine: {os.cpu_count()} CPUs, load average "
              f"{os.getloadavg()[0]:.1f} at the end. Target >= 20,000 lines/s per core; both "
              "runs include loading the reference facts.")  # fmt: skip


if __name__ == "__main__":
    main()
