import io
from datetime import date
from pathlib import Path

import pytest

from chartcode.errors import ImportFormatError
from chartcode.sources.ncci_ptp import (
    PtpEdit,
    parse_ncci_ptp,
    parse_ncci_ptp_xlsx,
    quarter_end,
    read_file_name,
    sniff,
)
from chartcode.sources.records import FileHeader, ParsedFile
from tests.conftest import TEST_DATA
from tests.sources.helpers import assert_format_error, edit_line, write_workbook

DATA = TEST_DATA / "ncci_ptp"
PRACTITIONER = DATA / "ccipra-v321r0-f1.txt"  # Excel export: CRLF, cp1252, 4-row header
HOSPITAL = DATA / "ccioph-v321r0-f1.txt"  # one-row header, LF

# The practitioner sample's data rows start on line 8 (2 notice lines, title, 4 header rows).
FIRST_DATA_LINE = 8


def parse_path(path: Path, name: str | None = None) -> ParsedFile:
    with path.open("rb") as f:
        return parse_ncci_ptp(f, name or path.name)


def parse_text(text: str, name: str = PRACTITIONER.name) -> ParsedFile:
    return parse_ncci_ptp(io.BytesIO(text.encode("cp1252")), name)


def sample_eol(path: Path) -> str:
    return "\r\n" if path == PRACTITIONER else "\n"


def sample_lines(path: Path = PRACTITIONER) -> list[str]:
    return path.read_bytes().decode("cp1252").split(sample_eol(path))


def edited(line_no: int, old: str, new: str, path: Path = PRACTITIONER) -> str:
    """The sample with ``old`` replaced by ``new`` on one (1-based) line."""
    return edit_line(path, line_no, old, new, encoding="cp1252", eol=sample_eol(path))


def raises_at(text: str, line: int, match: str, name: str = PRACTITIONER.name) -> None:
    assert_format_error(lambda: parse_text(text, name), name, line, match)


# --- the practitioner sample ----------------------------------------------------------------


def test_practitioner_header_from_file_name() -> None:
    parsed = parse_path(PRACTITIONER)
    assert parsed.header == FileHeader(
        system="ncci",
        kind="ptp_practitioner",
        version="32.1r0",
        title="Medicare NCCI PTP edits, practitioner services, version 32.1r0, part 1 (2026 Q2)",
        effective_from=date(2026, 4, 1),
        effective_to=date(2026, 6, 30),
    )


def test_practitioner_every_data_row_is_a_record_in_order() -> None:
    edits = parse_path(PRACTITIONER).records
    assert all(isinstance(e, PtpEdit) for e in edits)
    # 10 data lines in the sample; none dropped, none merged (22586/22840 twice).
    assert [(e.column1, e.column2) for e in edits] == [
        ("0195T", "22586"),
        ("22586", "0195T"),
        ("22586", "20930"),
        ("22586", "22585"),
        ("22586", "22840"),
        ("22586", "22840"),
        ("22586", "36415"),
        ("22586", "G0453"),
        ("29881", "29877"),
        ("29881", "64450"),
    ]
    assert [e.line for e in edits] == list(range(FIRST_DATA_LINE, FIRST_DATA_LINE + 10))


def test_practitioner_fields() -> None:
    edits = parse_path(PRACTITIONER).records
    assert edits[3] == PtpEdit(
        column1="22586",
        column2="22585",
        prior_1996=False,
        effective=date(2013, 1, 1),
        deletion=None,
        modifier_indicator="0",
        rationale="CPT Manual or CMS manual coding instruction",
        line=FIRST_DATA_LINE + 3,
    )
    # A deleted edit keeps its deletion date; indicator 9 is kept as printed.
    assert (edits[6].deletion, edits[6].modifier_indicator) == (date(2014, 1, 1), "9")
    # The pair repeated with disjoint windows: first deleted, then re-added with indicator 1.
    assert [(e.effective, e.deletion, e.modifier_indicator) for e in edits[4:6]] == [
        (date(2013, 1, 1), date(2019, 12, 31), "0"),
        (date(2020, 1, 1), None, "1"),
    ]
    assert edits[8].prior_1996 is True and edits[8].effective == date(1996, 1, 1)
    assert not any(e.prior_1996 for e in edits[:8])
    # A blank deletion cell reads like '*': no deletion.
    assert edits[9].deletion is None
    assert {e.modifier_indicator for e in edits} == {"0", "1", "9"}


