import dataclasses
import hashlib
import io
import time
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from chartcode.errors import ImportFormatError
from chartcode.sources.hcpcs_alpha import (
    HCPCS_2019_RECORD_LAYOUT,
    HcpcsCode,
    HcpcsModifier,
    file_header,
    parse_hcpcs_alpha,
    parse_hcpcs_alpha_xlsx,
    release_of,
    sniff,
    sniff_xlsx,
)
from chartcode.sources.records import FileHeader, ParsedFile
from tests.conftest import TEST_DATA, shared_file
from tests.sources.helpers import assert_format_error, write_workbook

DATA = TEST_DATA / "hcpcs_alpha"
SAMPLE = DATA / "HCPC2025_ANWEB_sample.txt"

REAL_ZIP = "medicare/hcpcs/2020-Alpha-Numeric-HCPCS-File.zip"
REAL_ZIP_SHA256 = "c7223c198ac019be842a3370defb6365eeb573da2a97e251650c25056c7b8ab3"
REAL_MEMBER = "HCPC2020_ANWEB_w_disclaimer.txt"

# Columns (1-based, inclusive) of the "HCPCS Contractor Record" in CMS's
# HCPCS2019_recordlayout.txt, written out here independently of the parser's table so the
# fixture checks the parser rather than the parser checking itself.
COLS: dict[str, tuple[int, int]] = {
    "code": (1, 5),
    "seq": (6, 10),
    "rid": (11, 11),
    "long": (12, 91),
    "short": (92, 119),
    "price": (120, 127),
    "mult": (128, 128),
    "cim": (129, 146),
    "mcm": (147, 170),
    "statute": (171, 180),
    "lab": (181, 204),
    "xref": (205, 229),
    "cov": (230, 230),
    "asc": (231, 232),
    "asc_dt": (233, 240),
    "opps": (241, 243),
    "opps_pi": (244, 244),
    "opps_dt": (245, 252),
    "note": (253, 256),
    "betos": (257, 259),
    "tos": (261, 265),
    "anes": (266, 268),
    "add": (269, 276),
    "act": (277, 284),
    "term": (285, 292),
    "action": (293, 293),
}


def occ(width: int, *values: str) -> str:
    """An OCCURS field: each value left-aligned in its own ``width`` columns."""
    return "".join(v.ljust(width) for v in values)


def record(**fields: str) -> str:
    """A 320-character first record with each field at its layout columns."""
    buf = [" "] * 320
    for key, value in fields.items():
        start, end = COLS[key]
        assert len(value) <= end - start + 1, (key, value)
        buf[start - 1 : start - 1 + len(value)] = value
    return "".join(buf)


def continuation(code: str, seq: str, rid: str, text: str) -> str:
    """A continuation record: CMS cuts these after column 91 (the long description)."""
    return record(code=code, seq=seq, rid=rid, long=text)[:91]


PREAMBLE = [
    "Note regarding this sample of 2025 HCPCS records: made-up text for chartcode\u2019s tests",
    "",
    "None of the descriptions below is CMS text; the codes only look real.",
    "",
]
FIRST_RECORD_LINE = len(PREAMBLE) + 1

SAMPLE_RECORDS = [
    record(
        code="   ZX",
        seq="00100",
        rid="7",
        cov="C",
        add="20250101",
        act="20250101",
        long="Example modifier for testing, first line of its long description, which",
        short="Example modifier for testing",
        action="A",
    ),
    continuation("   ZX", "00200", "8", "continues on a second line"),
    record(
        code="   Z9",
        seq="00100",
        rid="7",
        cov="C",
        add="20100101",
        act="20241231",
        term="20241231",
        long="Example retired modifier",
        short="Example retired modifier",
        action="D",
    ),
    record(
        code="A9990",
        seq="00100",
        rid="3",
        long="Example supply for testing, per unit, with a long description that runs onto",
        short="Example supply for testing",
        price=occ(2, "00"),
        mult="9",
        cov="D",
        betos="D1F",
        tos=occ(1, "P"),
        anes="  0",
        add="20250101",
        act="20250101",
        action="A",
    ),
    continuation(
        "A9990",
        "00200",
        "4",
        "two continuation lines, to check that the pieces are joined with single",
    ),
    continuation("A9990", "00300", "4", "spaces"),
    record(
        code="G9990",
        seq="00100",
        rid="3",
        long="Example service for testing, every detail field filled",
        short="Example service, all fields",
        price=occ(2, "13", "51"),
        mult="A",
        cim=occ(6, "60-9", "65-10"),
        mcm=occ(8, "2049", "2130"),
        statute="1833(t)",
        lab=occ(3, "340", "630"),
        xref=occ(5, "G9991"),
        cov="C",
        asc="YY",
        asc_dt="20080101",
        opps="123",
        opps_pi="A",
        opps_dt="20200101",
        note="0088",
        betos="P0",
        tos=occ(1, "1", "P"),
        anes="  5",
        add="20170101",
        act="20200101",
        term="20251231",
        action="C",
    ),
    record(
        code="J9990",
        seq="00100",
        rid="3",
        long="Example drug for testing, 1 mg",
        short="Example drug 1 mg",
        price=occ(2, "51"),
        mult="A",
        cov="C",
        betos="O1E",
        tos=occ(1, "1"),
        anes="  0",
        add="20200101",
        act="20250101",
        action="C",
    ),
]


