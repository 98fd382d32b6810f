"""The claim as the checker sees it, and how fields are read and validated.

A claim is what a CMS-1500 / 837P carries for these edits: header diagnoses (ICD-10-CM, up to
12, pointed at as A-L), the patient's sex and date of birth, and service lines with a date of
service (or a from/to span), a CPT/HCPCS code, up to four modifiers, units, up to four
diagnosis pointers, the place of service and the rendering provider.

Every field is validated where it is read; problems are collected (never raised one at a
time) so a biller sees the whole list at once. ``FieldProblem`` says where: the file row, the
claim, the claim line and the field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from itertools import permutations
from typing import Any

CLAIM_TYPES = ("professional", "outpatient", "dme")
SEXES = {"F": "F", "FEMALE": "F", "M": "M", "MALE": "M", "U": "U", "UNKNOWN": "U", "": "U"}
MAX_DIAGNOSES = 12
MAX_MODIFIERS = 4
MAX_POINTERS = 4
MAX_UNITS = 99999

PROCEDURE_RE = re.compile(r"^(\d{4}[0-9FTUM]|[A-V]\d{4}|[A-V][0-9X]{3}\d)$")
DIAGNOSIS_RE = re.compile(r"^[A-Z]\d[0-9A-Z](?:[0-9A-Z]{1,4})?$")
MODIFIER_RE = re.compile(r"^[0-9A-Z]{2}$")
POS_RE = re.compile(r"^\d{2}$")
NPI_RE = re.compile(r"^\d{10}$")
_SPLIT = re.compile(r"[;,|\s]+")
POINTER_LETTERS = "ABCDEFGHIJKL"
# Pointers as most claims print them ("A", "AB", "ABCD"), read without parsing.
_POINTER_TEXT = {
    "".join(p): tuple(POINTER_LETTERS.index(c) + 1 for c in p)
    for n in range(1, 5)
    for p in permutations(POINTER_LETTERS[:4], n)
}


@dataclass(frozen=True, slots=True)
class FieldProblem:
    field: str
    value: str
    message: str
    row: int | None = None
    claim_id: str | None = None
    line: int | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "row": self.row,
            "claim_id": self.claim_id,
            "line": self.line,
            "field": self.field,
            "value": self.value,
            "message": self.message,
        }


@dataclass(frozen=True, slots=True)
class ClaimLine:
    number: int  # 1-based, as printed on the claim
    code: str
    date_from: str  # ISO dates compare as text, which keeps the hot path cheap
    date_to: str
    modifiers: tuple[str, ...] = ()
    units: int = 1
    pointers: tuple[int, ...] = ()  # 1-based indexes into Claim.diagnoses
    place_of_service: str | None = None
    rendering_provider: str | None = None
    # The file row it came from, when it came from a file (not part of the claim's identity).
    row: int | None = field(default=None, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "line": self.number,
            "code": self.code,
            "date_of_service": self.date_from,
            "date_to": self.date_to if self.date_to != self.date_from else None,
            "modifiers": list(self.modifiers),
            "units": self.units,
            "diagnosis_pointers": [POINTER_LETTERS[p - 1] for p in self.pointers],
            "place_of_service": self.place_of_service,
            "rendering_provider": self.rendering_provider,
        }


@dataclass(frozen=True, slots=True)
class Claim:
    claim_id: str
    lines: tuple[ClaimLine, ...]
    diagnoses: tuple[str, ...] = ()  # compact form (no dot), upper case, in pointer order
    sex: str = "U"  # F | M | U
    date_of_birth: str | None = None
    claim_type: str = "professional"
    patient_id: str | None = None

    @property
    def first_date(self) -> str:
        return min(line.date_from for line in self.lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            "claim_id": self.claim_id,
            "claim_type": self.claim_type,
            "patient": {
                "id": self.patient_id,
                "sex": self.sex,
                "date_of_birth": self.date_of_birth,
            },
            "diagnoses": [dotted(d) for d in self.diagnoses],
            "lines": [line.to_dict() for line in self.lines],
        }


def dotted(code: str) -> str:
    """An ICD-10-CM code in its conventional form (E1140 -> E11.40)."""
    return code if len(code) <= 3 else f"{code[:3]}.{code[3:]}"


@dataclass(slots=True)
class Problems:
    """Collects field problems for one claim, stamping where each one is."""

    claim_id: str | None = None
    row: int | None = None
    found: list[FieldProblem] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)  # every date of service read, valid or not

    def add(
        self, fld: str, value: object, message: str, *, line: int | None = None,
        row: int | None = None,
    ) -> None:  # fmt: skip
        self.found.append(
            FieldProblem(fld, "" if value is None else str(value), message,
                         row if row is not None else self.row, self.claim_id, line)
        )  # fmt: skip


def _text(value: object) -> str:
    if type(value) is str:  # the common case, first: batches read millions of cells
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, float) and value != value:  # NaN from a dataframe cell
        return ""
    return str(value).strip()


def read_date(
    value: object, fld: str, p: Problems, line: int | None = None, row: int | None = None
) -> str | None:
    """An ISO date (YYYY-MM-DD; MM/DD/YYYY as printed on paper claims is accepted too)."""
    if isinstance(value, date):
        return value.isoformat()
    text = _text(value)
    if not text:
        return None
    iso = _iso_date(text)
    if iso is None:
        p.add(fld, value, "not a date (use YYYY-MM-DD)", line=line, row=row)
    return iso


@lru_cache(maxsize=1 << 14)
def _iso_date(text: str) -> str | None:
    """Dates repeat across a batch; each distinct text is parsed once."""
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        iso = text
    elif len(text) == 10 and text[2] == "/" and text[5] == "/":
        iso = f"{text[6:]}-{text[:2]}-{text[3:5]}"
    elif len(text) == 8 and text.isdigit():
        iso = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    else:
        iso = text[:10] if len(text) > 10 and text[10] in "T " else text
    try:
        return date.fromisoformat(iso).isoformat()
    except ValueError:
        return None


def split_list(value: object) -> list[str]:
    """A list field given as a list, or as text separated by ; , | or spaces."""
    if value is None or (type(value) is str and not value):
        return []
    if isinstance(value, list | tuple):
        return [_text(v) for v in value if _text(v)]
    if hasattr(value, "tolist"):  # a numpy array from a Parquet list column
        return [_text(v) for v in value.tolist() if _text(v)]
    return [t for t in _SPLIT.split(_text(value)) if t]


def read_diagnoses(value: object, p: Problems) -> tuple[str, ...]:
    out = []
    for i, raw in enumerate(split_list(value), start=1):
        code = raw.upper().replace(".", "")
        if not DIAGNOSIS_RE.match(code):
            p.add(f"diagnoses[{i}]", raw, "not an ICD-10-CM code (e.g. E11.9, S52.501A)")
            continue
        if code in out:
            p.add(f"diagnoses[{i}]", raw, "listed twice; give each diagnosis once")
            continue
        out.append(code)
    if len(out) > MAX_DIAGNOSES:
        p.add("diagnoses", len(out), f"at most {MAX_DIAGNOSES} diagnoses fit on a claim (A-L)")
    return tuple(out)


def read_sex(value: object, p: Problems) -> str:
    text = _text(value).upper()
    if text in SEXES:
        return SEXES[text]
    p.add("patient.sex", value, "use F, M or U (unknown)")
    return "U"


def read_claim_type(value: object, p: Problems) -> str:
    text = _text(value).lower() or "professional"
    if text in CLAIM_TYPES:
        return text
    p.add("claim_type", value, f"use one of {', '.join(CLAIM_TYPES)}")
    return "professional"


def read_pointers(
    value: object, n_dx: int, p: Problems, line: int, row: int | None = None
) -> tuple[int, ...]:
    """Diagnosis pointers as letters (A-L) or numbers (1-12); kept as 1-based indexes.

    A pointer past the last diagnosis is kept so the diagnosis edits can report it with the
    claim's other findings: it is a coding error, not a malformed field.
    """
    if type(value) is str and value in _POINTER_TEXT:
        return _POINTER_TEXT[value]
    out: list[int] = []
    items = split_list(value)
    if len(items) == 1 and items[0].isalpha() and len(items[0]) > 1:
        items = list(items[0])  # "AB" as printed in box 24E
    for raw in items:
        t = raw.upper()
        if t.isdigit() and 1 <= int(t) <= MAX_DIAGNOSES:
            idx = int(t)
        elif len(t) == 1 and t in POINTER_LETTERS:
            idx = POINTER_LETTERS.index(t) + 1
        else:
            p.add("diagnosis_pointers", raw, "a pointer is a letter A-L or a number 1-12",
                  line=line, row=row)  # fmt: skip
            continue
        if idx not in out:
            out.append(idx)
    if len(out) > MAX_POINTERS:
        p.add("diagnosis_pointers", value, f"at most {MAX_POINTERS} pointers per line",
              line=line, row=row)  # fmt: skip
    return tuple(out)


def read_units(value: object, p: Problems, line: int, row: int | None = None) -> int:
    text = _text(value)
    if not text:
        return 1
    try:
        number = float(text)
    except ValueError:
        p.add("units", value, "not a number", line=line, row=row)
        return 1
    if number != int(number) or number < 1 or number > MAX_UNITS:
        p.add("units", value, f"units are a whole number from 1 to {MAX_UNITS}", line=line,
              row=row)  # fmt: skip
        return 1
    return int(number)


def read_line(
    raw: dict[str, Any], number: int, n_dx: int, p: Problems, default_date: str | None = None,
    row: int | None = None,
) -> ClaimLine | None:  # fmt: skip
    """One service line from a mapping of its fields (JSON object or table row)."""
    start = len(p.found)
    code_raw = _text(raw.get("code") or raw.get("procedure_code") or raw.get("cpt"))
    code = code_raw.upper()
    if not code:
        p.add("code", "", "missing: give the CPT/HCPCS code of the line", line=number, row=row)
    elif not PROCEDURE_RE.match(code):
        p.add("code", code_raw, "not a CPT or HCPCS code (e.g. 99213, 0195T, G0453)",
              line=number, row=row)  # fmt: skip
    dos_raw = raw.get("date_of_service", raw.get("date_from"))
    date_from = read_date(dos_raw, "date_of_service", p, number, row) or (
        default_date if not _text(dos_raw) else None
    )
    if date_from is None and not _text(dos_raw):
        p.add("date_of_service", "", "missing: give the date of service (YYYY-MM-DD)",
              line=number, row=row)  # fmt: skip
    if date_from:
        p.dates.append(date_from)
    date_to = read_date(raw.get("date_to"), "date_to", p, number, row) or date_from
    if date_from and date_to and date_to < date_from:
        p.add("date_to", date_to, "the service ends before it starts", line=number, row=row)
    mods = []
    for m in split_list(raw.get("modifiers")):
        mu = m.upper()
        if not MODIFIER_RE.match(mu):
            p.add("modifiers", m, "a modifier is two letters or digits (25, 59, RT)",
                  line=number, row=row)  # fmt: skip
        elif mu not in mods:
            mods.append(mu)
    if len(mods) > MAX_MODIFIERS:
        p.add("modifiers", ",".join(mods), f"at most {MAX_MODIFIERS} modifiers per line",
              line=number, row=row)  # fmt: skip
    units = read_units(raw.get("units"), p, number, row)
    pointers = read_pointers(raw.get("diagnosis_pointers", raw.get("dx_pointers")), n_dx, p,
                             number, row)  # fmt: skip
    pos = _text(raw.get("place_of_service", raw.get("pos"))) or None
    if pos is not None:
        pos = pos.zfill(2)
        if not POS_RE.match(pos):
            p.add("place_of_service", pos, "a place of service is two digits (11, 22)",
                  line=number, row=row)  # fmt: skip
    npi = _text(raw.get("rendering_provider", raw.get("rendering_npi"))) or None
    if npi is not None and not valid_npi(npi):
        p.add("rendering_provider", npi, "not a valid NPI (10 digits with a check digit)",
              line=number, row=row)  # fmt: skip
    if len(p.found) > start or not date_from or not date_to:
        return None
    return ClaimLine(number, code, date_from, date_to, tuple(mods), units, pointers, pos, npi,
                     row)  # fmt: skip


@lru_cache(maxsize=1 << 16)
def valid_npi(npi: str) -> bool:
    """The NPI check digit: Luhn over the number prefixed with 80840 (CMS NPI standard)."""
    if not NPI_RE.match(npi):
        return False
    total = 24  # the Luhn contribution of the 80840 prefix
    for i, ch in enumerate(reversed(npi[:9])):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            d = d - 9 if d > 9 else d
        total += d
    return (10 - total % 10) % 10 == int(npi[9])


def claim_from_dict(data: Any, *, row: int | None = None, fallback_id: str = "claim") -> (
    tuple[Claim | None, list[FieldProblem]]
):  # fmt: skip
    """A claim from its JSON object form (the schema in the README)."""
    if not isinstance(data, dict):
        p = Problems(row=row)
        p.add("claim", type(data).__name__, "a claim is a JSON object")
        return None, p.found
    claim_id = _text(data.get("claim_id", data.get("id"))) or fallback_id
    p = Problems(claim_id=claim_id, row=row)
    known = {"claim_id", "id", "claim_type", "patient", "diagnoses", "lines",
             "date_of_service", "patient_id"}  # fmt: skip
    for key in data:
        if key not in known:
            p.add(key, "", f"unknown field (known: {', '.join(sorted(known))})")
    patient = data.get("patient") or {}
    if not isinstance(patient, dict):
        p.add("patient", patient, "an object with sex and date_of_birth")
        patient = {}
    sex = read_sex(patient.get("sex"), p)
    dob = read_date(patient.get("date_of_birth", patient.get("dob")), "patient.date_of_birth", p)
    diagnoses = read_diagnoses(data.get("diagnoses"), p)
    default_date = read_date(data.get("date_of_service"), "date_of_service", p)
    raw_lines = data.get("lines")
    if not isinstance(raw_lines, list) or not raw_lines:
        p.add("lines", raw_lines, "a claim needs a list of one or more service lines")
        raw_lines = []
    lines = []
    for i, raw in enumerate(raw_lines, start=1):
        if not isinstance(raw, dict):
            p.add("lines", raw, "a service line is an object", line=i)
            continue
        number = raw.get("line", i)
        number = number if isinstance(number, int) and number > 0 else i
        ln = read_line(raw, number, len(diagnoses), p, default_date)
        if ln is not None:
            lines.append(ln)
    _check_claim_dates(dob, lines, p)
    numbers = [ln.number for ln in lines]
    if len(set(numbers)) != len(numbers):
        p.add("lines", numbers, "two lines have the same line number")
    claim_type = read_claim_type(data.get("claim_type"), p)
    patient_id = _text(data.get("patient_id", patient.get("id"))) or None
    if p.found:
        return None, p.found
    return Claim(claim_id, tuple(lines), diagnoses, sex, dob, claim_type, patient_id), []


def _check_claim_dates(dob: str | None, lines: list[ClaimLine], p: Problems) -> None:
    del lines  # the dates read from every line count, even from lines with other errors
    if dob and p.dates:
        first = min(p.dates)
        if dob > first:
            p.add("patient.date_of_birth", dob, f"after the first date of service ({first})")


def claim_from_rows(
    rows: list[dict[str, Any]], row_numbers: list[int] | None = None
) -> tuple[Claim | None, list[FieldProblem]]:
    """A claim from its table form: one row per service line, header fields on every row.

    Header fields (patient, diagnoses, claim type) are read from the first row; a later row
    that disagrees is an error rather than a silent pick.
    """
    first = rows[0]
    rn = row_numbers or [None] * len(rows)  # type: ignore[list-item]
    claim_id = _text(first.get("claim_id"))
    p = Problems(claim_id=claim_id or None, row=rn[0])
    if not claim_id:
        p.add("claim_id", "", "missing: every row needs the claim it belongs to")
    header = ("patient_sex", "patient_dob", "diagnoses", "claim_type", "patient_id")
    for k, r in enumerate(rows[1:], start=1):
        for h in header:
            if h in first and r.get(h) != first.get(h) and _text(r.get(h)) != _text(first.get(h)):
                p.add(h, r.get(h), f"differs from the claim's first row ({first.get(h)!r})",
                      row=rn[k])  # fmt: skip
    sex = read_sex(first.get("patient_sex"), p)
    dob = read_date(first.get("patient_dob"), "patient_dob", p)
    diagnoses = read_diagnoses(first.get("diagnoses"), p)
    lines = []
    for k, r in enumerate(rows):
        raw_no = _text(r.get("line"))
        number = int(raw_no) if raw_no.isdigit() and int(raw_no) > 0 else k + 1
        ln = read_line(r, number, len(diagnoses), p, row=rn[k])
        if ln is not None:
            lines.append(ln)
    _check_claim_dates(dob, lines, p)
    numbers = [ln.number for ln in lines]
    if len(set(numbers)) != len(numbers):
        p.add("line", numbers, "two rows of the claim have the same line number")
    claim_type = read_claim_type(first.get("claim_type"), p)
    patient_id = _text(first.get("patient_id")) or None
    if p.found:
        return None, p.found
    return Claim(claim_id, tuple(lines), diagnoses, sex, dob, claim_type, patient_id), []


# The flat table form: one row per line. Batch files (CSV, Parquet) use these columns.
TABLE_COLUMNS = (
    "claim_id", "claim_type", "patient_id", "patient_sex", "patient_dob", "diagnoses", "line",
    "date_of_service", "date_to", "code", "modifiers", "units", "diagnosis_pointers",
    "place_of_service", "rendering_provider",
)  # fmt: skip


def claim_to_rows(claim: Claim) -> list[dict[str, Any]]:
    """A claim in the flat table form (the inverse of ``claim_from_rows``)."""
    dx = ";".join(dotted(d) for d in claim.diagnoses)
    return [
        {
            "claim_id": claim.claim_id,
            "claim_type": claim.claim_type,
            "patient_id": claim.patient_id or "",
            "patient_sex": claim.sex,
            "patient_dob": claim.date_of_birth or "",
            "diagnoses": dx,
            "line": str(ln.number),
            "date_of_service": ln.date_from,
            "date_to": ln.date_to if ln.date_to != ln.date_from else "",
            "code": ln.code,
            "modifiers": ";".join(ln.modifiers),
            "units": str(ln.units),
            "diagnosis_pointers": "".join(POINTER_LETTERS[i - 1] for i in ln.pointers),
            "place_of_service": ln.place_of_service or "",
            "rendering_provider": ln.rendering_provider or "",
        }
        for ln in claim.lines
    ]
