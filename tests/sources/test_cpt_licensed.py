"""Licensed CPT descriptor files.

Every descriptor here is made up ("Example descriptor for testing ..."): AMA descriptor text
must not be in the repository. Only the codes look real.
"""

import io
from datetime import date

import pytest

from chartcode.sources.cpt_licensed import (
    CptDescriptor,
    file_header,
    parse_cpt_licensed,
    sniff,
)
from chartcode.sources.records import FileHeader, ParsedFile
from tests.sources.helpers import assert_format_error

ROWS = [
    ("00100", "Example descriptor for testing, category I"),
    ("0001F", "Example descriptor for testing, category II"),
    ("0042T", "Example descriptor for testing, category III"),
    ("0001U", "Example descriptor for testing, PLA code"),
    ("0002M", "Example descriptor for testing, MAAA code"),
    ("99213", "Example descriptor for testing with \u00b5g and \u00b0 signs"),
]


def tsv(header: bool = False, crlf: bool = False) -> str:
    lines = (["Code\tDescriptor"] if header else []) + [f"{c}\t{d}" for c, d in ROWS]
    end = "\r\n" if crlf else "\n"
    return end.join(lines) + end


def csv_text(header: bool = False) -> str:
    lines = (["code,descriptor"] if header else []) + [f'{c},"{d}"' for c, d in ROWS]
    return "\n".join(lines) + "\n"


def parse(text: str | bytes, name: str = "LONGULT.txt", encoding: str = "utf-8") -> ParsedFile:
    data = text if isinstance(text, bytes) else text.encode(encoding)
    return parse_cpt_licensed(io.BytesIO(data), name)


def pairs(parsed: ParsedFile) -> list[tuple[str, str]]:
    return [(r.code, r.descriptor) for r in parsed.records]


@pytest.mark.parametrize("crlf", [False, True])
@pytest.mark.parametrize("header", [False, True])
def test_tab_delimited(header: bool, crlf: bool) -> None:
    parsed = parse(tsv(header, crlf))
    assert pairs(parsed) == ROWS
    first = 2 if header else 1
    assert parsed.records[0] == CptDescriptor("00100", ROWS[0][1], first)
    assert [r.line for r in parsed.records] == list(range(first, first + len(ROWS)))


@pytest.mark.parametrize("header", [False, True])
def test_csv(header: bool) -> None:
    assert pairs(parse(csv_text(header), "cpt2026.csv")) == ROWS


def test_csv_unquoted_commas_stay_in_the_descriptor() -> None:
    parsed = parse("99213,Example descriptor, for testing, with commas\n", "cpt.csv")
    assert pairs(parsed) == [("99213", "Example descriptor, for testing, with commas")]


def test_encodings_and_bom() -> None:
    expected = pairs(parse(tsv()))
    assert pairs(parse(b"\xef\xbb\xbf" + tsv().encode("utf-8"))) == expected
    assert pairs(parse(tsv(), encoding="cp1252")) == expected


def test_notice_lines_above_the_records_and_blank_lines() -> None:
    text = "Example copyright notice for testing.\nAll rights reserved.\n\n" + tsv() + "\n\n"
    parsed = parse(text)
    assert pairs(parsed) == ROWS
    assert parsed.records[0].line == 4


def test_header_with_year() -> None:
    assert parse(tsv(), "CPT2026_LONGULT.txt").header == FileHeader(
        system="cpt",
        kind="descriptors",
        version="2026",
        title="CPT 2026 descriptors (licensed AMA file)",
        effective_from=date(2026, 1, 1),
    )
    assert file_header("cpt-2025.zip!LONGULT.txt").version == "2025"


def test_header_without_year() -> None:
    header = parse(tsv()).header
    assert header.version == "licensed"
    assert header.effective_from is None and header.effective_to is None


def _fails(text: str, line: int | None, match: str, name: str = "LONGULT2026.txt") -> None:
    assert_format_error(lambda: parse(text, name), name, line, match)


@pytest.mark.parametrize(
    "bad",
    ["0001A", "1234", "123456", "A1234", "0001f", "9921X", "99 13"],
)
def test_codes_outside_the_cpt_patterns(bad: str) -> None:
    text = tsv().replace("0042T", bad)
    _fails(text, 3, "is not a CPT code")


def test_bad_code_on_the_first_line() -> None:
    _fails("0001A\tExample descriptor for testing\n" + tsv(), 1, r"'0001A' is not a CPT code")


def test_hcpcs_level_ii_code_is_refused() -> None:
    _fails(tsv() + "J1234\tExample descriptor for testing\n", 7, r"'J1234' is not a CPT code")


def test_missing_descriptor() -> None:
    _fails(tsv().replace("\tExample descriptor for testing, PLA code", ""), 4, "expected code")
    _fails(tsv().replace("Example descriptor for testing, PLA code", " "), 4, "empty descriptor")


def test_extra_tab_column() -> None:
    _fails(tsv().replace("PLA code", "PLA code\t20260101"), 4, r"expected code<TAB>descriptor")


def test_duplicate_code() -> None:
    _fails(tsv() + "00100\tExample descriptor for testing again\n", 7, r"duplicate code 00100")


def test_empty_files() -> None:
    _fails("", None, "empty file")
    _fails("\r\n\r\n", None, "empty file")
    _fails("Code\tDescriptor\n", None, "no CPT descriptor lines")


def test_no_code_within_the_first_lines() -> None:
    _fails("Some text\n" * 60, 51, "no CPT code in the first 50 lines")


def test_sniff() -> None:
    assert sniff("LONGULT.txt", tsv().encode())
    assert sniff("x.txt", tsv(header=True, crlf=True).encode())
    assert sniff("x.csv", csv_text(header=True).encode())
    # Other files with a code in the first column: NCCI PTP (more tab fields), MUE (numeric
    # CSV fields), an HCPCS fixed-width record, a workbook.
    assert not sniff("ptp.txt", b"22586\t20705\t*\t20230101\t*\t1\n")
    assert not sniff("mue.csv", b"HCPCS/CPT Code,MUE Values,MAI,Rationale\n22586,1,2 Date,Text\n")
    assert not sniff("h.txt", b"A9990001003Example supply" + b" " * 300 + b"\r\n")
    assert not sniff("x.xlsx", b"PK\x03\x04" + tsv().encode())
    assert not sniff("x.txt", b"")
    assert not sniff("x.txt", b"Title\nSubtitle\n00100\tExample descriptor for testing\n")
