import hashlib
import io
import time

import pytest

from chartcode.errors import ImportFormatError
from chartcode.sources.icd10pcs_tables import parse_icd10pcs_tables
from chartcode.sources.records import FileHeader, ParsedFile, PcsAxisValue, PcsTable
from tests.conftest import TEST_DATA, shared_file
from tests.sources.helpers import format_error, replaced

SAMPLE = TEST_DATA / "icd10pcs_tables" / "tables.xml"
NAME = "icd10pcs_tables_2026.xml"
PCS_CHARS = set("0123456789ABCDEFGHJKLMNPQRSTUVWXYZ")


def parse_bytes(data: bytes, name: str = NAME) -> ParsedFile:
    return parse_icd10pcs_tables(io.BytesIO(data), name)


def sample() -> ParsedFile:
    with SAMPLE.open("rb") as f:
        return parse_icd10pcs_tables(f, SAMPLE.name)


def table(parsed: ParsedFile, prefix: str) -> PcsTable:
    return next(t for t in parsed.records if t.prefix == prefix)


def line_of(data: bytes, needle: bytes, nth: int = 1) -> int:
    """1-based line of the nth occurrence of ``needle`` in ``data``."""
    at = -1
    for _ in range(nth):
        at = data.index(needle, at + 1)
    return data[:at].count(b"\n") + 1


def all_codes(parsed: ParsedFile) -> list[str]:
    return [code for t in parsed.records for code, _ in t.codes()]


# --- the hand-written sample -----------------------------------------------------------------


def test_sample_header_and_tables():
    parsed = sample()
    assert parsed.header == FileHeader("icd10pcs", "tables", "2026", "2026 ICD-10-PCS Tables")
    assert [(t.prefix, t.seq) for t in parsed.records] == [
        ("001", 1),
        ("0SG", 2),
        ("3E0", 3),
        ("DW0", 4),
        ("F00", 5),
    ]
    assert [len(t.rows) for t in parsed.records] == [2, 2, 2, 2, 1]
    codes = all_codes(parsed)
    assert len(codes) == len(set(codes)) == 63
    for t in parsed.records:
        assert [r.row_no for r in t.rows] == list(range(1, len(t.rows) + 1))
        assert sum(r.declared_codes or 0 for r in t.rows) == len(t.codes())
        for row in t.rows:
            assert [ax.pos for ax in row.axes] == sorted(ax.pos for ax in row.axes)
            assert {ax.pos for ax in row.axes} == {4, 5, 6, 7}


def test_fixed_axes_and_definition():
    fusion = table(sample(), "0SG")
    assert fusion.section == PcsAxisValue(1, "Section", "0", "Medical and Surgical")
    assert fusion.body_system == PcsAxisValue(2, "Body System", "S", "Lower Joints")
    assert fusion.operation == PcsAxisValue(3, "Operation", "G", "Fusion")
    assert fusion.definition == (
        "Joining together portions of an articular body part rendering the articular "
        "body part immobile"
    )
    assert [r.declared_codes for r in fusion.rows] == [12, 8]


def test_axis_titles_vary_by_section_and_radiation_has_no_definition():
    parsed = sample()
    beam = table(parsed, "DW0")
    assert beam.operation == PcsAxisValue(3, "Modality", "0", "Beam Radiation")
    assert beam.definition is None
    assert {ax.axis_title for ax in beam.rows[0].axes} == {
        "Treatment Site",
        "Modality Qualifier",
        "Isotope",
        "Qualifier",
    }
    speech = table(parsed, "F00")
    assert speech.body_system == PcsAxisValue(2, "Section Qualifier", "0", "Rehabilitation")
    assert speech.operation.axis_title == "Type"
    assert speech.definition == "Measurement of speech and related functions"


def test_codes_expand_each_row_and_name_it():
    fusion = table(sample(), "0SG")
    codes = dict(fusion.codes())
    assert len(codes) == 20
    assert codes["0SG0070"] == 1
    assert codes["0SG30J1"] == 1
    assert codes["0SG00A0"] == 2
    assert codes["0SG33AJ"] == 2
    assert "0SG10A0" not in codes  # body part 1 is only in row 1, without device A
    assert "0SG3070" in codes and "0SG3370" not in codes  # row 1 is open approach only


