import dataclasses
import hashlib
import io
import time
from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from chartcode.errors import ImportFormatError
from chartcode.sources.pfs_rvu import (
    RVU25D_CSV_COLUMNS,
    RVU26B_FILLER,
    RVU26B_LAYOUT,
    RVU26B_RECORD_LENGTH,
    Release,
    RvuNotice,
    RvuRecord,
    parse_pfs_rvu_csv,
    parse_pfs_rvu_fixed,
    release_after,
    release_from_version,
    sniff_csv,
    sniff_fixed,
)
from chartcode.sources.records import FileHeader, ParsedFile
from tests.conftest import TEST_DATA, shared_file
from tests.sources.helpers import assert_format_error

DATA = TEST_DATA / "pfs_rvu"
# Hand-written in the official shapes; every code, descriptor and value is made up (the
# 22586 rows carry the documented facts of PROVENANCE.md with an invented descriptor).
# RVU25D csv: 9 preamble lines (title, notice, blank, RELEASED, 4 heading lines incl. the
# header's fragments), header on line 10, CRLF, rows padded to 31 cells.
CSV = DATA / "PPRRVU2025_Oct.csv"
CSV_HEADER_LINE = 10
# RVU26B text: 3 HDR lines, then 171-character records, LF; one descriptor holds a cp1252
# no-break space (byte A0) as a real 2026 descriptor does.
FIXED = DATA / "PPRRVU2026_Apr_nonQPP.txt"
FIXED_FIRST_RECORD = 4


def parse_csv_bytes(
    data: bytes,
    name: str = CSV.name,
    version: str | None = None,
    effective_from: date | None = None,
) -> ParsedFile:
    return parse_pfs_rvu_csv(io.BytesIO(data), name, version=version, effective_from=effective_from)


def parse_fixed_bytes(
    data: bytes,
    name: str = FIXED.name,
    version: str | None = None,
    effective_from: date | None = None,
) -> ParsedFile:
    return parse_pfs_rvu_fixed(
        io.BytesIO(data), name, version=version, effective_from=effective_from
    )


def edited(path: Path, line_no: int, old: str, new: str) -> bytes:
    """The sample with one line edited (``old`` must be on it)."""
    eol = b"\r\n" if path.suffix == ".csv" else b"\n"
    lines = path.read_bytes().split(eol)
    text = lines[line_no - 1].decode("cp1252")
    assert old in text, text
    lines[line_no - 1] = text.replace(old, new, 1).encode("cp1252")
    return eol.join(lines)


def line_of(path: Path, start: str) -> int:
    eol = b"\r\n" if path.suffix == ".csv" else b"\n"
    for number, line in enumerate(path.read_bytes().split(eol), start=1):
        if line.decode("cp1252").startswith(start):
            return number
    raise AssertionError(start)


def raises_at(data: bytes, line: int | None, match: str, *, fixed: bool, name: str = "") -> None:
    name = name or (FIXED.name if fixed else CSV.name)
    parse = parse_fixed_bytes if fixed else parse_csv_bytes
    assert_format_error(lambda: parse(data, name), name, line, match)


def rows(parsed: ParsedFile) -> list[RvuRecord]:
    assert isinstance(parsed.records[0], RvuNotice)
    out = parsed.records[1:]
    assert all(isinstance(r, RvuRecord) for r in out)
    return out


def by_key(parsed: ParsedFile) -> dict[tuple[str, str], RvuRecord]:
    return {(r.hcpcs, r.modifier): r for r in rows(parsed)}


# --- the layout tables ----------------------------------------------------------------------


def test_rvu26b_layout_covers_every_column_once():
    covered: list[int] = []
    for _, first, last in RVU26B_LAYOUT:
        covered.extend(range(first, last + 1))
    for first, last in RVU26B_FILLER:
        covered.extend(range(first, last + 1))
    assert sorted(covered) == list(range(1, RVU26B_RECORD_LENGTH + 1))


def test_layouts_fill_every_record_field():
    names = [f.name for f in dataclasses.fields(RvuRecord)]
    assert [n for n, _, _ in RVU26B_LAYOUT] == names[:-1]
    # The csv has no pricing-indicator column (a filler in RVU25D).
    assert [n for n, _, _ in RVU25D_CSV_COLUMNS] == [
        n for n in names[:-1] if n != "pricing_indicator"
    ]
    # Column 121 is the RVU26B "Pricing Indicator" (1 = QPP applies, 9 = not applicable).
    assert ("pricing_indicator", 121, 121) in RVU26B_LAYOUT


