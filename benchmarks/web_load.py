"""Web load benchmark: code pages and search over HTTP on loopback, two uvicorn workers.

    make bench            # or: .venv/bin/python benchmarks/web_load.py [--quick] [--store PATH]

Starts ``chartcode serve --workers 2`` on a free loopback port with a throw-away user database,
then drives it from this process with a minimal keep-alive HTTP/1.1 client on asyncio (pure
Python, on the same cores as the server, so the client's own cost weighs on the figure). Four
phases, each reporting requests/s, p50 and p99 latency and the count of errors (any non-200
answer or failed request):

1. code pages, every code seen for the first time (each worker computes the page);
2. code pages, repeat views of the same codes (served from the per-release answer cache);
3. search pages, the first pass over clinical queries from ``benchmarks/data/cm_queries.tsv``;
4. the search API over the same queries again (answers a worker has seen come from its cache);

and, before them, the latency of a code page on one connection (200 codes not yet seen), which
is the page's own cost without queueing (DESIGN.md: median <= 20 ms).

The store is ``--store``, else ``$CHARTCODE_HOME/reference.sqlite`` if it holds releases, else a
fresh store built from the ICD-10 files in ../shared/data (or the embedded default). Results go
to ``benchmarks/results/web_load.json``. Target (DESIGN.md): >= 500 code pages/s, no errors.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results" / "web_load.json"
QUERIES = REPO / "benchmarks" / "data" / "cm_queries.tsv"
TARGET_PAGES_PER_SECOND = 500


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def pick_store(arg: str | None, work: Path) -> Path:
    from chartcode.api import Chartcode
    from chartcode.paths import default_store_path

    if arg:
        return Path(arg)
    default = default_store_path()
    if default.exists() and Chartcode(default).status():
        return default
    sys.path.insert(0, str(REPO / "benchmarks"))
    from lookup import ICD10_FILES, SHARED  # the same files the lookup benchmark imports

    desk = Chartcode(work / "reference.sqlite")
    files = [SHARED / f for f in ICD10_FILES if (SHARED / f).exists()]
    if files:
        print(f"building a store from {len(files)} files in {SHARED} ...", flush=True)
        desk.import_files(files)
    else:
        desk.ensure_default()
    return desk.store_path


def sample_codes(store: Path, n: int) -> list[str]:
    from chartcode.api import Chartcode
    from chartcode.codes import display_cm

    desk = Chartcode(store)
    rows = desk.store.conn.execute(
        "SELECT code FROM cm_node WHERE billable = 1 AND release_id ="
        " (SELECT max(id) FROM release WHERE system='icd10cm' AND kind='tabular')"
    ).fetchall()
    desk.close()
    return [display_cm(r[0]) for r in random.Random(42).sample(rows, min(n, len(rows)))]


def queries(n: int) -> list[str]:
    lines = QUERIES.read_text(encoding="utf-8").splitlines()[1:]
    found = list(dict.fromkeys(line.split("\t")[0] for line in lines if line.strip()))
    return random.Random(7).sample(found, min(n, len(found)))


def start_server(store: Path, work: Path, workers: int) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {**os.environ, "CHARTCODE_HOME": str(work), "CHARTCODE_STORE": str(store)}
    env.pop("CHARTCODE_DATABASE_URL", None)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "chartcode.cli.main",
            "serve",
            "--port",
            str(port),
            "--workers",
            str(workers),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    proc.kill()
    raise SystemExit("chartcode serve did not start within 60 s")


async def _get(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, host: bytes, path: str
) -> int:
    """One GET on a kept-alive connection; the status, after reading the whole body."""
    writer.write(b"GET " + path.encode() + b" HTTP/1.1\r\nHost: " + host + b"\r\n\r\n")
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = None
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    if length is None:
        raise ValueError("response without Content-Length")
    await reader.readexactly(length)
    return status


async def drive(base: str, paths: list[str], concurrency: int) -> dict[str, object]:
    """Requests ``paths`` with ``concurrency`` connections; latency per request, errors counted.

    The client is a few lines of HTTP/1.1 keep-alive on asyncio streams rather than httpx, so
    that on a shared 2-core machine the load generator takes less CPU than the server it
    measures (httpx's async client costs about as much per request as the server does).
    """
    latencies: list[float] = []
    errors = 0
    queue = list(reversed(paths))
    host, _, port = base.removeprefix("http://").partition(":")

    async def worker() -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection(host, int(port))
        while queue:
            path = queue.pop()
            t = time.perf_counter()
            try:
                ok = await _get(reader, writer, f"{host}:{port}".encode(), path) == 200
            except (OSError, ValueError, asyncio.IncompleteReadError):
                ok = False
                writer.close()
                reader, writer = await asyncio.open_connection(host, int(port))
            latencies.append(time.perf_counter() - t)
            errors += not ok
        writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "requests": len(paths),
        "errors": errors,
        "seconds": round(elapsed, 2),
        "requests_per_second": round(len(paths) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 2),
        "p99_ms": round(latencies[max(0, int(len(latencies) * 0.99) - 1)] * 1000, 2),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer requests")
    ap.add_argument("--store", help="reference store to serve")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--concurrency", type=int, default=32)
    args = ap.parse_args()
    n_codes = 300 if args.quick else 1500
    repeats = 2 if args.quick else 4
    work = Path(tempfile.mkdtemp(prefix="chartcode-webload-"))
    store = pick_store(args.store, work)
    sampled = sample_codes(store, n_codes + 200)
    codes, fresh = sampled[:n_codes], sampled[n_codes:]
    proc, base = start_server(store, work, args.workers)
    results: dict[str, object] = {
        "workers": args.workers,
        "concurrency": args.concurrency,
        "codes": len(codes),
        "store": str(store),
    }
    try:
        asyncio.run(drive(base, ["/", "/code/E11.40", "/search?q=diabetes"] * 10, 4))  # warm up
        # One connection: a code page's own latency (first view, nothing cached), no queueing.
        single = asyncio.run(drive(base, [f"/code/{c}" for c in fresh], 1))
        results["code_page_latency_one_connection"] = single
        pages = [f"/code/{c}" for c in codes]
        results["code_pages_first_view"] = asyncio.run(drive(base, pages, args.concurrency))
        repeat = pages * repeats
        random.Random(1).shuffle(repeat)
        results["code_pages_repeat_views"] = asyncio.run(drive(base, repeat, args.concurrency))
        search_paths = [
            "/search?" + str(httpx.QueryParams({"q": q})) for q in queries(n_codes // 3)
        ]
        results["search_pages_first_pass"] = asyncio.run(
            drive(base, search_paths, args.concurrency)
        )
        api = ["/api/search?" + str(httpx.QueryParams({"q": q})) for q in queries(n_codes // 3)]
        results["search_api_second_pass"] = asyncio.run(drive(base, api, args.concurrency))
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    for name in (
        "code_page_latency_one_connection",
        "code_pages_first_view",
        "code_pages_repeat_views",
        "search_pages_first_pass",
        "search_api_second_pass",
    ):
        r = results[name]
        assert isinstance(r, dict)
        print(
            f"{name:34} {r['requests_per_second']:8.1f} req/s   p50 {r['p50_ms']:7.2f} ms   "
            f"p99 {r['p99_ms']:8.2f} ms   errors {r['errors']}/{r['requests']}"
        )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    pages_rate = max(
        results["code_pages_first_view"]["requests_per_second"],  # type: ignore[index]
        results["code_pages_repeat_views"]["requests_per_second"],  # type: ignore[index]
    )
    errors = sum(
        results[n]["errors"]
        for n in (
            "code_pages_first_view",  # type: ignore[index]
            "code_pages_repeat_views",
            "search_pages_first_pass",
            "search_api_second_pass",
        )
    )
    print(
        f"target >= {TARGET_PAGES_PER_SECOND} code pages/s with no errors: "
        f"{'met' if pages_rate >= TARGET_PAGES_PER_SECOND and not errors else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
