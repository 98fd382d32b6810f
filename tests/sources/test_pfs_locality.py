import hashlib
import io
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from chartcode.errors import ImportFormatError
from chartcode.sources.pfs_gpci import parse_pfs_gpci
from chartcode.sources.pfs_locality import LocalityCounty, parse_pfs_locality, sniff
from chartcode.sources.records import FileHeader, ParsedFile
from tests.conftest import TEST_DATA, shared_file
from tests.sources.helpers import assert_format_error, edit_line

DATA = TEST_DATA / "pfs_locality"
# Hand-typed in CMS's 25LOCCO.csv shape (CRLF): title, blank, the misspelt header on line 3,
# state groups between ",,,," rows (one " , , , , "), MAC and locality without their leading
# zeros, state names only on a group's first row (one continuation row holds a space), a
# repeated row, the "*" footnote at the end. Fee schedule areas and counties are made up.
SAMPLE = DATA / "25LOCCO.csv"
REAL_SHA256 = "8aa0a6e60d9a9c935937e0abc9a2a83983fe92ec81e52dd883242210c52128a9"
FOOTNOTE = "Payment locality is serviced by two carriers."


def parse_path(path: Path, name: str | None = None) -> ParsedFile:
    with path.open("rb") as f:
        return parse_pfs_locality(f, name or path.name)


def parse_text(text: str, name: str = SAMPLE.name) -> ParsedFile:
    return parse_pfs_locality(io.BytesIO(text.encode("ascii")), name)


def edited(line_no: int, old: str, new: str) -> str:
    return edit_line(SAMPLE, line_no, old, new, eol="\r\n")


def raises_at(text: str, line: int | None, match: str, name: str = SAMPLE.name) -> None:
    assert_format_error(lambda: parse_text(text, name), name, line, match)


# --- the sample -----------------------------------------------------------------------------


def test_header() -> None:
    assert parse_path(SAMPLE).header == FileHeader(
        system="pfs",
        kind="locality",
        version="2025",
        title="Medicare PFS payment localities and their counties, 2025",
        effective_from=date(2025, 1, 1),
        effective_to=date(2025, 12, 31),
    )


def test_rows_in_order_with_zeros_restored() -> None:
    records = parse_path(SAMPLE).records
    assert all(isinstance(r, LocalityCounty) for r in records)
    assert [(r.mac, r.locality, r.state, r.line) for r in records] == [
        ("10112", "00", "ALABAMA", 5),
        ("02102", "01", "ALASKA", 7),  # printed "2102,1"
        ("01182", "18", "CALIFORNIA", 9),
        ("01112", "05", "CALIFORNIA", 10),  # state continued from the row above
        ("01112", "75", "CALIFORNIA", 11),
        ("05202", "00", "KANSAS", 13),
        ("13202", "01", "NEW YORK", 15),
        ("13202", "03", "NEW YORK", 16),  # the state cell holds a single space
        ("13282", "99", "NEW YORK", 17),
        ("05302", "99", "MISSOURI", 19),
        ("05302", "99", "MISSOURI", 20),  # printed twice, kept as printed
    ]


def test_fields_are_stripped_and_marks_resolved() -> None:
    records = parse_path(SAMPLE).records
    assert records[0] == LocalityCounty(
        mac="10112",
        locality="00",
        state="ALABAMA",
        fee_schedule_area="STATEWIDE",
        counties="ALL COUNTIES",
        line=5,
    )
    assert records[3].counties == "SAN FRANCISCO, SAN MATEO"  # quoted, kept as text
    kansas = records[5]
    assert (kansas.fee_schedule_area, kansas.marks, kansas.footnote) == ("STATEWIDE", "*", FOOTNOTE)
    assert [(r.mac, r.locality) for r in records if r.marks] == [
        ("01112", "75"),
        ("05202", "00"),
        ("05302", "99"),
        ("05302", "99"),
    ]


def test_padding_is_idempotent_for_a_file_that_kept_its_zeros() -> None:
    parsed = parse_text(edited(7, "2102,1,", "02102,01,"))
    assert (parsed.records[1].mac, parsed.records[1].locality) == ("02102", "01")


def test_correct_spelling_of_the_header_is_accepted() -> None:
    parsed = parse_text(edited(3, "Adminstrative", "Administrative"))
    assert len(parsed.records) == 11


@pytest.mark.parametrize(
    ("name", "version"),
    [("25LOCCO.csv", "2025"), ("rvu26a.zip!26LOCCO.CSV", None), ("renamed.csv", "2025")],
)
def test_year_from_the_name_checked_against_the_title(name: str, version: str | None) -> None:
    if version is None:
        with pytest.raises(ImportFormatError, match="file name says 2026 but the title says 2025"):
            parse_path(SAMPLE, name)
    else:
        assert parse_path(SAMPLE, name).header.version == version


def test_no_year_anywhere() -> None:
    raises_at(edited(1, "IN 2025 LOCALITIES", "IN LOCALITIES"), None, "gives the year", "x.csv")


