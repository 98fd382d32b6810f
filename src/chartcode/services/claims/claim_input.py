"""Reading claims a user hands in (JSON, JSONL, CSV), with every field problem reported.

These are the user's own claims, not reference files: the formats are chartcode's, documented
in the README. A file with any malformed field raises ``ClaimInputError`` listing every
problem with its row (file line) and claim line; nothing is dropped silently.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from chartcode.errors import ClaimInputError
from chartcode.services.claims.model import (
    Claim,
    FieldProblem,
    claim_from_dict,
    claim_from_rows,
)


def _raise(problems: list[FieldProblem], source: str) -> None:
    if problems:
        raise ClaimInputError([p.to_dict() for p in problems], source)


def claims_from_object(data: Any, source: str = "claim") -> list[Claim]:
    """One claim (an object) or several (a list of objects, or {"claims": [...]})."""
    if isinstance(data, dict) and isinstance(data.get("claims"), list):
        data = data["claims"]
    items = data if isinstance(data, list) else [data]
    claims: list[Claim] = []
    problems: list[FieldProblem] = []
    for i, item in enumerate(items, start=1):
        claim, found = claim_from_dict(item, fallback_id=f"claim-{i}" if len(items) > 1
                                       else "claim")  # fmt: skip
        problems += found
        if claim is not None:
            claims.append(claim)
    _raise(problems, source)
    return claims


def claims_from_json_text(text: str, source: str = "claim") -> list[Claim]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ClaimInputError(
            [{"row": exc.lineno, "claim_id": None, "line": None, "field": "json",
              "value": "", "message": f"not valid JSON: {exc.msg} (column {exc.colno})"}],
            source,
        ) from exc  # fmt: skip
    return claims_from_object(data, source)


def jsonl_lines(
    lines: Iterable[str],
) -> Iterator[tuple[int, Any, json.JSONDecodeError | None]]:
    """(file line, decoded object, decoding error) per non-blank line: one of the two is None."""
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        try:
            yield number, json.loads(text), None
        except json.JSONDecodeError as exc:
            yield number, None, exc


def json_error_message(exc: json.JSONDecodeError) -> str:
    return f"not valid JSON: {exc.msg} (column {exc.colno})"


def iter_jsonl(lines: Iterable[str], source: str) -> Iterator[tuple[int, Any]]:
    """(file line, decoded object) per non-blank line; a bad line raises with its number."""
    for number, obj, exc in jsonl_lines(lines):
        if exc is not None:
            raise ClaimInputError(
                [{"row": number, "claim_id": None, "line": None, "field": "json", "value": "",
                  "message": json_error_message(exc)}],
                source,
            ) from exc  # fmt: skip
        yield number, obj


def claims_from_jsonl_text(text: str, source: str = "claims") -> list[Claim]:
    claims: list[Claim] = []
    problems: list[FieldProblem] = []
    for number, obj in iter_jsonl(io.StringIO(text), source):
        claim, found = claim_from_dict(obj, row=number, fallback_id=f"row-{number}")
        problems += found
        if claim is not None:
            claims.append(claim)
    _raise(problems, source)
    return claims


def group_rows(
    rows: Iterable[tuple[int, dict[str, Any]]],
) -> list[tuple[list[int], list[dict[str, Any]]]]:
    """Rows grouped by claim_id, in order of first appearance."""
    groups: dict[str, tuple[list[int], list[dict[str, Any]]]] = {}
    for number, row in rows:
        key = str(row.get("claim_id") or "").strip() or f"\0row{number}"
        numbers, items = groups.setdefault(key, ([], []))
        numbers.append(number)
        items.append(row)
    return list(groups.values())


def claims_from_csv_text(text: str, source: str = "claims") -> list[Claim]:
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or "code" not in [f.strip() for f in reader.fieldnames]:
        raise ClaimInputError(
            [{"row": 1, "claim_id": None, "line": None, "field": "header", "value": "",
              "message": "the first row must name the columns (claim_id, code, "
              "date_of_service, ...; see the README)"}], source)  # fmt: skip
    rows = (
        (n, {k.strip(): v for k, v in r.items() if k is not None})
        for n, r in enumerate(reader, start=2)
    )
    claims: list[Claim] = []
    problems: list[FieldProblem] = []
    for numbers, items in group_rows(rows):
        claim, found = claim_from_rows(items, numbers)
        problems += found
        if claim is not None:
            claims.append(claim)
    _raise(problems, source)
    return claims


def read_claims(path: Path) -> list[Claim]:
    """Claims from a .json, .jsonl or .csv file (the suffix decides)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ClaimInputError(
            [{"row": None, "claim_id": None, "line": None, "field": "file",
              "value": str(path), "message": exc.strerror or str(exc)}], str(path)
        ) from exc  # fmt: skip
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return claims_from_csv_text(text, str(path))
    if suffix in (".jsonl", ".ndjson"):
        return claims_from_jsonl_text(text, str(path))
    return claims_from_json_text(text, str(path))
