"""Batch claim check: a pure function over a dataframe partition, and a streaming file runner.

Why this shape: ``check_partition(df)`` takes claim lines in the flat table form (one row per
line, the columns of ``model.TABLE_COLUMNS``) and returns one row per edit, with nothing but
its arguments and the read-only store as input. So the same function runs under
``dask.dataframe.map_partitions``, Spark ``mapInPandas`` (``check_arrow_batches``) or a plain
loop. The one requirement: all rows of a claim are in the same partition (sort or shuffle by
``claim_id`` first). Reference facts are loaded once per worker process (``facts.book_for``).

``run_batch`` streams a CSV, Parquet or JSONL file in chunks, carrying a claim whose rows run
across a chunk boundary into the next chunk, and streams the edits to Parquet, CSV or JSONL.
Malformed rows become ``INPUT`` rows of the output (severity error) with the field and file
row, so a million-line batch is not stopped by one bad row, and nothing is dropped.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from chartcode.errors import ClaimInputError
from chartcode.services.claims.check import ClaimChecker
from chartcode.services.claims.claim_input import json_error_message, jsonl_lines
from chartcode.services.claims.fast_rows import RowReader
from chartcode.services.claims.model import (
    TABLE_COLUMNS,
    Claim,
    FieldProblem,
    claim_from_dict,
    claim_from_rows,
)
from chartcode.services.claims.result import ERROR, WARNING, ClaimResult

RESULT_SCHEMA = pa.schema(
    [
        ("claim_id", pa.string()),
        ("line", pa.int32()),  # 0: the claim as a whole
        ("edit_id", pa.string()),
        ("severity", pa.string()),
        ("codes", pa.string()),  # comma-separated
        ("message", pa.string()),
        ("fix", pa.string()),
        ("source_file", pa.string()),
        ("source_release", pa.string()),
        ("source_row", pa.string()),
        ("source_rule", pa.string()),
    ]
)
RESULT_COLUMNS = tuple(RESULT_SCHEMA.names)
INPUT_EDIT = "INPUT"
ROW_COLUMN = "_row"  # optional: the file row each claim line came from

History = dict[str, list[Claim]]  # patient_id -> prior claims
_READERS = threading.local()  # a RowReader per thread: its memory of cells serves every partition


def _reader() -> RowReader:
    reader: RowReader | None = getattr(_READERS, "reader", None)
    if reader is None:
        reader = _READERS.reader = RowReader()
    return reader


def result_meta() -> pd.DataFrame:
    """An empty result frame with the output dtypes (Dask's ``meta``)."""
    return RESULT_SCHEMA.empty_table().to_pandas()


@dataclass(slots=True)
class _Out:
    cols: dict[str, list[Any]] = field(default_factory=lambda: {c: [] for c in RESULT_COLUMNS})
    warnings: set[str] = field(default_factory=set)
    not_checked: set[str] = field(default_factory=set)
    claims: int = 0
    lines: int = 0
    flagged: set[str] = field(default_factory=set)  # claims with an error or warning

    def add_result(self, r: ClaimResult) -> None:
        c = self.cols
        cid = r.claim.claim_id
        for e in r.edits:
            c["claim_id"].append(cid)
            c["line"].append(e.line or 0)
            c["edit_id"].append(e.id)
            c["severity"].append(e.severity)
            c["codes"].append(",".join(e.codes))
            c["message"].append(e.message)
            c["fix"].append(e.fix)
            c["source_file"].append(e.source.file)
            c["source_release"].append(e.source.release)
            c["source_row"].append(None if e.source.row is None else str(e.source.row))
            c["source_rule"].append(e.source.rule)
            if e.severity in (ERROR, WARNING):
                self.flagged.add(cid)
        self.warnings.update(r.warnings)
        self.not_checked.update(r.not_checked)

    def add_problems(self, claim_id: str, problems: Sequence[FieldProblem]) -> None:
        c = self.cols
        for p in problems:
            c["claim_id"].append(claim_id)
            c["line"].append(p.line or 0)
            c["edit_id"].append(INPUT_EDIT)
            c["severity"].append(ERROR)
            c["codes"].append(p.field)
            where = f"row {p.row}: " if p.row is not None else ""
            c["message"].append(f"{where}{p.field} {p.value!r}: {p.message}")
            c["fix"].append("Correct the field in the input and check the claim again.")
            c["source_file"].append("")
            c["source_release"].append("")
            c["source_row"].append(None if p.row is None else str(p.row))
            c["source_rule"].append("chartcode claim input format (README)")
        self.flagged.add(claim_id)

    def frame(self) -> pd.DataFrame:
        return pa.Table.from_pydict(self.cols, schema=RESULT_SCHEMA).to_pandas()

    def table(self) -> pa.Table:
        return pa.Table.from_pydict(self.cols, schema=RESULT_SCHEMA)


def _history_for(claim: Claim, history: History | None) -> list[Claim]:
    if not history or not claim.patient_id:
        return []
    return history.get(claim.patient_id, [])


def _cells(column: pd.Series) -> list[Any]:
    """A column's cells as Python values, with every kind of missing (NaN, NA, NaT) as None."""
    values = column.tolist()
    missing = column.isna()
    if missing.any():
        values = [None if m else v for v, m in zip(values, missing.tolist(), strict=True)]
    return values


def _check_frame(
    df: pd.DataFrame, checker: ClaimChecker, history: History | None, out: _Out
) -> None:
    n = len(df)
    if n == 0:
        return
    names = [c for c in df.columns if c in TABLE_COLUMNS]
    cols = {c: _cells(df[c]) for c in names}
    rows_no = df[ROW_COLUMN].tolist() if ROW_COLUMN in df.columns else list(range(1, n + 1))
    ids = cols.get("claim_id") or [None] * n
    groups: dict[Any, list[int]] = {}
    for i, cid in enumerate(ids):
        groups.setdefault(cid if cid not in (None, "") else f"\0{i}", []).append(i)
    out.lines += n
    reader = _reader()
    parsed = reader.parse({**cols, ROW_COLUMN: rows_no}, n) if "claim_id" in cols else None
    for key, idx in groups.items():
        out.claims += 1
        claim = reader.claim(parsed, idx) if parsed is not None else None
        problems: list[FieldProblem] = []
        if claim is None:  # the careful reader, which names every problem
            rows = [{c: cols[c][i] for c in names} for i in idx]
            claim, problems = claim_from_rows(rows, [rows_no[i] for i in idx])
        if claim is None:
            out.add_problems("" if str(key).startswith("\0") else str(key), problems)
            continue
        out.add_result(checker.check(claim, _history_for(claim, history)))


def check_partition(
    df: pd.DataFrame,
    store_path: str | os.PathLike[str] | None = None,
    history: History | None = None,
) -> pd.DataFrame:
    """Edits for every claim in ``df`` (flat table form), one row per edit.

    ``store_path`` defaults to the store of ``$CHARTCODE_HOME``. Clean claims add no rows.
    """
    checker = ClaimChecker(store_path or _default_store())
    out = _Out()
    _check_frame(df, checker, history, out)
    return out.frame()


def check_arrow_batches(
    batches: Iterable[pd.DataFrame],
    store_path: str | os.PathLike[str] | None = None,
) -> Iterator[pd.DataFrame]:
    """For Spark ``mapInPandas``: the batches of one partition in, edit frames out.

    A claim whose rows straddle two batches is carried into the next batch.
    """
    checker = ClaimChecker(store_path or _default_store())
    for frame in _whole_claims(iter(batches)):
        out = _Out()
        _check_frame(frame, checker, None, out)
        yield out.frame()


def _default_store() -> Path:
    from chartcode.paths import default_store_path

    return default_store_path()


def _whole_claims(frames: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
    """Re-cut a stream of frames so no claim is split between two of them."""
    carry: pd.DataFrame | None = None
    for df in frames:
        if carry is not None and len(carry):
            df = pd.concat([carry, df], ignore_index=True)
        if not len(df):
            continue
        ids = df["claim_id"].astype(str).to_numpy() if "claim_id" in df.columns else None
        if ids is None:
            carry = None
            yield df
            continue
        different = (ids != ids[-1]).nonzero()[0]
        cut = int(different[-1]) + 1 if len(different) else 0
        carry = df.iloc[cut:]
        if cut:
            yield df.iloc[:cut]
    if carry is not None and len(carry):
        yield carry


# -- files ---------------------------------------------------------------------------------

Progress = Callable[[int, int], None]  # (rows done, rows in the file)


@dataclass(slots=True)
class BatchSummary:
    source: str
    out: str | None
    claims: int = 0
    lines: int = 0
    claims_flagged: int = 0
    input_errors: int = 0
    edits: Counter[str] = field(default_factory=Counter)
    severities: Counter[str] = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)
    not_checked: list[str] = field(default_factory=list)
    seconds: float = 0.0
    first_input_errors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def lines_per_second(self) -> float:
        return self.lines / self.seconds if self.seconds else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "out": self.out,
            "claims": self.claims,
            "lines": self.lines,
            "claims_clean": self.claims - self.claims_flagged,
            "claims_flagged": self.claims_flagged,
            "input_errors": self.input_errors,
            "edits": dict(sorted(self.edits.items())),
            "severities": dict(sorted(self.severities.items())),
            "warnings": self.warnings,
            "not_checked": self.not_checked,
            "seconds": round(self.seconds, 3),
            "lines_per_second": round(self.lines_per_second),
            "first_input_errors": self.first_input_errors,
        }


