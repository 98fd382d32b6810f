import gzip
import hashlib
import io
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from chartcode.errors import ImportFormatError
from chartcode.sources.pfs_gpci import parse_pfs_gpci
from chartcode.sources.pfs_zip import (
    RECORD_LENGTH,
    ZIP5_RECORD_LAYOUT,
    ZipLocality,
    parse_pfs_zip,
    sniff,
)
from chartcode.sources.records import FileHeader, ParsedFile
from tests.conftest import TEST_DATA, shared_file

DATA = TEST_DATA / "pfs_zip"
# Hand-typed 80-character records in ZIP5lyout.txt's layout (CRLF, no header). The AK 99501
# and AL 35004 records are the real ones; the others are made up to cover rural "R" and
# super rural "B", lab CBA Z1, the +4 flag and the EK/WM pseudo-states.
SAMPLE = DATA / "ZIP5_OCT2025.txt"
REAL_SHA256_GZ = "8daeb0ca7e7dc311feb79a09801e891146827fc8a810b9694641cc7520113cb2"
REAL_SHA256_TXT = "91274c9bd849e25bec4d5f6bcae0c7172140a8086323b0029ab8bd88035f6a60"


def parse_path(path: Path, name: str | None = None) -> ParsedFile:
    with path.open("rb") as f:
        return parse_pfs_zip(f, name or path.name)


def parse_bytes(data: bytes, name: str = SAMPLE.name) -> ParsedFile:
    return parse_pfs_zip(io.BytesIO(data), name)


def edited(line_no: int, start: int, new: str) -> bytes:
    """The sample with ``new`` written over record ``line_no`` from 1-based ``start``."""
    lines = SAMPLE.read_bytes().decode("ascii").split("\r\n")
    old = lines[line_no - 1]
    lines[line_no - 1] = old[: start - 1] + new + old[start - 1 + len(new) :]
    return "\r\n".join(lines).encode("ascii")


def raises_at(data: bytes, line: int | None, match: str, name: str = SAMPLE.name) -> None:
    with pytest.raises(ImportFormatError, match=match) as info:
        parse_bytes(data, name)
    assert info.value.path == name
    assert info.value.line == line
    if line is not None:
        assert str(info.value).startswith(f"{name}:{line}: ")


def test_layout_table_covers_the_record() -> None:
    # Contiguous from 1 to 80, position 22 (missing from ZIP5lyout.txt) included as filler.
    positions = [p for f in ZIP5_RECORD_LAYOUT for p in range(f.start, f.end + 1)]
    assert positions == list(range(1, RECORD_LENGTH + 1))
    assert [f.name for f in ZIP5_RECORD_LAYOUT if f.name != "filler"] == [
        "state",
        "zip5",
        "carrier",
        "locality",
        "rural_indicator",
        "bene_lab_cb_locality",
        "rural_indicator2",
        "plus4_flag",
        "part_b_payment_indicator",
        "year_quarter",
    ]


# --- the sample -----------------------------------------------------------------------------


def test_header() -> None:
    assert parse_path(SAMPLE).header == FileHeader(
        system="pfs",
        kind="zip",
        version="2025-10",
        title="Medicare ZIP code to carrier and locality file, October 2025",
        effective_from=date(2025, 10, 1),
        effective_to=date(2025, 12, 31),
    )


def test_records() -> None:
    records = parse_path(SAMPLE).records
    assert records[0] == ZipLocality(
        state="AK",
        zip5="99501",
        carrier="02102",
        locality="01",
        rural_indicator="",
        bene_lab_cb_locality="Z9",
        rural_indicator2="",
        plus4_flag=False,
        part_b_payment_indicator="A",
        year_quarter="20254",
        line=1,
    )
    assert [
        (r.state, r.zip5, r.carrier, r.locality, r.rural_indicator, r.rural_indicator2, r.line)
        for r in records
    ] == [
        ("AK", "99501", "02102", "01", "", "", 1),
        ("AL", "35004", "10112", "00", "", "", 2),
        ("AL", "35010", "10112", "00", "R", "R", 3),
        ("CA", "90001", "01182", "18", "", "", 4),
        ("CA", "95001", "01112", "99", "B", "B", 5),
        ("EK", "66002", "05202", "00", "", "", 6),
        ("MT", "59001", "03202", "01", "B", "R", 7),
        ("WM", "64001", "05302", "99", "R", "R", 8),
    ]
    assert [r.zip5 for r in records if r.plus4_flag] == ["95001"]
    assert [r.zip5 for r in records if r.bene_lab_cb_locality == "Z1"] == ["90001"]


