"""Parser of the CMS Physician Fee Schedule (PFS) relative value file, csv and fixed width.

CMS publishes the national PFS relative value file ("PPRRVU") four times a year in a zip named
for its layout document: ``RVU25D`` is the October 2025 release, ``RVU26B`` the April 2026
one (A = January, B = April, C = July, D = October; a trailing ``R``, e.g. ``RVU26AR``, marks a
correction of the same quarter). Each zip holds the same table as ``.txt`` (fixed width),
``.xlsx`` and ``.csv``; from 2026 on there are two copies, ``_QPP`` and ``_nonQPP``, which
differ only in the conversion factor. One row per HCPCS code and modifier.

Two shapes are read:

* ``parse_pfs_rvu_csv`` -- the csv (e.g. ``PPRRVU2025_Oct.csv``): a preamble (the title line
  "2025 National Physician Fee Schedule Relative Value File October Release", the AMA and ADA
  copyright notices, "RELEASED 09/11/2025", then three rows of column-heading fragments), then
  a header row whose names repeat (``RVU``, ``PE RVU``, ``INDICATOR``, ``TOTAL``, ``OP``,
  ``SURG``, ``AMOUNT`` ...). Columns are therefore mapped by position, per the RVU25D layout
  (``RVU25D_CSV_COLUMNS``), and the header is checked both as printed and merged with the
  heading fragments above it, which is what tells ``NON-FAC PE RVU`` from ``FACILITY PE RVU``.
* ``parse_pfs_rvu_fixed`` -- the fixed-width text (e.g. ``PPRRVU2026_Apr_nonQPP.txt``):
  ``HDR`` lines holding the copyright notice, then 171-character records at the positions of
  the RVU26B layout (``RVU26B_LAYOUT``; the layout says "Length of Record: 200 Characters",
  but the records stop at the last field, column 171).

Contract: both return ``ParsedFile(header, records)`` where ``header`` is
``FileHeader(system="pfs", kind="rvu", version="2025D", ...)`` in force from the first to the
last day of the release's quarter, and ``records[0]`` is an ``RvuNotice`` holding the file's
preamble text as published (the AMA/ADA notices must travel with the descriptors, so the
notice is kept as a record rather than dropped), followed by one ``RvuRecord`` per data row in
file order. Numbers are ``Decimal`` exactly as printed (never float); a blank number is None.

Which release a file is comes from, in order of trust, all of which must agree:
the ``version=`` / ``effective_from=`` arguments (the CLI's ``--version`` /
``--effective-from``), the file name (``PPRRVU2025_Oct``, ``PPRRVU26_APR``, or a containing
zip or folder named ``RVU25D``), and, in the csv, the title line or else the RELEASED date. The
fixed-width file states no release at all (its ``HDR`` year is the AMA copyright year), so a
renamed one needs ``version=``; a file whose release cannot be told is refused, not guessed.

The parser is strict: a header that is not the layout's, a record of the wrong length, a code,
status, indicator or number that does not fit its field, totals that are not the sum of their
parts (the layout defines them so), or a second row for the same code and modifier is an
``ImportFormatError`` naming the file and the line. A short last record reports the file as
truncated. Wholly blank csv rows and blank lines at the end of the text file are passed over.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal
from typing import IO, Any

from chartcode.errors import ImportFormatError
from chartcode.sources.records import FileHeader, ParsedFile

SYSTEM = "pfs"
KIND = "rvu"
KIND_QPP = "rvu_qpp"

# --- releases: quarter letters, versions and dates -----------------------------------------

# The letter CMS gives each quarterly release (RVU26B.pdf, "Update Schedule").
QUARTER_MONTHS: dict[str, int] = {"A": 1, "B": 4, "C": 7, "D": 10}
_MONTH_LETTERS: dict[str, str] = {"JAN": "A", "APR": "B", "JUL": "C", "OCT": "D"}
_MONTH_NAMES: dict[str, str] = {"A": "January", "B": "April", "C": "July", "D": "October"}


@dataclass(frozen=True, slots=True)
class Release:
    """One quarterly PFS release, e.g. ``Release(2025, "D")`` = RVU25D, October 2025."""

    year: int
    letter: str  # A | B | C | D

    @property
    def version(self) -> str:
        """``FileHeader.version``: ``"2025D"``."""
        return f"{self.year}{self.letter}"

    @property
    def layout(self) -> str:
        """CMS's name for the release and its layout document: ``"RVU25D"``."""
        return f"RVU{self.year % 100:02d}{self.letter}"

    @property
    def label(self) -> str:
        return f"{_MONTH_NAMES[self.letter]} {self.year}"

    @property
    def start(self) -> date:
        return date(self.year, QUARTER_MONTHS[self.letter], 1)

    @property
    def end(self) -> date:
        """Last day of the quarter: the next release replaces this one."""
        month = QUARTER_MONTHS[self.letter] + 2
        return date(self.year, month, 31 if month in (3, 12) else 30)


def _year(text: str) -> int:
    """A 2- or 4-digit year as CMS writes it in names (``25`` or ``2025``)."""
    return 2000 + int(text) if len(text) == 2 else int(text)


_VERSION_RE = re.compile(r"(?:RVU)?(\d{4}|\d{2})[-_ ]?(?:([A-D])R?|Q([1-4]))", re.IGNORECASE)


