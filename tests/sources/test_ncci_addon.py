import hashlib
from collections import Counter
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from chartcode.errors import ImportFormatError
from chartcode.sources.ncci_addon import (
    HEADER,
    AddonEdit,
    julian_date,
    parse_ncci_addon_xlsx,
    sniff,
)
from chartcode.sources.records import FileHeader, ParsedFile
from tests.conftest import shared_file
from tests.sources.helpers import write_workbook

REAL = "medicare/ncci/AOC_V2026Q2-MCR.xlsx"
REAL_SHA256 = "870a84912f91f8e8fdfa1acd01f076cfb1473ba10c98861fc18d040ce3fbdac6"

NOTICE = (
    "CPT codes, descriptions and other data only are copyright 2025 American Medical Association."
)
CONTRACTOR = "Contractor Defined Primary Codes"
SAMPLE_ROWS: list[list[object]] = [
    ["2", "0054T", None, "CCCCC", None, "2013091", None, CONTRACTOR],
    ["1", "0309T", "2017365", "22586", None, "2013091", "2017365", None],
    ["3", "20705", None, "22586", None, "2023001", None, None],
    [1, 22552, "*", 22551, "", 2016366, "*", "  a note  "],  # numbers, '*' and a leap day
]


def make_xlsx(
    tmp_path: Path,
    rows: list[list[object]] | None = None,
    name: str = "AOC_V2026Q2-MCR.xlsx",
    header: list[str] | None = None,
    extra_sheet: list[list[object]] | None = None,
) -> Path:
    main = [[NOTICE], list(HEADER) if header is None else header]
    sheets = {"AOC_V2026Q2-MCR_xlsx": main + (SAMPLE_ROWS if rows is None else rows)}
    if extra_sheet is not None:
        sheets["Sheet2"] = extra_sheet
    return write_workbook(tmp_path / name, sheets)


def parse_path(path: Path, name: str | None = None) -> ParsedFile:
    with path.open("rb") as f:
        return parse_ncci_addon_xlsx(f, name or path.name)


def bad_row(tmp_path: Path, index: int, column: int, value: object) -> pytest.ExceptionInfo:
    rows = [list(r) for r in SAMPLE_ROWS]
    rows[index][column] = value
    path = make_xlsx(tmp_path, rows)
    with pytest.raises(ImportFormatError) as info:
        parse_path(path)
    assert info.value.path == path.name
    assert info.value.line == index + 3  # notice, header, then the rows
    return info


# --- julian dates ---------------------------------------------------------------------------


def test_julian_dates() -> None:
    assert julian_date("2013091") == date(2013, 4, 1)
    assert julian_date("2017365") == date(2017, 12, 31)
    assert julian_date("2016366") == date(2016, 12, 31)
    assert julian_date("2023001") == date(2023, 1, 1)
    for bad in ("2017366", "2017000", "20171231", "2017-01", ""):
        with pytest.raises(ValueError):
            julian_date(bad)


# --- a synthetic workbook -------------------------------------------------------------------


def test_sample_header(tmp_path: Path) -> None:
    assert parse_path(make_xlsx(tmp_path)).header == FileHeader(
        system="ncci",
        kind="aoc",
        version="2026Q2",
        title="Medicare NCCI add-on code edits, 2026 Q2",
        effective_from=date(2026, 4, 1),
        effective_to=date(2026, 6, 30),
    )


def test_sample_records(tmp_path: Path) -> None:
    edits = parse_path(make_xlsx(tmp_path)).records
    assert edits == [
        AddonEdit(2, "0054T", None, "CCCCC", True, None, date(2013, 4, 1), None, CONTRACTOR, 3),
        AddonEdit(
            1,
            "0309T",
            date(2017, 12, 31),
            "22586",
            False,
            None,
            date(2013, 4, 1),
            date(2017, 12, 31),
            None,
            4,
        ),
        AddonEdit(3, "20705", None, "22586", False, None, date(2023, 1, 1), None, None, 5),
        AddonEdit(1, "22552", None, "22551", False, None, date(2016, 12, 31), None, "a note", 6),
    ]