def _count_lines(path: Path) -> int:
    n = 0
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 22):
            n += chunk.count(b"\n")
    return n


def _csv_frames(path: Path, chunk_rows: int) -> Iterator[pd.DataFrame]:
    import csv

    with path.open(newline="", encoding="utf-8-sig") as fh:
        header = next(csv.reader(fh), None)
    if not header or "code" not in [h.strip() for h in header]:
        raise ClaimInputError(
            [{"row": 1, "claim_id": None, "line": None, "field": "header", "value": "",
              "message": "the first row must name the columns (claim_id, code, "
              "date_of_service, ...; see the README)"}], str(path))  # fmt: skip
    missing = {"claim_id"} - {h.strip() for h in header}
    if missing:
        raise ClaimInputError(
            [
                {
                    "row": 1,
                    "claim_id": None,
                    "line": None,
                    "field": "header",
                    "value": "",
                    "message": "a batch needs a claim_id column to tell claims apart",
                }
            ],
            str(path),
        )
    reader = pacsv.open_csv(
        path,
        read_options=pacsv.ReadOptions(block_size=1 << 22),
        convert_options=pacsv.ConvertOptions(
            column_types={h: pa.string() for h in header}, strings_can_be_null=False
        ),
    )
    row = 2
    for batch in reader:
        df = batch.to_pandas()
        df.columns = [str(c).strip() for c in df.columns]
        df[ROW_COLUMN] = range(row, row + len(df))
        row += len(df)
        yield df
    del chunk_rows  # pyarrow sizes CSV batches by bytes