def test_lf_line_endings_and_no_final_newline() -> None:
    data = SAMPLE.read_bytes().replace(b"\r\n", b"\n").rstrip(b"\n")
    assert [r.zip5 for r in parse_bytes(data).records] == [
        r.zip5 for r in parse_path(SAMPLE).records
    ]


@pytest.mark.parametrize(
    ("name", "version", "start", "end"),
    [
        ("ZIP5_OCT2025.txt", "2025-10", date(2025, 10, 1), date(2025, 12, 31)),
        ("zplc_oct2025.zip!ZIP5_OCT2025.txt.gz", "2025-10", date(2025, 10, 1), None),
        ("ZIP5_NOV2025.txt", "2025-11", date(2025, 11, 1), date(2025, 12, 31)),
        ("renamed.txt", "2025-10", date(2025, 10, 1), date(2025, 12, 31)),  # from YYYYQ
    ],
)
def test_dates(name: str, version: str, start: date, end: date | None) -> None:
    header = parse_path(SAMPLE, name).header
    assert (header.version, header.effective_from) == (version, start)
    assert header.effective_to == (end or date(2025, 12, 31))


def test_name_contradicting_the_records_quarter() -> None:
    raises_at(SAMPLE.read_bytes(), None, r"says July 2025 but .* 20254", "ZIP5_JUL2025.txt")


# --- malformed records ----------------------------------------------------------------------


def test_wrong_record_length() -> None:
    data = SAMPLE.read_bytes().replace(b"20254\r\nAL35010", b"20254 \r\nAL35010", 1)
    raises_at(data, 2, "record is 81 characters; ZIP5lyout.txt records are 80")
    data = SAMPLE.read_bytes().replace(b"  20254\r\nCA90001", b"20254\r\nCA90001", 1)
    raises_at(data, 3, "record is 78 characters")
    raises_at(SAMPLE.read_bytes() + b"\r\n", 9, "record is 0 characters")


@pytest.mark.parametrize(
    ("line", "start", "new", "match"),
    [
        (2, 3, "3500A", "ZIP code '3500A' is not five digits"),
        (2, 3, "3500 ", "ZIP code '3500 ' is not five digits"),
        (3, 1, "al", "state 'al' is not two capital letters"),
        (4, 8, "O1182", "carrier 'O1182' is not five digits"),
        (4, 13, "1 ", "pricing locality '1 ' is not two digits"),
        (5, 15, "U", "rural indicator 'U' is not blank, R or B"),
        (5, 18, "X", "rural indicator2 'X' is not"),
        (5, 16, "Y9", "lab CB locality 'Y9'"),
        (5, 21, "2", "plus four flag '2' is not 0 or 1"),
        (6, 23, " ", "Part B payment indicator is blank"),
        (6, 76, "2025Q", "year/quarter '2025Q' is not YYYYQ"),
        (7, 19, "X", r"positions 19-20 \(Filler\) holds 'X'; the layout has it blank"),
        (7, 22, "X", r"position 22 \(not in the layout\) holds 'X'"),
        (7, 50, "junk", r"positions 24-75 \(Filler\) holds 'junk'"),
    ],
)
def test_bad_field(line: int, start: int, new: str, match: str) -> None:
    raises_at(edited(line, start, new), line, match)


def test_same_zip_twice() -> None:
    raises_at(edited(3, 3, "35004"), 3, "ZIP code 35004 already on line 2")


def test_records_of_another_quarter() -> None:
    raises_at(edited(8, 76, "20261"), 8, "year/quarter 20261 differs from line 1's 20254")