def release_from_version(text: str) -> Release:
    """A release from a version as a user types it: ``2025D``, ``RVU25D``, ``25D``, ``2025Q4``.

    Raises:
        ValueError: not one of those shapes.
    """
    m = _VERSION_RE.fullmatch(text.strip())
    if m is None:
        raise ValueError(
            f"version {text!r} is not a PFS release like '2025D', 'RVU25D' or '2025Q4'"
        )
    letter = m[2].upper() if m[2] else "ABCD"[int(m[3]) - 1]
    return Release(_year(m[1]), letter)


def release_from_date(day: date) -> Release:
    """The release in force from ``day``, which must be the first day of a quarter.

    Raises:
        ValueError: ``day`` is not 1 January, 1 April, 1 July or 1 October.
    """
    for letter, month in QUARTER_MONTHS.items():
        if day == date(day.year, month, 1):
            return Release(day.year, letter)
    raise ValueError(
        f"effective date {day.isoformat()} is not the first day of a quarter; PFS releases "
        "take effect on 1 January, 1 April, 1 July or 1 October"
    )


def release_after(day: date) -> Release:
    """The first release taking effect on or after ``day`` (CMS releases ahead of the quarter).

    >>> release_after(date(2025, 9, 11)).version
    '2025D'
    """
    for letter, month in QUARTER_MONTHS.items():
        if day <= date(day.year, month, 1):
            return Release(day.year, letter)
    return Release(day.year + 1, "A")


# A zip, folder or layout name: "rvu25d.zip", "rvu25d_0/", "RVU26AR". "PPRRVU..." is not one:
# the look-behind refuses a letter before "RVU".
_LAYOUT_NAME_RE = re.compile(r"(?<![A-Z0-9])RVU(\d{2})([A-D])R?(?![A-Z0-9])", re.IGNORECASE)
# The data file itself: "PPRRVU2025_Oct.csv", "PPRRVU2026_Apr_nonQPP.txt", "PPRRVU25_OCT.csv".
_PPRRVU_NAME_RE = re.compile(r"PPRRVU(\d{4}|\d{2})[-_ ]?(JAN|APR|JUL|OCT)", re.IGNORECASE)


def name_parts(name: str) -> list[str]:
    """The components of a display name (``a.zip!dir/file.csv``), the file itself last."""
    return [p for p in re.split(r"[!/\\]", name) if p]


def layout_releases(name: str) -> list[tuple[str, Release]]:
    """Every release a component of ``name`` is named after (``rvu25d.zip``), as claims."""
    claims: list[tuple[str, Release]] = []
    for part in name_parts(name):
        for m in _LAYOUT_NAME_RE.finditer(part):
            claims.append((f"the name {part!r}", Release(_year(m[1]), m[2].upper())))
    return claims


def explicit_claims(
    version: str | None, effective_from: date | None, name: str
) -> list[tuple[str, Release]]:
    """The release the caller states (``--version`` / ``--effective-from``), as claims.

    Raises:
        ImportFormatError: the version or date does not name a quarterly release.
    """
    claims: list[tuple[str, Release]] = []
    try:
        if version is not None:
            claims.append((f"--version {version}", release_from_version(version)))
        if effective_from is not None:
            claims.append(
                (
                    f"--effective-from {effective_from.isoformat()}",
                    release_from_date(effective_from),
                )
            )
    except ValueError as exc:
        raise ImportFormatError(name, str(exc)) from exc
    return claims


def agree(name: str, what: str, claims: Sequence[tuple[str, Release]], example: str) -> Release:
    """The one release every claim names.

    Raises:
        ImportFormatError: no claim at all (the release cannot be known: pass it), or two
            claims disagree (a mislabelled file is worse than a refused one).
    """
    if not claims:
        raise ImportFormatError(
            name,
            f"cannot tell which quarterly release this {what} is: neither its name nor its "
            f"content says; name it as CMS does ({example}) or pass --version (e.g. 2025D) "
            "or --effective-from (e.g. 2025-10-01)",
        )
    source, release = claims[0]
    for other_source, other in claims[1:]:
        if other != release:
            raise ImportFormatError(
                name,
                f"{source} says {release.layout} ({release.label}) but {other_source} says "
                f"{other.layout} ({other.label})",
            )
    return release


# --- records --------------------------------------------------------------------------------


def decimals_as_text(record: Any) -> dict[str, Any]:
    """A dataclass record's fields as JSON-ready values, Decimals as their exact strings.

    ``str`` rather than ``float`` so a price or RVU keeps the digits CMS printed (``"1.50"``).
    Shared with the OPPS cap records, which are read from the same RVU zips.
    """
    out: dict[str, Any] = {}
    for f in fields(record):
        value = getattr(record, f.name)
        out[f.name] = str(value) if isinstance(value, Decimal) else value
    return out


@dataclass(frozen=True, slots=True)
class RvuNotice:
    """The file's preamble (title, AMA CPT and ADA CDT copyright notices), as published.

    Always ``ParsedFile.records[0]``: CMS distributes the CPT descriptors under this notice,
    so it is kept with them. ``text`` is one preamble line per line; ``line`` is where it
    starts.
    """

    text: str
    line: int

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "line": self.line}


