import io
from datetime import date
from pathlib import Path

import pytest

from chartcode.errors import ImportFormatError
from chartcode.sources.ncci_mue import (
    MueEdit,
    effective_date_of,
    parse_ncci_mue,
    parse_ncci_mue_xlsx,
    sniff,
)
from chartcode.sources.records import FileHeader, ParsedFile
from tests.conftest import TEST_DATA
from tests.sources.helpers import assert_format_error, edit_line, write_workbook

DATA = TEST_DATA / "ncci_mue"
# CMS's csv layout: a quoted 3-line AMA notice padded with ",,,", then a header whose first
# cell is quoted over two lines ("HCPCS/" CRLF "CPT Code"), CRLF, cp1252.
PRACTITIONER = DATA / "MCR_MUE_PractitionerServices_Eff_04-01-2026.csv"
HOSPITAL = DATA / "MCR_MUE_OutpatientHospitalServices_Eff_04-01-2026.csv"
DME = DATA / "MCR_MUE_DMESupplierServices_Eff_04-01-2026.csv"

FIRST_DATA_LINE = 6  # notice on lines 1-3, header on lines 4-5


def parse_path(path: Path, name: str | None = None) -> ParsedFile:
    with path.open("rb") as f:
        return parse_ncci_mue(f, name or path.name)


def parse_text(text: str, name: str = PRACTITIONER.name) -> ParsedFile:
    return parse_ncci_mue(io.BytesIO(text.encode("cp1252")), name)


def edited(line_no: int, old: str, new: str, path: Path = PRACTITIONER) -> str:
    return edit_line(path, line_no, old, new, encoding="cp1252", eol="\r\n")


def raises_at(text: str, line: int, match: str, name: str = PRACTITIONER.name) -> None:
    assert_format_error(lambda: parse_text(text, name), name, line, match)


# --- the three csv samples ------------------------------------------------------------------


def test_practitioner_header() -> None:
    assert parse_path(PRACTITIONER).header == FileHeader(
        system="ncci",
        kind="mue_practitioner",
        version="2026Q2",
        title="Medicare NCCI MUE table, practitioner services, effective 2026-04-01 (2026 Q2)",
        effective_from=date(2026, 4, 1),
        effective_to=date(2026, 6, 30),
    )


def test_practitioner_every_row_in_order() -> None:
    edits = parse_path(PRACTITIONER).records
    assert all(isinstance(e, MueEdit) for e in edits)
    assert [(e.code, e.value, e.adjudication_indicator, e.line) for e in edits] == [
        ("0195T", 1, 2, 6),
        ("20930", 1, 2, 7),
        ("22585", 7, 3, 8),
        ("22586", 1, 2, 9),
        ("36415", 2, 3, 10),
        ("64450", 10, 3, 11),
        ("G0453", 40, 1, 12),
        ("J1100", 0, 3, 13),  # 0 is a real MUE: not payable in the setting
    ]


def test_practitioner_fields() -> None:
    edits = parse_path(PRACTITIONER).records
    assert edits[3] == MueEdit(
        code="22586",
        value=1,
        adjudication_indicator=2,
        adjudication_text="2 Date of Service Edit: Policy",
        rationale="Anatomic Consideration",
        line=FIRST_DATA_LINE + 3,
    )
    assert edits[6].adjudication_text == "1 Line Edit"
    assert edits[5].rationale == "Clinical: Data, Anatomic Consideration"  # quoted comma
    assert edits[0].adjudication_text is edits[1].adjudication_text  # shared, not copied


@pytest.mark.parametrize(
    ("path", "kind", "codes"),
    [
        (HOSPITAL, "mue_outpatient", ["22586", "36415", "G0463"]),
        (DME, "mue_dme", ["A4253", "E0601", "K0001"]),
    ],
)
def test_hospital_and_dme_kinds_from_the_header(path: Path, kind: str, codes: list[str]) -> None:
    parsed = parse_path(path)
    assert parsed.header.kind == kind
    assert (parsed.header.effective_from, parsed.header.effective_to) == (
        date(2026, 4, 1),
        date(2026, 6, 30),
    )
    assert [e.code for e in parsed.records] == codes
    assert parsed.records[0].line == FIRST_DATA_LINE