def test_labels_belong_to_their_row():
    # In the official 3E0 table qualifier 0 reads "Influenza Vaccine" in one row and
    # "Autologous" in another: labels are per row, never per table.
    intro = table(sample(), "3E0")
    quals = [[(ax.value, ax.label) for ax in row.axes if ax.pos == 7] for row in intro.rows]
    assert quals == [
        [("0", "Influenza Vaccine"), ("Z", "No Qualifier")],
        [("0", "Autologous"), ("1", "Nonautologous")],
    ]
    assert dict(intro.codes()) == {"3E01340": 1, "3E0134Z": 1, "3E030U0": 2, "3E030U1": 2}


def test_escaped_characters_are_read():
    beam = table(sample(), "DW0")
    labels = [ax.label for ax in beam.rows[0].axes if ax.pos == 5]
    assert labels == ["Photons <1 MeV", "Photons >10 MeV"]


def test_crlf_file_parses_the_same():
    # The FY2025 official file has CRLF line ends, FY2026 LF.
    data = SAMPLE.read_bytes()
    assert parse_bytes(data.replace(b"\n", b"\r\n")).records == parse_bytes(data).records


def test_missing_title_gets_a_default():
    data = SAMPLE.read_bytes().replace(b"<title>2026 ICD-10-PCS Tables</title>", b"")
    assert parse_bytes(data).header.title == "ICD-10-PCS Tables 2026"


# --- damaged or foreign files -----------------------------------------------------------------