@dataclass(frozen=True, slots=True)
class RvuRecord:
    """One row of the relative value file: the RVUs and payment policy indicators of a code.

    Field meanings are the layout's (RVU26B.pdf, RVU25D.pdf, and their Attachment A).
    Indicators are kept as the one- or two-character strings published, since ``9`` means
    "concept does not apply" rather than a quantity. ``pricing_indicator`` (RVU26B column 121,
    "1 = QPP indicator applies", "9 = concept does not apply") is None where the layout has a
    filler there (RVU25D) or the csv has no such column. ``not_used_for_medicare_payment`` is
    the csv's "NOT USED FOR MEDICARE PAYMENT" column, a ``+`` in fixed-width column 59 (which
    the RVU26B layout does not list): the RVUs are published but Medicare does not pay on them.
    """

    hcpcs: str
    modifier: str  # "" for none; 26, TC or 53
    description: str  # CMS short descriptor as published (CPT descriptors are (c) AMA)
    status: str  # Attachment A status code, one letter
    not_used_for_medicare_payment: bool
    work_rvu: Decimal | None
    pe_nonfacility: Decimal | None
    pe_nonfacility_na: bool  # "NA": rarely or never performed outside a facility
    pe_facility: Decimal | None
    pe_facility_na: bool
    mp_rvu: Decimal | None
    total_nonfacility: Decimal | None
    total_facility: Decimal | None
    pctc: str  # PC/TC indicator 0-9
    global_days: str  # "000" | "010" | "090" | "MMM" | "XXX" | "YYY" | "ZZZ"
    pre_op: Decimal | None  # share of the global package, e.g. 0.10
    intra_op: Decimal | None
    post_op: Decimal | None
    mult_proc: str
    bilateral: str
    assistant: str
    co_surgery: str
    team_surgery: str
    pricing_indicator: str | None
    endo_base: str | None  # endoscopic base code for multiple procedure indicator 3
    conversion_factor: Decimal | None
    supervision: str  # physician supervision of diagnostic procedures: 01..09, 21, 22, 66, 6A...
    calc_flag: str
    imaging_family: str  # diagnostic imaging family: 88 or 99 (01-11 retired in 2011)
    opps_nonfacility_pe: Decimal | None
    opps_facility_pe: Decimal | None
    opps_mp: Decimal | None
    line: int

    def to_dict(self) -> dict[str, Any]:
        """The record as JSON-ready values: Decimals as their exact strings (``"27.42"``)."""
        return decimals_as_text(self)


# The order the row builders hand values over in: RvuRecord's fields without ``line``.
_FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in fields(RvuRecord))[:-1]

# What each field must look like, and what it becomes. Every layout field maps to one kind.
_LABELS: dict[str, str] = {
    "hcpcs": "HCPCS code",
    "modifier": "modifier",
    "description": "description",
    "status": "status code",
    "not_used_for_medicare_payment": "not-used-for-Medicare-payment flag",
    "work_rvu": "work RVU",
    "pe_nonfacility": "non-facility PE RVU",
    "pe_nonfacility_na": "non-facility NA indicator",
    "pe_facility": "facility PE RVU",
    "pe_facility_na": "facility NA indicator",
    "mp_rvu": "MP RVU",
    "total_nonfacility": "total non-facility RVUs",
    "total_facility": "total facility RVUs",
    "pctc": "PC/TC indicator",
    "global_days": "global surgery days",
    "pre_op": "preoperative percentage",
    "intra_op": "intraoperative percentage",
    "post_op": "postoperative percentage",
    "mult_proc": "multiple procedure indicator",
    "bilateral": "bilateral surgery indicator",
    "assistant": "assistant at surgery indicator",
    "co_surgery": "co-surgeons indicator",
    "team_surgery": "team surgery indicator",
    "pricing_indicator": "pricing indicator",
    "endo_base": "endoscopic base code",
    "conversion_factor": "conversion factor",
    "supervision": "physician supervision indicator",
    "calc_flag": "calculation flag",
    "imaging_family": "diagnostic imaging family indicator",
    "opps_nonfacility_pe": "OPPS non-facility PE RVU",
    "opps_facility_pe": "OPPS facility PE RVU",
    "opps_mp": "OPPS MP RVU",
}

# --- the layouts ----------------------------------------------------------------------------