def test_not_ascii_and_gzip_and_empty() -> None:
    data = SAMPLE.read_bytes()
    raises_at(data[: 3 * 82 + 40] + b"\xe9" + data[3 * 82 + 41 :], 4, "not ASCII")
    raises_at(gzip.compress(SAMPLE.read_bytes()), 1, "gzip-compressed")
    raises_at(b"", None, "empty file")


# --- sniff ----------------------------------------------------------------------------------


def test_sniff() -> None:
    data = SAMPLE.read_bytes()
    assert sniff(SAMPLE.name, data)
    assert sniff("renamed.txt", data)
    assert sniff(SAMPLE.name, data[:200])  # cut mid-record by the head limit
    assert sniff(SAMPLE.name, data.replace(b"\r\n", b"\n").rstrip(b"\n"))
    assert not sniff(SAMPLE.name, edited(2, 60, "12345"))  # a ZIP9-like record
    assert not sniff(SAMPLE.name, b"")
    for other in (
        "pfs_gpci/GPCI2026.csv",
        "pfs_locality/25LOCCO.csv",
        "pfs_anesthesia/ANES2025.csv",
    ):
        assert not sniff("ZIP5_OCT2025.txt", (TEST_DATA / other).read_bytes())


# --- the real file --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real() -> ParsedFile:
    path = shared_file("medicare/pfs/ZIP5_OCT2025.txt.gz")
    packed = path.read_bytes()
    assert hashlib.sha256(packed).hexdigest() == REAL_SHA256_GZ
    data = gzip.decompress(packed)
    assert hashlib.sha256(data).hexdigest() == REAL_SHA256_TXT
    assert sniff(path.name, data[:65536])
    return parse_pfs_zip(io.BytesIO(data), path.name)


@pytest.mark.shared_data
def test_real_file(real: ParsedFile) -> None:
    assert real.header == FileHeader(
        system="pfs",
        kind="zip",
        version="2025-10",
        title="Medicare ZIP code to carrier and locality file, October 2025",
        effective_from=date(2025, 10, 1),
        effective_to=date(2025, 12, 31),
    )
    records: list[ZipLocality] = real.records
    assert len(records) == 42956
    assert records[-1].line == 42956
    assert {r.year_quarter for r in records} == {"20254"}
    by_zip = {r.zip5: r for r in records}
    assert len(by_zip) == 42956
    # A few ZIPs and their localities, read off the file.
    assert [
        (by_zip[z].state, by_zip[z].carrier, by_zip[z].locality)
        for z in ("90210", "10001", "35004", "20001", "66101", "63101", "64108")
    ] == [
        ("CA", "01182", "18"),  # Los Angeles-Long Beach-Anaheim
        ("NY", "13202", "01"),  # Manhattan
        ("AL", "10112", "00"),
        ("DC", "12202", "01"),
        ("EK", "05202", "00"),  # east Kansas: Kansas is one locality
        ("EM", "05302", "01"),  # east Missouri: metropolitan St. Louis
        ("WM", "05302", "02"),  # west Missouri: metropolitan Kansas City
    ]
    assert by_zip["96799"].state == "AS" and by_zip["96799"].rural_indicator == "R"
    assert Counter(r.rural_indicator for r in records) == {"": 23493, "R": 11633, "B": 7830}
    assert Counter(r.bene_lab_cb_locality for r in records) == {"Z9": 42766, "Z1": 190}
    assert sum(r.plus4_flag for r in records) == 580
    assert {r.part_b_payment_indicator for r in records} == {"A"}
    # Kansas and Missouri appear only as the east/west pseudo-states.
    states = {r.state for r in records}
    assert len(states) == 61
    assert {"EK", "WK", "EM", "WM"} <= states and not {"KS", "MO"} & states


@pytest.mark.shared_data
def test_real_file_localities_are_the_gpci_ones(real: ParsedFile) -> None:
    path = shared_file("medicare/pfs/GPCI2025.csv")
    with path.open("rb") as f:
        gpci = {(r.mac, r.locality) for r in parse_pfs_gpci(f, path.name).records}
    assert {(r.carrier, r.locality) for r in real.records} == gpci
