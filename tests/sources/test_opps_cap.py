import hashlib
import io
import time
from collections import Counter
from datetime import date
from decimal import Decimal

import pytest

from chartcode.errors import ImportFormatError
from chartcode.sources.opps_cap import OppsCapRecord, parse_opps_cap, release_of, sniff
from chartcode.sources.pfs_rvu import Release
from chartcode.sources.records import FileHeader, ParsedFile
from tests.conftest import TEST_DATA, shared_file
from tests.sources.helpers import assert_format_error

# Hand-written in the official shape (header, CRLF, a trailing row of empty cells as Excel
# leaves it); codes and prices are made up, carriers and localities are real-looking numbers.
SAMPLE = TEST_DATA / "opps_cap" / "OPPSCAP_Oct.csv"
# CMS names the file by month only; the zip it ships in names the release.
NAME = "rvu25d.zip!OPPSCAP_Oct.csv"


def parse_bytes(
    data: bytes,
    name: str = NAME,
    version: str | None = None,
    effective_from: date | None = None,
) -> ParsedFile:
    return parse_opps_cap(io.BytesIO(data), name, version=version, effective_from=effective_from)


def edited(line_no: int, old: str, new: str) -> bytes:
    lines = SAMPLE.read_bytes().split(b"\r\n")
    text = lines[line_no - 1].decode("ascii")
    assert old in text, text
    lines[line_no - 1] = text.replace(old, new, 1).encode("ascii")
    return b"\r\n".join(lines)


def raises_at(data: bytes, line: int | None, match: str, name: str = NAME) -> None:
    assert_format_error(lambda: parse_bytes(data, name), name, line, match)


def test_sample_header_and_rows():
    parsed = parse_bytes(SAMPLE.read_bytes())
    assert parsed.header == FileHeader(
        system="pfs",
        kind="oppscap",
        version="2025D",
        title="Medicare PFS OPPS imaging cap amounts RVU25D (October 2025 release)",
        effective_from=date(2025, 10, 1),
        effective_to=date(2025, 12, 31),
    )
    # Seven rows; the trailing ",,,,,," row is passed over.
    assert len(parsed.records) == 7
    assert parsed.records[0] == OppsCapRecord(
        hcpcs="7999A",
        modifier="TC",
        procstat="A",
        carrier="01112",
        locality="05",
        facility_price=Decimal("150.25"),
        nonfacility_price=Decimal("150.25"),
        line=2,
    )
    global_row = parsed.records[2]
    assert (global_row.modifier, global_row.carrier, global_row.locality) == ("", "02102", "01")
    assert (global_row.facility_price, global_row.nonfacility_price) == (
        Decimal("182.10"),
        Decimal("190.75"),
    )
    assert parsed.records[0].to_dict() == {
        "hcpcs": "7999A",
        "modifier": "TC",
        "procstat": "A",
        "carrier": "01112",
        "locality": "05",
        "facility_price": "150.25",
        "nonfacility_price": "150.25",
        "line": 2,
    }
    assert [r.line for r in parsed.records] == list(range(2, 9))


def test_blank_price_is_none_and_correct_spelling_accepted():
    data = edited(2, ",150.25,150.25", ",,150.25")
    data = data.replace(b"NON-FACILTY PRICE", b"NON-FACILITY PRICE")
    first = parse_bytes(data).records[0]
    assert (first.facility_price, first.nonfacility_price) == (None, Decimal("150.25"))


# --- which release ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "release"),
    [
        ("rvu25d.zip!OPPSCAP_Oct.csv", Release(2025, "D")),
        ("/data/rvu25d_0/OPPSCAP_Oct.csv", Release(2025, "D")),
        ("OPPSCAP_Oct2025.csv", Release(2025, "D")),
        ("OPPSCAP2026_Apr.csv", Release(2026, "B")),
        ("OPPSCAP26_JAN.csv", Release(2026, "A")),
        ("RVU26AR.zip!OPPSCAP_Jan.csv", Release(2026, "A")),
    ],
)
def test_release_of(name: str, release: Release):
    assert release_of(name) == release


def test_bare_name_needs_a_year():
    data = SAMPLE.read_bytes()
    with pytest.raises(ImportFormatError, match="--version .* --effective-from") as info:
        parse_bytes(data, "OPPSCAP_Oct.csv")
    assert str(info.value).startswith(
        "OPPSCAP_Oct.csv: the name 'OPPSCAP_Oct.csv' gives the month (Oct) but not the year"
    )
    assert parse_bytes(data, "OPPSCAP_Oct.csv", version="2025D").header.version == "2025D"
    by_date = parse_bytes(data, "OPPSCAP_Oct.csv", effective_from=date(2025, 10, 1))
    assert by_date.header.effective_to == date(2025, 12, 31)
    with pytest.raises(ImportFormatError, match="cannot tell which quarterly release"):
        parse_bytes(data, "caps.csv")
    assert parse_bytes(data, "caps.csv", version="RVU25D").header.version == "2025D"