# RVU26B.pdf "DATA RECORD": (field, first column, last column), 1-based and inclusive as the
# layout prints them, with the layout's picture clause. RVU25D.pdf is the same but for column
# 121 (a filler there). Columns not listed must be blank (see RVU26B_FILLER) except 59.
RVU26B_LAYOUT: tuple[tuple[str, int, int], ...] = (
    ("hcpcs", 1, 5),  # HCPCS Code X(5): CPT or level II HCPCS
    ("modifier", 6, 7),  # Modifier X(2): blank = global; 26, TC, or 53 (discontinued)
    ("description", 8, 57),  # Description X(50), left-aligned, space padded
    ("status", 58, 58),  # Status Code X(1), Attachment A
    # Column 59 is not in the layout; the files put a "+" there on the rows the csv marks in
    # its "NOT USED FOR MEDICARE PAYMENT" column.
    ("not_used_for_medicare_payment", 59, 59),
    ("work_rvu", 60, 65),  # Work RVU 999.99
    ("pe_nonfacility", 67, 72),  # Non-Facility Practice Expense RVU 999.99
    ("pe_nonfacility_na", 73, 74),  # Non-Facility NA Indicator X(2): "NA" or blank
    ("pe_facility", 76, 81),  # Facility Practice Expense RVU 999.99
    ("pe_facility_na", 82, 83),  # Facility NA Indicator X(2)
    ("mp_rvu", 85, 89),  # Malpractice RVU 99.99
    ("total_nonfacility", 91, 96),  # Total Non-Facility RVUs 999.99 (work + PE + MP)
    ("total_facility", 97, 102),  # Total Facility RVUs 999.99 (no blank column before it)
    ("pctc", 103, 103),  # PC/TC Indicator x(1), Attachment A
    ("global_days", 104, 106),  # Global Surgery XXX: 000 010 090 MMM XXX YYY ZZZ
    ("pre_op", 107, 109),  # Preoperative Percentage .99 (printed ".10")
    ("intra_op", 110, 112),  # Intraoperative Percentage .99
    ("post_op", 113, 115),  # Postoperative Percentage .99
    ("mult_proc", 116, 116),  # Multiple Procedure (Modifier 51) x(1)
    ("bilateral", 117, 117),  # Bilateral Surgery (Modifier 50) x(1)
    ("assistant", 118, 118),  # Assistant at Surgery x(1)
    ("co_surgery", 119, 119),  # Co-surgeons (Modifier 62) x(1)
    ("team_surgery", 120, 120),  # Team Surgery (Modifier 66) x(1)
    ("pricing_indicator", 121, 121),  # Pricing Indicator x(1): 1 = QPP applies, 9 = n/a
    ("endo_base", 128, 132),  # Endoscopic Base Code X(5)
    ("conversion_factor", 133, 140),  # Conversion Factor 999.9999
    ("supervision", 142, 143),  # Physician Supervision of Diagnostic Procedures X(2)
    ("calc_flag", 144, 144),  # Calculation Flag X(1): "0" since July 2014
    ("imaging_family", 146, 147),  # Diagnostic Imaging Family Indicator X(2)
    ("opps_nonfacility_pe", 152, 157),  # Non-Facility PE Used for OPPS Payment Amount 999.99
    ("opps_facility_pe", 159, 164),  # Facility PE Used for OPPS Payment Amount 999.99
    # The pdf prints this field's location as a bare "1"; it is the last six columns.
    ("opps_mp", 166, 171),  # Malpractice Used for OPPS Payment Amount 999.99
)
RVU26B_RECORD_LENGTH = 171
# The blank columns between fields (the layout's "Filler 122-127" and the unnumbered gaps).
RVU26B_FILLER: tuple[tuple[int, int], ...] = (
    (66, 66),
    (75, 75),
    (84, 84),
    (90, 90),
    (122, 127),
    (141, 141),
    (145, 145),
    (148, 151),
    (158, 158),
    (165, 165),
)
# RVU26B.pdf "HEADER RECORD": "HDR" in 1-3, the copyright statement in 5-50 (the lines are
# published trimmed to 50 characters, not padded to the layout's 150).
_HDR = "HDR"
_HDR_MAX_LENGTH = 150

# The RVU25D csv, column by column: (field, header cell as printed, header merged with the
# heading fragments above it). The printed names repeat, so only the merged ones identify a
# column; both are checked.
RVU25D_CSV_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("hcpcs", "HCPCS", "HCPCS"),
    ("modifier", "MOD", "MOD"),
    ("description", "DESCRIPTION", "DESCRIPTION"),
    ("status", "CODE", "STATUS CODE"),
    ("not_used_for_medicare_payment", "PAYMENT", "NOT USED FOR MEDICARE PAYMENT"),
    ("work_rvu", "RVU", "WORK RVU"),
    ("pe_nonfacility", "PE RVU", "NON-FAC PE RVU"),
    ("pe_nonfacility_na", "INDICATOR", "NON-FAC NA INDICATOR"),
    ("pe_facility", "PE RVU", "FACILITY PE RVU"),
    ("pe_facility_na", "INDICATOR", "FACILITY NA INDICATOR"),
    ("mp_rvu", "RVU", "MP RVU"),
    ("total_nonfacility", "TOTAL", "NON-FACILITY TOTAL"),
    ("total_facility", "TOTAL", "FACILITY TOTAL"),
    ("pctc", "IND", "PCTC IND"),
    ("global_days", "DAYS", "GLOB DAYS"),
    ("pre_op", "OP", "PRE OP"),
    ("intra_op", "OP", "INTRA OP"),
    ("post_op", "OP", "POST OP"),
    ("mult_proc", "PROC", "MULT PROC"),
    ("bilateral", "SURG", "BILAT SURG"),
    ("assistant", "SURG", "ASST SURG"),
    ("co_surgery", "SURG", "CO- SURG"),
    ("team_surgery", "SURG", "TEAM SURG"),
    ("endo_base", "BASE", "ENDO BASE"),
    ("conversion_factor", "FACTOR", "CONV FACTOR"),
    ("supervision", "PROCEDURES", "PHYSICIAN SUPERVISION OF DIAGNOSTIC PROCEDURES"),
    ("calc_flag", "FLAG", "CALCULATION FLAG"),
    ("imaging_family", "INDICATOR", "DIAGNOSTIC IMAGING FAMILY INDICATOR"),
    ("opps_nonfacility_pe", "AMOUNT", "NON-FACILITY PE USED FOR OPPS PAYMENT AMOUNT"),
    ("opps_facility_pe", "AMOUNT", "FACILITY PE USED FOR OPPS PAYMENT AMOUNT"),
    ("opps_mp", "AMOUNT", "MP USED FOR OPPS PAYMENT AMOUNT"),
)
_CSV_WIDTH = len(RVU25D_CSV_COLUMNS)
_CSV_HEADER_SEARCH_ROWS = 30

