"""Parser of the CMS anesthesia conversion factors by locality (``ANES2025.csv``).

CMS ships ``ANES<year>.csv`` in the RVU zips (``rvu25d.zip`` holds ``ANES2025.csv``): the
anesthesia conversion factor (dollars per base plus time unit) of each Medicare payment
locality. Layout of the 2025 csv (CRLF)::

    Contractor,Locality,Locality Name,National Anes CF of 20.3178
    10112 ,00 ,ALABAMA,19.31
    02102 ,01 ,ALASKA*,27.86
    ...
    ,,,

The national conversion factor is printed only in the fourth header cell; the column under it
holds each locality's factor. The file prints no year: it comes from the file name.

Decision on the national factor: it is not a locality, so it is not made a record (a record
with locality ``""`` would have every consumer filter it out). Instead every
``AnesthesiaCf`` carries it as ``national_conversion_factor``, and the header title states it
(``... 2025, national CF 20.3178``); ``national_conversion_factor_of(parsed)`` returns it.

Quirks handled: the MAC and locality cells carry trailing spaces (stripped; unlike
25LOCCO.csv they keep their leading zeros, which are required); locality names carry the
GPCI file's footnote marks (``ALASKA*``, ``WYOMING**``) without the footnotes themselves, so
the mark is split off into ``marks`` and kept; the file ends with a blank ``,,,`` row.

Contract: ``parse_pfs_anesthesia(stream, name)`` returns ``FileHeader(system="pfs",
kind="anesthesia", version="2025", ...)`` in force 1 January to 31 December of the year in
the name (``ANES2025``), and one ``AnesthesiaCf`` per locality in file order. Blank rows are
passed over; any other row that is not five-digit contractor, two-digit locality, a name and
a non-negative decimal, a locality twice, and a file name without the year are
``ImportFormatError``s naming the file and the line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import IO

from chartcode.errors import ImportFormatError
from chartcode.sources.delimited import (
    annual_header,
    basename,
    csv_rows,
    decimal_cell,
    is_blank,
    split_marks,
    squash,
)
from chartcode.sources.records import ParsedFile

SYSTEM = "pfs"
KIND = "anesthesia"

COLUMNS = 4  # Contractor, Locality, Locality Name, National Anes CF of <cf>
_NAME_RE = re.compile(r"ANES_?(\d{4})", re.IGNORECASE)
_NATIONAL_RE = re.compile(
    r"National\s+Anes(?:thesia)?\.?\s+(?:CF|Conversion\s+Factor)\s+of\s+\$?(\d+(?:\.\d+)?)",
    re.IGNORECASE,
)
_CONTRACTOR_RE = re.compile(r"\d{5}")
_LOCALITY_RE = re.compile(r"\d{2}")
_HEADER_KEYS = ("contractor", "locality", "localityname")


@dataclass(frozen=True, slots=True)
class AnesthesiaCf:
    """The anesthesia conversion factor of one Medicare payment locality.

    ``contractor`` (the MAC, five digits) and ``locality`` (two digits) are as printed, so
    they join the GPCI file. ``conversion_factor`` is dollars per anesthesia unit in the
    locality; ``national_conversion_factor`` is the national factor from the header, the same
    on every record. ``locality_name`` is without its footnote mark, kept in ``marks``.
    """

    contractor: str
    locality: str
    locality_name: str
    conversion_factor: Decimal
    line: int
    national_conversion_factor: Decimal
    marks: str = ""


def national_conversion_factor_of(parsed: ParsedFile) -> Decimal:
    """The national anesthesia conversion factor of a parsed ANES file."""
    record: AnesthesiaCf = parsed.records[0]
    return record.national_conversion_factor


def _national_cf(cells: Sequence[str]) -> Decimal | None:
    """The national CF of a header row, or None when the row is not the ANES header."""
    keys = [squash(c) for c in cells]
    while keys and not keys[-1]:
        keys.pop()
    if len(keys) != COLUMNS or tuple(keys[:3]) != _HEADER_KEYS:
        return None
    m = _NATIONAL_RE.fullmatch(" ".join(cells[3].split()))
    return Decimal(m[1]) if m else None


def _year(name: str) -> int:
    m = _NAME_RE.search(basename(name))
    if m is None:
        raise ImportFormatError(
            name,
            "the file name carries no year (CMS names the file like 'ANES2025.csv'); the "
            "file prints it nowhere else",
        )
    return int(m[1])


def parse_pfs_anesthesia(stream: IO[bytes], name: str) -> ParsedFile:
    """Parse a CMS ``ANES<year>.csv``.

    Args:
        stream: the file's bytes.
        name: the file name as CMS publishes it (``ANES2025.csv``); it carries the year.

    Raises:
        ImportFormatError: the name, the header or a data row is not CMS's layout.
    """
    year = _year(name)  # refuse an undated file before reading it
    rows = csv_rows(stream, name)
    national: Decimal | None = None
    for line, cells in rows:
        if is_blank(cells):
            continue
        national = _national_cf(cells)
        if national is None:
            raise ImportFormatError(
                name,
                "expected the header 'Contractor,Locality,Locality Name,National Anes CF of "
                f"<factor>', found {cells!r}",
                line,
            )
        break
    if national is None:
        raise ImportFormatError(name, "empty file; not a CMS anesthesia conversion factor file")

    records: list[AnesthesiaCf] = []
    seen: dict[tuple[str, str], int] = {}
    for line, cells in rows:
        if is_blank(cells):
            continue  # the file ends with ",,,"

        def fail(message: str, line: int = line) -> ImportFormatError:
            return ImportFormatError(name, message, line)

        extra = [c for c in cells[COLUMNS:] if c.strip()]
        if extra:
            raise fail(f"{len(cells)} cells where the header has {COLUMNS}: {extra!r}")
        # Every cell may carry trailing spaces ("10112 ,00 ,ALABAMA,19.31 ").
        contractor, locality, printed_name, factor = (
            [c.strip() for c in cells[:COLUMNS]] + [""] * COLUMNS
        )[:COLUMNS]
        if not _CONTRACTOR_RE.fullmatch(contractor):
            raise fail(f"contractor {contractor!r} is not five digits")
        if not _LOCALITY_RE.fullmatch(locality):
            raise fail(f"locality {locality!r} is not two digits")
        locality_name, marks = split_marks(printed_name)
        if not locality_name:
            raise fail("locality name is empty")
        cf = decimal_cell(factor)
        if cf is None:
            raise fail(f"conversion factor {factor!r} is not a non-negative decimal")
        key = (contractor, locality)
        if key in seen:
            raise fail(f"locality {contractor}/{locality} already on line {seen[key]}")
        seen[key] = line
        records.append(
            AnesthesiaCf(
                contractor=contractor,
                locality=locality,
                locality_name=locality_name,
                conversion_factor=cf,
                line=line,
                national_conversion_factor=national,
                marks=marks,
            )
        )
    if not records:
        raise ImportFormatError(name, "anesthesia header but no locality rows")

    title = (
        f"Medicare PFS anesthesia conversion factors by locality, {year}, national CF {national}"
    )
    header = annual_header(SYSTEM, KIND, year, title)
    return ParsedFile(header=header, records=records)


def sniff(name: str, head: bytes) -> bool:
    """Whether a file is a CMS anesthesia CF file, from its first 64 KB.

    The first non-blank line is the header ``Contractor,Locality,Locality Name,National Anes
    CF of <factor>``; the name is not needed.
    """
    for line in head.decode("latin-1").splitlines():
        cells = line.split(",")
        if is_blank(cells):
            continue
        return _national_cf(cells) is not None
    return False