def build_sample() -> bytes:
    """The fixture file's bytes: cp1252, CRLF, disclaimer lines above the records."""
    return "".join(line + "\r\n" for line in PREAMBLE + SAMPLE_RECORDS).encode("cp1252")


def sample_lines() -> list[str]:
    return SAMPLE.read_bytes().decode("cp1252").split("\r\n")


def parse_text(text: str, name: str = SAMPLE.name) -> ParsedFile:
    return parse_hcpcs_alpha(io.BytesIO(text.encode("cp1252")), name)


def parse_bytes(data: bytes, name: str = SAMPLE.name) -> ParsedFile:
    return parse_hcpcs_alpha(io.BytesIO(data), name)


def edited(line_no: int, start: int, new: str) -> str:
    """The sample with ``new`` written over line ``line_no`` from column ``start`` (1-based)."""
    lines = sample_lines()
    line = lines[line_no - 1]
    lines[line_no - 1] = line[: start - 1] + new + line[start - 1 + len(new) :]
    return "\r\n".join(lines)


def by_code(parsed: ParsedFile) -> dict[str, HcpcsCode | HcpcsModifier]:
    return {r.code: r for r in parsed.records}


# --- the fixture itself -----------------------------------------------------------------------


def test_fixture_is_the_documented_sample() -> None:
    # Regenerate with: SAMPLE.write_bytes(build_sample())
    assert SAMPLE.read_bytes() == build_sample()


def test_layout_table_matches_the_cms_positions() -> None:
    table = {f: (a, b) for f, a, b in HCPCS_2019_RECORD_LAYOUT}
    assert table["code"] == COLS["code"]
    assert table["record_id"] == COLS["rid"]
    assert table["long_description"] == COLS["long"]
    assert table["short_description"] == COLS["short"]
    assert table["pricing_indicators"] == COLS["price"]
    assert table["type_of_service"] == COLS["tos"]
    assert table["anesthesia_base_units"] == COLS["anes"]
    assert table["add_date"] == COLS["add"]
    assert table["action_code"] == COLS["action"]
    # Contiguous from column 1 to 293 except the filler at column 260.
    spans = [(a, b) for _, a, b in HCPCS_2019_RECORD_LAYOUT]
    covered = {c for a, b in spans for c in range(a, b + 1)}
    assert covered == set(range(1, 294)) - {260}


# --- text file: good samples -------------------------------------------------------------------


def test_sample_parses_codes_and_modifiers_in_order() -> None:
    with SAMPLE.open("rb") as f:
        parsed = parse_hcpcs_alpha(f, SAMPLE.name)
    assert [(type(r).__name__, r.code, r.line) for r in parsed.records] == [
        ("HcpcsModifier", "ZX", 5),
        ("HcpcsModifier", "Z9", 7),
        ("HcpcsCode", "A9990", 8),
        ("HcpcsCode", "G9990", 11),
        ("HcpcsCode", "J9990", 12),
    ]
    assert parsed.header == FileHeader(
        system="hcpcs",
        kind="alpha",
        version="2025",
        title="HCPCS Level II Alpha-Numeric file 2025",
        effective_from=date(2025, 1, 1),
        effective_to=None,
    )


