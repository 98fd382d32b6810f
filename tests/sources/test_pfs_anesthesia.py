import hashlib
import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from chartcode.errors import ImportFormatError
from chartcode.sources.pfs_anesthesia import (
    AnesthesiaCf,
    national_conversion_factor_of,
    parse_pfs_anesthesia,
    sniff,
)
from chartcode.sources.pfs_gpci import parse_pfs_gpci
from chartcode.sources.records import FileHeader, ParsedFile
from tests.conftest import TEST_DATA, shared_file
from tests.sources.helpers import assert_format_error, edit_line

DATA = TEST_DATA / "pfs_anesthesia"
# Hand-typed in CMS's ANES2025.csv shape (CRLF): the header with the national CF on line 1,
# trailing spaces after MAC, locality and factor, GPCI footnote marks on names, a final ",,,".
# Only the Alabama row and the national CF are the real ones; the rest is made up.
SAMPLE = DATA / "ANES2025.csv"
REAL_SHA256 = "c485db62616c98a0779975209ec90aa6985eceb7ad03046a4bdbd97f2e8ecb1a"
NATIONAL = Decimal("20.3178")


def parse_path(path: Path, name: str | None = None) -> ParsedFile:
    with path.open("rb") as f:
        return parse_pfs_anesthesia(f, name or path.name)


def parse_text(text: str, name: str = SAMPLE.name) -> ParsedFile:
    return parse_pfs_anesthesia(io.BytesIO(text.encode("ascii")), name)


def edited(line_no: int, old: str, new: str) -> str:
    return edit_line(SAMPLE, line_no, old, new, eol="\r\n")


def raises_at(text: str, line: int | None, match: str, name: str = SAMPLE.name) -> None:
    assert_format_error(lambda: parse_text(text, name), name, line, match)


# --- the sample -----------------------------------------------------------------------------


def test_header_states_the_national_cf() -> None:
    assert parse_path(SAMPLE).header == FileHeader(
        system="pfs",
        kind="anesthesia",
        version="2025",
        title="Medicare PFS anesthesia conversion factors by locality, 2025, national CF 20.3178",
        effective_from=date(2025, 1, 1),
        effective_to=date(2025, 12, 31),
    )


def test_records() -> None:
    parsed = parse_path(SAMPLE)
    records = parsed.records
    assert records[0] == AnesthesiaCf(
        contractor="10112",  # "10112 " in the file
        locality="00",
        locality_name="ALABAMA",
        conversion_factor=Decimal("19.31"),
        line=2,
        national_conversion_factor=NATIONAL,
    )
    assert [(r.contractor, r.locality, r.locality_name, r.marks, r.line) for r in records] == [
        ("10112", "00", "ALABAMA", "", 2),
        ("02102", "01", "ALASKA", "*", 3),
        ("01182", "18", "LOS ANGELES", "", 4),
        ("03202", "01", "MONTANA", "**", 5),
    ]
    # The national CF is on every record and in the header, never a record of its own.
    assert all(r.national_conversion_factor == NATIONAL for r in records)
    assert national_conversion_factor_of(parsed) == NATIONAL
    assert records[3].conversion_factor == Decimal("20.10")


def test_year_from_the_name() -> None:
    parsed = parse_path(SAMPLE, "rvu26a.zip!ANES2026.csv")
    assert parsed.header.version == "2026"
    assert parsed.header.effective_to == date(2026, 12, 31)
    with pytest.raises(ImportFormatError, match="carries no year") as info:
        parse_path(SAMPLE, "anesthesia.csv")
    assert info.value.path == "anesthesia.csv"


# --- malformed files ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "match"),
    [
        ("02102 ,", "2102 ,", "contractor '2102' is not five digits"),
        (",01 ,", ",1 ,", "locality '1' is not two digits"),
        (",ALASKA*,", ",*,", "locality name is empty"),
        (",27.50 ", ",$27.50 ", r"conversion factor '\$27.50' is not a non-negative decimal"),
        (",27.50 ", ",", "conversion factor '' is not"),
        (",27.50 ", ",27.50,x", "5 cells where the header has 4"),
        ("02102 ,01 ,", "10112 ,00 ,", "locality 10112/00 already on line 2"),
    ],
)
def test_bad_row(old: str, new: str, match: str) -> None:
    raises_at(edited(3, old, new), 3, match)


