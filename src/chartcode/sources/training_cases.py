"""A team's coded cases, as ``chartcode learn`` reads them.

Texts: a folder of ``ID.txt`` files, or a JSONL file of ``{"id": ..., "text": ...}``.
Labels: a TSV of ``ID<TAB>code`` rows (the CodiEsp layout; further columns are ignored), or a
JSONL file of ``{"id": ..., "code": ...}`` or ``{"id": ..., "codes": [...]}``. Codes are
ICD-10-CM (dotted or not) or ICD-10-PCS (7 characters, or a 4-character prefix where the
record supported no more). Every line that cannot be read is reported with its number;
nothing is dropped silently.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from chartcode.codes import compact
from chartcode.errors import InvalidInput

_CODE_CHARS = set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
_PCS_CHARS = _CODE_CHARS - {"I", "O"}
SYSTEMS = ("icd10cm", "icd10pcs")


@dataclass(frozen=True, slots=True)
class TrainingCase:
    id: str
    text: str
    codes: frozenset[tuple[str, str]]  # (system, compact code)


@dataclass(slots=True)
class TrainingSet:
    cases: list[TrainingCase]
    problems: list[str] = field(default_factory=list)  # "labels.tsv line 7: ..."
    unlabelled: list[str] = field(default_factory=list)  # text ids with no code
    no_text: list[str] = field(default_factory=list)  # label ids with no text


def code_key(raw: str, system: str) -> tuple[str, str] | None:
    """(system, compact code) for an ICD-10-CM or ICD-10-PCS code, or None if malformed."""
    c = compact(raw)
    if system == "icd10cm":
        ok = 3 <= len(c) <= 7 and c[0].isalpha() and c[1].isdigit() and set(c) <= _CODE_CHARS
    else:
        ok = len(c) in (4, 7) and set(c) <= _PCS_CHARS
    return (system, c) if ok else None


def _guess_system(codes: list[str]) -> str:
    """A file of dotted codes is ICD-10-CM; one of 4- and 7-character undotted codes is PCS."""
    if any("." in c for c in codes):
        return "icd10cm"
    if codes and all(len(compact(c)) in (4, 7) for c in codes):
        return "icd10pcs"
    return "icd10cm"


def read_texts(path: Path) -> tuple[dict[str, str], list[str]]:
    problems: list[str] = []
    if path.is_dir():
        return {p.stem: p.read_text(encoding="utf-8", errors="replace")
                for p in sorted(path.glob("*.txt"))}, problems  # fmt: skip
    if not path.is_file():
        raise InvalidInput(f"{path}: no such folder or file")
    texts: dict[str, str] = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            texts[str(row["id"])] = str(row["text"])
        except (ValueError, KeyError, TypeError) as exc:
            problems.append(f'{path.name} line {n}: expected {{"id", "text"}} ({_why(exc)})')
    return texts, problems


def read_labels(
    path: Path, system: str | None = None
) -> tuple[dict[str, set[tuple[str, str]]], list[str]]:
    """Codes by document id.

    ``system`` says which code set the file holds; without it, a JSONL row's own ``system``
    is used, else the file's codes tell (see ``_guess_system``).
    """
    if not path.is_file():
        raise InvalidInput(f"{path}: no such file")
    if system is not None and system not in SYSTEMS:
        raise InvalidInput(f"labels system must be one of {', '.join(SYSTEMS)}, not {system!r}")
    rows: list[tuple[int, str, str, str | None]] = []  # line, id, code, system
    problems: list[str] = []
    jsonl = path.suffix.lower() in (".jsonl", ".json")
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        if jsonl:
            try:
                row = json.loads(line)
                doc = str(row["id"])
                raw = row["codes"] if "codes" in row else [row["code"]]
                rows += [(n, doc, str(code), row.get("system")) for code in raw]
            except (ValueError, KeyError, TypeError, AttributeError) as exc:
                problems.append(
                    f'{path.name} line {n}: expected {{"id", "code" or "codes"}} ({_why(exc)})'
                )
        else:
            cols = line.split("\t")
            if len(cols) < 2 or not cols[0].strip():
                problems.append(f"{path.name} line {n}: expected ID<TAB>code")
                continue
            rows.append((n, cols[0].strip(), cols[1].strip(), None))
    guessed = system or _guess_system([code for _, _, code, s in rows if s is None])
    labels: dict[str, set[tuple[str, str]]] = {}
    for n, doc, code, row_system in rows:
        chosen = system or row_system or guessed
        key = code_key(code, chosen) if chosen in SYSTEMS else None
        if key is None:
            problems.append(f"{path.name} line {n}: {code!r} is not an {chosen} code")
        else:
            labels.setdefault(doc, set()).add(key)
    return labels, problems


def read_training_set(texts: Path, labels: list[Path], system: str | None = None) -> TrainingSet:
    text_of, problems = read_texts(texts)
    codes_of: dict[str, set[tuple[str, str]]] = {}
    for path in labels:
        found, label_problems = read_labels(path, system)
        problems += label_problems
        for doc, codes in found.items():
            codes_of.setdefault(doc, set()).update(codes)
    cases = [
        TrainingCase(doc, text, frozenset(codes_of[doc]))
        for doc, text in sorted(text_of.items())
        if doc in codes_of
    ]
    return TrainingSet(
        cases,
        problems,
        sorted(set(text_of) - set(codes_of)),
        sorted(set(codes_of) - set(text_of)),
    )


def _why(exc: Exception) -> str:
    """What is wrong with a JSONL line, in words: a missing key reads as one."""
    return f"no {exc.args[0]!r}" if isinstance(exc, KeyError) and exc.args else str(exc)