# The csv title line and release date (RVU25D preamble, lines 1 and 5).
_TITLE_RE = re.compile(
    r"(\d{4}) National Physician Fee Schedule Relative Value File\s+"
    r"(January|April|July|October) Release",
    re.IGNORECASE,
)
_RELEASED_RE = re.compile(r"RELEASED\s+(\d{1,2})/(\d{1,2})/(\d{4})", re.IGNORECASE)


def _squash(text: str) -> str:
    return re.sub(r"[^0-9A-Z]", "", text.upper())


# --- field checks ---------------------------------------------------------------------------

_CODE_RE = re.compile(r"[0-9A-Z]{5}")
_MODIFIER_RE = re.compile(r"[0-9A-Z]{2}")
_STATUS_RE = re.compile(r"[A-Z]")
_DIGIT_RE = re.compile(r"[0-9]")
_TWO_RE = re.compile(r"[0-9A-Z]{2}")
_FAMILY_RE = re.compile(r"[0-9]{2}")
_GLOBAL_RE = re.compile(r"000|010|090|MMM|XXX|YYY|ZZZ")  # the layout's complete list
_RVU_RE = re.compile(r"[0-9]{1,3}\.[0-9]{2}")  # PIC 999.99 / 99.99
_PCT_RE = re.compile(r"[0-9]?\.[0-9]{2}")  # PIC .99: ".10" fixed, "0.10" csv
_CF_RE = re.compile(r"[0-9]{1,3}\.[0-9]{4}")  # PIC 999.9999

Converter = Callable[[str], Any]


def _decimal(pattern: re.Pattern[str], picture: str) -> Converter:
    def conv(text: str) -> Decimal | None:
        text = text.strip()  # fixed-width numbers are right-aligned in their field
        if not text:
            return None
        if not pattern.fullmatch(text):
            raise ValueError(f"is not a number like {picture}")
        return Decimal(text)

    return conv


def _matching(pattern: re.Pattern[str], what: str, *, optional: bool = False) -> Converter:
    def conv(text: str) -> str | None:
        text = text.strip()
        if not text and optional:
            return None
        if not pattern.fullmatch(text):
            raise ValueError(f"is not {what}")
        return text

    return conv


def _modifier(text: str) -> str:
    text = text.strip()
    if text and not _MODIFIER_RE.fullmatch(text):
        raise ValueError("is not a two-character modifier or blank")
    return text


def _flag(mark: str, what: str) -> Converter:
    def conv(text: str) -> bool:
        text = text.strip()
        if text not in ("", mark):
            raise ValueError(f"is not {mark!r} or blank ({what})")
        return text == mark

    return conv


def _memo(conv: Converter) -> Converter:
    """Remember each distinct text's value: most fields take a handful of values."""
    cache: dict[str, Any] = {}

    def memo(text: str) -> Any:
        try:
            return cache[text]
        except KeyError:
            value = conv(text)  # raises on a bad value, which is then not cached
            cache[text] = value
            return value

    return memo


def _converters(description: Converter) -> list[Converter]:
    """One converter per ``_FIELD_NAMES`` entry, with fresh caches for one file."""
    rvu = _decimal(_RVU_RE, "999.99")
    pct = _decimal(_PCT_RE, ".99")
    digit = _matching(_DIGIT_RE, "one digit")
    by_field: dict[str, Converter] = {
        "hcpcs": _matching(_CODE_RE, "a five-character HCPCS code"),
        "modifier": _modifier,
        "description": description,
        "status": _matching(_STATUS_RE, "a one-letter status code (Attachment A)"),
        "not_used_for_medicare_payment": _flag("+", "not used for Medicare payment"),
        "work_rvu": rvu,
        "pe_nonfacility": rvu,
        "pe_nonfacility_na": _flag("NA", "NA indicator"),
        "pe_facility": rvu,
        "pe_facility_na": _flag("NA", "NA indicator"),
        "mp_rvu": rvu,
        "total_nonfacility": rvu,
        "total_facility": rvu,
        "pctc": digit,
        "global_days": _matching(_GLOBAL_RE, "000, 010, 090, MMM, XXX, YYY or ZZZ"),
        "pre_op": pct,
        "intra_op": pct,
        "post_op": pct,
        "mult_proc": digit,
        "bilateral": digit,
        "assistant": digit,
        "co_surgery": digit,
        "team_surgery": digit,
        "pricing_indicator": _matching(_DIGIT_RE, "one digit or blank", optional=True),
        "endo_base": _matching(_CODE_RE, "a five-character code or blank", optional=True),
        "conversion_factor": _decimal(_CF_RE, "999.9999"),
        "supervision": _matching(_TWO_RE, "a two-character supervision code"),
        "calc_flag": digit,
        "imaging_family": _matching(_FAMILY_RE, "a two-digit family indicator"),
        "opps_nonfacility_pe": rvu,
        "opps_facility_pe": rvu,
        "opps_mp": rvu,
    }
    memo_free = {"hcpcs", "description"}  # nearly every value differs: caching only costs
    return [by_field[n] if n in memo_free else _memo(by_field[n]) for n in _FIELD_NAMES]