def test_equal_rationales_and_dates_are_shared() -> None:
    edits = parse_path(PRACTITIONER).records
    assert edits[2].rationale is edits[4].rationale
    assert edits[2].effective is edits[3].effective


# --- the hospital sample (one-row header) ---------------------------------------------------


def test_hospital_sample_one_row_header() -> None:
    parsed = parse_path(HOSPITAL)
    assert parsed.header.kind == "ptp_hospital"
    assert parsed.header.title.startswith("Medicare NCCI PTP edits, outpatient hospital services")
    assert [(e.column1, e.column2, e.line) for e in parsed.records] == [
        ("22586", "22585", 4),
        ("22586", "36415", 5),
        ("93000", "93005", 6),
        ("G0463", "36591", 7),
    ]
    assert parsed.records[2].prior_1996 is True
    assert parsed.records[3].deletion == date(2018, 3, 31)


def test_two_row_header_reads_like_the_others() -> None:
    lines = sample_lines()
    # Fold the 4-row legend into 2 rows: "Deletion Date *=no data" and the whole modifier legend.
    lines[4:7] = [
        "\t\tprior to 1996\tDate\tDate *=no data\t0=not allowed 1=allowed 9=not applicable\t"
    ]
    parsed = parse_text("\r\n".join(lines))
    assert len(parsed.records) == 10
    assert parsed.records[0].line == FIRST_DATA_LINE - 2
    assert parsed.records == [
        PtpEdit(**{**_fields(e), "line": e.line - 2}) for e in parse_path(PRACTITIONER).records
    ]


def _fields(edit: PtpEdit) -> dict[str, object]:
    return {f: getattr(edit, f) for f in PtpEdit.__slots__}


def test_utf8_file_with_bom_and_zip_member_name() -> None:
    text = "\ufeff" + HOSPITAL.read_bytes().decode("cp1252")
    parsed = parse_ncci_ptp(
        io.BytesIO(text.encode("utf-8")), "ccioph-v321r0-f1.zip!ccioph-v321r0-f1.TXT"
    )
    assert len(parsed.records) == 4 and parsed.header.kind == "ptp_hospital"


def test_header_row_with_a_quoted_wrapped_cell() -> None:
    # An Excel export quotes a header cell that holds a line break.
    text = edited(4, "\tModifier\t", '\t"Modifier\r\n0=not allowed"\t')
    text = text.replace("\t0=not allowed\t", "\t\t", 1)
    parsed = parse_text(text)
    assert len(parsed.records) == 10
    assert parsed.records[0].line == FIRST_DATA_LINE + 1  # the quoted cell took a line


# --- version -> quarter ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "version", "start", "end"),
    [
        ("ccipra-v321r0-f1.txt", "32.1r0", date(2026, 4, 1), date(2026, 6, 30)),
        ("ccioph-v322r0-f4.TXT", "32.2r0", date(2026, 7, 1), date(2026, 9, 30)),
        ("CCIPRA-V320R1-F2.xlsx", "32.0r1", date(2026, 1, 1), date(2026, 3, 31)),
        ("ccipra-v313r0-f1.txt", "31.3r0", date(2025, 10, 1), date(2025, 12, 31)),
        ("ccioph-v170r0-f1.txt", "17.0r0", date(2011, 1, 1), date(2011, 3, 31)),
    ],
)
def test_version_gives_the_quarter(name: str, version: str, start: date, end: date) -> None:
    fn = read_file_name(name)
    assert (fn.version, fn.effective_from, fn.effective_to) == (version, start, end)


def test_quarter_end() -> None:
    assert quarter_end(date(2026, 1, 1)) == date(2026, 3, 31)
    assert quarter_end(date(2026, 5, 17)) == date(2026, 6, 30)
    assert quarter_end(date(2026, 10, 1)) == date(2026, 12, 31)


