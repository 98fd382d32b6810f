"""Batch checks: the partition function, streaming files, and the Dask multi-process path."""

from __future__ import annotations

import json

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from chartcode.services.claims.batch import (
    RESULT_COLUMNS,
    check_arrow_batches,
    check_partition,
    result_meta,
    run_batch,
)
from chartcode.services.claims.model import claim_to_rows
from tests.services.claims.conftest import OTHER_NPI, check, claim, line


def _claims():
    return [
        claim(line("29881", "RT"), line("29877", "RT"), claim_id="B1"),  # PTP-NEVER
        claim(line("64450", units=11), claim_id="B2"),  # MUE-DOS-CLINICAL
        claim(line("99213"), claim_id="B3"),  # clean on the NCCI-only store
        claim(
            line("20610", units=2),
            line("20610", units=1, npi=OTHER_NPI),
            line("96372", units=5),
            claim_id="B4",
        ),  # fmt: skip
    ]


def _frame(claims) -> pd.DataFrame:
    return pd.DataFrame([r for c in claims for r in claim_to_rows(c)])


def _expected(store, claims) -> set[tuple]:
    return {(c.claim_id, e.line or 0, e.id, ",".join(e.codes))
            for c in claims for e in check(store, c).edits}  # fmt: skip


def _got(df: pd.DataFrame) -> set[tuple]:
    return set(zip(df.claim_id, df.line, df.edit_id, df.codes, strict=True))


def test_partition_gives_the_same_edits_as_one_claim_at_a_time(ncci_store):
    claims = _claims()
    out = check_partition(_frame(claims), store_path=ncci_store)
    assert tuple(out.columns) == RESULT_COLUMNS
    assert _got(out) == _expected(ncci_store, claims)
    assert {"PTP-NEVER", "MUE-DOS-CLINICAL", "MUE-LINE"} <= set(out.edit_id)
    assert "B3" not in set(out.claim_id)
    assert list(result_meta().columns) == list(RESULT_COLUMNS)


def test_partition_with_rows_of_a_claim_apart_still_groups_them(ncci_store):
    df = _frame(_claims()).sample(frac=1.0, random_state=3)
    assert _got(check_partition(df, store_path=ncci_store)) == _expected(ncci_store, _claims())


def test_partition_reports_malformed_rows(ncci_store):
    df = _frame(_claims())
    df.loc[0, "units"] = "two"
    out = check_partition(df, store_path=ncci_store)
    bad = out[out.edit_id == "INPUT"]
    assert list(bad.claim_id) == ["B1"] and "units" in bad.iloc[0].message
    assert "B2" in set(out.claim_id)  # the other claims are still checked


def test_spark_style_batches_carry_claims_across_batches(ncci_store):
    df = _frame(_claims())
    pieces = [df.iloc[i : i + 2] for i in range(0, len(df), 2)]
    out = pd.concat(list(check_arrow_batches(pieces, store_path=ncci_store)))
    assert _got(out) == _expected(ncci_store, _claims())


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".jsonl"])
def test_run_batch_streams_files(ncci_store, tmp_path, suffix):
    claims = _claims() * 1
    df = _frame(claims)
    src = tmp_path / f"claims{suffix}"
    if suffix == ".csv":
        df.to_csv(src, index=False)
    elif suffix == ".parquet":
        pq.write_table(pa.Table.from_pandas(df), src)
    else:
        src.write_text("".join(json.dumps(c.to_dict()) + "\n" for c in claims))
    out = tmp_path / "edits.parquet"
    seen = []
    s = run_batch(src, out, ncci_store, chunk_rows=2, progress=lambda d, t: seen.append((d, t)))
    got = pq.read_table(out).to_pandas()
    assert _got(got) == _expected(ncci_store, claims)
    assert s.claims == 4 and s.lines == 7 and s.claims_flagged == 3 and s.input_errors == 0
    assert seen and seen[-1][0] == seen[-1][1]


def test_run_batch_refuses_a_claim_whose_rows_are_apart(ncci_store, tmp_path):
    df = _frame(_claims())
    df = pd.concat([df, df.iloc[[0]]], ignore_index=True)  # B1 again at the end
    src = tmp_path / "claims.csv"
    df.to_csv(src, index=False)
    s = run_batch(src, tmp_path / "edits.csv", ncci_store, chunk_rows=2)
    assert s.input_errors == 1 and "not together" in s.first_input_errors[0]["message"]
    assert (tmp_path / "edits.csv").exists()


def test_run_batch_keeps_going_past_bad_jsonl_lines(ncci_store, tmp_path):
    src = tmp_path / "claims.jsonl"
    src.write_text(json.dumps(_claims()[0].to_dict()) + "\n{oops\n")
    s = run_batch(src, tmp_path / "edits.jsonl", ncci_store)
    assert s.claims == 2 and s.input_errors == 1
    rows = [json.loads(x) for x in (tmp_path / "edits.jsonl").read_text().splitlines()]
    assert {r["edit_id"] for r in rows} == {"PTP-NEVER", "INPUT"}


def test_dask_map_partitions_on_a_local_multi_process_cluster(ncci_store):
    dd = pytest.importorskip("dask.dataframe")
    distributed = pytest.importorskip("distributed")
    claims = [claim(line("29881"), line("29877"), claim_id=f"D{i}") for i in range(40)]
    claims += [claim(line("64450", units=12), claim_id=f"E{i}") for i in range(40)]
    df = _frame(claims)
    # Two partitions, each holding whole claims.
    ddf = dd.from_pandas(df, npartitions=2, sort=False)
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                                  dashboard_address=None) as cluster,  \
            distributed.Client(cluster) as client:  # fmt: skip
        result = ddf.map_partitions(check_partition, store_path=str(ncci_store),
                                    meta=result_meta()).compute()  # fmt: skip
        workers = client.run(lambda: __import__("os").getpid())
    assert len(set(workers.values())) == 2
    assert _got(result) == _expected(ncci_store, claims)


def test_fast_reader_agrees_with_the_careful_reader():
    from chartcode.services.claims.fast_rows import RowReader
    from chartcode.services.claims.model import claim_from_rows

    rows = [r for c in _claims() for r in claim_to_rows(c)]
    rows[0]["modifiers"] = "rt;xs"  # normalised the same way by both
    rows[1]["units"] = "2.0"
    rows[2]["diagnosis_pointers"] = "1"
    df = pd.DataFrame(rows)
    cols = {c: df[c].tolist() for c in df.columns}
    reader = RowReader()
    parsed = reader.parse({**cols, "_row": list(range(2, len(df) + 2))}, len(df))
    groups: dict[str, list[int]] = {}
    for i, cid in enumerate(cols["claim_id"]):
        groups.setdefault(cid, []).append(i)
    for idx in groups.values():
        fast = reader.claim(parsed, idx)
        careful, problems = claim_from_rows([rows[i] for i in idx], [i + 2 for i in idx])
        assert fast == careful and not problems
    # Anything the careful reader would refuse is left to it.
    bad = [dict(r) for r in rows[:2]]
    bad[1]["units"] = "0"
    bcols = {c: [r[c] for r in bad] for c in bad[0]}
    assert reader.claim(reader.parse(bcols, 2), [0, 1]) is None


def test_missing_cells_of_every_kind_are_blank(ncci_store):
    df = _frame(_claims()).astype("string[pyarrow]")
    df.loc[0, "date_to"] = pd.NA
    df.loc[1, "modifiers"] = None
    df["units"] = df["units"].astype("float64")
    df.loc[2, "units"] = float("nan")
    out = check_partition(df, store_path=ncci_store)
    assert "INPUT" not in set(out.edit_id)