def test_continuation_lines_fold_into_the_long_description() -> None:
    recs = by_code(parse_bytes(build_sample()))
    assert recs["A9990"].long_description == (
        "Example supply for testing, per unit, with a long description that runs onto two "
        "continuation lines, to check that the pieces are joined with single spaces"
    )
    assert recs["ZX"].long_description == (
        "Example modifier for testing, first line of its long description, which continues "
        "on a second line"
    )


def test_every_detail_field() -> None:
    g = by_code(parse_bytes(build_sample()))["G9990"]
    assert g == HcpcsCode(
        code="G9990",
        long_description="Example service for testing, every detail field filled",
        short_description="Example service, all fields",
        pricing_indicators=("13", "51"),
        multiple_pricing="A",
        cim_refs=("60-9", "65-10"),
        mcm_refs=("2049", "2130"),
        statute="1833(t)",
        lab_cert=("340", "630"),
        cross_ref=("G9991",),
        coverage="C",
        asc_group="YY",
        asc_effective=date(2008, 1, 1),
        opps_group="123",
        opps_pi="A",
        opps_effective=date(2020, 1, 1),
        processing_note="0088",
        betos="P0",
        type_of_service=("1", "P"),
        anesthesia_base_units=5,
        add_date=date(2017, 1, 1),
        action_effective_date=date(2020, 1, 1),
        termination_date=date(2025, 12, 31),
        action_code="C",
        line=11,
    )
    assert g.to_dict()["termination_date"] == "2025-12-31"
    assert g.to_dict()["pricing_indicators"] == ["13", "51"]


def test_blank_fields_are_none_and_empty_tuples() -> None:
    a = by_code(parse_bytes(build_sample()))["A9990"]
    assert isinstance(a, HcpcsCode)
    assert a.pricing_indicators == ("00",)
    assert a.cim_refs == a.mcm_refs == a.lab_cert == a.cross_ref == ()
    assert a.statute is None and a.asc_group is None and a.asc_effective is None
    assert a.termination_date is None and a.processing_note is None
    assert a.anesthesia_base_units == 0


def test_modifier_record() -> None:
    z9 = by_code(parse_bytes(build_sample()))["Z9"]
    assert z9 == HcpcsModifier(
        code="Z9",
        long_description="Example retired modifier",
        short_description="Example retired modifier",
        add_date=date(2010, 1, 1),
        action_effective_date=date(2024, 12, 31),
        termination_date=date(2024, 12, 31),
        action_code="D",
        line=7,
        coverage="C",
    )
    assert z9.to_dict() == {
        "code": "Z9",
        "long_description": "Example retired modifier",
        "short_description": "Example retired modifier",
        "add_date": "2010-01-01",
        "action_effective_date": "2024-12-31",
        "termination_date": "2024-12-31",
        "action_code": "D",
        "line": 7,
        "coverage": "C",
    }


def test_lf_endings_trailing_blank_lines_and_no_preamble_parse_alike() -> None:
    expected = parse_bytes(build_sample()).records
    lf = build_sample().replace(b"\r\n", b"\n")
    assert parse_bytes(lf).records == expected
    assert parse_bytes(build_sample() + b"\r\n\r\n").records == expected
    bare = "\n".join(SAMPLE_RECORDS) + "\n"
    shifted = [dataclasses.replace(r, line=r.line - len(PREAMBLE)) for r in expected]
    assert parse_text(bare).records == shifted


def test_right_trimmed_first_line_and_last_line_without_break() -> None:
    # Filler (294-320) trimmed off a first line, and no line break after the last record.
    text = "\r\n".join(PREAMBLE + [r.rstrip() if r[10] == "3" else r for r in SAMPLE_RECORDS])
    assert parse_text(text).records == parse_bytes(build_sample()).records


def test_description_piece_filling_all_80_columns_is_glued() -> None:
    first = record(
        code="A9991",
        seq="00100",
        rid="3",
        long="x" * 79 + "y",
        short="S",
        add="20250101",
        act="20250101",
        action="A",
    )
    more = continuation("A9991", "00200", "4", "zy end")
    (rec,) = parse_text(first + "\n" + more + "\n").records
    assert rec.long_description == "x" * 79 + "yzy end"