@pytest.mark.parametrize("name", ["ptp_edits.txt", "ccixyz-v321r0-f1.txt", "ccipra-v324r0-f1.txt"])
def test_name_without_a_cms_version_is_refused(name: str) -> None:
    with pytest.raises(ImportFormatError, match="PTP file name|quarter") as info:
        parse_path(PRACTITIONER, name)
    assert info.value.path == name


# --- malformed rows: refused with file and line ---------------------------------------------


def test_bad_effective_date() -> None:
    raises_at(edited(10, "20130101", "20130230"), 10, "effective date '20130230' is not a real")
    raises_at(edited(10, "20130101", "2013011"), 10, "effective date '2013011' is not a YYYYMMDD")


def test_bad_deletion_date() -> None:
    raises_at(edited(12, "20191231", "2019-12-31"), 12, "deletion date '2019-12-31'")


def test_bad_modifier_indicator() -> None:
    raises_at(edited(9, "\t0\t", "\t2\t"), 9, "modifier indicator '2' is not 0, 1 or 9")
    raises_at(edited(9, "\t0\t", "\t\t"), 9, "modifier indicator '' is not 0, 1 or 9")


@pytest.mark.parametrize(("old", "new"), [("22586\t22585", "2258\t22585"), ("\t22585", "\t225850")])
def test_code_not_five_characters(old: str, new: str) -> None:
    raises_at(edited(11, old, new), 11, "is not a five-character code")


def test_lower_case_code_is_refused() -> None:
    raises_at(edited(15, "G0453", "g0453"), 15, "column 2 code 'g0453'")


def test_bad_prior_1996_mark() -> None:
    raises_at(edited(16, "\t*\t1996", "\tY\t1996"), 16, "prior-1996 mark 'Y'")


def test_extra_cell() -> None:
    raises_at(edited(17, "practice", "practice\tx"), 17, "8 cells where the header has 7")


def test_short_row() -> None:
    text = edited(17, "\t20190101\t\t1\tStandards of medical / surgical practice", "")
    raises_at(text, 17, "3 cells")


def test_row_without_codes_right_after_the_header_is_not_taken_for_header() -> None:
    message = "header column 4 reads 'Effective Date 20120101'"
    with pytest.raises(ImportFormatError, match=message) as info:
        parse_text(edited(8, "0195T\t22586", "\t"))
    assert info.value.line == 4


def test_wrong_header() -> None:
    raises_at(edited(4, "Effective", "Effectiv"), 4, "header column 4 reads 'Effectiv Date'")


def test_text_after_the_table_is_refused() -> None:
    raises_at(parse_text_source() + "End of file\r\n", 18, "1 cells")


def parse_text_source() -> str:
    return PRACTITIONER.read_bytes().decode("cp1252")


def test_no_header() -> None:
    with pytest.raises(ImportFormatError, match="no PTP header row"):
        parse_text("just some text\r\nmore\r\n")


def test_header_but_no_rows() -> None:
    with pytest.raises(ImportFormatError, match="no edit rows"):
        parse_text("\r\n".join(sample_lines()[:7]))


def test_blank_lines_are_passed_over() -> None:
    lines = sample_lines()
    lines.insert(9, "")
    lines.insert(9, "\t\t\t\t\t\t")
    parsed = parse_text("\r\n".join(lines) + "\r\n\r\n")
    assert len(parsed.records) == 10
    assert parsed.records[-1].line == FIRST_DATA_LINE + 11


# --- xlsx -----------------------------------------------------------------------------------

MODIFIER_LEGEND = "0=not allowed 1=allowed 9=not applicable"
MISUSE = "Misuse of column two code with column one code"
XLSX_HEADER = [
    ["Column 1", "Column 2", "*=in existence", "Effective", "Deletion", "Modifier"]
    + ["PTP Edit Rationale"],
    [None, None, "prior to 1996", "Date", "Date *=no data", MODIFIER_LEGEND],
]
XLSX_ROWS = [
    # Codes and dates as Excel may store them: text, or numbers when not formatted as text.
    ["0195T", "22586", None, "20120101", "20161231", "1", MISUSE],
    [22586, 22585, None, 20130101, "*", 0, "CPT Manual or CMS manual coding instruction"],
    ["22586", "36415", None, 20130101.0, 20140101, 9, MISUSE],
    ["29881", "29877", "*", "19960101", "*", "1", "Standards of medical / surgical practice"],
    [1234, "00100", None, "20200101", "*", "1", None],
]


