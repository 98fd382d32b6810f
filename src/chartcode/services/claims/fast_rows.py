"""Reading claims from table columns quickly, by remembering the cells a batch repeats.

Why: a batch repeats the same codes, dates, modifiers, units and pointers millions of times.
``RowReader`` parses each distinct cell once (with the very readers of ``model``) and builds
the claim from the remembered values. Any cell that is not clean -- or any claim whose header
fields differ between its rows -- makes it return None, and the caller reads that claim with
``model.claim_from_rows``, which reports every problem in full. So the fast path can only
accept what the careful path accepts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from chartcode.services.claims.model import (
    MAX_MODIFIERS,
    MODIFIER_RE,
    POS_RE,
    PROCEDURE_RE,
    Claim,
    ClaimLine,
    Problems,
    _text,
    read_claim_type,
    read_date,
    read_diagnoses,
    read_pointers,
    read_sex,
    read_units,
    split_list,
    valid_npi,
)

_BAD = object()
_MEMO_LIMIT = 200_000
HEADER = ("claim_type", "patient_id", "patient_sex", "patient_dob", "diagnoses")


def _clean(fn: Callable[[Any, Problems], Any]) -> Callable[[Any], Any]:
    def parse(raw: Any) -> Any:
        p = Problems()
        value = fn(raw, p)
        return _BAD if p.found else value

    return parse


def _code(raw: Any) -> Any:
    code = _text(raw).upper()
    return code if code and PROCEDURE_RE.match(code) else _BAD


def _mods(raw: Any) -> Any:
    out: list[str] = []
    for m in split_list(raw):
        mu = m.upper()
        if not MODIFIER_RE.match(mu):
            return _BAD
        if mu not in out:
            out.append(mu)
    return tuple(out) if len(out) <= MAX_MODIFIERS else _BAD


def _pos(raw: Any) -> Any:
    text = _text(raw)
    if not text:
        return None
    text = text.zfill(2)
    return text if POS_RE.match(text) else _BAD


def _npi(raw: Any) -> Any:
    text = _text(raw)
    if not text:
        return None
    return text if valid_npi(text) else _BAD


def _number(raw: Any) -> Any:
    text = _text(raw)
    return int(text) if text.isdigit() and int(text) > 0 else None


_PARSERS: dict[str, Callable[[Any], Any]] = {
    "code": _code,
    "date": _clean(lambda raw, p: read_date(raw, "date", p)),
    "modifiers": _mods,
    "units": _clean(lambda raw, p: read_units(raw, p, 0)),
    "pointers": _clean(lambda raw, p: read_pointers(raw, 0, p, 0)),
    "pos": _pos,
    "npi": _npi,
    "diagnoses": _clean(read_diagnoses),
    "sex": _clean(read_sex),
    "claim_type": _clean(read_claim_type),
    "line": _number,
}


# column in the table -> the parser that reads it
_COLUMNS = {
    "code": "code", "date_of_service": "date", "date_to": "date", "modifiers": "modifiers",
    "units": "units", "diagnosis_pointers": "pointers", "place_of_service": "pos",
    "rendering_provider": "npi", "line": "line", "patient_sex": "sex", "patient_dob": "date",
    "diagnoses": "diagnoses", "claim_type": "claim_type",
}  # fmt: skip


class RowReader:
    """Claims from the columns of one frame (``cols``: column name -> list of cells)."""

    def __init__(self) -> None:
        self._memo: dict[str, dict[Any, Any]] = {k: {} for k in _PARSERS}

    def _column(self, kind: str, values: Sequence[Any]) -> list[Any]:
        """Every cell of a column parsed, each distinct value once (in C-speed set/list ops)."""
        memo = self._memo[kind]
        parse = _PARSERS[kind]
        try:
            new = set(values).difference(memo)
        except TypeError:  # unhashable cells (list columns): the careful path reads them
            return [_BAD] * len(values)
        if len(memo) + len(new) > _MEMO_LIMIT:
            memo.clear()
            new = set(values)
        for v in new:
            memo[v] = parse(v)
        return [memo[v] for v in values]

    def parse(self, cols: dict[str, Sequence[Any]], n: int) -> dict[str, Sequence[Any]]:
        """The frame's columns with each cell replaced by its parsed value (or _BAD)."""
        out: dict[str, Sequence[Any]] = {}
        for name, kind in _COLUMNS.items():
            values = cols.get(name)
            out[name] = self._column(kind, values) if values is not None else [None] * n
        for name in ("claim_id", "patient_id", "_row"):
            values = cols.get(name)
            out[name] = values if values is not None else [None] * n
        out["_raw_header"] = [cols.get(h) for h in HEADER]
        return out

    def claim(self, parsed: dict[str, Sequence[Any]], idx: Sequence[int]) -> Claim | None:
        """The claim of rows ``idx``, or None when the careful reader must look at it."""
        first = idx[0]
        if len(idx) > 1:
            for column in parsed["_raw_header"]:
                if column is not None:
                    v = column[first]
                    if any(column[i] != v for i in idx):
                        return None
        claim_id = _text(parsed["claim_id"][first])
        sex = parsed["patient_sex"][first]
        dob = parsed["patient_dob"][first]
        dx = parsed["diagnoses"][first]
        ctype = parsed["claim_type"][first]
        if sex is None:
            sex = "U"
        if dx is None:
            dx = ()
        if ctype is None:
            ctype = "professional"
        if not claim_id or sex is _BAD or dob is _BAD or dx is _BAD or ctype is _BAD:
            return None
        c_code = parsed["code"]
        c_dos = parsed["date_of_service"]
        c_to = parsed["date_to"]
        c_mod = parsed["modifiers"]
        c_units = parsed["units"]
        c_ptr = parsed["diagnosis_pointers"]
        c_pos = parsed["place_of_service"]
        c_npi = parsed["rendering_provider"]
        c_line = parsed["line"]
        c_row = parsed["_row"]
        lines = []
        numbers = set()
        first_date = None
        for k, i in enumerate(idx, start=1):
            code, date_from, date_to = c_code[i], c_dos[i], c_to[i]
            mods, units, ptr, pos, npi = c_mod[i], c_units[i], c_ptr[i], c_pos[i], c_npi[i]
            if (code is None or code is _BAD or date_from is None or date_from is _BAD
                    or date_to is _BAD or mods is _BAD or units is _BAD or ptr is _BAD
                    or pos is _BAD or npi is _BAD):  # fmt: skip
                return None
            date_to = date_to or date_from
            if date_to < date_from:
                return None
            number = c_line[i] or k
            if number in numbers:
                return None
            numbers.add(number)
            if first_date is None or date_from < first_date:
                first_date = date_from
            lines.append(ClaimLine(number, code, date_from, date_to, mods or (), units or 1,
                                   ptr or (), pos, npi, c_row[i]))  # fmt: skip
        if dob and first_date and dob > first_date:
            return None
        pid = _text(parsed["patient_id"][first]) or None
        return Claim(claim_id, tuple(lines), dx, sex, dob, ctype, pid)
