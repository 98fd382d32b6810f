"""Loading the Medicare layer's records (HCPCS, CPT, PFS, NCCI) into schema 2 tables.

Each loader keeps the columns services query on and the whole record as JSON ``detail``;
notices printed in a file (AMA/ADA copyright) go to ``release_notice`` with the release.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal
from typing import Any


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)  # text keeps the published precision ("33.4009")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


def detail_json(record: Any) -> str:
    """A parsed record as JSON, every field kept (Decimals and dates as text)."""
    fields = {f.name: _plain(getattr(record, f.name)) for f in dataclasses.fields(record)}
    return json.dumps(fields, separators=(",", ":"))


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _notices(conn: sqlite3.Connection, rid: int, records: Iterable[Any]) -> list[Any]:
    """Store notice records and return the others (parsers yield notices first)."""
    rest = []
    seq = 0
    for r in records:
        if type(r).__name__.endswith("Notice"):
            seq += 1
            conn.execute("INSERT INTO release_notice VALUES (?,?,?)", (rid, seq, r.text))
        else:
            rest.append(r)
    return rest


def load_hcpcs(conn: sqlite3.Connection, rid: int, records: list[Any]) -> int:
    rows = []
    for r in _notices(conn, rid, records):
        kind = "modifier" if type(r).__name__ == "HcpcsModifier" else "code"
        rows.append(
            (rid, r.code, kind, r.long_description, r.short_description, r.action_code,
             _iso(r.termination_date), r.line, detail_json(r))
        )  # fmt: skip
    conn.executemany("INSERT INTO hcpcs_item VALUES (?,?,?,?,?,?,?,?,?)", rows)
    return len(rows)


def load_cpt(conn: sqlite3.Connection, rid: int, records: list[Any]) -> int:
    rows = [(rid, r.code, r.descriptor, r.line) for r in _notices(conn, rid, records)]
    conn.executemany("INSERT INTO cpt_descriptor VALUES (?,?,?,?)", rows)
    return len(rows)


def load_rvu(conn: sqlite3.Connection, rid: int, records: list[Any]) -> int:
    rows = [
        (rid, r.hcpcs, r.modifier or "", r.status, r.description, r.global_days, r.line,
         detail_json(r))
        for r in _notices(conn, rid, records)
    ]  # fmt: skip
    conn.executemany("INSERT INTO pfs_rvu VALUES (?,?,?,?,?,?,?,?)", rows)
    return len(rows)


def load_gpci(conn: sqlite3.Connection, rid: int, records: list[Any]) -> int:
    rows = [
        (rid, r.mac, r.locality, r.state, r.locality_name, r.line, detail_json(r))
        for r in _notices(conn, rid, records)
    ]
    conn.executemany("INSERT INTO pfs_gpci VALUES (?,?,?,?,?,?,?)", rows)
    return len(rows)


def load_locality(conn: sqlite3.Connection, rid: int, records: list[Any]) -> int:
    rows = [
        (rid, r.mac, r.locality, r.state, r.fee_schedule_area, r.line, detail_json(r))
        for r in _notices(conn, rid, records)
    ]
    conn.executemany("INSERT INTO pfs_locality VALUES (?,?,?,?,?,?,?)", rows)
    return len(rows)


def load_zip(conn: sqlite3.Connection, rid: int, records: list[Any]) -> int:
    rows = [
        (rid, r.zip5, r.state, r.carrier, r.locality, r.line, detail_json(r))
        for r in _notices(conn, rid, records)
    ]
    conn.executemany("INSERT INTO pfs_zip VALUES (?,?,?,?,?,?,?)", rows)
    return len(rows)


def load_anesthesia(conn: sqlite3.Connection, rid: int, records: list[Any]) -> int:
    rows = [
        (rid, r.contractor, r.locality, r.line, detail_json(r))
        for r in _notices(conn, rid, records)
    ]
    conn.executemany("INSERT INTO pfs_anesthesia VALUES (?,?,?,?,?)", rows)
    return len(rows)


def load_opps_cap(conn: sqlite3.Connection, rid: int, records: list[Any]) -> int:
    rows = [
        (rid, r.hcpcs, r.modifier or "", r.carrier, r.locality, r.line, detail_json(r))
        for r in _notices(conn, rid, records)
    ]
    conn.executemany("INSERT INTO opps_cap VALUES (?,?,?,?,?,?,?)", rows)
    return len(rows)


def load_ptp(conn: sqlite3.Connection, rid: int, records: list[Any]) -> int:
    rows = [
        (rid, r.column1, r.column2, r.effective.isoformat(), _iso(r.deletion),
         r.modifier_indicator, r.line, detail_json(r))
        for r in _notices(conn, rid, records)
    ]  # fmt: skip
    conn.executemany("INSERT INTO ncci_ptp VALUES (?,?,?,?,?,?,?,?)", rows)
    return len(rows)


def load_mue(conn: sqlite3.Connection, rid: int, records: list[Any]) -> int:
    rows = [
        (rid, r.code, r.value, r.adjudication_indicator, r.line, detail_json(r))
        for r in _notices(conn, rid, records)
    ]
    conn.executemany("INSERT INTO ncci_mue VALUES (?,?,?,?,?,?)", rows)
    return len(rows)


def load_aoc(conn: sqlite3.Connection, rid: int, records: list[Any]) -> int:
    rows = [
        (rid, r.edit_type, r.addon_code, r.primary_code, _iso(r.effective), _iso(r.deletion),
         r.line, detail_json(r))
        for r in _notices(conn, rid, records)
    ]  # fmt: skip
    conn.executemany("INSERT INTO ncci_aoc VALUES (?,?,?,?,?,?,?,?)", rows)
    return len(rows)


MedicareLoader = Callable[[sqlite3.Connection, int, list[Any]], int]

MEDICARE_LOADERS: dict[tuple[str, str], MedicareLoader] = {
    ("hcpcs", "alpha"): load_hcpcs,
    ("cpt", "descriptors"): load_cpt,
    ("pfs", "rvu"): load_rvu,
    ("pfs", "rvu_qpp"): load_rvu,
    ("pfs", "gpci"): load_gpci,
    ("pfs", "locality"): load_locality,
    ("pfs", "zip"): load_zip,
    ("pfs", "anesthesia"): load_anesthesia,
    ("pfs", "oppscap"): load_opps_cap,
    ("ncci", "ptp_practitioner"): load_ptp,
    ("ncci", "ptp_hospital"): load_ptp,
    ("ncci", "mue_practitioner"): load_mue,
    ("ncci", "mue_outpatient"): load_mue,
    ("ncci", "mue_dme"): load_mue,
    ("ncci", "aoc"): load_aoc,
}

MEDICARE_TABLES = (
    "release_notice", "hcpcs_item", "cpt_descriptor", "pfs_rvu", "pfs_gpci", "pfs_locality",
    "pfs_zip", "pfs_anesthesia", "opps_cap", "ncci_ptp", "ncci_mue", "ncci_aoc",
)  # fmt: skip