def make_xlsx(
    tmp_path: Path,
    rows: list[list[object]] | None = None,
    name: str = "ccipra-v321r0-f1.xlsx",
    extra_sheet: list[list[object]] | None = None,
) -> Path:
    notice = (
        "CPT codes, descriptions and other data only are copyright 2025 American Medical "
        "Association.\nAll rights reserved."
    )
    main = [[notice], ["Column1/Column2 Edits"], *XLSX_HEADER]
    sheets = {"ccipra-v321r0-f1": main + (XLSX_ROWS if rows is None else rows)}
    if extra_sheet is not None:
        sheets["notes"] = extra_sheet
    return write_workbook(tmp_path / name, sheets)


def parse_xlsx(path: Path) -> ParsedFile:
    with path.open("rb") as f:
        return parse_ncci_ptp_xlsx(f, path.name)


def test_xlsx_two_row_header_and_numeric_cells(tmp_path: Path) -> None:
    parsed = parse_xlsx(make_xlsx(tmp_path))
    assert parsed.header == parse_path(PRACTITIONER).header
    edits = parsed.records
    assert [(e.column1, e.column2, e.line) for e in edits] == [
        ("0195T", "22586", 5),
        ("22586", "22585", 6),
        ("22586", "36415", 7),
        ("29881", "29877", 8),
        ("01234", "00100", 9),  # numbers below 100000 are five-digit CPT codes
    ]
    assert edits[1].effective == date(2013, 1, 1) and edits[1].modifier_indicator == "0"
    assert edits[2].deletion == date(2014, 1, 1) and edits[2].modifier_indicator == "9"
    assert edits[3].prior_1996 is True
    assert edits[4].rationale is None


def test_xlsx_bad_row_names_sheet_and_row(tmp_path: Path) -> None:
    rows = [list(r) for r in XLSX_ROWS]
    rows[2][5] = 3
    with pytest.raises(ImportFormatError, match="sheet 'ccipra-v321r0-f1' row 7: modifier") as info:
        parse_xlsx(make_xlsx(tmp_path, rows))
    assert info.value.line == 7
    assert info.value.path == "ccipra-v321r0-f1.xlsx"


def test_xlsx_bad_date_and_code(tmp_path: Path) -> None:
    rows = [list(r) for r in XLSX_ROWS]
    rows[0][3] = "2012-01-01"
    with pytest.raises(ImportFormatError, match="row 5: effective date '2012-01-01'"):
        parse_xlsx(make_xlsx(tmp_path, rows))
    rows = [list(r) for r in XLSX_ROWS]
    rows[0][1] = 123456
    with pytest.raises(ImportFormatError, match="row 5: column 2 code '123456'"):
        parse_xlsx(make_xlsx(tmp_path, rows))


def test_xlsx_sheet_without_header_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ImportFormatError, match="no PTP header row"):
        parse_xlsx(make_xlsx(tmp_path, extra_sheet=[["a note"]]))
    # An empty second sheet holds nothing to lose.
    assert len(parse_xlsx(make_xlsx(tmp_path, extra_sheet=[])).records) == 5


def test_xlsx_damaged_workbook(tmp_path: Path) -> None:
    path = tmp_path / "ccipra-v321r0-f1.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(ImportFormatError, match="not a readable xlsx"):
        parse_xlsx(path)


# --- sniff ----------------------------------------------------------------------------------


def test_sniff(tmp_path: Path) -> None:
    assert sniff(PRACTITIONER.name, PRACTITIONER.read_bytes())
    assert sniff("renamed.txt", HOSPITAL.read_bytes())
    xlsx = make_xlsx(tmp_path).read_bytes()[:65536]
    assert sniff("ccipra-v321r0-f1.xlsx", xlsx)
    assert not sniff("edits.xlsx", xlsx)
    assert not sniff("ccipra-v321r0-f1.txt", b"HCPCS/CPT Code,Practitioner Services MUE Values")
    assert not sniff("x.xml", b"<?xml version='1.0'?><ICD10CM.tabular>")