def test_release_sources_must_agree():
    data = SAMPLE.read_bytes()
    with pytest.raises(ImportFormatError, match=r"says Oct but the name 'rvu25c.zip'"):
        parse_bytes(data, "rvu25c.zip!OPPSCAP_Oct.csv")
    with pytest.raises(ImportFormatError, match=r"says Oct but --version 2025B"):
        parse_bytes(data, "OPPSCAP_Oct.csv", version="2025B")
    with pytest.raises(ImportFormatError, match=r"RVU24D .* RVU25D"):
        parse_bytes(data, "OPPSCAP_Oct2025.csv", version="2024D")


# --- damaged files --------------------------------------------------------------------------------


def test_header_not_the_layout():
    raises_at(edited(1, "PROCSTAT,", "STATUS,"), 1, "header is not the OPPSCAP layout's")


def test_carrier_and_locality_keep_leading_zeros():
    raises_at(edited(2, ",01112,", ",1112,"), 2, "carrier '1112' is not a five-digit")
    raises_at(edited(2, ",05,", ",5,"), 2, "locality '5' is not a two-digit")


def test_bad_fields():
    raises_at(edited(3, "7999A,", "7999,"), 3, "HCPCS code '7999' is not a five-character")
    raises_at(edited(3, ",TC,", ",TCX,"), 3, "modifier 'TCX'")
    raises_at(edited(3, ",A,", ",AC,"), 3, "PROCSTAT 'AC' is not a one-letter")
    raises_at(edited(3, ",121.40,", ",121.4,"), 3, "facility price '121.4' is not an amount")
    raises_at(edited(3, "121.40,121.40", "121.40,1x1.40"), 3, "non-facility price '1x1.40'")


def test_wrong_width():
    raises_at(edited(4, ",182.10,", ","), 4, "6 columns where the layout has 7$")


def test_truncated():
    data = SAMPLE.read_bytes()
    cut = data[: data.index(b"88.12,88.12") + 3]
    raises_at(cut, 8, r"6 columns where the layout has 7 \(the file looks truncated\)")
    raises_at(data[: data.index(b"88.12,88.12") + 10], 8, r"'88.1' .* \(the file looks truncated\)")


def test_empty_and_header_only():
    raises_at(b"", None, "empty file")
    raises_at(SAMPLE.read_bytes().split(b"\r\n")[0] + b"\r\n", 1, "header but no data rows")


def test_sniff():
    assert sniff(SAMPLE.name, SAMPLE.read_bytes())
    assert sniff(SAMPLE.name, b"\xef\xbb\xbf" + SAMPLE.read_bytes())
    rvu = (TEST_DATA / "pfs_rvu" / "PPRRVU2025_Oct.csv").read_bytes()
    assert not sniff("PPRRVU2025_Oct.csv", rvu)
    assert not sniff("x.csv", b"")


# --- the official file (../shared/data) ---------------------------------------------------------

REAL = (
    "medicare/pfs/OPPSCAP_Oct.csv",
    "85faedc1158bee4f74810cfbee6aea81b422cec8a93baa835acd5c97c46c6100",
)


@pytest.mark.shared_data
def test_real_oppscap_oct_2025():
    path = shared_file(REAL[0])
    data = path.read_bytes()
    assert hashlib.sha256(data).hexdigest() == REAL[1]
    assert sniff(path.name, data[:65536])
    start = time.perf_counter()
    # The file came in RVU25D; its own name carries no year.
    parsed = parse_bytes(data, f"rvu25d.zip!{path.name}")
    assert time.perf_counter() - start < 2.0
    assert parsed.header.version == "2025D"
    assert parsed.header.effective_from == date(2025, 10, 1)
    # 16,102 lines: the header, 16,100 rows and a trailing row of empty cells.
    assert data.count(b"\r\n") == 16102
    recs = parsed.records
    assert len(recs) == 16100
    assert recs[0] == OppsCapRecord(
        "0633T", "TC", "C", "01112", "05", Decimal("150.69"), Decimal("150.69"), 2
    )
    assert recs[-1].line == 16101
    assert Counter(r.modifier for r in recs) == {"TC": 8855, "": 7245}
    assert Counter(r.procstat for r in recs) == {"C": 9430, "A": 6670}
    assert len({r.hcpcs for r in recs}) == 77
    assert len({r.carrier for r in recs}) == 55
    assert all(len(r.carrier) == 5 and len(r.locality) == 2 for r in recs)
    assert all(r.facility_price is not None for r in recs)
    with pytest.raises(ImportFormatError, match="--version"):
        parse_bytes(data, path.name)
