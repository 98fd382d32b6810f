"""Parser of the CMS OPPS imaging cap file (``OPPSCAP``) that ships with the PFS RVU zip.

Section 5102(b) of the Deficit Reduction Act of 2005 caps the technical component of certain
diagnostic imaging services at the OPPS payment. Each quarterly PFS release (``RVU25D`` =
October 2025, see ``pfs_rvu``) carries ``OPPSCAP`` as .xlsx and .csv, giving per code,
modifier, carrier and locality the payment amounts after the cap (for carrier-priced codes,
the cap itself; RVU25D.pdf, "Data Set Name" item 6).

Layout (the csv): one header row, then one row per code/modifier/carrier/locality::

    HCPCS,MOD,PROCSTAT,CARRIER,LOCALITY,FACILITY PRICE,NON-FACILTY PRICE

("NON-FACILTY" is CMS's spelling; the correct one is accepted too). CARRIER (the MAC number,
five digits) and LOCALITY (two digits) are strings: their leading zeros are part of the
number. PROCSTAT is the code's PFS status (A or C in practice). Prices are dollars with
cents. The published csv ends with a row of empty cells, an Excel artefact, which is passed
over like any wholly blank row: RVU25D's file has 16,102 lines, 16,100 of them records.

Contract: ``parse_opps_cap(stream, name)`` returns ``FileHeader(system="pfs",
kind="oppscap", version="2025D", ...)`` in force for the release's quarter, and one
``OppsCapRecord`` per row in file order. The file prints no date at all and CMS names it
only by month (``OPPSCAP_Oct.csv``), so the release is taken from, all agreeing: the
``version=`` / ``effective_from=`` arguments (``--version`` / ``--effective-from``); a year
in the file name (``OPPSCAP_Oct2025.csv``, ``OPPSCAP2025_Oct.csv``, ``OPPSCAP25_OCT.csv``);
a containing zip or folder named for the release (``rvu25d.zip!OPPSCAP_Oct.csv``), whose
quarter must match the month in the name. A bare ``OPPSCAP_Oct.csv`` is refused with a
message asking for ``--version``/``--effective-from``: the year cannot be known.

The parser is strict: a header that is not the layout's, a row of the wrong width, a code,
modifier, status, carrier, locality or price that does not fit, is an ``ImportFormatError``
naming the file and the line; a last row cut short reports the file as truncated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import IO, Any

from chartcode.errors import ImportFormatError
from chartcode.sources.pfs_rvu import (
    Release,
    agree,
    csv_rows,
    decimals_as_text,
    decode_cp1252,
    explicit_claims,
    layout_releases,
    name_parts,
)
from chartcode.sources.records import FileHeader, ParsedFile

SYSTEM = "pfs"
KIND = "oppscap"

# The header as printed, cells squashed to letters and digits; CMS misspells the last one.
_HEADER = ("HCPCS", "MOD", "PROCSTAT", "CARRIER", "LOCALITY", "FACILITYPRICE")
_LAST_HEADER = ("NONFACILTYPRICE", "NONFACILITYPRICE")
_WIDTH = len(_HEADER) + 1

_CODE_RE = re.compile(r"[0-9A-Z]{5}")
_MODIFIER_RE = re.compile(r"[0-9A-Z]{2}")
_STATUS_RE = re.compile(r"[A-Z]")
_CARRIER_RE = re.compile(r"[0-9]{5}")
_LOCALITY_RE = re.compile(r"[0-9]{2}")
_PRICE_RE = re.compile(r"[0-9]+\.[0-9]{2}")

_MONTH_LETTERS: dict[str, str] = {"JAN": "A", "APR": "B", "JUL": "C", "OCT": "D"}
# "OPPSCAP_Oct.csv", "OPPSCAP_Oct2025.csv", "OPPSCAP2025_Oct.csv", "OPPSCAP25_OCT.csv".
_NAME_RE = re.compile(
    r"OPPSCAP[-_ ]?(\d{4}|\d{2})?[-_ ]?(JAN|APR|JUL|OCT)(?:[-_ ]?(\d{4}))?", re.IGNORECASE
)
_EXAMPLE = "'rvu25d.zip!OPPSCAP_Oct.csv' or 'OPPSCAP_Oct2025.csv'"


def _squash(text: str) -> str:
    return re.sub(r"[^0-9A-Z]", "", text.upper())


@dataclass(frozen=True, slots=True)
class OppsCapRecord:
    """The capped PFS amounts of one code and modifier in one carrier locality.

    A price is None when its cell is blank. ``line`` is the csv line the row is on.
    """

    hcpcs: str
    modifier: str  # "" for the global service, else TC or 26
    procstat: str  # PFS status code (Attachment A of the RVU layout)
    carrier: str  # MAC number, five digits with leading zeros: "01112"
    locality: str  # two digits: "05"
    facility_price: Decimal | None
    nonfacility_price: Decimal | None
    line: int

    def to_dict(self) -> dict[str, Any]:
        """The record as JSON-ready values: Decimals as their exact strings (``"150.69"``)."""
        return decimals_as_text(self)


def release_of(
    name: str, version: str | None = None, effective_from: date | None = None
) -> Release:
    """The release an OPPSCAP file belongs to (see the module docstring for the sources).

    Raises:
        ImportFormatError: the year cannot be told, or two sources disagree.
    """
    claims = explicit_claims(version, effective_from, name) + layout_releases(name)
    parts = name_parts(name)
    m = _NAME_RE.search(parts[-1]) if parts else None
    if m is not None:
        letter = _MONTH_LETTERS[m[2].upper()]
        year_text = m[1] or m[3]
        source = f"the name {parts[-1]!r}"
        if year_text:
            year = 2000 + int(year_text) if len(year_text) == 2 else int(year_text)
            claims.append((source, Release(year, letter)))
        else:
            # The name gives the quarter but not the year: every other claim must agree on the
            # quarter, and one of them must supply the year.
            for other_source, other in claims:
                if other.letter != letter:
                    raise ImportFormatError(
                        name,
                        f"{source} says {m[2]} but {other_source} says {other.layout} "
                        f"({other.label})",
                    )
            if not claims:
                raise ImportFormatError(
                    name,
                    f"{source} gives the month ({m[2]}) but not the year, and the file "
                    "prints no date; pass --version (e.g. 2025D) or --effective-from "
                    "(e.g. 2025-10-01), or keep the name of the zip it came in "
                    f"({_EXAMPLE})",
                )
    return agree(name, "OPPS cap file", claims, _EXAMPLE)


def parse_opps_cap(
    stream: IO[bytes],
    name: str,
    *,
    version: str | None = None,
    effective_from: date | None = None,
) -> ParsedFile:
    """Parse an OPPSCAP csv.

    Args:
        stream: the file's bytes.
        name: the file name as shown to users; with its zip's name it dates the file.
        version: the release when the caller knows it (``--version``), e.g. ``"2025D"``.
        effective_from: the release's first day (``--effective-from``), e.g. 2025-10-01.

    Raises:
        ImportFormatError: the release cannot be told, or the header or a row is not the
            layout's.
    """
    release = release_of(name, version, effective_from)  # refuse an undated file unread
    data = stream.read()
    rows = [(n, r) for n, r in csv_rows(decode_cp1252(data, name), name)]
    body = [(n, r) for n, r in rows if any(c.strip() for c in r)]
    if not body:
        raise ImportFormatError(name, "empty file")
    header_line, header = body[0]
    _check_header(name, header_line, header)
    cut_short = not data.endswith((b"\n", b"\r"))
    records: list[Any] = []
    for index, (number, row) in enumerate(body[1:], start=1):
        # A last row without its line end is where a truncated download stops.
        cut = " (the file looks truncated)" if cut_short and index == len(body) - 1 else ""
        records.append(_record(name, number, row, cut))
    if not records:
        raise ImportFormatError(name, "header but no data rows", header_line)
    header_out = FileHeader(
        system=SYSTEM,
        kind=KIND,
        version=release.version,
        title=f"Medicare PFS OPPS imaging cap amounts {release.layout} ({release.label} release)",
        effective_from=release.start,
        effective_to=release.end,
    )
    return ParsedFile(header=header_out, records=records)


def _check_header(name: str, line: int, header: list[str]) -> None:
    cells = [_squash(c) for c in header]
    while len(cells) > _WIDTH and not cells[-1]:
        cells.pop()
    if tuple(cells[:-1]) != _HEADER or cells[-1] not in _LAST_HEADER:
        raise ImportFormatError(
            name,
            "header is not the OPPSCAP layout's 'HCPCS,MOD,PROCSTAT,CARRIER,LOCALITY,"
            f"FACILITY PRICE,NON-FACILTY PRICE': found {','.join(header)!r}",
            line,
        )


def _record(name: str, line: int, row: list[str], hint: str) -> OppsCapRecord:
    if len(row) > _WIDTH and not any(c.strip() for c in row[_WIDTH:]):
        row = row[:_WIDTH]  # padding cells
    if len(row) != _WIDTH:
        raise ImportFormatError(
            name, f"{len(row)} columns where the layout has {_WIDTH}{hint}", line
        )
    hcpcs, modifier, procstat, carrier, locality, facility, nonfacility = (c.strip() for c in row)

    def fail(what: str, text: str, expected: str) -> ImportFormatError:
        return ImportFormatError(name, f"{what} {text!r} is not {expected}{hint}", line)

    if not _CODE_RE.fullmatch(hcpcs):
        raise fail("HCPCS code", hcpcs, "a five-character code")
    if modifier and not _MODIFIER_RE.fullmatch(modifier):
        raise fail("modifier", modifier, "a two-character modifier or blank")
    if not _STATUS_RE.fullmatch(procstat):
        raise fail("PROCSTAT", procstat, "a one-letter PFS status code")
    # Leading zeros are part of the numbers: a spreadsheet that dropped them ("1112", "5")
    # has damaged the file, and guessing the padding back is not this parser's business.
    if not _CARRIER_RE.fullmatch(carrier):
        raise fail("carrier", carrier, "a five-digit carrier (MAC) number")
    if not _LOCALITY_RE.fullmatch(locality):
        raise fail("locality", locality, "a two-digit locality number")
    prices: list[Decimal | None] = []
    for what, text in (("facility price", facility), ("non-facility price", nonfacility)):
        if text and not _PRICE_RE.fullmatch(text):
            raise fail(what, text, "an amount in dollars and cents")
        prices.append(Decimal(text) if text else None)
    return OppsCapRecord(
        hcpcs=hcpcs,
        modifier=modifier,
        procstat=procstat,
        carrier=carrier,
        locality=locality,
        facility_price=prices[0],
        nonfacility_price=prices[1],
        line=line,
    )


def sniff(name: str, head: bytes) -> bool:
    """Whether a file is an OPPSCAP csv, from its first 64 KB: its header row."""
    lines = head.removeprefix(b"\xef\xbb\xbf").decode("latin-1").splitlines()
    if not lines:
        return False
    cells = [_squash(c) for c in lines[0].split(",")]
    while len(cells) > _WIDTH and not cells[-1]:
        cells.pop()
    return len(cells) == _WIDTH and tuple(cells[:-1]) == _HEADER and cells[-1] in _LAST_HEADER
