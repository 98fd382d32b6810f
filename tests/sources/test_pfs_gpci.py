import hashlib
import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from chartcode.errors import ImportFormatError
from chartcode.sources.pfs_gpci import GpciRecord, parse_pfs_gpci, sniff
from chartcode.sources.records import FileHeader, ParsedFile
from tests.conftest import TEST_DATA, shared_file
from tests.sources.helpers import assert_format_error, edit_line

DATA = TEST_DATA / "pfs_gpci"
# Hand-typed in CMS's shapes: GPCI2026 (LF, 8 columns: PW without and with the 1.0 floor),
# GPCI2025 (CRLF, 7 columns: PW with the floor only). Two title lines, the header on line 3,
# footnotes after the data. Only the Alabama 2026 row is the real one; the rest is made up.
G2026 = DATA / "GPCI2026.csv"
G2025 = DATA / "GPCI2025.csv"

REAL_SHA256 = {
    "GPCI2026.csv": "1794c340a714443041a5b58d891a1b553b4bae6ddfc959d6a26934dac82344f7",
    "GPCI2025.csv": "fc106f49547d0821db8fc33eee4f532d4a90e41110976659f80ac9e3a438f26e",
}


def parse_path(path: Path, name: str | None = None) -> ParsedFile:
    with path.open("rb") as f:
        return parse_pfs_gpci(f, name or path.name)


def parse_text(text: str, name: str = G2026.name) -> ParsedFile:
    return parse_pfs_gpci(io.BytesIO(text.encode("ascii")), name)


def edited(line_no: int, old: str, new: str, path: Path = G2026) -> str:
    return edit_line(path, line_no, old, new)


def raises_at(text: str, line: int | None, match: str, name: str = G2026.name) -> None:
    assert_format_error(lambda: parse_text(text, name), name, line, match)


# --- the samples ----------------------------------------------------------------------------


def test_2026_header() -> None:
    assert parse_path(G2026).header == FileHeader(
        system="pfs",
        kind="gpci",
        version="2026",
        title="Medicare PFS geographic practice cost indices (GPCIs) by locality, CY 2026",
        effective_from=date(2026, 1, 1),
        effective_to=date(2026, 12, 31),
    )


def test_2026_records() -> None:
    records = parse_path(G2026).records
    assert all(isinstance(r, GpciRecord) for r in records)
    assert [(r.mac, r.state, r.locality, r.line) for r in records] == [
        ("10112", "AL", "00", 4),
        ("02102", "AK", "01", 5),
        ("01182", "CA", "18", 6),
        ("01112", "CA", "99", 7),
        ("03202", "MT", "01", 8),
    ]
    assert records[0] == GpciRecord(
        mac="10112",
        state="AL",
        locality="00",
        locality_name="ALABAMA",
        pw_gpci=Decimal("1.000"),  # the floored value is the one applied
        pw_gpci_no_floor=Decimal("0.988"),
        pe_gpci=Decimal("0.875"),
        mp_gpci=Decimal("0.566"),
        line=4,
    )


def test_footnote_marks_are_split_off_and_resolved() -> None:
    by_name = {r.locality_name: r for r in parse_path(G2026).records}
    alaska = by_name["ALASKA"]
    assert (alaska.marks, alaska.footnote) == ("*", "Work GPCI reflects a 1.5 floor in Alaska.")
    montana = by_name["MONTANA"]
    assert montana.marks == "**"
    assert montana.footnote == "PE GPCI reflects a 1.0 floor for frontier states."
    assert (by_name["LOS ANGELES"].marks, by_name["LOS ANGELES"].footnote) == ("", None)


def test_2025_single_pw_column_and_crlf() -> None:
    parsed = parse_path(G2025)
    assert parsed.header.version == "2025"
    assert parsed.header.effective_from == date(2025, 1, 1)
    assert parsed.header.effective_to == date(2025, 12, 31)
    first = parsed.records[0]
    assert (first.pw_gpci, first.pw_gpci_no_floor, first.pe_gpci, first.mp_gpci) == (
        Decimal("1"),
        None,
        Decimal("0.869"),
        Decimal("0.575"),
    )
    assert [r.line for r in parsed.records] == [4, 5, 6]