# --- malformed files ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "old", "new", "match"),
    [
        (5, "10112,", "101120,", "MAC '101120' is not a number of up to five digits"),
        (5, "10112,", "AL,", "MAC 'AL' is not"),
        (7, ",1,", ",100,", "locality number '100' is not"),
        (5, "STATEWIDE ", " ", "fee schedule area is empty"),
        (5, "ALL COUNTIES ", "", "counties is empty"),
        (5, "ALL COUNTIES ", "ALL COUNTIES,X", "6 cells where the header has 5"),
        # A nameless row right after a separator has no state to continue.
        (7, "ALASKA ", "", "no state, and no row above in the same group"),
    ],
)
def test_bad_row(line: int, old: str, new: str, match: str) -> None:
    raises_at(edited(line, old, new), line, match)


def test_row_with_only_counties_is_not_a_footnote() -> None:
    raises_at(edited(8, ",,,,", ",,,,STRAY COUNTY"), 8, "MAC '' is not")


def test_data_row_after_the_footnotes() -> None:
    text = SAMPLE.read_bytes().decode("ascii") + "4112,1,COLORADO ,STATEWIDE ,ALL COUNTIES\r\n"
    raises_at(text, 24, "data row after the footnotes")


def test_mark_without_its_footnote() -> None:
    raises_at(edited(23, "*  Payment", "Payment"), 11, r"'REST OF STATE\*' points to footnote")


def test_bad_header() -> None:
    raises_at(edited(3, "Fee Schedule Area", "Area"), 3, "locality header is not")
    raises_at(edited(2, ",,,,", "a,b,,,"), 2, "expected the title or the locality header")
    raises_at("title\r\n,,,,\r\n", None, "no locality header row")


def test_header_without_rows() -> None:
    lines = SAMPLE.read_bytes().decode("ascii").split("\r\n")
    raises_at("\r\n".join(lines[:4]), None, "no locality rows")


# --- sniff ----------------------------------------------------------------------------------


def test_sniff() -> None:
    assert sniff(SAMPLE.name, SAMPLE.read_bytes())
    assert sniff("renamed.csv", SAMPLE.read_bytes())
    assert sniff("x.csv", edited(3, "Adminstrative", "Administrative").encode())
    for other in (
        "pfs_gpci/GPCI2026.csv",
        "pfs_anesthesia/ANES2025.csv",
        "pfs_zip/ZIP5_OCT2025.txt",
    ):
        assert not sniff("25LOCCO.csv", (TEST_DATA / other).read_bytes())


# --- the real file --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real() -> ParsedFile:
    path = shared_file("medicare/pfs/25LOCCO.csv")
    data = path.read_bytes()
    assert hashlib.sha256(data).hexdigest() == REAL_SHA256
    assert sniff(path.name, data[:65536])
    return parse_pfs_locality(io.BytesIO(data), path.name)


@pytest.mark.shared_data
def test_real_file(real: ParsedFile) -> None:
    assert real.header.version == "2025"
    records: list[LocalityCounty] = real.records
    # 110 rows for 109 localities: MAC 05302 locality 99 (Missouri, rest of state) is printed
    # twice, on lines 96 and 97, identical but for trailing spaces.
    assert len(records) == 110
    keys = Counter((r.mac, r.locality) for r in records)
    assert len(keys) == 109
    assert [k for k, n in keys.items() if n > 1] == [("05302", "99")]
    twice = [r for r in records if (r.mac, r.locality) == ("05302", "99")]
    assert [r.line for r in twice] == [96, 97]
    assert twice[0].state == twice[1].state == "MISSOURI"
    assert twice[0].fee_schedule_area == twice[1].fee_schedule_area == "REST OF STATE"
    assert all(len(r.mac) == 5 and len(r.locality) == 2 for r in records)
    by_line = {r.line: r for r in records}
    assert (by_line[7].mac, by_line[7].locality, by_line[7].state) == ("02102", "01", "ALASKA")
    # California: 29 rows, only the first names the state; 01112/75 is marked "*".
    assert sum(r.state == "CALIFORNIA" for r in records) == 29
    ca_rest = by_line[41]
    assert (ca_rest.mac, ca_rest.locality, ca_rest.fee_schedule_area) == (
        "01112",
        "75",
        "REST OF STATE",
    )
    assert ca_rest.footnote == FOOTNOTE
    assert sorted({(r.mac, r.locality) for r in records if r.marks == "*"}) == [
        ("01112", "75"),
        ("05202", "00"),
        ("05302", "99"),
    ]
    # Line 114's state cell is a single space: continued from line 113.
    assert (by_line[114].mac, by_line[114].locality, by_line[114].state) == (
        "13202",
        "03",
        "NEW YORK",
    )
    assert by_line[58].state == "HAWAII/GUAM"
    assert by_line[49].counties.startswith("DISTRICT OF COLUMBIA; ALEXANDRIA CITY")
    # Full names: 49 states, HAWAII/GUAM, DISTRICT OF COLUMBIA, PUERTO RICO, VIRGIN ISLANDS.
    assert len({r.state for r in records}) == 53


@pytest.mark.shared_data
def test_real_file_matches_gpci_2025(real: ParsedFile) -> None:
    path = shared_file("medicare/pfs/GPCI2025.csv")
    with path.open("rb") as f:
        gpci = parse_pfs_gpci(f, path.name)
    assert {(r.mac, r.locality) for r in real.records} == {
        (r.mac, r.locality) for r in gpci.records
    }