# --- the csv sample (RVU25D layout) ---------------------------------------------------------


def test_csv_header_and_notice():
    parsed = parse_csv_bytes(CSV.read_bytes())
    assert parsed.header == FileHeader(
        system="pfs",
        kind="rvu",
        version="2025D",
        title="Medicare Physician Fee Schedule relative value file RVU25D "
        "(October 2025 release, csv)",
        effective_from=date(2025, 10, 1),
        effective_to=date(2025, 12, 31),
    )
    notice = parsed.records[0]
    assert notice == RvuNotice(
        "2025 National Physician Fee Schedule Relative Value File October Release\n"
        "TEST FIXTURE: every code/descriptor/value below is made up for chartcode's tests.\n"
        "Not CMS data; no AMA or ADA content is reproduced here.\n"
        "RELEASED 09/11/2025",
        1,
    )
    assert len(rows(parsed)) == 13
    assert rows(parsed)[0].line == CSV_HEADER_LINE + 1


def test_csv_22586_row():
    r = by_key(parse_csv_bytes(CSV.read_bytes()))[("22586", "")]
    assert r == RvuRecord(
        hcpcs="22586",
        modifier="",
        description="Test presacral fusion l5-s1",
        status="A",
        not_used_for_medicare_payment=False,
        work_rvu=Decimal("28.12"),
        pe_nonfacility=Decimal("22.60"),
        pe_nonfacility_na=True,
        pe_facility=Decimal("22.60"),
        pe_facility_na=False,
        mp_rvu=Decimal("11.57"),
        total_nonfacility=Decimal("62.29"),
        total_facility=Decimal("62.29"),
        pctc="0",
        global_days="090",
        pre_op=Decimal("0.10"),
        intra_op=Decimal("0.69"),
        post_op=Decimal("0.21"),
        mult_proc="2",
        bilateral="0",
        assistant="2",
        co_surgery="2",
        team_surgery="0",
        pricing_indicator=None,
        endo_base=None,
        conversion_factor=Decimal("32.3465"),
        supervision="09",
        calc_flag="0",
        imaging_family="99",
        opps_nonfacility_pe=Decimal("0.00"),
        opps_facility_pe=Decimal("0.00"),
        opps_mp=Decimal("0.00"),
        line=line_of(CSV, "22586,"),
    )
    d = r.to_dict()
    assert d["work_rvu"] == "28.12" and d["conversion_factor"] == "32.3465"
    assert d["pe_nonfacility_na"] is True and d["endo_base"] is None
    assert d["line"] == r.line


def test_csv_indicators_and_quoted_descriptor():
    recs = by_key(parse_csv_bytes(CSV.read_bytes()))
    scope = recs[("4399B", "")]
    assert scope.description == "Test scope, with biopsy"  # a quoted cell with a comma
    assert (scope.mult_proc, scope.endo_base) == ("3", "4399A")
    assert recs[("2299C", "")].not_used_for_medicare_payment is True
    assert sum(r.not_used_for_medicare_payment for r in recs.values()) == 1
    assert {m for _, m in recs} == {"", "26", "TC", "53"}
    ct = recs[("7999A", "")]
    assert (ct.pe_nonfacility_na, ct.pe_facility_na) == (True, True)
    assert (ct.imaging_family, ct.supervision, ct.opps_mp) == ("88", "01", Decimal("0.03"))
    assert recs[("9599E", "")].supervision == "6A"
    assert {r.global_days for r in recs.values()} == {
        "000",
        "010",
        "090",
        "MMM",
        "XXX",
        "YYY",
        "ZZZ",
    }
    for r in recs.values():
        assert isinstance(r.work_rvu, Decimal) and not isinstance(r.work_rvu, float)
        assert r.pricing_indicator is None


# --- the fixed-width sample (RVU26B layout) -------------------------------------------------