class _RowBuilder:
    """Turns one row's field texts (in ``_FIELD_NAMES`` order) into a checked ``RvuRecord``."""

    def __init__(self, name: str, where: Sequence[str], description: Converter) -> None:
        self.name = name
        self.where = where  # per field: " (columns 60-65)" or " (csv column 6)"
        self.converters = _converters(description)
        self.seen: dict[tuple[str, str], int] = {}

    def fail(self, line: int, message: str) -> ImportFormatError:
        return ImportFormatError(self.name, message, line)

    def build(self, texts: Sequence[str], line: int, hint: str = "") -> RvuRecord:
        """The record, or an ``ImportFormatError`` naming the field (``hint`` appended)."""
        values: list[Any] = []
        for i, (conv, text) in enumerate(zip(self.converters, texts, strict=True)):
            try:
                values.append(conv(text))
            except ValueError as exc:
                field = _FIELD_NAMES[i]
                raise self.fail(
                    line, f"{_LABELS[field]}{self.where[i]} {text!r} {exc}{hint}"
                ) from None
        values.append(line)  # ``line`` is the last field
        record = RvuRecord(*values)
        self._check(record, hint)
        return record

    def _check(self, r: RvuRecord, hint: str) -> None:
        # The layout defines each total as the sum of its parts (RVU26B.pdf, "Total
        # Non-Facility RVUs" / "Total Facility RVUs"); a mismatch means shifted columns.
        for total, pe, label in (
            (r.total_nonfacility, r.pe_nonfacility, "non-facility"),
            (r.total_facility, r.pe_facility, "facility"),
        ):
            parts = (r.work_rvu, pe, r.mp_rvu)
            if total is not None and None not in parts:
                expected = sum(p for p in parts if p is not None)
                if total != expected:
                    raise self.fail(
                        r.line,
                        f"total {label} RVUs {total} is not work + PE + MP = {expected} "
                        f"for {r.hcpcs}{' ' + r.modifier if r.modifier else ''}{hint}",
                    )
        # "one record for each unique combination of procedure code and modifier" (layout,
        # File Organization): a repeat would make the lookup ambiguous.
        key = (r.hcpcs, r.modifier)
        first = self.seen.setdefault(key, r.line)
        if first != r.line:
            code = r.hcpcs + (f" modifier {r.modifier}" if r.modifier else "")
            raise self.fail(r.line, f"second row for {code} (first on line {first})")


def decode_cp1252(data: bytes, name: str) -> str:
    """The file's text, read as cp1252 (a UTF-8 byte-order mark is dropped).

    CMS's files are Windows text: ASCII but for the odd cp1252 character (a no-break space in
    one 2026 descriptor). cp1252 is single-byte, so fixed-width columns stay text columns.

    Raises:
        ImportFormatError: a byte cp1252 leaves undefined, with its line.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ImportFormatError(
            name, f"byte {data[exc.start]:#04x} is not cp1252 text", line
        ) from None


def _header(release: Release, name: str, shape: str) -> FileHeader:
    base = name_parts(name)[-1] if name_parts(name) else name
    qpp = ""
    kind = KIND
    if re.search(r"non[-_ ]?qpp", base, re.IGNORECASE):
        qpp = ", non-QPP conversion factor"
    elif re.search(r"(?<![a-z])qpp", base, re.IGNORECASE):
        # From 2026 CMS publishes a second copy priced with the QPP conversion factor (for
        # qualifying APM participants). It is its own file family so that it never replaces
        # or competes with the non-QPP copy, which prices everyone else.
        qpp = ", QPP conversion factor"
        kind = KIND_QPP
    return FileHeader(
        system=SYSTEM,
        kind=kind,
        version=release.version,
        title=(
            f"Medicare Physician Fee Schedule relative value file {release.layout} "
            f"({release.label} release, {shape}{qpp})"
        ),
        effective_from=release.start,
        effective_to=release.end,
    )


def _name_claims(name: str) -> list[tuple[str, Release]]:
    claims: list[tuple[str, Release]] = []
    parts = name_parts(name)
    if parts:
        m = _PPRRVU_NAME_RE.search(parts[-1])
        if m:
            claims.append(
                (f"the name {parts[-1]!r}", Release(_year(m[1]), _MONTH_LETTERS[m[2].upper()]))
            )
    return claims + layout_releases(name)


_RVU_EXAMPLE = "'PPRRVU2026_Apr_nonQPP.txt', 'PPRRVU2025_Oct.csv', or inside 'rvu26b.zip'"


# --- csv ------------------------------------------------------------------------------------


def csv_rows(text: str, name: str) -> Iterator[tuple[int, list[str]]]:
    """Rows with the physical line each starts on (a quoted cell may hold a line break).

    Raises:
        ImportFormatError: the csv itself is broken (a quote left open at the end of a cut
            file, a NUL byte).
    """
    reader = csv.reader(io.StringIO(text, newline=""))
    start = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ImportFormatError(name, f"not readable as csv ({exc})", start) from None
        yield start, row
        start = reader.line_num + 1


def _cells(row: Sequence[str]) -> list[str]:
    """A preamble row's non-blank cells."""
    return [c.strip() for c in row if c.strip()]