def test_plain_pw_column_is_the_applied_one() -> None:
    text = (
        "Medicare Administrative Contractor (MAC),State,Locality Number,Locality Name,"
        "2027 PW GPCI,2027 PE GPCI,2027 MP GPCI\n"
        "10112,AL,00,ALABAMA,0.97,0.88,0.57\n"
    )
    parsed = parse_text(text, "gpci.csv")
    assert parsed.header.version == "2027"
    assert (parsed.records[0].pw_gpci, parsed.records[0].pw_gpci_no_floor) == (
        Decimal("0.97"),
        None,
    )


# --- malformed files ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "match"),
    [
        ("10112,", "1011,", "MAC '1011' is not five digits"),
        (",AL,", ",Alabama,", "state 'Alabama' is not a two-letter code"),
        (",00,", ",0,", "locality number '0' is not two digits"),
        (",ALABAMA,", ",,", "locality name is empty"),
        (",0.875,", ",n/a,", "PE GPCI 'n/a' is not a non-negative decimal"),
        (",0.566", ",-0.566", "MP GPCI '-0.566' is not a non-negative decimal"),
        (",0.988,", ",,", r"PW GPCI \(no floor\) '' is not"),
        (",0.566", ",0.566,7", "9 cells where the header has 8"),
    ],
)
def test_bad_data_row(old: str, new: str, match: str) -> None:
    raises_at(edited(4, old, new), 4, match)


def test_truncated_data_row_is_not_taken_for_a_footnote() -> None:
    row = "01112,CA,99,EXAMPLE REST OF CALIFORNIA,1.010,1.010,1.050,0.650"
    raises_at(edited(7, row, "01112,,,,,,,"), 7, "state '' is not")


def test_data_row_after_the_footnotes() -> None:
    text = G2026.read_text() + "04112,CO,01,COLORADO,1.0,1.0,1.0,1.0\n"
    raises_at(text, 16, "data row after the footnotes")  # the sample has 15 lines


def test_stray_text_row_before_the_header() -> None:
    raises_at(edited(2, ",,,,,,,", "x,y,,,,,,"), 2, "expected the title or the GPCI header")


def test_same_locality_twice() -> None:
    raises_at(edited(6, "01182,CA,18", "02102,AK,01"), 6, "02102/01 already on line 5")


def test_mark_without_its_footnote() -> None:
    text = edited(12, "**PE GPCI reflects", "PE GPCI reflects")
    raises_at(text, 8, r"'MONTANA\*\*' points to footnote '\*\*', which the file does not have")


@pytest.mark.parametrize(
    ("old", "new", "match"),
    [
        ("2026 PE GPCI", "2025 PE GPCI", r"different years \[2025, 2026\]"),
        ("2026 MP GPCI", "2026 MP Index", "column 8 '2026 MP Index' is not"),
        ("Locality Name", "Name", "column 4 is not 'Locality Name'"),
        ("2026 MP GPCI", "2026 PE GPCI", "repeats an earlier column"),
        ("2026 PW GPCI (without 1.0 Floor)", "2026 PW GPCI", "both a plain and a floored PW"),
    ],
)
def test_bad_header(old: str, new: str, match: str) -> None:
    raises_at(edited(3, old, new), 3, match)


def test_header_without_the_applied_pw() -> None:
    text = edited(3, "2026 PW GPCI (with 1.0 Floor)", "2026 XX")
    raises_at(text, 3, "column 6 '2026 XX'")
    text = (
        "Medicare Administrative Contractor (MAC),State,Locality Number,Locality Name,"
        "2026 PW GPCI (without 1.0 Floor),2026 PE GPCI,2026 MP GPCI\n"
        "10112,AL,00,ALABAMA,0.988,0.875,0.566\n"
    )
    raises_at(text, 1, "has no applied work GPCI", "gpci.csv")


def test_title_and_name_must_agree_with_the_columns() -> None:
    raises_at(edited(1, "CY 2026", "CY 2027"), None, "title says CY 2027 but the GPCI columns")
    with pytest.raises(ImportFormatError, match="file name says 2025") as info:
        parse_path(G2026, "rvu.zip!GPCI2025.csv")
    assert info.value.path == "rvu.zip!GPCI2025.csv"
    assert parse_path(G2026, "renamed.csv").header.version == "2026"


def test_no_header() -> None:
    raises_at("some,other,file\n1,2,3\n", 1, "expected the title or the GPCI header")
    raises_at("title only\n\n", None, "no GPCI header row")


def test_header_without_rows() -> None:
    raises_at("\n".join(G2026.read_text().splitlines()[:3]) + "\n", None, "no locality rows")