def test_fixed_header_and_notice():
    parsed = parse_fixed_bytes(FIXED.read_bytes())
    assert parsed.header == FileHeader(
        system="pfs",
        kind="rvu",
        version="2026B",
        title="Medicare Physician Fee Schedule relative value file RVU26B "
        "(April 2026 release, fixed width, non-QPP conversion factor)",
        effective_from=date(2026, 4, 1),
        effective_to=date(2026, 6, 30),
    )
    assert parsed.records[0] == RvuNotice(
        "TEST FIXTURE: MADE-UP CODES AND VALUES FOR\n"
        "CHARTCODE'S TESTS. NOT CMS DATA; NO AMA OR\n"
        "ADA CONTENT IS REPRODUCED HERE.",
        1,
    )
    assert len(rows(parsed)) == 14
    assert rows(parsed)[0].line == FIXED_FIRST_RECORD


def test_fixed_22586_row_and_fields():
    recs = by_key(parse_fixed_bytes(FIXED.read_bytes()))
    r = recs[("22586", "")]
    assert (r.status, r.work_rvu, r.pe_nonfacility, r.pe_nonfacility_na) == (
        "A",
        Decimal("27.42"),
        Decimal("21.11"),
        True,
    )
    assert (r.pe_facility, r.pe_facility_na, r.mp_rvu) == (
        Decimal("21.11"),
        False,
        Decimal("11.59"),
    )
    assert (r.total_nonfacility, r.total_facility) == (Decimal("60.12"), Decimal("60.12"))
    assert (r.pctc, r.global_days) == ("0", "090")
    # Printed ".10" / ".69" / ".21" (PIC .99).
    assert (r.pre_op, r.intra_op, r.post_op) == (Decimal("0.10"), Decimal("0.69"), Decimal("0.21"))
    indicators = (r.mult_proc, r.bilateral, r.assistant, r.co_surgery, r.team_surgery)
    assert indicators == ("2", "0", "2", "2", "0")
    assert (r.conversion_factor, r.pricing_indicator) == (Decimal("33.4009"), "9")
    assert r.description == "Test presacral fusion l5-s1"  # padding trimmed
    assert recs[("9599E", "")].pricing_indicator == "1"
    assert recs[("4399B", "")].endo_base == "4399A"
    assert recs[("4599F", "53")].modifier == "53"
    assert recs[("2299C", "")].not_used_for_medicare_payment is True
    # cp1252 A0 kept as published.
    assert recs[("V9999", "")].description == "Test\xa0hearing screen"


def test_fixed_crlf_and_missing_final_newline_read_the_same():
    data = FIXED.read_bytes()
    plain = rows(parse_fixed_bytes(data))
    assert rows(parse_fixed_bytes(data.replace(b"\n", b"\r\n"))) == plain
    assert rows(parse_fixed_bytes(data.rstrip(b"\n"))) == plain
    assert rows(parse_fixed_bytes(data + b"\n\n")) == plain


def test_csv_blank_rows_are_passed_over():
    data = CSV.read_bytes()
    padded = data.replace(b"\r\n0999T,", b"\r\n" + b"," * 30 + b"\r\n0999T,", 1)
    got = rows(parse_csv_bytes(padded + b"," * 30 + b"\r\n"))
    want = rows(parse_csv_bytes(data))
    assert [r.line for r in got] == [want[0].line] + [r.line + 1 for r in want[1:]]
    assert [dataclasses.replace(r, line=0) for r in got] == [
        dataclasses.replace(r, line=0) for r in want
    ]


# --- which release ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "version"),
    [
        ("PPRRVU2026_Apr_nonQPP.txt", "2026B"),
        ("rvu26b.zip!PPRRVU2026_Apr_nonQPP.txt", "2026B"),
        ("/downloads/rvu25d_0/PPRRVU25_OCT.txt", "2025D"),
        ("RVU26AR.zip!PPRRVU26.txt", "2026A"),
        ("PPRRVU2026_Jul_QPP.txt", "2026C"),
        ("pprrvu2024_jan.txt", "2024A"),
    ],
)
def test_release_from_name(name: str, version: str):
    assert parse_fixed_bytes(FIXED.read_bytes(), name).header.version == version


def test_release_dates_and_versions():
    assert [Release(2026, q).end for q in "ABCD"] == [
        date(2026, 3, 31),
        date(2026, 6, 30),
        date(2026, 9, 30),
        date(2026, 12, 31),
    ]
    assert release_after(date(2025, 9, 11)) == Release(2025, "D")
    assert release_after(date(2025, 11, 30)) == Release(2026, "A")
    assert release_after(date(2026, 4, 1)) == Release(2026, "B")
    for text in ("2025D", "RVU25D", "25d", "2025Q4", "rvu25dr"):
        assert release_from_version(text) == Release(2025, "D")
    with pytest.raises(ValueError):
        release_from_version("October")