def parse_pfs_rvu_csv(
    stream: IO[bytes],
    name: str,
    *,
    version: str | None = None,
    effective_from: date | None = None,
) -> ParsedFile:
    """Parse the csv copy of a PFS relative value file (the RVU25D csv layout).

    Args:
        stream: the file's bytes.
        name: the file name as shown to users (``rvu25d.zip!PPRRVU2025_Oct.csv``); it names
            the release.
        version: the release when the caller knows it (``--version``), e.g. ``"2025D"``.
        effective_from: the release's first day (``--effective-from``), e.g. 2025-10-01.

    Returns:
        The header and ``[RvuNotice, RvuRecord, ...]``.

    Raises:
        ImportFormatError: the header, a row, or the release is not what the layout says.
    """
    data = stream.read()
    text = decode_cp1252(data, name)
    rows = csv_rows(text, name)
    preamble: list[tuple[int, list[str]]] = []
    header: list[str] = []
    header_line = 0
    for number, row in rows:
        if row and row[0].strip().upper() == "HCPCS":
            header_line = number
            header = row
            break
        preamble.append((number, row))
        if len(preamble) >= _CSV_HEADER_SEARCH_ROWS:
            break
    if not header_line:
        raise ImportFormatError(
            name,
            f"no header row starting 'HCPCS,MOD,DESCRIPTION' in the first "
            f"{_CSV_HEADER_SEARCH_ROWS} rows; not a PFS relative value csv",
        )
    _check_csv_header(name, header_line, header, preamble)

    # Preamble rows of one cell are the notice (title, AMA/ADA lines, RELEASED date); rows of
    # several cells are the column-heading fragments checked above.
    notice_rows = [(n, _cells(r)[0]) for n, r in preamble if len(_cells(r)) == 1]
    notice_text = "\n".join(t for _, t in notice_rows)
    claims = explicit_claims(version, effective_from, name) + _name_claims(name)
    stated = _stated_release(notice_text)
    if stated is not None:
        claims.append(stated)
    release = agree(name, "PFS relative value file", claims, _RVU_EXAMPLE)

    where = [f" (csv column {i + 1})" for i in range(_CSV_WIDTH)]
    # The csv has no pricing-indicator column (RVU25D has a filler at its place).
    slot = _FIELD_NAMES.index("pricing_indicator")
    where.insert(slot, "")
    builder = _RowBuilder(name, where, _published)
    records: list[Any] = [RvuNotice(notice_text, notice_rows[0][0] if notice_rows else 1)]
    body = [(n, r) for n, r in rows if any(c.strip() for c in r)]  # Excel leaves blank rows
    cut_short = not data.endswith((b"\n", b"\r"))
    for index, (number, row) in enumerate(body):
        # A last row without its line end is where a truncated download stops.
        cut = " (the file looks truncated)" if cut_short and index == len(body) - 1 else ""
        if len(row) > _CSV_WIDTH and not any(c.strip() for c in row[_CSV_WIDTH:]):
            row = row[:_CSV_WIDTH]  # padding cells
        if len(row) != _CSV_WIDTH:
            raise ImportFormatError(
                name, f"{len(row)} columns where the layout has {_CSV_WIDTH}{cut}", number
            )
        records.append(builder.build(row[:slot] + [""] + row[slot:], number, cut))
    if len(records) == 1:
        raise ImportFormatError(name, "header but no data rows", header_line)
    return ParsedFile(header=_header(release, name, "csv"), records=records)


def _published(text: str) -> str:
    return text


def _check_csv_header(
    name: str, line: int, header: Sequence[str], preamble: Sequence[tuple[int, list[str]]]
) -> None:
    cells = [c.strip().upper() for c in header]
    while len(cells) > _CSV_WIDTH and not cells[-1]:
        cells.pop()
    printed = [c for _, c, _ in RVU25D_CSV_COLUMNS]
    if cells != printed:
        raise ImportFormatError(
            name,
            f"header is not the RVU25D layout's: expected {','.join(printed)!r}, "
            f"found {','.join(cells)!r}",
            line,
        )
    # The printed names repeat ("PE RVU" twice, "SURG" four times...), so the column-heading
    # fragments above the header must name the same columns in the same order.
    fragments = [r for _, r in preamble if len(_cells(r)) > 1]
    for i, (_, cell, merged) in enumerate(RVU25D_CSV_COLUMNS):
        above = " ".join(r[i].strip() for r in fragments if i < len(r) and r[i].strip())
        found = f"{above} {cell}".strip()
        if _squash(found) != _squash(merged):
            raise ImportFormatError(
                name,
                f"column {i + 1} is headed {found!r}, expected {merged!r} (RVU25D layout); "
                "the columns are read by position, so the layout must match",
                line,
            )


def _stated_release(notice: str) -> tuple[str, Release] | None:
    """The release the csv preamble states: its title line, else its RELEASED date."""
    m = _TITLE_RE.search(notice)
    if m:
        letter = _MONTH_LETTERS[m[2][:3].upper()]
        return (f"the title line {m[0]!r}", Release(int(m[1]), letter))
    r = _RELEASED_RE.search(notice)
    if r:
        try:
            released = date(int(r[3]), int(r[1]), int(r[2]))
        except ValueError:
            return None
        # CMS releases a quarter's file a few weeks ahead of it (RVU25D: 09/11/2025).
        return (f"the release date {r[0]!r}", release_after(released))
    return None