def test_kind_comes_from_the_header_when_the_name_does_not_say() -> None:
    parsed = parse_path(DME, "mue_Eff_07-01-2026.csv")
    assert parsed.header.kind == "mue_dme"
    assert parsed.header.version == "2026Q3"
    assert parsed.header.effective_to == date(2026, 9, 30)


def test_name_and_header_disagree() -> None:
    with pytest.raises(ImportFormatError, match="names the practitioner services table"):
        parse_path(HOSPITAL, PRACTITIONER.name)


def test_off_cycle_date_is_the_version() -> None:
    header = parse_path(PRACTITIONER, "MCR_MUE_PractitionerServices_Eff_05-15-2026.csv").header
    assert header.version == "2026-05-15"
    assert (header.effective_from, header.effective_to) == (date(2026, 5, 15), date(2026, 6, 30))


@pytest.mark.parametrize("name", ["mue.csv", "MCR_MUE_PractitionerServices_Eff_13-01-2026.csv"])
def test_undated_or_impossible_name_is_refused(name: str) -> None:
    with pytest.raises(ImportFormatError, match="Eff_MM-DD-YYYY|impossible") as info:
        parse_path(PRACTITIONER, name)
    assert info.value.path == name


def test_effective_date_of_zip_member() -> None:
    name = "mue.zip!MCR_MUE_DMESupplierServices_Eff_10-01-2025.csv"
    assert effective_date_of(name) == date(2025, 10, 1)


def test_one_line_header_and_no_preamble() -> None:
    text = (
        "HCPCS/CPT Code,Practitioner Services MUE Values,MUE Adjudication Indicator,MUE Rationale\n"
        "22586,1,2 Date of Service Edit: Policy,Anatomic Consideration\n"
    )
    parsed = parse_text(text)
    assert [(e.code, e.line) for e in parsed.records] == [("22586", 2)]


def test_file_without_rationale_column() -> None:
    text = (
        "HCPCS/CPT Code,Practitioner Services MUE Values,MUE Adjudication Indicator\n"
        "22586,1,2 Date of Service Edit: Policy\n"
    )
    assert parse_text(text).records[0].rationale is None


# --- malformed rows -------------------------------------------------------------------------


def test_code_not_five_characters() -> None:
    raises_at(edited(9, "22586", "2258"), 9, "HCPCS/CPT code '2258' is not a five-character")


@pytest.mark.parametrize("value", ["1.5", "", "-1", "one"])
def test_value_not_a_whole_number(value: str) -> None:
    raises_at(edited(8, ",7,", f",{value},"), 8, f"MUE value '{value}' is not a whole number")


@pytest.mark.parametrize("mai", ["4 Line Edit", "Line Edit", "", "0"])
def test_bad_adjudication_indicator(mai: str) -> None:
    raises_at(edited(12, "1 Line Edit", mai), 12, "does not start with 1, 2 or 3")


def test_adjudication_text_contradicting_its_digit() -> None:
    raises_at(edited(12, "1 Line Edit", "1 Date of Service Edit: Policy"), 12, "MAI 1 is a 'line'")


def test_extra_cell() -> None:
    raises_at(edited(10, "Workgroup", "Workgroup,9"), 10, "5 cells where the header has 4")


def test_wrong_header() -> None:
    with pytest.raises(ImportFormatError, match="column 2 reads 'Facility MUE Values'") as info:
        parse_text(edited(5, "Practitioner Services MUE Values", "Facility MUE Values"))
    assert info.value.line == 4  # the header record starts on line 4


def test_no_header() -> None:
    with pytest.raises(ImportFormatError, match="no MUE header row"):
        parse_text("code,value\n22586,1\n")


def test_unterminated_quote_names_the_line() -> None:
    text = edited(11, '"Clinical: Data, Anatomic Consideration"', '"Clinical" x')
    raises_at(text, 11, "malformed delimited text")


def test_blank_rows_are_passed_over() -> None:
    text = edited(9, "22586", ",,,\r\n22586")
    parsed = parse_text(text)
    assert len(parsed.records) == 8
    assert parsed.records[3].line == 10