def test_unterminated_quote_names_the_line() -> None:
    raises_at(edited(9, '"MAC Assignments', '"MAC Assignments"x'), 9, "malformed csv")


# --- sniff ----------------------------------------------------------------------------------


def test_sniff() -> None:
    assert sniff(G2026.name, G2026.read_bytes())
    assert sniff("renamed.csv", G2025.read_bytes())
    for other in ("pfs_locality/25LOCCO.csv", "pfs_anesthesia/ANES2025.csv"):
        assert not sniff("GPCI2026.csv", (TEST_DATA / other).read_bytes())
    assert not sniff("GPCI2026.csv", (TEST_DATA / "pfs_zip/ZIP5_OCT2025.txt").read_bytes())
    assert not sniff("GPCI2026.csv", b"")


# --- the real files -------------------------------------------------------------------------


def real(name: str) -> ParsedFile:
    path = shared_file(f"medicare/pfs/{name}")
    data = path.read_bytes()
    assert hashlib.sha256(data).hexdigest() == REAL_SHA256[name]
    assert sniff(name, data[:65536])
    return parse_pfs_gpci(io.BytesIO(data), name)


@pytest.fixture(scope="module")
def real2026() -> ParsedFile:
    return real("GPCI2026.csv")


@pytest.fixture(scope="module")
def real2025() -> ParsedFile:
    return real("GPCI2025.csv")


@pytest.mark.shared_data
def test_real_2026(real2026: ParsedFile) -> None:
    assert real2026.header.version == "2026"
    assert (real2026.header.effective_from, real2026.header.effective_to) == (
        date(2026, 1, 1),
        date(2026, 12, 31),
    )
    records: list[GpciRecord] = real2026.records
    assert len(records) == 109
    assert [r.line for r in records] == list(range(4, 113))  # title, blank, header, data
    # PROVENANCE.md: Alabama (10112/00) PW 0.988 without the floor, 1.000 with it; PE 0.875;
    # MP 0.566.
    al = records[0]
    assert (al.mac, al.locality, al.locality_name) == ("10112", "00", "ALABAMA")
    assert (al.pw_gpci_no_floor, al.pw_gpci, al.pe_gpci, al.mp_gpci) == (
        Decimal("0.988"),
        Decimal("1.000"),
        Decimal("0.875"),
        Decimal("0.566"),
    )
    # The applied work GPCI is never below the unfloored one, nor below 1.0.
    assert all(r.pw_gpci_no_floor is not None and r.pw_gpci >= r.pw_gpci_no_floor for r in records)
    assert min(r.pw_gpci for r in records) == Decimal("1")
    by_key = {(r.mac, r.locality): r for r in records}
    ak = by_key[("02102", "01")]
    assert (ak.state, ak.locality_name, ak.marks, ak.pw_gpci) == (
        "AK",
        "ALASKA",
        "*",
        Decimal("1.5"),
    )
    assert ak.footnote == "Work GPCI reflects a 1.5 floor in Alaska established by the MIPPA."
    frontier = sorted(r.state for r in records if r.marks == "**")
    assert frontier == ["MT", "ND", "NV", "SD", "WY"]
    assert all(r.pe_gpci >= 1 for r in records if r.marks == "**")
    la = by_key[("01182", "18")]
    assert (la.pw_gpci_no_floor, la.pw_gpci, la.pe_gpci, la.mp_gpci) == (
        Decimal("1.041"),
        Decimal("1.041"),
        Decimal("1.183"),
        Decimal("0.664"),
    )
    assert la.locality_name == "LOS ANGELES-LONG BEACH-ANAHEIM (LOS ANGELES/ORANGE CNTY)"


@pytest.mark.shared_data
def test_real_2025(real2025: ParsedFile, real2026: ParsedFile) -> None:
    records: list[GpciRecord] = real2025.records
    assert real2025.header.version == "2025"
    assert len(records) == 109
    assert all(r.pw_gpci_no_floor is None for r in records)
    al = records[0]
    assert (al.pw_gpci, al.pe_gpci, al.mp_gpci) == (
        Decimal("1"),
        Decimal("0.869"),
        Decimal("0.575"),
    )
    # The same 109 localities both years, and MAC/locality keep their leading zeros.
    keys = {(r.mac, r.locality) for r in records}
    assert keys == {(r.mac, r.locality) for r in real2026.records}
    assert ("02102", "01") in keys and ("06302", "00") in keys
    assert len({r.state for r in records}) == 53  # 50 states, DC, PR, VI
