import hashlib
import io
import time
from collections import Counter

import pytest

from chartcode.errors import ImportFormatError
from chartcode.sources.icd10pcs_definitions import parse_icd10pcs_definitions
from chartcode.sources.records import (
    FileHeader,
    ParsedFile,
    PcsDefinition,
    PcsDeviceAggregate,
)
from tests.conftest import TEST_DATA, shared_file
from tests.sources.helpers import format_error, replaced

SAMPLE = TEST_DATA / "icd10pcs_definitions" / "definitions.xml"
NAME = "icd10pcs_definitions_2026.xml"


def parse_bytes(data: bytes, name: str = NAME) -> ParsedFile:
    return parse_icd10pcs_definitions(io.BytesIO(data), name)


def sample() -> ParsedFile:
    with SAMPLE.open("rb") as f:
        return parse_icd10pcs_definitions(f, SAMPLE.name)


def definitions(parsed: ParsedFile) -> list[PcsDefinition]:
    return [r for r in parsed.records if isinstance(r, PcsDefinition)]


def aggregates(parsed: ParsedFile) -> list[PcsDeviceAggregate]:
    return [r for r in parsed.records if isinstance(r, PcsDeviceAggregate)]


def entry(parsed: ParsedFile, section: str, pos: int, term: str) -> PcsDefinition:
    return next(
        d for d in definitions(parsed) if d.section == section and d.pos == pos and term in d.terms
    )


def line_of(data: bytes, needle: bytes, nth: int = 1) -> int:
    at = -1
    for _ in range(nth):
        at = data.index(needle, at + 1)
    return data[:at].count(b"\n") + 1


# --- the hand-written sample -----------------------------------------------------------------


def test_sample_header_and_order():
    parsed = sample()
    assert parsed.header == FileHeader(
        "icd10pcs", "definitions", "2026", "2026 ICD-10-PCS Definitions"
    )
    kinds = [type(r).__name__ for r in parsed.records]
    # Definitions in document order, then the device aggregates.
    assert kinds == ["PcsDefinition"] * 9 + ["PcsDeviceAggregate"] * 3
    assert [(d.section, d.pos, d.terms[0]) for d in definitions(parsed)] == [
        ("0", 3, "Alteration"),
        ("0", 3, "Fusion"),
        ("0", 4, "1st Toe, Left"),
        ("0", 4, "Adrenal Gland"),
        ("0", 5, "Open"),
        ("0", 6, "Interbody Fusion Device in Lower Joints"),
        ("F", 5, "Binaural Hearing Aid (Treatment)"),
        ("F", 5, "Bedside Swallowing and Oral Function"),
        ("X", 6, "COVID-19 Vaccine"),
    ]


def test_operation_definition():
    fusion = entry(sample(), "0", 3, "Fusion")
    assert fusion == PcsDefinition(
        section="0",
        pos=3,
        axis_title="Operation",
        terms=("Fusion",),
        definition="Joining together portions of an articular body part rendering the "
        "articular body part immobile",
        explanation="The body part is joined together by fixation device, bone graft, or "
        "other means",
        includes=("Spinal fusion, ankle arthrodesis",),
    )
    approach = entry(sample(), "0", 5, "Open")
    assert approach.axis_title == "Approach"
    assert approach.explanation is None and approach.includes == ()


def test_key_entries_cover_several_values():
    parsed = sample()
    toe = entry(parsed, "0", 4, "1st Toe, Right")
    assert toe.terms == ("1st Toe, Left", "1st Toe, Right")
    assert toe.includes == ("Hallux",)
    assert toe.definition is None and toe.explanation is None
    assert toe.axis_title == "Body Part"
    adrenal = entry(parsed, "0", 4, "Adrenal Glands, Bilateral")
    assert len(adrenal.terms) == 4
    device = entry(parsed, "0", 6, "Interbody Fusion Device in Lower Joints")
    assert device.includes == (
        "Axial Lumbar Interbody Fusion System",
        "AxiaLIF(R) System",
        "Interbody fusion (spine) cage",
    )
    vaccine = entry(parsed, "X", 6, "COVID-19 Vaccine Dose 2")
    assert vaccine.axis_title == "Device / Substance / Technology"
    assert vaccine.includes == ("COMIRNATY(R)", "SPIKEVAX(tm)")


def test_explanation_only_entry_and_whitespace():
    parsed = sample()
    aid = entry(parsed, "F", 5, "Binaural Hearing Aid (Treatment)")
    assert aid.definition is None
    assert aid.explanation == "Assists in achieving maximum understanding and performance"
    swallow = entry(parsed, "F", 5, "Bedside Swallowing and Oral Function")
    # The official text has a doubled space here; it is collapsed.
    assert swallow.includes == (
        "Bedside swallowing includes assessment of sucking and swallowing. Oral function "
        "includes assessment of musculature",
    )