# --- release naming ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "version", "start", "end"),
    [
        ("HCPC2020_ANWEB_w_disclaimer.txt", "2020", date(2020, 1, 1), None),
        (
            "2020-Alpha-Numeric-HCPCS-File.zip!HCPC2020_ANWEB_w_disclaimer.txt",
            "2020",
            date(2020, 1, 1),
            None,
        ),
        ("HCPC2026_APR_ANWEB_v2.txt", "2026-04", date(2026, 4, 1), date(2026, 6, 30)),
        ("HCPC2026_JAN_ANWEB_01122026.xlsx", "2026-01", date(2026, 1, 1), date(2026, 3, 31)),
        ("HCPC2025_OCT_ANWEB_v3.txt", "2025-10", date(2025, 10, 1), date(2025, 12, 31)),
        (
            "april-2026-alpha-numeric-hcpcs-file.zip!HCPC2026_ANWEB.txt",
            "2026-04",
            date(2026, 4, 1),
            date(2026, 6, 30),
        ),
    ],
)
def test_file_header_from_name(name: str, version: str, start: date, end: date | None) -> None:
    header = file_header(name)
    assert (header.version, header.effective_from, header.effective_to) == (version, start, end)
    assert header.system == "hcpcs" and header.kind == "alpha"


def test_month_must_be_a_token_of_its_own() -> None:
    # "disclaimer" holds "mar"... only as part of a word.
    assert release_of("HCPC2020_ANWEB_w_disclaimer.txt").month is None
    assert release_of("HCPC2026_April_ANWEB.txt").month == 4


def test_year_falls_back_to_the_disclaimer_text() -> None:
    parsed = parse_bytes(build_sample(), "anweb.txt")
    assert parsed.header.version == "2025"


def test_no_year_anywhere_is_refused() -> None:
    bare = "\n".join(SAMPLE_RECORDS) + "\n"
    with pytest.raises(ImportFormatError, match="no year in the file name") as exc:
        parse_text(bare, "anweb.txt")
    assert exc.value.path == "anweb.txt"


# --- text file: failures -----------------------------------------------------------------------


def _fails(text: str, line: int | None, match: str, name: str = SAMPLE.name) -> None:
    assert_format_error(lambda: parse_text(text, name), name, line, match)


def test_bad_date() -> None:
    _fails(edited(11, 269, "20171301"), 11, r"add_date '20171301' is not a YYYYMMDD date")


def test_non_numeric_date() -> None:
    _fails(edited(12, 277, "2025O101"), 12, r"action_effective_date '2025O101'")


def test_non_numeric_anesthesia_units() -> None:
    _fails(edited(8, 266, " x0"), 8, r"anesthesia base units 'x0'")


def test_non_numeric_sequence() -> None:
    _fails(edited(9, 6, "002X0"), 9, r"sequence number '002X0'")


def test_continuation_without_first_line() -> None:
    lines = sample_lines()
    del lines[7]  # A9990's first record (line 8)
    _fails("\r\n".join(lines), 8, r"continuation record \(id 4\) of code 'A9990' without")


def test_continuation_of_another_code() -> None:
    _fails(edited(9, 1, "A9991"), 9, r"continuation record \(id 4\) of code 'A9991'")


def test_modifier_continuation_after_a_code() -> None:
    text = edited(9, 1, "   ZX00200" + "8")
    _fails(text, 9, r"continuation record \(id 8\) of modifier 'ZX' without its first line")


def test_sequence_must_increase() -> None:
    _fails(edited(10, 6, "00200"), 10, r"sequence number 200 does not follow 200")


def test_duplicate_code() -> None:
    lines = sample_lines()
    lines.insert(12, lines[11])  # J9990 again on line 13
    _fails("\r\n".join(lines), 13, r"duplicate code J9990 \(first seen on line 12\)")


def test_duplicate_modifier() -> None:
    _fails(edited(7, 4, "ZX"), 7, r"duplicate modifier ZX \(first seen on line 5\)")


def test_unknown_record_id_after_the_first_record() -> None:
    _fails(edited(11, 11, "5"), 11, r"not a HCPCS record")


def test_prose_after_the_first_record() -> None:
    lines = sample_lines()
    lines.insert(9, "Some note in the middle")
    _fails("\r\n".join(lines), 10, r"not a HCPCS record")