def _parquet_frames(path: Path, chunk_rows: int) -> Iterator[pd.DataFrame]:
    pf = pq.ParquetFile(path)
    if "claim_id" not in pf.schema_arrow.names or "code" not in pf.schema_arrow.names:
        raise ClaimInputError(
            [{"row": None, "claim_id": None, "line": None, "field": "schema", "value": "",
              "message": "a claim batch needs claim_id and code columns (see the README)"}],
            str(path))  # fmt: skip
    row = 1
    for batch in pf.iter_batches(batch_size=chunk_rows):
        df = batch.to_pandas()
        df[ROW_COLUMN] = range(row, row + len(df))
        row += len(df)
        yield df


def _writer(out: Path) -> Callable[[pa.Table | None], None]:
    suffix = out.suffix.lower()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".partial")
    state: dict[str, Any] = {}

    def write(table: pa.Table | None) -> None:
        if table is None:  # close, then move into place
            w = state.get("w")
            if suffix == ".parquet":
                if w is None:
                    w = pq.ParquetWriter(tmp, RESULT_SCHEMA)
                w.close()
            elif suffix == ".csv":
                if w is None:
                    w = pacsv.CSVWriter(str(tmp), RESULT_SCHEMA)
                w.close()
            else:
                if w is None:
                    w = tmp.open("w", encoding="utf-8")
                w.close()
            os.replace(tmp, out)
            return
        if "w" not in state:  # opened on first use: an empty batch still gets a file
            if suffix == ".parquet":
                state["w"] = pq.ParquetWriter(tmp, RESULT_SCHEMA)
            elif suffix == ".csv":
                state["w"] = pacsv.CSVWriter(str(tmp), RESULT_SCHEMA)
            else:
                state["w"] = tmp.open("w", encoding="utf-8")
        w = state["w"]
        if suffix in (".parquet", ".csv"):
            w.write_table(table)
        else:
            for rec in table.to_pylist():
                w.write(json.dumps(rec) + "\n")

    return write


OUTPUT_SUFFIXES = (".parquet", ".csv", ".jsonl")
INPUT_SUFFIXES = (".csv", ".parquet", ".jsonl", ".ndjson")