def test_device_aggregation():
    aggs = aggregates(sample())
    assert aggs[0] == PcsDeviceAggregate(
        device="Autologous Arterial Tissue",
        operation="All applicable",
        body_systems=("Heart and Great Vessels", "Lower Arteries", "Upper Arteries"),
        parent_value="7",
        parent_label="Autologous Tissue Substitute",
    )
    # One device, one aggregate per operation.
    assert [(a.device, a.operation) for a in aggs[1:]] == [
        ("External Fixation Device, Hybrid", "Insertion"),
        ("External Fixation Device, Hybrid", "Reposition"),
    ]
    assert {(a.parent_value, a.parent_label) for a in aggs[1:]} == {
        ("5", "External Fixation Device")
    }


def test_crlf_and_missing_title():
    data = SAMPLE.read_bytes()
    assert parse_bytes(data.replace(b"\n", b"\r\n")).records == parse_bytes(data).records
    untitled = data.replace(b"<title>2026 ICD-10-PCS Definitions</title>", b"")
    assert parse_bytes(untitled).header.title == "ICD-10-PCS Definitions 2026"


def test_file_without_aggregation_is_fine():
    data = SAMPLE.read_bytes()
    start = data.index(b"  <deviceAggregation>")
    end = data.index(b"</deviceAggregation>") + len(b"</deviceAggregation>\n")
    parsed = parse_bytes(data[:start] + data[end:])
    assert len(parsed.records) == 9 and not aggregates(parsed)


# --- damaged or foreign files -----------------------------------------------------------------


def test_truncated_file_names_file_and_line():
    data = SAMPLE.read_bytes()
    with pytest.raises(ImportFormatError) as info:
        parse_bytes(data[: len(data) // 2])
    assert info.value.path == NAME and NAME in str(info.value)
    assert info.value.line is not None and info.value.line > 40


def test_wrong_root():
    data = (TEST_DATA / "icd10pcs_tables" / "tables.xml").read_bytes()
    with pytest.raises(ImportFormatError, match="ICD10PCS.definitions") as info:
        parse_bytes(data, "icd10pcs_tables_2026.xml")
    assert info.value.path == "icd10pcs_tables_2026.xml"
    assert "icd10pcs_tables_2026.xml" in str(info.value)


@pytest.mark.parametrize("replacement", [b"", b"<version/>"])
def test_missing_version(replacement):
    data = SAMPLE.read_bytes().replace(b"<version>2026</version>", replacement)
    with pytest.raises(ImportFormatError, match="version") as info:
        parse_bytes(data)
    assert info.value.path == NAME and NAME in str(info.value)
    assert info.value.line == 2


def test_no_sections():
    data = b"<ICD10PCS.definitions><version>2026</version></ICD10PCS.definitions>"
    with pytest.raises(ImportFormatError, match="no <section>"):
        parse_bytes(data)


def test_value_defined_twice_names_both_lines():
    data = SAMPLE.read_bytes()
    data = data.replace(b"<title>Adrenal Gland</title>", b"<title>1st Toe, Left</title>")
    with pytest.raises(ImportFormatError, match="defines '1st Toe, Left' twice") as info:
        parse_bytes(data)
    first = line_of(data, b"<title>1st Toe, Left</title>") - 1  # its <terms>
    assert f"(first at line {first})" in str(info.value)
    assert info.value.line == line_of(data, b"<title>1st Toe, Left</title>", 2) - 1


def test_section_twice():
    data = SAMPLE.read_bytes().replace(b'<section code="X">', b'<section code="F">')
    with pytest.raises(ImportFormatError, match="section F appears twice") as info:
        parse_bytes(data)
    assert info.value.line == line_of(data, b'<section code="F">', 2)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (b"<includes>Hallux</includes>", b"<includes>Hallux</includes><note>x</note>", "<note>"),
        (b"<title>1st Toe, Left</title>", b"<title>1st <i>Toe</i></title>", "<i>"),
        (b"<title>1st Toe, Left</title>\n        <title>1st Toe, Right</title>", b"", "<title>"),
        (b"<title>1st Toe, Left</title>", b"<title/>", "non-empty"),
        (
            b"<explanation>Principal",
            b"<explanation>x</explanation><explanation>Principal",
            "second <explanation>",
        ),
        (b"<definition>Cutting", b"<definition>x</definition><definition>Cutting", "second"),
        (b'<axis pos="5">', b'<axis pos="8">', "expected 1-7"),
        (b'<axis pos="5">', b"<axis>", "expected 1-7"),
        (b"<title>Approach</title>", b"", "starts with its <title>"),
        (b"<title>Approach</title>", b"<title>Approach</title><title>A</title>", "<title>"),
        (b'<section code="X">', b'<section code="I">', "one ICD-10-PCS character"),
        (b"<title>New Technology</title>", b"<title>New Technology</title><x/>", "<x>"),
        (b"<title>New Technology</title>", b"", "without a <title>"),
        (b'<parent value="7">', b'<parent value="">', "one ICD-10-PCS character"),
        (b'<parent value="7">', b'<parent value="7"><b/>', "<b>"),
        (b"<bodySys>Lower Arteries</bodySys>", b"<body>x</body>", "<body>"),
        (b"<operation>All applicable</operation>", b"", "without <operation>"),
        (b"<operation>All applicable</operation>", b"<operation/>", "without <operation>"),
        (
            b"<operation>Insertion</operation>",
            b"<operation>Insertion</operation><device>x</device>",
            "<device>",
        ),
        (b"<aggregate>", b"<aggregate/><aggregate>", "without <device>, <operation>, <parent>"),
        (b"<aggregate>", b"<item/><aggregate>", "<item>"),
        (b"</deviceAggregation>", b"</deviceAggregation><section/>", "<section>"),
        (b"</deviceAggregation>", b"</deviceAggregation><deviceAggregation/>", "<deviceAggreg"),
    ],
)
def test_malformed_entries_name_file_and_line(old, new, message):
    data = replaced(SAMPLE.read_bytes(), old, new)
    err = format_error(lambda: parse_bytes(data), message)
    assert err.path == NAME
    assert err.line is not None and err.line > 4