def test_qpp_title():
    parsed = parse_fixed_bytes(FIXED.read_bytes(), "PPRRVU2026_Apr_QPP.txt")
    assert parsed.header.title.endswith("(April 2026 release, fixed width, QPP conversion factor)")


def test_renamed_fixed_file_needs_a_version():
    data = FIXED.read_bytes()
    with pytest.raises(ImportFormatError, match="--version") as info:
        parse_fixed_bytes(data, "rvu.txt")
    assert str(info.value).startswith("rvu.txt: cannot tell which quarterly release")
    assert parse_fixed_bytes(data, "rvu.txt", version="2026B").header.version == "2026B"
    by_date = parse_fixed_bytes(data, "rvu.txt", effective_from=date(2026, 4, 1))
    assert by_date.header.effective_to == date(2026, 6, 30)


def test_explicit_release_must_be_a_quarter_and_agree():
    data = FIXED.read_bytes()
    with pytest.raises(ImportFormatError, match="first day of a quarter"):
        parse_fixed_bytes(data, "rvu.txt", effective_from=date(2026, 4, 15))
    with pytest.raises(ImportFormatError, match="is not a PFS release"):
        parse_fixed_bytes(data, "rvu.txt", version="April")
    with pytest.raises(ImportFormatError, match=r"--version 2026C says RVU26C .* says RVU26B"):
        parse_fixed_bytes(data, version="2026C")
    with pytest.raises(ImportFormatError, match=r"says RVU26B .* says RVU26A"):
        parse_fixed_bytes(data, "rvu26a.zip!PPRRVU2026_Apr_nonQPP.txt")


def test_renamed_csv_is_dated_by_its_title_then_its_release_date():
    data = CSV.read_bytes()
    assert parse_csv_bytes(data, "export.csv").header.version == "2025D"
    untitled = edited(CSV, 1, "2025 National Physician Fee Schedule Relative Value File", "")
    parsed = parse_csv_bytes(untitled, "export.csv")
    assert (parsed.header.version, parsed.header.effective_from) == ("2025D", date(2025, 10, 1))
    undated = edited(CSV, 5, "RELEASED 09/11/2025", " ")
    undated = undated.replace(b"2025 National Physician Fee Schedule Relative Value File ", b"")
    with pytest.raises(ImportFormatError, match="cannot tell which quarterly release"):
        parse_csv_bytes(undated, "export.csv")
    assert parse_csv_bytes(undated, "export.csv", version="2025D").header.version == "2025D"


def test_csv_name_contradicting_title_is_refused():
    with pytest.raises(ImportFormatError, match=r"says RVU25B .* title line .* says RVU25D"):
        parse_csv_bytes(CSV.read_bytes(), "PPRRVU2025_Apr.csv")


# --- damaged csv files --------------------------------------------------------------------------


def test_csv_header_not_the_layout():
    data = edited(CSV, CSV_HEADER_LINE, ",PE RVU,", ",PE RVUS,")
    raises_at(data, CSV_HEADER_LINE, "header is not the RVU25D layout's", fixed=False)


def test_csv_heading_fragments_name_columns():
    # Swap the WORK and MP fragments: the printed header alone would not tell.
    data = edited(CSV, 9, ",WORK,NON-FAC,NA,FACILITY,NA,MP,", ",MP,NON-FAC,NA,FACILITY,NA,WORK,")
    raises_at(
        data, CSV_HEADER_LINE, r"column 6 is headed 'MP RVU', expected 'WORK RVU'", fixed=False
    )


def test_csv_no_header():
    data = CSV.read_bytes().replace(b"HCPCS,MOD,", b"CODE,MOD,")
    raises_at(data, None, "no header row", fixed=False)


def test_csv_bad_number():
    line = line_of(CSV, "22586,")
    data = edited(CSV, line, ",28.12,", ",28.1x,")
    raises_at(
        data, line, r"work RVU \(csv column 6\) '28.1x' is not a number like 999.99", fixed=False
    )