def run_batch(
    source: Path,
    out: Path | None,
    store_path: str | os.PathLike[str],
    *,
    history: History | None = None,
    progress: Progress | None = None,
    chunk_rows: int = 50_000,
) -> BatchSummary:
    """Check every claim of a file, streaming; edits go to ``out`` (by its suffix)."""
    suffix = source.suffix.lower()
    if suffix not in INPUT_SUFFIXES:
        raise ClaimInputError(
            [{"row": None, "claim_id": None, "line": None, "field": "file", "value": str(source),
              "message": f"use one of {', '.join(INPUT_SUFFIXES)}"}], str(source))  # fmt: skip
    if out is not None and out.suffix.lower() not in OUTPUT_SUFFIXES:
        raise ClaimInputError(
            [
                {
                    "row": None,
                    "claim_id": None,
                    "line": None,
                    "field": "out",
                    "value": str(out),
                    "message": f"write results to one of {', '.join(OUTPUT_SUFFIXES)}",
                }
            ],
            str(out),
        )
    if not source.exists():
        raise ClaimInputError(
            [{"row": None, "claim_id": None, "line": None, "field": "file", "value": str(source),
              "message": "no such file"}], str(source))  # fmt: skip
    checker = ClaimChecker(store_path)
    summary = BatchSummary(str(source), str(out) if out else None)
    write = _writer(out) if out is not None else None
    started = time.perf_counter()
    warnings: set[str] = set()
    not_checked: set[str] = set()
    flagged = 0
    if suffix == ".parquet":
        total = pq.ParquetFile(source).metadata.num_rows
    else:
        total = max(_count_lines(source) - (1 if suffix == ".csv" else 0), 0)
    done = 0
    try:
        for part in _parts(source, suffix, chunk_rows, checker, history):
            table = part.table()
            if write is not None:
                write(table)
            summary.claims += part.claims
            summary.lines += part.lines
            flagged += len(part.flagged)
            for eid, sev in zip(part.cols["edit_id"], part.cols["severity"], strict=True):
                summary.edits[eid] += 1
                summary.severities[sev] += 1
            if part.cols["edit_id"].count(INPUT_EDIT):
                for i, eid in enumerate(part.cols["edit_id"]):
                    if eid != INPUT_EDIT:
                        continue
                    summary.input_errors += 1
                    if len(summary.first_input_errors) < 20:
                        summary.first_input_errors.append(
                            {"claim_id": part.cols["claim_id"][i],
                             "line": part.cols["line"][i] or None,
                             "message": part.cols["message"][i]}
                        )  # fmt: skip
            warnings |= part.warnings
            not_checked |= part.not_checked
            done += part.rows_read
            if progress:
                progress(done, total)
    except BaseException:
        if out is not None:
            out.with_name(out.name + ".partial").unlink(missing_ok=True)
        raise
    if write is not None:
        write(None)
    summary.claims_flagged = flagged
    summary.warnings = sorted(warnings)
    summary.not_checked = sorted(not_checked)
    summary.seconds = time.perf_counter() - started
    return summary


@dataclass(slots=True)
class _Part(_Out):
    rows_read: int = 0


def _parts(
    source: Path, suffix: str, chunk_rows: int, checker: ClaimChecker, history: History | None
) -> Iterator[_Part]:
    if suffix in (".jsonl", ".ndjson"):
        yield from _jsonl_parts(source, chunk_rows, checker, history)
        return
    frames = (
        _parquet_frames(source, chunk_rows)
        if suffix == ".parquet"
        else _csv_frames(source, chunk_rows)
    )
    seen: set[str] = set()
    for df in _whole_claims(frames):
        part = _Part(rows_read=len(df))
        ids = df["claim_id"].astype(str)
        unique = set(ids.unique())
        again = unique & seen
        if again:  # a claim's rows are not together: refuse those rows, name them
            mask = ids.isin(again)
            for cid in sorted(again):
                first = int(df.loc[ids == cid, ROW_COLUMN].iloc[0])
                part.add_problems(cid, [FieldProblem(
                    "claim_id", cid, "rows of this claim are not together in the file; sort "
                    "the file by claim_id", row=first, claim_id=cid)])  # fmt: skip
                part.claims += 1
            df = df[~mask]
        seen |= unique
        _check_frame(df, checker, history, part)
        yield part


def _jsonl_parts(
    source: Path, chunk_rows: int, checker: ClaimChecker, history: History | None
) -> Iterator[_Part]:
    part = _Part()
    with source.open(encoding="utf-8-sig") as fh:
        for number, obj in _tolerant_jsonl(fh, str(source)):
            part.rows_read += 1
            if isinstance(obj, FieldProblem):
                part.claims += 1
                part.add_problems(f"row-{number}", [obj])
                continue
            claim, problems = claim_from_dict(obj, row=number, fallback_id=f"row-{number}")
            part.claims += 1
            if claim is None:
                part.add_problems(
                    str(obj.get("claim_id") or f"row-{number}") if isinstance(obj, dict)
                    else f"row-{number}", problems)  # fmt: skip
                continue
            part.lines += len(claim.lines)
            part.add_result(checker.check(claim, _history_for(claim, history)))
            if part.lines >= chunk_rows:
                yield part
                part = _Part()
    yield part


def _tolerant_jsonl(lines: Iterable[str], source: str) -> Iterator[tuple[int, Any]]:
    """Decoded objects by file line; a line that is not JSON becomes a problem, not a stop."""
    del source
    for number, obj, exc in jsonl_lines(lines):
        if exc is None:
            yield number, obj
        else:
            yield number, FieldProblem("json", "", json_error_message(exc), row=number)


def check_results_batch(
    claims: Iterable[Claim], store_path: str | os.PathLike[str], history: History | None = None
) -> list[ClaimResult]:
    """Check claims already in memory (the API's list form)."""
    checker = ClaimChecker(store_path)
    return [checker.check(c, _history_for(c, history)) for c in claims]