def test_footnote_like_row_is_refused() -> None:
    # The file has no footnotes; a text row at the end is not passed over silently.
    raises_at(edited(6, ",,,", "*Work GPCI reflects a 1.5 floor,,,"), 6, "contractor")


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("National Anes CF of 20.3178", "National Anes CF"),
        ("Locality Name", "Name"),
        ("National Anes CF of 20.3178", "National Anes CF of 20.3178,Extra"),
    ],
)
def test_bad_header(old: str, new: str) -> None:
    raises_at(edited(1, old, new), 1, "expected the header 'Contractor,Locality,Locality Name")


def test_header_variants_accepted() -> None:
    text = edited(
        1, "National Anes CF of 20.3178", "National Anesthesia Conversion Factor of $21.5"
    )
    assert national_conversion_factor_of(parse_text(text)) == Decimal("21.5")


def test_empty_and_header_only() -> None:
    raises_at("", None, "empty file")
    raises_at(",,,\r\n", None, "empty file")
    raises_at(SAMPLE.read_bytes().decode("ascii").split("\r\n")[0], None, "no locality rows")


# --- sniff ----------------------------------------------------------------------------------


def test_sniff() -> None:
    assert sniff(SAMPLE.name, SAMPLE.read_bytes())
    assert sniff("renamed.csv", SAMPLE.read_bytes())
    for other in ("pfs_gpci/GPCI2026.csv", "pfs_locality/25LOCCO.csv", "pfs_zip/ZIP5_OCT2025.txt"):
        assert not sniff("ANES2025.csv", (TEST_DATA / other).read_bytes())


# --- the real file --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real() -> ParsedFile:
    path = shared_file("medicare/pfs/ANES2025.csv")
    data = path.read_bytes()
    assert hashlib.sha256(data).hexdigest() == REAL_SHA256
    assert sniff(path.name, data[:65536])
    return parse_pfs_anesthesia(io.BytesIO(data), path.name)


@pytest.mark.shared_data
def test_real_file(real: ParsedFile) -> None:
    records: list[AnesthesiaCf] = real.records
    assert real.header.version == "2025"
    assert len(records) == 109
    assert [r.line for r in records] == list(range(2, 111))  # then the blank ",,," on 111
    # PROVENANCE.md: national 20.3178, Alabama 19.31.
    assert national_conversion_factor_of(real) == NATIONAL
    assert "national CF 20.3178" in real.header.title
    by_key = {(r.contractor, r.locality): r for r in records}
    assert by_key[("10112", "00")].conversion_factor == Decimal("19.31")
    ak = by_key[("02102", "01")]
    assert (ak.locality_name, ak.marks, ak.conversion_factor) == ("ALASKA", "*", Decimal("27.86"))
    assert by_key[("03602", "21")].conversion_factor == Decimal("19.97")
    assert sorted(r.locality_name for r in records if r.marks == "**") == [
        "MONTANA",
        "NEVADA",
        "NORTH DAKOTA",
        "SOUTH DAKOTA",
        "WYOMING",
    ]


@pytest.mark.shared_data
def test_real_file_matches_gpci_2025(real: ParsedFile) -> None:
    path = shared_file("medicare/pfs/GPCI2025.csv")
    with path.open("rb") as f:
        gpci = {(r.mac, r.locality): r for r in parse_pfs_gpci(f, path.name).records}
    assert {(r.contractor, r.locality) for r in real.records} == set(gpci)
    # Names and marks agree with the GPCI file's, locality by locality.
    for r in real.records:
        g = gpci[(r.contractor, r.locality)]
        assert (r.locality_name, r.marks) == (g.locality_name, g.marks), r
