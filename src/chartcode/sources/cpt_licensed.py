"""Parser of a licensed AMA CPT descriptor file: one code and its descriptor per line.

CPT descriptors are the AMA's copyright and are not in any public file; a licensee has them as
the AMA data file ``LONGULT.txt`` ("long description, upper/lower case, tab-delimited") or as
an export of it. Two shapes are read:

* tab-delimited ``code<TAB>descriptor`` (LONGULT style), and
* a two-column CSV ``code,descriptor`` (descriptors quoted when they hold commas),

either one with or without a header line (``Code<TAB>Descriptor``), or a short notice above
the records (the AMA prints its copyright notice first in some data files); LF or CRLF; UTF-8
(with or without a byte-order mark) or Windows-1252. The delimiter is decided by the first
record line: a tab makes the file tab-delimited.

Contract: ``parse_cpt_licensed(stream, name)`` returns ``FileHeader(system="cpt",
kind="descriptors", version=<the year in the file name, e.g. "2026", else "licensed">, ...)``
and one ``CptDescriptor`` per record line, in file order. Codes are validated against the CPT
shapes: five digits (Category I), or four digits and ``F`` (Category II), ``T`` (Category
III), ``U`` (Proprietary Laboratory Analyses) or ``M`` (Multianalyte Assays with Algorithmic
Analyses). A line whose code is not one of them, a line without a descriptor, a repeated code,
or a file with no records is an ``ImportFormatError`` naming the file and the line.
"""

from __future__ import annotations

import csv
import re
import zipfile
from dataclasses import dataclass
from datetime import date
from typing import IO

from chartcode.errors import ImportFormatError
from chartcode.sources.delimited import basename
from chartcode.sources.records import FileHeader, ParsedFile

SYSTEM = "cpt"
KIND = "descriptors"
UNDATED_VERSION = "licensed"

CPT_CODE_RE = re.compile(r"\d{5}|\d{4}[FTUM]")
# A first field that looks like a code of any system (five letters/digits with a digit): above
# the first record it is a bad record, not a notice or header line.
_CODE_LIKE_RE = re.compile(r"(?=[0-9A-Za-z]*\d)[0-9A-Za-z]{5}")
_YEAR_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_MAX_PREAMBLE_LINES = 50
_SNIFF_LINES = 200


@dataclass(frozen=True, slots=True)
class CptDescriptor:
    """One CPT code and its descriptor as the licensed file prints it; ``line`` is 1-based."""

    code: str
    descriptor: str
    line: int


def _decode(data: bytes) -> str:
    # AMA files have been shipped in both UTF-8 and Windows-1252; latin-1 never fails.
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def file_header(name: str) -> FileHeader:
    """The header a file name implies: its year (``CPT2026_LONGULT.txt``) or none.

    The descriptor files print no release of their own, so the year comes from the name (the
    member's name first, then a zip's); an undated file is version ``licensed`` with no dates,
    and the loader has to be told when it applies. CPT releases take effect on January 1.
    """
    m = _YEAR_RE.search(basename(name)) or _YEAR_RE.search(name)
    if m is None:
        return FileHeader(
            system=SYSTEM,
            kind=KIND,
            version=UNDATED_VERSION,
            title="CPT descriptors (licensed AMA file)",
        )
    year = int(m[1])
    return FileHeader(
        system=SYSTEM,
        kind=KIND,
        version=str(year),
        title=f"CPT {year} descriptors (licensed AMA file)",
        effective_from=date(year, 1, 1),
    )


def _split(line: str, delimiter: str) -> list[str]:
    if delimiter == "\t":
        return line.split("\t")
    return next(csv.reader([line]))


def _fields(line: str, delimiter: str) -> tuple[str, str] | None:
    """(code, descriptor) of a line, or None when it has no second field."""
    parts = _split(line, delimiter)
    if len(parts) < 2:
        return None
    # An unquoted comma inside a CSV descriptor splits it; the descriptor is the last column,
    # so the pieces are joined back. A tab inside a descriptor is not a LONGULT line, though.
    if len(parts) > 2 and delimiter == "\t" and any(p.strip() for p in parts[2:]):
        return None
    rest = delimiter.join(parts[1:]) if delimiter == "," else parts[1]
    return parts[0].strip(), rest.strip()