def test_code_that_is_not_level_ii() -> None:
    _fails(edited(12, 1, "99213"), 12, r"code '99213' is not a Level II HCPCS code")


def test_modifier_code_must_sit_in_columns_4_5() -> None:
    _fails(edited(7, 1, "XXX"), 7, r"modifier record \(id 7\) with code field 'XXXZ9'")


def test_detail_data_on_a_continuation_line() -> None:
    lines = sample_lines()
    lines[8] = lines[8] + "X"
    _fails("\r\n".join(lines), 9, r"continuation record with data past column 91")


def test_record_longer_than_320() -> None:
    lines = sample_lines()
    lines[11] = lines[11] + "X"
    _fails("\r\n".join(lines), 12, r"321 characters, longer than 320")


def test_damaged_first_record_in_the_preamble_position() -> None:
    # The first record's code in lower case is no longer a record; a record-sized line
    # above the first record is refused, not skipped as disclaimer text.
    _fails(edited(5, 1, "   zx"), 5, r"a 320-character line above the first record")


def test_truncated_inside_a_first_record() -> None:
    data = build_sample()
    cut = data.index(b"J9990") + 200
    with pytest.raises(ImportFormatError, match=r":12: first record of J9990 is 200 char"):
        parse_bytes(data[:cut])


def test_truncated_inside_a_continuation_record() -> None:
    data = build_sample()
    cut = data.index(b"A999000200") + 40
    with pytest.raises(ImportFormatError, match=r":9: the file ends inside this record"):
        parse_bytes(data[:cut])


class _CutStream(io.BytesIO):
    """A zip member whose compressed data ends early: reading raises, as zipfile does."""

    def read(self, size: int | None = -1) -> bytes:
        raise EOFError("Compressed file ended before the end-of-stream marker was reached")


def test_unreadable_stream() -> None:
    with pytest.raises(ImportFormatError, match=r"x\.zip!s\.txt: truncated or corrupt"):
        parse_hcpcs_alpha(_CutStream(), "x.zip!s.txt")


def test_empty_and_preamble_only_files() -> None:
    with pytest.raises(ImportFormatError, match="empty file"):
        parse_bytes(b"")
    with pytest.raises(ImportFormatError, match="no HCPCS code or modifier records"):
        parse_text("\r\n".join(PREAMBLE) + "\r\n")


# --- sniff -------------------------------------------------------------------------------------


def test_sniff_text() -> None:
    head = build_sample()
    assert sniff(SAMPLE.name, head)
    assert sniff("renamed.dat", head)
    assert not sniff(SAMPLE.name, "\r\n".join(PREAMBLE).encode())
    assert not sniff("x.txt", b"HCPCS\tDescription\r\nA0021\tSomething\r\n")
    # A head cut inside the first record's line does not count that line.
    assert not sniff(SAMPLE.name, head[: head.index(b"   ZX00100") + 100])


# --- xlsx --------------------------------------------------------------------------------------

XLSX_HEADER = (
    ["HCPC", "SEQNUM", "RECID", "LONG DESCRIPTION", "SHORT DESCRIPTION"]
    + [f"PRICE{i}" for i in range(1, 5)]
    + ["MULT_PI"]
    + [f"CIM{i}" for i in range(1, 4)]
    + [f"MCM{i}" for i in range(1, 4)]
    + ["STATUTE"]
    + [f"LABCERT{i}" for i in range(1, 9)]
    + [f"XREF{i}" for i in range(1, 6)]
    + ["COV", "ASC_GRP", "ASC_DT", "OPPS", "OPPS_PI", "OPPS_DT", "PROCNOTE", "BETOS"]
    + [f"TOS{i}" for i in range(1, 6)]
    + ["ANEST_BU", "ADD DT", "ACT EFF DT", "TERM DT", "ACTION CD"]
)
_OCC = {"price": 2, "cim": 6, "mcm": 8, "lab": 3, "xref": 5, "tos": 1}