# --- fixed width ----------------------------------------------------------------------------

_SLICES: tuple[tuple[int, int], ...] = tuple((a - 1, b) for _, a, b in RVU26B_LAYOUT)
_FILLER_SLICES: tuple[tuple[int, int], ...] = tuple((a - 1, b) for a, b in RVU26B_FILLER)


def _padded(text: str) -> str:
    return text.rstrip()  # the 50-column description is space padded


def parse_pfs_rvu_fixed(
    stream: IO[bytes],
    name: str,
    *,
    version: str | None = None,
    effective_from: date | None = None,
) -> ParsedFile:
    """Parse the fixed-width text copy of a PFS relative value file (RVU26B layout).

    Args:
        stream: the file's bytes.
        name: the file name as shown to users; it is the only place the release is named.
        version: the release when the caller knows it (``--version``), e.g. ``"2026B"``.
        effective_from: the release's first day (``--effective-from``), e.g. 2026-04-01.

    Returns:
        The header and ``[RvuNotice, RvuRecord, ...]``.

    Raises:
        ImportFormatError: no ``HDR`` notice, a record that is not 171 characters, a field
            that does not fit the layout, or a release that cannot be told.
    """
    claims = explicit_claims(version, effective_from, name) + _name_claims(name)
    release = agree(name, "PFS relative value file", claims, _RVU_EXAMPLE)
    data = stream.read()
    lines = decode_cp1252(data, name).split("\n")
    while lines and not lines[-1].strip():
        lines.pop()  # the final newline, and any blank lines after the last record
    if not lines:
        raise ImportFormatError(name, "empty file")

    notice: list[str] = []
    first = 0
    while first < len(lines) and lines[first].startswith(_HDR):
        line = lines[first].rstrip("\r")
        if len(line) > _HDR_MAX_LENGTH:
            raise ImportFormatError(
                name, f"HDR line is {len(line)} characters, the layout's is 150", first + 1
            )
        notice.append(line[4:].rstrip())  # copyright statement, columns 5-50
        first += 1
    if not notice:
        raise ImportFormatError(
            name,
            "no 'HDR' copyright lines at the top; not a PFS relative value text file "
            "(RVU26B layout)",
            1,
        )

    builder = _RowBuilder(name, [f" (columns {a}-{b})" for _, a, b in RVU26B_LAYOUT], _padded)
    records: list[Any] = [RvuNotice("\n".join(notice), 1)]
    last_index = len(lines) - 1
    cut_short = not data.endswith((b"\n", b"\r"))
    for index in range(first, len(lines)):
        line = lines[index].rstrip("\r")
        number = index + 1
        if len(line) != RVU26B_RECORD_LENGTH:
            if line.startswith(_HDR):
                raise ImportFormatError(name, "HDR line after the data records", number)
            cut = (
                " (the file looks truncated)"
                if index == last_index and cut_short and len(line) < RVU26B_RECORD_LENGTH
                else ""
            )
            raise ImportFormatError(
                name,
                f"record is {len(line)} characters, the RVU26B layout's are "
                f"{RVU26B_RECORD_LENGTH}{cut}",
                number,
            )
        for a, b in _FILLER_SLICES:
            if line[a:b].strip():
                raise ImportFormatError(
                    name,
                    f"columns {a + 1}-{b} should be blank (RVU26B filler) but hold "
                    f"{line[a:b]!r}; the record is not in the RVU26B layout",
                    number,
                )
        records.append(builder.build([line[a:b] for a, b in _SLICES], number))
    if len(records) == 1:
        raise ImportFormatError(name, "HDR lines but no data records")
    return ParsedFile(header=_header(release, name, "fixed width"), records=records)


# --- sniffing -------------------------------------------------------------------------------


def sniff_csv(name: str, head: bytes) -> bool:
    """Whether a file is a PFS relative value csv, from its first 64 KB: the RVU25D header."""
    text = head.removeprefix(b"\xef\xbb\xbf").decode("latin-1")
    printed = [c for _, c, _ in RVU25D_CSV_COLUMNS]
    for line in text.splitlines()[:_CSV_HEADER_SEARCH_ROWS]:
        cells = [c.strip().strip('"').upper() for c in line.split(",")]
        while len(cells) > _CSV_WIDTH and not cells[-1]:
            cells.pop()
        if cells == printed:
            return True
    return False


_SNIFF_RECORD_RE = re.compile(r"[0-9A-Z]{5}[0-9A-Z ]{2}.{50}[A-Z]")


def sniff_fixed(name: str, head: bytes) -> bool:
    """Whether a file is a PFS relative value text file, from its first 64 KB.

    ``HDR`` lines first, then a 171-character record with a code, a status letter and the
    decimal points of the work RVU and conversion factor where RVU26B puts them.
    """
    lines = head.removeprefix(b"\xef\xbb\xbf").decode("latin-1").split("\n")
    if not lines or not lines[0].startswith(_HDR):
        return False
    for raw in lines[:-1]:  # the last line of the head may be cut
        line = raw.rstrip("\r")
        if line.startswith(_HDR):
            continue
        return (
            len(line) == RVU26B_RECORD_LENGTH
            and _SNIFF_RECORD_RE.match(line) is not None
            and line[62] == "."
            and line[135] == "."
        )
    return False