def test_csv_bad_status():
    line = line_of(CSV, "22586,")
    data = edited(CSV, line, ",A,,28.12", ",AA,,28.12")
    raises_at(data, line, r"status code \(csv column 4\) 'AA' is not a one-letter", fixed=False)


def test_csv_bad_global_days_and_na():
    line = line_of(CSV, "22586,")
    raises_at(edited(CSV, line, ",090,", ",091,"), line, "global surgery days", fixed=False)
    raises_at(edited(CSV, line, ",NA,", ",N/,"), line, "non-facility NA indicator", fixed=False)


def test_csv_total_not_the_sum():
    line = line_of(CSV, "22586,")
    data = edited(CSV, line, ",62.29,62.29,", ",62.30,62.29,")
    raises_at(
        data, line, r"total non-facility RVUs 62.30 is not work \+ PE \+ MP = 62.29", fixed=False
    )


def test_csv_wrong_width():
    line = line_of(CSV, "4399A,")
    data = edited(CSV, line, ",0.15,", ",")
    raises_at(data, line, "30 columns where the layout has 31$", fixed=False)


def test_csv_duplicate_row():
    line = line_of(CSV, "22586,")
    lines = CSV.read_bytes().split(b"\r\n")
    lines.insert(line, lines[line - 1])
    raises_at(
        b"\r\n".join(lines),
        line + 1,
        f"second row for 22586 \\(first on line {line}\\)",
        fixed=False,
    )


def test_csv_truncated():
    data = CSV.read_bytes()
    last = data.rstrip(b"\r\n").count(b"\r\n") + 1
    raises_at(
        data[: data.rindex(b",32.3465,")],
        last,
        "columns .* \\(the file looks truncated\\)",
        fixed=False,
    )
    # Cut inside the last number: the row is complete but its last value is not.
    raises_at(data.rstrip(b"\r\n")[:-1], last, "OPPS MP RVU .*'0.0'.* truncated", fixed=False)


def test_csv_truncated_inside_a_quoted_cell():
    data = CSV.read_bytes()
    line = line_of(CSV, "4399B,")
    cut = data[: data.index(b"Test scope, with") + 5]
    raises_at(
        cut, line, r"3 columns where the layout has 31 \(the file looks truncated\)", fixed=False
    )


def test_csv_not_cp1252():
    line = line_of(CSV, "0999T,")
    data = CSV.read_bytes().replace(b"Test emerging", b"Test\x81emerging")
    raises_at(data, line, "byte 0x81 is not cp1252 text", fixed=False)


def test_csv_header_without_rows():
    data = b"\r\n".join(CSV.read_bytes().split(b"\r\n")[:CSV_HEADER_LINE]) + b"\r\n"
    raises_at(data, CSV_HEADER_LINE, "header but no data rows", fixed=False)


# --- damaged fixed-width files --------------------------------------------------------------------


def test_fixed_record_length():
    line = line_of(FIXED, "22586")
    data = edited(FIXED, line, "Test presacral", "Test presacra")
    raises_at(data, line, "record is 170 characters, the RVU26B layout's are 171$", fixed=True)


def test_fixed_truncated():
    data = FIXED.read_bytes().rstrip(b"\n")
    last = data.count(b"\n") + 1
    raises_at(
        data[:-40], last, r"record is 131 characters.*\(the file looks truncated\)", fixed=True
    )


def test_fixed_filler_not_blank():
    line = line_of(FIXED, "22586")
    data = edited(FIXED, line, "27.42  21.11", "27.42X 21.11")
    raises_at(data, line, "columns 66-66 should be blank", fixed=True)


def test_fixed_bad_fields():
    line = line_of(FIXED, "22586")
    raises_at(
        edited(FIXED, line, " 27.42", " 27.4x"),
        line,
        r"work RVU \(columns 60-65\) ' 27.4x' is not a number like 999.99",
        fixed=True,
    )
    raises_at(
        edited(FIXED, line, "l5-s1                       A", "l5-s1                        "),
        line,
        r"status code \(columns 58-58\) ' ' is not a one-letter",
        fixed=True,
    )
    raises_at(edited(FIXED, line, "0090.10", "0091.10"), line, "global surgery days", fixed=True)
    raises_at(
        edited(FIXED, line, " 33.4009", " 33.400x"),
        line,
        "conversion factor .* is not a number like 999.9999",
        fixed=True,
    )
    raises_at(
        edited(FIXED, line, "  60.12 60.12", "  60.13 60.12"),
        line,
        "total non-facility RVUs 60.13 is not work",
        fixed=True,
    )