def parse_cpt_licensed(stream: IO[bytes], name: str) -> ParsedFile:
    """Parse a licensed CPT descriptor file (tab-delimited or CSV).

    Args:
        stream: the file's bytes.
        name: the file name; a four-digit year in it dates the release.

    Raises:
        ImportFormatError: the file is empty or holds no records, or a line is not a
            ``code, descriptor`` pair with a CPT code.
    """
    try:
        data = stream.read()
    except (EOFError, zipfile.BadZipFile, OSError) as exc:
        raise ImportFormatError(name, f"truncated or corrupt ({exc})") from exc
    if not data.strip():
        raise ImportFormatError(name, "empty file: no CPT descriptors")
    text = _decode(data)
    records: list[CptDescriptor] = []
    seen: dict[str, int] = {}
    delimiter: str | None = None
    # Split on LF only (CR stripped): str.splitlines would also break at U+2028 and friends,
    # and the line numbers in messages would no longer match an editor's.
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.rstrip("\r")
        if not line.strip():
            continue
        if delimiter is None:
            first = re.split(r"[\t,]", line, maxsplit=1)[0].strip().strip('"')
            if not CPT_CODE_RE.fullmatch(first):
                if _CODE_LIKE_RE.fullmatch(first):
                    raise ImportFormatError(
                        name,
                        f"{first!r} is not a CPT code (5 digits, or 4 digits and F, T, U or M)",
                        number,
                    )
                if number > _MAX_PREAMBLE_LINES:
                    raise ImportFormatError(
                        name,
                        f"no CPT code in the first {_MAX_PREAMBLE_LINES} lines: not a "
                        "code<TAB>descriptor or code,descriptor file",
                        number,
                    )
                continue  # a header line ("Code<TAB>Descriptor") or the AMA notice
            delimiter = "\t" if "\t" in line else ","
        pair = _fields(line, delimiter)
        if pair is None:
            shape = "code<TAB>descriptor" if delimiter == "\t" else "code,descriptor"
            raise ImportFormatError(name, f"expected {shape}, found {line[:60]!r}", number)
        code, descriptor = pair
        if not CPT_CODE_RE.fullmatch(code):
            raise ImportFormatError(
                name,
                f"{code!r} is not a CPT code (5 digits, or 4 digits and F, T, U or M)",
                number,
            )
        if not descriptor:
            raise ImportFormatError(name, f"{code} has an empty descriptor", number)
        if code in seen:
            raise ImportFormatError(
                name, f"duplicate code {code} (first on line {seen[code]})", number
            )
        seen[code] = number
        records.append(CptDescriptor(code=code, descriptor=descriptor, line=number))
    if not records:
        raise ImportFormatError(name, "no CPT descriptor lines")
    return ParsedFile(header=file_header(name), records=records)


def sniff(name: str, head: bytes) -> bool:
    """Whether a file is a licensed CPT descriptor file.

    On content: after at most one header or notice line, the complete lines of ``head`` must
    all be ``code<TAB>descriptor`` or ``code,descriptor`` with a CPT code and a descriptor
    holding a letter. Other code files with a code in the first column are told apart by
    their further columns (NCCI's PTP edits have more tab fields, MUE and RVU files numeric
    CSV fields) and by their headers. Spreadsheets, zips and PDFs are not claimed.
    """
    if head[:4] in (b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"%PDF") or b"\x00" in head[:1024]:
        return False
    lines = _decode(head).split("\n")
    if not head.endswith(b"\n") and len(head) >= 4096:
        lines = lines[:-1]  # the last line may be cut where the head ends
    matched = 0
    skipped = 0
    delimiter: str | None = None
    for raw in lines[:_SNIFF_LINES]:
        line = raw.strip()
        if not line:
            continue
        if delimiter is None:
            first = re.split(r"[\t,]", line, maxsplit=1)[0].strip().strip('"')
            if not CPT_CODE_RE.fullmatch(first):
                skipped += 1
                if skipped > 1:
                    return False
                continue
            delimiter = "\t" if "\t" in line else ","
        try:
            parts = _split(line, delimiter)
        except csv.Error:
            return False
        if len(parts) < 2 or not CPT_CODE_RE.fullmatch(parts[0].strip()):
            return False
        if delimiter == "\t" and len(parts) != 2:
            return False
        if not all(re.search(r"[A-Za-z]", p) for p in parts[1:]):
            return False
        matched += 1
    return matched > 0