def test_revision_in_name_and_zip_member(tmp_path: Path) -> None:
    path = make_xlsx(tmp_path, name="AOC_V2025Q4_01-MCR.xlsx")
    header = parse_path(path, "aoc.zip!AOC_V2025Q4_01-MCR.xlsx").header
    assert header.version == "2025Q4_01"
    assert header.title == "Medicare NCCI add-on code edits, 2025 Q4 (revision 01)"
    assert (header.effective_from, header.effective_to) == (date(2025, 10, 1), date(2025, 12, 31))


@pytest.mark.parametrize(
    ("name", "match"),
    [
        ("addon_edits.xlsx", "not a CMS add-on code file name"),
        ("AOC_V2026Q5-MCR.xlsx", "not a CMS add-on code file name"),
        ("AOC_V2026Q2-MCD.xlsx", "Medicaid"),
    ],
)
def test_name_is_refused(tmp_path: Path, name: str, match: str) -> None:
    with pytest.raises(ImportFormatError, match=match) as info:
        parse_path(make_xlsx(tmp_path), name)
    assert info.value.path == name


def test_bad_edit_type(tmp_path: Path) -> None:
    info = bad_row(tmp_path, 1, 0, "4")
    assert "row 4: AOC_Edit_Type '4' is not 1, 2 or 3" in str(info.value)
    bad_row(tmp_path, 1, 0, None)


def test_bad_codes(tmp_path: Path) -> None:
    assert "Add-On_Code '0309'" in str(bad_row(tmp_path, 1, 1, "0309").value)
    assert "Primary_Code 'cccc'" in str(bad_row(tmp_path, 0, 3, "cccc").value)
    assert "Primary_Code ''" in str(bad_row(tmp_path, 2, 3, None).value)


@pytest.mark.parametrize("column", [2, 4, 5, 6])
def test_bad_julian_date(tmp_path: Path, column: int) -> None:
    info = bad_row(tmp_path, 1, column, "2017366")
    assert f"{HEADER[column]}: '2017366': 2017 has no day 366" in str(info.value)


def test_missing_effective_date(tmp_path: Path) -> None:
    info = bad_row(tmp_path, 2, 5, None)
    assert "AOC_Edit_EffDT is empty" in str(info.value)


def test_extra_cell(tmp_path: Path) -> None:
    rows = [list(r) for r in SAMPLE_ROWS]
    rows[3].append("surprise")
    with pytest.raises(ImportFormatError, match="row 6: cells beyond the header's 8"):
        parse_path(make_xlsx(tmp_path, rows))


def test_wrong_header(tmp_path: Path) -> None:
    header = list(HEADER)
    header[5] = "AOC_Edit_EffDate"
    with pytest.raises(ImportFormatError, match="row 2: expected the AOC header") as info:
        parse_path(make_xlsx(tmp_path, header=header))
    assert info.value.line == 2