def test_aggregate_without_body_system():
    data = SAMPLE.read_bytes()
    old = b"      <bodySys>Lower Bones</bodySys>\n      <bodySys>Upper Bones</bodySys>\n"
    data = data.replace(old, b"", 1)
    with pytest.raises(ImportFormatError, match="without <bodySys>") as info:
        parse_bytes(data)
    assert info.value.line == line_of(data, b"<aggregate>", 2)


# --- the official files (../shared/data) ------------------------------------------------------

REAL = {
    "2025": ("04ca3711da652e4630bb7f9bc432798f5fa82f061fae918363237b492a67f2ce", 930, 1912),
    "2026": ("920d19c11639063bca0632e2dd230998b3137429702d0d6df143a285bb1167da", 954, 1966),
}


@pytest.fixture(scope="module")
def real_definitions() -> dict[str, ParsedFile]:
    out = {}
    for year, (sha, *_counts) in REAL.items():
        path = shared_file(f"icd10/pcs/icd10pcs_definitions_{year}.xml")
        data = path.read_bytes()
        assert hashlib.sha256(data).hexdigest() == sha, path
        start = time.perf_counter()
        out[year] = parse_bytes(data, path.name)
        assert time.perf_counter() - start < 1.0, f"parsing {path.name} is too slow"
    return out


@pytest.mark.shared_data
@pytest.mark.parametrize("year", sorted(REAL))
def test_real_definitions_counts(real_definitions, year):
    _sha, n_entries, n_includes = REAL[year]
    parsed = real_definitions[year]
    assert parsed.header == FileHeader(
        "icd10pcs", "definitions", year, f"{year} ICD-10-PCS Definitions"
    )
    defs = definitions(parsed)
    assert len(defs) == n_entries
    assert len(aggregates(parsed)) == 60
    assert parsed.records[: len(defs)] == defs  # the aggregates come last
    sections = list(dict.fromkeys(d.section for d in defs))
    assert sections == list("0123456789BCFGHX")
    assert sum(1 for d in defs if d.definition) == 323
    assert sum(1 for d in defs if d.explanation) == 60
    assert sum(len(d.includes) for d in defs) == n_includes
    assert Counter(len(d.terms) for d in defs)[1] == n_entries - 122
    assert all(d.terms and all(d.terms) for d in defs)
    assert {(d.pos, d.axis_title) for d in defs if d.section == "0"} == {
        (3, "Operation"),
        (4, "Body Part"),
        (5, "Approach"),
        (6, "Device"),
    }


@pytest.mark.shared_data
@pytest.mark.parametrize("year", sorted(REAL))
def test_real_definitions_facts(real_definitions, year):
    parsed = real_definitions[year]
    fusion = entry(parsed, "0", 3, "Fusion")
    assert fusion.definition == (
        "Joining together portions of an articular body part rendering the articular "
        "body part immobile"
    )
    assert fusion.includes == ("Spinal fusion, ankle arthrodesis",)
    toe = entry(parsed, "0", 4, "1st Toe, Left")
    assert toe.terms == ("1st Toe, Left", "1st Toe, Right")
    assert toe.includes == ("Hallux",)
    vaccine = entry(parsed, "X", 6, "COVID-19 Vaccine Dose 3")
    assert len(vaccine.terms) == 5
    hybrid = [a for a in aggregates(parsed) if a.device == "External Fixation Device, Hybrid"]
    assert [a.operation for a in hybrid] == ["Insertion", "Reposition"]
    assert all(a.parent_value == "5" for a in hybrid)
    last = aggregates(parsed)[-1]
    assert (last.device, last.operation, last.body_systems, last.parent_value) == (
        "Synthetic Substitute, Reverse Ball and Socket",
        "Replacement",
        ("Upper Joints",),
        "J",
    )
    # FY2026 dropped the Trachea body part key entry and moved its "Cricoid cartilage"
    # to Larynx.
    trachea = [d for d in definitions(parsed) if d.pos == 4 and "Trachea" in d.terms]
    larynx = entry(parsed, "0", 4, "Larynx")
    if year == "2025":
        assert [d.includes for d in trachea] == [("Cricoid cartilage",)]
        assert "Cricoid cartilage" not in larynx.includes
    else:
        assert trachea == []
        assert "Cricoid cartilage" in larynx.includes