def test_fixed_without_hdr_lines():
    data = b"\n".join(FIXED.read_bytes().split(b"\n")[FIXED_FIRST_RECORD - 1 :])
    raises_at(data, 1, "no 'HDR' copyright lines", fixed=True)


def test_fixed_hdr_after_records():
    data = FIXED.read_bytes() + b"HDR A LATE NOTICE\n"
    last = FIXED.read_bytes().count(b"\n") + 1
    raises_at(data, last, "HDR line after the data records", fixed=True)


def test_fixed_duplicate_record():
    line = line_of(FIXED, "22586")
    lines = FIXED.read_bytes().split(b"\n")
    lines.insert(line, lines[line - 1])
    raises_at(b"\n".join(lines), line + 1, "second row for 22586", fixed=True)


def test_fixed_empty_and_header_only():
    raises_at(b"", None, "empty file", fixed=True)
    hdr_only = b"\n".join(FIXED.read_bytes().split(b"\n")[: FIXED_FIRST_RECORD - 1]) + b"\n"
    raises_at(hdr_only, None, "HDR lines but no data records", fixed=True)


# --- sniffing -----------------------------------------------------------------------------------


def test_sniffers_on_samples():
    csv_head = CSV.read_bytes()[:65536]
    fixed_head = FIXED.read_bytes()[:65536]
    assert sniff_csv(CSV.name, csv_head) and not sniff_fixed(CSV.name, csv_head)
    assert sniff_fixed(FIXED.name, fixed_head) and not sniff_csv(FIXED.name, fixed_head)
    opps = (TEST_DATA / "opps_cap" / "OPPSCAP_Oct.csv").read_bytes()
    assert not sniff_csv("OPPSCAP_Oct.csv", opps) and not sniff_fixed("OPPSCAP_Oct.csv", opps)
    assert sniff_csv(CSV.name, b"\xef\xbb\xbf" + csv_head)
    assert not sniff_fixed(FIXED.name, b"HDR only a notice\n")


# --- the official files (../shared/data) ----------------------------------------------------------

REAL_FIXED = (
    "medicare/pfs/PPRRVU2026_Apr_nonQPP.txt",
    "ec138c8e74a04fbc5f35cde86554260d3dc1893cfbb250f8be99b077c3d4559a",
)
REAL_CSV = (
    "medicare/pfs/PPRRVU2025_Oct.csv",
    "8af460f38bf982b79b07269fbc8b7256a8ef3bd3aa025a9c5cb71c1e52523c56",
)
# Generous against a loaded test machine; each file parses in about 0.3 s on its own.
MAX_SECONDS = 2.0


def parse_real(relpath_sha: tuple[str, str], fixed: bool) -> tuple[ParsedFile, bytes]:
    relpath, sha256 = relpath_sha
    path = shared_file(relpath)
    data = path.read_bytes()
    assert hashlib.sha256(data).hexdigest() == sha256
    start = time.perf_counter()
    parsed = (parse_fixed_bytes if fixed else parse_csv_bytes)(data, path.name)
    assert time.perf_counter() - start < MAX_SECONDS
    return parsed, data