def test_no_header(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.append([NOTICE])
    path = tmp_path / "AOC_V2026Q2-MCR.xlsx"
    wb.save(path)
    with pytest.raises(ImportFormatError, match="row 1: sheet content but no AOC header"):
        parse_path(path)


def test_header_but_no_rows(tmp_path: Path) -> None:
    with pytest.raises(ImportFormatError, match="no edit rows"):
        parse_path(make_xlsx(tmp_path, rows=[]))


def test_second_sheet(tmp_path: Path) -> None:
    with pytest.raises(ImportFormatError, match="sheet 'Sheet2' row 1: sheet content but no"):
        parse_path(make_xlsx(tmp_path, extra_sheet=[["something"]]))
    with pytest.raises(ImportFormatError, match="a second sheet with add-on code edits"):
        parse_path(make_xlsx(tmp_path, extra_sheet=[list(HEADER), SAMPLE_ROWS[0]]))
    assert len(parse_path(make_xlsx(tmp_path, extra_sheet=[])).records) == 4


def test_blank_rows_are_passed_over(tmp_path: Path) -> None:
    rows = [SAMPLE_ROWS[0], [None] * 8, SAMPLE_ROWS[1]]
    edits = parse_path(make_xlsx(tmp_path, rows)).records
    assert [e.line for e in edits] == [3, 5]


def test_damaged_workbook(tmp_path: Path) -> None:
    path = tmp_path / "AOC_V2026Q2-MCR.xlsx"
    path.write_bytes(make_xlsx(tmp_path).read_bytes()[:2000])
    with pytest.raises(ImportFormatError, match="not a readable xlsx"):
        parse_path(path)


def test_sniff(tmp_path: Path) -> None:
    head = make_xlsx(tmp_path).read_bytes()[:65536]
    assert sniff("AOC_V2026Q2-MCR.xlsx", head)
    assert sniff("ncci.zip!AOC_V2025Q4_01-MCR.xlsx", head)
    assert not sniff("other.xlsx", head)
    assert not sniff("AOC_V2026Q2-MCR.xlsx", b"AOC_Edit_Type\tAdd-On_Code")
    assert not sniff("AOC_V2026Q2-MCR.txt", head)


# --- the real file --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real() -> ParsedFile:
    path = shared_file(REAL)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == REAL_SHA256
    with path.open("rb") as f:
        assert sniff(path.name, f.read(65536))
        f.seek(0)
        return parse_ncci_addon_xlsx(f, path.name)


@pytest.mark.shared_data
def test_real_file_header(real: ParsedFile) -> None:
    assert real.header == FileHeader(
        system="ncci",
        kind="aoc",
        version="2026Q2",
        title="Medicare NCCI add-on code edits, 2026 Q2",
        effective_from=date(2026, 4, 1),
        effective_to=date(2026, 6, 30),
    )


@pytest.mark.shared_data
def test_real_file_counts(real: ParsedFile) -> None:
    edits: list[AddonEdit] = real.records
    assert len(edits) == 9000
    assert len({e.addon_code for e in edits}) == 830
    assert Counter(e.edit_type for e in edits) == {1: 8293, 3: 660, 2: 47}
    # Every row of the sheet, in order: notice on row 1, header on row 2.
    assert [e.line for e in edits] == list(range(3, 9003))
    # Every type 2 edit is contractor-defined (CCCCC), and a few type 3 edits are too.
    assert all(e.contractor_defined for e in edits if e.edit_type == 2)
    assert Counter(e.edit_type for e in edits if e.contractor_defined) == {2: 47, 3: 8}
    assert not any(e.contractor_defined for e in edits if e.edit_type == 1)


@pytest.mark.shared_data
def test_real_file_22586(real: ParsedFile) -> None:
    # PROVENANCE.md: with 22586 as primary, 20705 (type 3, from 2023-01-01, in force) and
    # 0309T (type 1, from 2013-04-01, deleted 2017-12-31).
    by_addon = {e.addon_code: e for e in real.records if e.primary_code == "22586"}
    assert set(by_addon) == {"20705", "0309T"}
    e = by_addon["20705"]
    assert (e.edit_type, e.effective, e.deletion) == (3, date(2023, 1, 1), None)
    e = by_addon["0309T"]
    assert (e.edit_type, e.effective, e.deletion) == (1, date(2013, 4, 1), date(2017, 12, 31))
    assert e.addon_deletion == date(2017, 12, 31)


@pytest.mark.shared_data
def test_real_file_dates_are_sane(real: ParsedFile) -> None:
    edits: list[AddonEdit] = real.records
    assert min(e.effective for e in edits) >= date(2013, 1, 1)
    assert max(e.effective for e in edits) <= real.header.effective_to
    assert sum(e.deletion is not None for e in edits) == 1260
    assert sum(e.notes is not None for e in edits) == 267