def xlsx_row(line: str) -> list[object]:
    """One text record as the workbook's cells (strings; None where blank)."""

    def cell(key: str) -> str | None:
        a, b = COLS[key]
        value = line.ljust(320)[a - 1 : b].strip()
        return value or None

    def cells(key: str) -> list[str | None]:
        a, b = COLS[key]
        w = _OCC[key]
        text = line.ljust(320)[a - 1 : b]
        return [text[i : i + w].strip() or None for i in range(0, len(text), w)]

    a, b = COLS["code"]
    row: list[object] = [line[a - 1 : b], cell("seq"), cell("rid"), line[11:91].rstrip()]
    if line[10] in "48":
        return row
    row.append(cell("short"))
    row += cells("price") + [cell("mult")] + cells("cim") + cells("mcm") + [cell("statute")]
    row += cells("lab") + cells("xref")
    row += [cell(k) for k in ("cov", "asc", "asc_dt", "opps", "opps_pi", "opps_dt", "note")]
    row += [cell("betos")] + cells("tos")
    row += [cell(k) for k in ("anes", "add", "act", "term", "action")]
    return row


def numeric(row: list[object]) -> list[object]:
    """The same row as a spreadsheet that typed numbers would hold it."""
    out: list[object] = []
    for value in row:
        if isinstance(value, str) and value.isdigit():
            out.append(int(value))
        elif isinstance(value, str) and value.startswith("   "):
            out.append(value.strip())  # a modifier without its filler
        else:
            out.append(value)
    return out


def make_xlsx(
    tmp_path: Path,
    rows: list[list[object]] | None = None,
    header: list[str] | None = None,
    name: str = "HCPC2026_APR_ANWEB_v2.xlsx",
    notice: bool = True,
    extra_sheet: bool = False,
) -> Path:
    main: list[list[Any]] = [[PREAMBLE[0]], []] if notice else []
    main.append(XLSX_HEADER if header is None else header)
    main += [xlsx_row(line) for line in SAMPLE_RECORDS] if rows is None else rows
    sheets = {"HCPC2026_APR_ANWEB": main}
    if extra_sheet:
        sheets["Copy"] = [XLSX_HEADER, xlsx_row(SAMPLE_RECORDS[-1])]
    return write_workbook(tmp_path / name, sheets)


def parse_xlsx(path: Path, name: str | None = None) -> ParsedFile:
    with path.open("rb") as f:
        return parse_hcpcs_alpha_xlsx(f, name or path.name)


def without_lines(records: list[Any]) -> list[Any]:
    return [dataclasses.replace(r, line=0) for r in records]


def test_xlsx_matches_the_text_file(tmp_path: Path) -> None:
    parsed = parse_xlsx(make_xlsx(tmp_path))
    assert parsed.header.version == "2026-04"
    assert parsed.header.effective_from == date(2026, 4, 1)
    assert parsed.header.effective_to == date(2026, 6, 30)
    assert without_lines(parsed.records) == without_lines(parse_bytes(build_sample()).records)
    # Lines are sheet rows: notice, blank, header, then the records from row 4.
    assert [r.line for r in parsed.records] == [4, 6, 7, 10, 11]


def test_xlsx_numbers_and_header_variants(tmp_path: Path) -> None:
    header = [h.replace(" ", "_").lower() if "DT" in h or "CD" in h else h for h in XLSX_HEADER]
    rows = [numeric(xlsx_row(line)) for line in SAMPLE_RECORDS]
    parsed = parse_xlsx(make_xlsx(tmp_path, rows=rows, header=header, notice=False))
    assert without_lines(parsed.records) == without_lines(parse_bytes(build_sample()).records)
    a = by_code(parsed)["A9990"]
    assert isinstance(a, HcpcsCode) and a.pricing_indicators == ("00",)


def test_xlsx_bad_date_names_sheet_and_row(tmp_path: Path) -> None:
    rows = [xlsx_row(line) for line in SAMPLE_RECORDS]
    rows[6][XLSX_HEADER.index("ADD DT")] = "20171301"
    path = make_xlsx(tmp_path, rows=rows)
    with pytest.raises(ImportFormatError, match=r"sheet 'HCPC2026_APR_ANWEB' row 10: add_d") as e:
        parse_xlsx(path)
    assert e.value.line == 10 and e.value.path == path.name


def test_xlsx_orphan_continuation(tmp_path: Path) -> None:
    rows = [xlsx_row(line) for line in SAMPLE_RECORDS]
    del rows[3]  # A9990's first row
    with pytest.raises(ImportFormatError, match=r"row 7: continuation record \(id 4\)"):
        parse_xlsx(make_xlsx(tmp_path, rows=rows))