@pytest.mark.shared_data
def test_real_rvu26b_fixed():
    parsed, data = parse_real(REAL_FIXED, fixed=True)
    assert parsed.header == FileHeader(
        system="pfs",
        kind="rvu",
        version="2026B",
        title="Medicare Physician Fee Schedule relative value file RVU26B "
        "(April 2026 release, fixed width, non-QPP conversion factor)",
        effective_from=date(2026, 4, 1),
        effective_to=date(2026, 6, 30),
    )
    notice = parsed.records[0]
    assert isinstance(notice, RvuNotice)
    assert notice.text.count("\n") == 6  # seven HDR lines
    assert "AMERICAN MEDICAL ASSOCIATION" in notice.text
    assert "AMERICAN DENTAL ASSOCIATION" in notice.text
    recs = rows(parsed)
    assert len(recs) == 19277
    assert Counter(r.status for r in recs) == {
        "A": 9409, "X": 2556, "I": 1437, "C": 1340, "E": 1303, "M": 1292,
        "R": 1082, "N": 350, "J": 276, "P": 144, "B": 80, "T": 8,
    }  # fmt: skip
    assert {r.conversion_factor for r in recs} == {Decimal("33.4009")}
    assert {r.pricing_indicator for r in recs} == {"9"}
    assert sum(r.not_used_for_medicare_payment for r in recs) == 158
    assert sum(r.pe_nonfacility_na for r in recs) == 4077
    assert sum("\xa0" in r.description for r in recs) == 1
    r = by_key(parsed)[("22586", "")]
    assert (r.status, r.work_rvu, r.pe_nonfacility, r.pe_nonfacility_na) == (
        "A", Decimal("27.42"), Decimal("21.11"), True,
    )  # fmt: skip
    assert (r.pe_facility, r.mp_rvu) == (Decimal("21.11"), Decimal("11.59"))
    assert (r.total_nonfacility, r.total_facility) == (Decimal("60.12"), Decimal("60.12"))
    assert (r.pctc, r.global_days, r.pre_op, r.intra_op, r.post_op) == (
        "0", "090", Decimal("0.10"), Decimal("0.69"), Decimal("0.21"),
    )  # fmt: skip
    indicators = (r.mult_proc, r.bilateral, r.assistant, r.co_surgery, r.team_surgery)
    assert indicators == ("2", "0", "2", "2", "0")
    assert r.conversion_factor == Decimal("33.4009")
    # PROVENANCE.md: national facility payment 60.12 x 33.4009 = $2,008.06.
    assert (r.total_facility * r.conversion_factor).quantize(Decimal("0.01")) == Decimal("2008.06")
    assert sniff_fixed(REAL_FIXED[0], data[:65536]) and not sniff_csv(REAL_FIXED[0], data[:65536])


@pytest.mark.shared_data
def test_real_rvu25d_csv():
    parsed, data = parse_real(REAL_CSV, fixed=False)
    assert parsed.header == FileHeader(
        system="pfs",
        kind="rvu",
        version="2025D",
        title="Medicare Physician Fee Schedule relative value file RVU25D "
        "(October 2025 release, csv)",
        effective_from=date(2025, 10, 1),
        effective_to=date(2025, 12, 31),
    )
    notice = parsed.records[0]
    assert isinstance(notice, RvuNotice)
    assert notice.text.startswith("2025 National Physician Fee Schedule Relative Value File")
    assert "American Medical Association" in notice.text
    assert "American Dental Association" in notice.text
    assert notice.text.endswith("RELEASED 09/11/2025")
    recs = rows(parsed)
    assert len(recs) == 19090
    assert recs[0].line == 11 and recs[-1].line == 19100
    assert Counter(r.status for r in recs) == {
        "A": 9021, "X": 2548, "E": 1569, "I": 1486, "C": 1347, "M": 1216,
        "R": 1058, "N": 336, "J": 276, "P": 142, "B": 83, "T": 8,
    }  # fmt: skip
    assert {r.conversion_factor for r in recs} == {Decimal("32.3465")}
    assert {r.pricing_indicator for r in recs} == {None}
    assert sum(r.not_used_for_medicare_payment for r in recs) == 148
    r = by_key(parsed)[("22586", "")]
    assert (r.status, r.work_rvu, r.pe_nonfacility, r.pe_nonfacility_na) == (
        "A", Decimal("28.12"), Decimal("22.60"), True,
    )  # fmt: skip
    assert (r.pe_facility, r.mp_rvu) == (Decimal("22.60"), Decimal("11.57"))
    assert (r.total_nonfacility, r.total_facility) == (Decimal("62.29"), Decimal("62.29"))
    assert (r.pctc, r.global_days, r.pre_op, r.intra_op, r.post_op) == (
        "0", "090", Decimal("0.10"), Decimal("0.69"), Decimal("0.21"),
    )  # fmt: skip
    indicators = (r.mult_proc, r.bilateral, r.assistant, r.co_surgery, r.team_surgery)
    assert indicators == ("2", "0", "2", "2", "0")
    assert r.conversion_factor == Decimal("32.3465")
    assert sniff_csv(REAL_CSV[0], data[:65536]) and not sniff_fixed(REAL_CSV[0], data[:65536])
