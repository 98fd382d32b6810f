"""Code syntax: how the systems spell their codes, and how users type them.

Codes are strings throughout (leading zeros and letters matter). The store keys every code on
its *compact* form: upper case, no dot. Display adds the conventional dot back for ICD-10-CM.
"""

from __future__ import annotations

import re
from enum import StrEnum


class System(StrEnum):
    ICD10CM = "icd10cm"
    ICD10PCS = "icd10pcs"
    CPT = "cpt"
    HCPCS = "hcpcs"


SYSTEM_LABELS = {
    System.ICD10CM: "ICD-10-CM",
    System.ICD10PCS: "ICD-10-PCS",
    System.CPT: "CPT",
    System.HCPCS: "HCPCS",
}

# ICD-10-CM: a letter, a digit, an alphanumeric, then up to four alphanumerics after the dot.
_CM_RE = re.compile(r"^[A-Z][0-9][0-9A-Z](?:[0-9A-Z]{1,4})?$")
# ICD-10-PCS: seven characters from digits and letters, never O or I (they read as 0 and 1).
_PCS_RE = re.compile(r"^[0-9A-HJ-NP-Z]{7}$")
_PCS_PREFIX_RE = re.compile(r"^[0-9A-HJ-NP-Z]{1,7}$")
# CPT: five digits, or four digits and F (category II), T (category III), U (PLA), M (MAAA).
_CPT_RE = re.compile(r"^(?:\d{5}|\d{4}[FTUM])$")
# HCPCS Level II: a letter A-V and four digits. CMS files also carry placeholders for codes
# not yet numbered, with X for the digits to come (GXXX1).
_HCPCS_RE = re.compile(r"^[A-V](\d{4}|[\dX]{3}\d)$")
_CLEAN_RE = re.compile(r"[\s.]")


def compact(code: str) -> str:
    """Upper case, dots and spaces removed: the key every store table uses."""
    return _CLEAN_RE.sub("", code).upper()


def display_cm(code: str) -> str:
    """ICD-10-CM conventional form: a dot after the third character (E1140 -> E11.40)."""
    c = compact(code)
    return c if len(c) <= 3 else f"{c[:3]}.{c[3:]}"


def display(system: str, code: str) -> str:
    if system == System.ICD10CM:
        return display_cm(code)
    return compact(code)


def looks_like(code: str) -> list[System]:
    """Systems whose syntax admits this code, most likely first; used to order lookups."""
    c = compact(code)
    found: list[System] = []
    if _CM_RE.match(c):
        found.append(System.ICD10CM)
    if _PCS_RE.match(c):
        found.append(System.ICD10PCS)
    if _CPT_RE.match(c):
        found.append(System.CPT)
    if _HCPCS_RE.match(c):
        found.append(System.HCPCS)
    return found


def is_code_like(text: str) -> bool:
    """True when the text is plausibly a code of some system rather than words."""
    c = compact(text)
    return bool(_CM_RE.match(c) or _PCS_PREFIX_RE.match(c) and any(ch.isdigit() for ch in c))