def test_xlsx_without_header(tmp_path: Path) -> None:
    path = make_xlsx(tmp_path, header=["A", "B", "C"])
    with pytest.raises(ImportFormatError, match="no sheet with the HCPCS header"):
        parse_xlsx(path)


def test_xlsx_second_sheet_with_records(tmp_path: Path) -> None:
    with pytest.raises(ImportFormatError, match="a second sheet of HCPCS records"):
        parse_xlsx(make_xlsx(tmp_path, extra_sheet=True))


def test_xlsx_truncated(tmp_path: Path) -> None:
    path = make_xlsx(tmp_path)
    data = path.read_bytes()
    cut = tmp_path / path.name
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(ImportFormatError, match="not a readable xlsx workbook"):
        parse_xlsx(cut)


def test_xlsx_needs_a_year_in_the_name(tmp_path: Path) -> None:
    with pytest.raises(ImportFormatError, match="no year in the file name"):
        parse_xlsx(make_xlsx(tmp_path, name="anweb.xlsx"))


def test_sniff_xlsx(tmp_path: Path) -> None:
    path = make_xlsx(tmp_path)
    head = path.read_bytes()[:65536]
    assert sniff_xlsx(path.name, head)
    assert not sniff_xlsx("HCPC2020_TRANS_ALPHA_w_disclaimer.xlsx", head)
    assert not sniff_xlsx("AOC_V2026Q2-MCR.xlsx", head)
    assert not sniff(path.name, head)


# --- the official 2020 file --------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_zip() -> Path:
    path = shared_file(REAL_ZIP)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == REAL_ZIP_SHA256
    return path


@pytest.mark.shared_data
def test_real_2020_file(real_zip: Path) -> None:
    name = f"{real_zip.name}!{REAL_MEMBER}"
    with zipfile.ZipFile(real_zip) as zf:
        data = zf.read(REAL_MEMBER)
    elapsed = []
    for _ in range(2):
        t0 = time.perf_counter()
        parsed = parse_hcpcs_alpha(io.BytesIO(data), name)
        elapsed.append(time.perf_counter() - t0)
    assert min(elapsed) < 1.0, elapsed

    assert parsed.header == FileHeader(
        system="hcpcs",
        kind="alpha",
        version="2020",
        title="HCPCS Level II Alpha-Numeric file 2020",
        effective_from=date(2020, 1, 1),
        effective_to=None,
    )
    codes = [r for r in parsed.records if isinstance(r, HcpcsCode)]
    modifiers = [r for r in parsed.records if isinstance(r, HcpcsModifier)]
    assert (len(codes), len(modifiers)) == (6710, 369)
    # 9 disclaimer lines, then 12,359 records (7,079 first lines + 5,280 continuations).
    lines = data.split(b"\r\n")
    assert lines[-1] == b"" and len(lines) - 1 - 9 == 12359
    assert parsed.records[0].line == 10
    assert len({r.code for r in codes}) == 6710

    g = next(r for r in codes if r.code == "G0500")
    assert g.short_description == "Mod sedat endo service >5yrs"
    assert g.pricing_indicators == ("13",)
    assert g.coverage == "C"
    assert g.betos == "P0"
    assert g.type_of_service == ("1",)
    assert g.add_date == date(2017, 1, 1)
    # Six records (one first line, five continuations) folded into one description.
    assert g.line == 3707
    assert len(g.long_description) > 5 * 70 and "  " not in g.long_description

    # Modifiers come first in the file (columns 1-3 blank sort before letters).
    assert modifiers[0].code == "A1" and modifiers[0].line == 10
    assert all(r.line < codes[0].line for r in modifiers)


@pytest.mark.shared_data
def test_real_zip_members_sniff(real_zip: Path) -> None:
    with zipfile.ZipFile(real_zip) as zf:
        found = {
            n: (sniff(n, zf.open(n).read(65536)), sniff_xlsx(n, zf.open(n).read(65536)))
            for n in zf.namelist()
        }
    assert found.pop(REAL_MEMBER) == (True, False)
    # The .xls (Excel 97), the transaction report, the .prn change lists, the readme and
    # the processing notes are other formats.
    assert all(v == (False, False) for v in found.values()), found