def test_truncated_file_names_file_and_line():
    data = SAMPLE.read_bytes()
    with pytest.raises(ImportFormatError) as info:
        parse_bytes(data[: len(data) // 2])
    assert info.value.path == NAME
    assert info.value.line is not None and info.value.line > 100
    assert NAME in str(info.value)


def test_cut_at_a_table_boundary_is_still_refused():
    data = SAMPLE.read_bytes()
    cut = data.index(b"  <pcsTable>", data.index(b"</pcsTable>"))
    with pytest.raises(ImportFormatError) as info:
        parse_bytes(data[:cut])
    assert info.value.path == NAME and NAME in str(info.value)


def test_wrong_root():
    data = SAMPLE.read_bytes().replace(b"ICD10PCS.tabular>", b"ICD10PCS.index>")
    with pytest.raises(ImportFormatError, match="ICD10PCS.tabular") as info:
        parse_bytes(data, "icd10pcs_index_2026.xml")
    assert info.value.path == "icd10pcs_index_2026.xml"
    assert "icd10pcs_index_2026.xml" in str(info.value)


def test_definitions_file_is_not_a_tables_file():
    data = (TEST_DATA / "icd10pcs_definitions" / "definitions.xml").read_bytes()
    with pytest.raises(ImportFormatError, match="ICD10PCS.tabular"):
        parse_bytes(data, "icd10pcs_definitions_2026.xml")


@pytest.mark.parametrize("replacement", [b"", b"<version> </version>"])
def test_missing_version(replacement):
    data = SAMPLE.read_bytes().replace(b"<version>2026</version>", replacement)
    with pytest.raises(ImportFormatError, match="version") as info:
        parse_bytes(data)
    assert info.value.path == NAME and NAME in str(info.value)
    assert info.value.line == 2  # the root element the <version> belongs in


def test_codes_count_mismatch_names_the_row_line():
    data = SAMPLE.read_bytes()
    old = b'<pcsRow codes="8">'
    data = data.replace(old, b'<pcsRow codes="9">')
    with pytest.raises(ImportFormatError, match=r'row 2 of 0SG declares codes="9".* = 8') as info:
        parse_bytes(data)
    assert info.value.line == line_of(data, b'<pcsRow codes="9">')
    assert f"{NAME}:{info.value.line}:" in str(info.value)


def test_dropped_label_is_caught_by_the_values_count():
    data = SAMPLE.read_bytes()
    label = b'        <label code="1">Lumbar Vertebral Joints, 2 or more</label>\n'
    assert data.count(label) == 1
    data = data.replace(label, b"")
    with pytest.raises(ImportFormatError, match='declares values="3" but lists 2') as info:
        parse_bytes(data)
    assert info.value.line == line_of(data, b'<axis pos="4" values="3">')


def test_duplicate_table_prefix_names_both_lines():
    data = SAMPLE.read_bytes()
    first = data.index(b"  <pcsTable>")
    end = data.index(b"</pcsTable>") + len(b"</pcsTable>\n")
    data = data[:end] + data[first:end] + data[end:]
    with pytest.raises(
        ImportFormatError, match=r"table 001 appears twice \(first at line 5\)"
    ) as e:
        parse_bytes(data)
    assert e.value.line == line_of(data, b"  <pcsTable>", 2)


def test_rows_that_make_the_same_code_are_refused():
    data = SAMPLE.read_bytes()
    # Give row 2 of 0SG the device of row 1: 0SG0070 is then made by both rows.
    old = b'<label code="A">Interbody Fusion Device</label>'
    data = data.replace(old, b'<label code="7">Autologous Tissue Substitute</label>')
    with pytest.raises(ImportFormatError, match="rows 1 and 2 of table 0SG both make 0SG0070"):
        parse_bytes(data)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (b'<label code="J">Synthetic Substitute</label>', b'<label code="7">x</label>', "twice"),
        (b'<label code="J">Synthetic Substitute</label>', b'<label code="I">x</label>', "'I'"),
        (b'<label code="J">Synthetic Substitute</label>', b'<label code="JJ">x</label>', "'JJ'"),
        (b'<label code="J">Synthetic Substitute</label>', b"<label>x</label>", "''"),
        (b'<label code="J">Synthetic Substitute</label>', b'<label code="J"/>', "no label"),
        (b'<label code="J">Synthetic Substitute</label>', b'<label code="J">S<b/></label>', "<b>"),
        (b'<pcsRow codes="27">', b'<pcsRow codes="lots">', "expected a number"),
        (b'<pcsRow codes="27">', b"<pcsRow>", "codes= count"),
        (b'<axis pos="5" values="3">', b'<axis pos="5">', "values= count"),
        (b'<axis pos="5" values="3">', b'<axis pos="6" values="3">', "axis 5 was expected"),
        (b"<title>Approach</title>", b"<title>Approach</title><title>x</title>", "<title>"),
        (b"<title>Approach</title>", b"", "without a <title>"),
        (b"<title>Approach</title>", b"<definition>x</definition>", "<definition>"),
        (b'<label code="U">Spinal Canal</label>', b"<note>x</note>", "<note>"),
        (b'<pcsRow codes="27">', b'<pcsRow codes="27"><row/>', "<row>"),
        (b'<label code="6">Cerebral Ventricle</label>\n      </axis>', b"</axis><axis/>", "5 axes"),
        (b'<label code="0">Medical and Surgical</label>', b"", "lists 0 labels"),
        (b'<axis pos="1" values="1">', b'<axis pos="1" values="2">', "lists 1 labels"),
        (b'<axis pos="2" values="1">', b'<axis pos="3" values="1">', "axis 2 was expected"),
        (b"<pcsTable>", b"<pcsTable><pcsRow/>", "<axis>"),
    ],
)
def test_malformed_tables_name_file_and_line(old, new, message):
    data = replaced(SAMPLE.read_bytes(), old, new)
    err = format_error(lambda: parse_bytes(data), message)
    assert err.path == NAME
    assert err.line is not None and err.line > 4


def test_table_axis_with_two_values():
    data = SAMPLE.read_bytes()
    old = b'<axis pos="2" values="1">\n      <title>Body System</title>\n      <label code="S">'
    assert old in data
    data = data.replace(
        old,
        old.replace(b'values="1"', b'values="2"').replace(
            b"<label", b'<label code="R">Upper Joints</label><label'
        ),
    )
    with pytest.raises(ImportFormatError, match="table axis 2 lists 2 values, expected one") as e:
        parse_bytes(data)
    assert e.value.line == line_of(data, b'<axis pos="2" values="2">')


def test_table_without_rows():
    data = SAMPLE.read_bytes()
    start = data.index(b"    <pcsRow", data.index(b'<label code="F">'))
    end = data.index(b"</pcsRow>", start) + len(b"</pcsRow>\n")
    with pytest.raises(ImportFormatError, match="table F00 has no <pcsRow>") as info:
        parse_bytes(data[:start] + data[end:])
    assert info.value.line == line_of(data, b"  <pcsTable>", 5)