# --- xlsx -----------------------------------------------------------------------------------

NOTICE = (
    "CPT codes, descriptions and other data only are copyright 2025 American Medical Association."
)
XLSX_ROWS: list[list[object]] = [
    ["22585", 7, "3 Date of Service Edit: Clinical", "Clinical: Data"],
    [22586, 1.0, "2 Date of Service Edit: Policy", "Anatomic Consideration"],
    ["G0463", "1", "3 Date of Service Edit: Clinical", "CMS Policy"],
]


def make_xlsx(
    tmp_path: Path,
    rows: list[list[object]] | None = None,
    name: str = "MCR_MUE_OutpatientHospitalServices_Eff_04-01-2026.xlsx",
    value_column: str = "Outpatient Hospital Services MUE Values",
    extra_sheet: list[list[object]] | None = None,
) -> Path:
    header = ["HCPCS/\nCPT Code", value_column, "MUE Adjudication Indicator", "MUE Rationale"]
    sheets = {"Sheet1": [[NOTICE], header] + (XLSX_ROWS if rows is None else rows)}
    if extra_sheet is not None:
        sheets["Sheet2"] = extra_sheet
    return write_workbook(tmp_path / name, sheets)


def parse_xlsx(path: Path) -> ParsedFile:
    with path.open("rb") as f:
        return parse_ncci_mue_xlsx(f, path.name)


def test_xlsx(tmp_path: Path) -> None:
    parsed = parse_xlsx(make_xlsx(tmp_path))
    assert parsed.header == parse_path(HOSPITAL).header
    assert parsed.records == [
        MueEdit("22585", 7, 3, "3 Date of Service Edit: Clinical", "Clinical: Data", 3),
        MueEdit("22586", 1, 2, "2 Date of Service Edit: Policy", "Anatomic Consideration", 4),
        MueEdit("G0463", 1, 3, "3 Date of Service Edit: Clinical", "CMS Policy", 5),
    ]


def test_xlsx_bad_row_names_sheet_and_row(tmp_path: Path) -> None:
    rows = [list(r) for r in XLSX_ROWS]
    rows[1][2] = "5 Date of Service Edit: Policy"
    with pytest.raises(ImportFormatError, match="sheet 'Sheet1' row 4: MUE adjudication") as info:
        parse_xlsx(make_xlsx(tmp_path, rows))
    assert info.value.line == 4
    rows = [list(r) for r in XLSX_ROWS]
    rows[2][1] = 2.5
    with pytest.raises(ImportFormatError, match="row 5: MUE value '2.5'"):
        parse_xlsx(make_xlsx(tmp_path, rows))


def test_xlsx_second_sheet_with_data_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ImportFormatError, match="sheet 'Sheet2' holds data"):
        parse_xlsx(make_xlsx(tmp_path, extra_sheet=[["x"]]))
    assert len(parse_xlsx(make_xlsx(tmp_path, extra_sheet=[])).records) == 3


def test_xlsx_dme(tmp_path: Path) -> None:
    path = make_xlsx(
        tmp_path,
        [["E0601", 1, "3 Date of Service Edit: Clinical", "Nature of Equipment"]],
        name="MCR_MUE_DMESupplierServices_Eff_01-01-2026.xlsx",
        value_column="DME Supplier Services MUE Values",
    )
    parsed = parse_xlsx(path)
    assert (parsed.header.kind, parsed.header.version) == ("mue_dme", "2026Q1")


# --- sniff ----------------------------------------------------------------------------------


def test_sniff(tmp_path: Path) -> None:
    for path in (PRACTITIONER, HOSPITAL, DME):
        assert sniff(path.name, path.read_bytes())
    assert sniff("renamed.csv", DME.read_bytes())
    xlsx = make_xlsx(tmp_path).read_bytes()[:65536]
    assert sniff("MCR_MUE_OutpatientHospitalServices_Eff_04-01-2026.xlsx", xlsx)
    assert not sniff("AOC_V2026Q2-MCR.xlsx", xlsx)
    ptp = (TEST_DATA / "ncci_ptp" / "ccipra-v321r0-f1.txt").read_bytes()
    assert not sniff("ccipra-v321r0-f1.txt", ptp)