def test_no_tables_and_unknown_root_children():
    empty = b"<ICD10PCS.tabular><version>2026</version></ICD10PCS.tabular>"
    with pytest.raises(ImportFormatError, match="no <pcsTable>"):
        parse_bytes(empty)
    data = SAMPLE.read_bytes().replace(b"<pcsTable>", b"<index/><pcsTable>", 1)
    with pytest.raises(ImportFormatError, match="<index>") as info:
        parse_bytes(data)
    assert info.value.line == 5


# --- the official files (../shared/data) ------------------------------------------------------

REAL = {
    "2025": (
        "af6809d636159fa5f484bf7854dcf7d93764c93ded10ac0af2ee8de604d69821",
        908,
        2661,
        78948,
        56,
    ),
    "2026": (
        "8a9020bde754a93826ae122ac6bb293271a167e34c05181f1789b5fd3038e96a",
        914,
        2733,
        79115,
        57,
    ),
}


@pytest.fixture(scope="module")
def real_tables() -> dict[str, ParsedFile]:
    out = {}
    for year, (sha, *_counts) in REAL.items():
        path = shared_file(f"icd10/pcs/icd10pcs_tables_{year}.xml")
        data = path.read_bytes()
        assert hashlib.sha256(data).hexdigest() == sha, path
        start = time.perf_counter()
        out[year] = parse_bytes(data, path.name)
        assert time.perf_counter() - start < 1.5, f"parsing {path.name} is too slow"
    return out


@pytest.mark.shared_data
@pytest.mark.parametrize("year", sorted(REAL))
def test_real_tables_counts(real_tables, year):
    _sha, n_tables, n_rows, n_codes, n_undefined = REAL[year]
    parsed = real_tables[year]
    assert parsed.header == FileHeader("icd10pcs", "tables", year, f"{year} ICD-10-PCS Tables")
    tables = parsed.records
    assert len(tables) == n_tables
    assert sum(len(t.rows) for t in tables) == n_rows
    assert [t.seq for t in tables] == list(range(1, n_tables + 1))
    prefixes = [t.prefix for t in tables]
    assert len(set(prefixes)) == len(prefixes)  # no table is split in two
    codes = all_codes(parsed)
    assert len(codes) == len(set(codes)) == n_codes
    assert all(len(c) == 7 and set(c) <= PCS_CHARS for c in codes)
    # The Radiation Therapy (D) tables print no operation definition.
    undefined = [t.prefix for t in tables if t.definition is None]
    assert len(undefined) == n_undefined and all(p.startswith("D") for p in undefined)
    assert tables[0].prefix == "001" and tables[-1].prefix == "XY0"


@pytest.mark.shared_data
@pytest.mark.parametrize("year", sorted(REAL))
def test_real_fusion_of_lower_joints(real_tables, year):
    fusion = table(real_tables[year], "0SG")
    assert (fusion.section.label, fusion.body_system.label, fusion.operation.label) == (
        "Medical and Surgical",
        "Lower Joints",
        "Fusion",
    )
    assert fusion.operation.axis_title == "Operation"
    assert fusion.definition == (
        "Joining together portions of an articular body part rendering the articular "
        "body part immobile"
    )
    codes = dict(fusion.codes())
    assert codes["0SG00A0"] == 2  # lumbar vertebral joint, interbody fusion device, open
    # FY2026 took row 3's Internal Fixation Device (4) off: 48 codes became 36.
    expected = [81, 18, 48, 252] if year == "2025" else [81, 18, 36, 252]
    assert [r.declared_codes for r in fusion.rows] == expected
    assert ("0SG604Z" in codes) == (year == "2025")


@pytest.mark.shared_data
def test_real_tables_year_over_year(real_tables):
    old, new = real_tables["2025"], real_tables["2026"]
    added = {t.prefix for t in new.records} - {t.prefix for t in old.records}
    assert added == {"09X", "0C1", "0CY", "D22", "XDJ", "XHH"}
    old_codes, new_codes = set(all_codes(old)), set(all_codes(new))
    assert (len(new_codes - old_codes), len(old_codes - new_codes)) == (206, 39)
    # Labels are per row: 3E0 qualifier 0 means two different things.
    intro = table(new, "3E0")
    meanings = {ax.label for r in intro.rows for ax in r.axes if ax.pos == 7 and ax.value == "0"}
    assert {"Autologous", "Influenza Vaccine"} <= meanings
