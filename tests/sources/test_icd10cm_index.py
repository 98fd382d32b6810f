import hashlib
import io
import time

import pytest

from chartcode.errors import ImportFormatError
from chartcode.sources.icd10cm_index import parse_icd10cm_index
from chartcode.sources.records import IndexCell, IndexTerm, ParsedFile
from tests.conftest import TEST_DATA, shared_file
from tests.sources.helpers import format_error, replaced

DATA = TEST_DATA / "icd10cm_index"
INDEX = DATA / "index.xml"
NEOPLASM = DATA / "neoplasm.xml"
DRUG = DATA / "drug.xml"
EINDEX = DATA / "eindex.xml"

REAL = {
    "drug": (
        "icd10/cm/icd10cm_drug_2023.xml",
        "ae62e89ffdd5943c01c347f0ce9bc2e2b05174193c4b20ae439d7343d0b29139",
    ),
    "neoplasm": (
        "icd10/cm/icd10cm_neoplasm_2023.xml",
        "56a998bba887d405ec1225b4defd78d4acece1ce63743308fbbd6fcb786a149b",
    ),
    "eindex": (
        "icd10/cm/icd10cm_eindex_2023.xml",
        "f3646391d7eea44c97ec9bcdbece557687e7eb6269d300ad6f96543eeed12b74",
    ),
}


def parse_bytes(data: bytes, name: str = "sample.xml") -> ParsedFile:
    return parse_icd10cm_index(io.BytesIO(data), name)


def parse_path(path) -> ParsedFile:
    with path.open("rb") as f:
        return parse_icd10cm_index(f, path.name)


def by_path(parsed: ParsedFile) -> dict[str, IndexTerm]:
    return {t.path: t for t in parsed.records}


def cells(term: IndexTerm) -> dict[int, str]:
    return {c.col: c.code for c in term.cells}


def assert_tree(terms: list[IndexTerm]) -> None:
    """Ids run from 1 in document order; every nested term sits one level under its parent."""
    assert [t.id for t in terms] == list(range(1, len(terms) + 1))
    ids = {t.id: t for t in terms}
    for t in terms:
        if t.parent_id is None:
            assert t.level == 0
        else:
            parent = ids[t.parent_id]
            assert parent.id < t.id
            assert t.level == parent.level + 1
            assert t.path == f"{parent.path}, {t.title}"
            assert t.letter == parent.letter


# --- the Index to Diseases and Injuries (hand-made in the CDC format) -----------------------


def test_main_index_header_and_tree():
    parsed = parse_path(INDEX)
    assert parsed.header.system == "icd10cm"
    assert parsed.header.kind == "index"
    assert parsed.header.version == "2026"
    assert parsed.header.title == "ICD-10-CM Index to Diseases and Injuries 2026"
    assert len(parsed.records) == 17
    assert sum(1 for t in parsed.records if t.level == 0) == 7
    assert_tree(parsed.records)


def test_main_index_codes_see_and_nemod():
    parsed = parse_path(INDEX)
    first = parsed.records[0]
    assert first == IndexTerm(
        id=1,
        parent_id=None,
        level=0,
        letter="A",
        title="Aarskog's syndrome",
        nemod=None,
        path="Aarskog's syndrome",
        code="Q87.19",
        code_kind="code",
    )
    terms = by_path(parsed)
    assert terms["Abandonment"].see == "Maltreatment"
    assert terms["Abandonment"].code is None
    assert terms["Abasia"].nemod == "(-astasia) (hysterical)"
    diabetes = terms["Diabetes, diabetic"]
    assert diabetes.nemod == "(mellitus) (sugar)"
    assert diabetes.code == "E11.9" and diabetes.letter == "D"
    neuropathy = terms["Diabetes, diabetic, type 2, with, neuropathy"]
    assert neuropathy.code == "E11.40" and neuropathy.code_kind == "code"
    assert neuropathy.level == 3
    # <nemod> mid-title and unspaced: "autonomic<nemod>(poly)</nemod>neuropathy".
    auto = terms["Diabetes, diabetic, type 2, with, autonomic neuropathy"]
    assert auto.title == "autonomic neuropathy" and auto.nemod == "(poly)"
    assert auto.code == "E11.43"
    pneumonitis = terms["Pneumonitis"]
    assert pneumonitis.see_also == "Pneumonia" and pneumonitis.code == "J18.9"
    assert terms["Pneumonia, in, influenza"].see == "Influenza, with, pneumonia"


def test_main_index_manifestation_code_in_brackets():
    terms = by_path(parse_path(INDEX))
    cataract_in = terms["Cataract, in"]
    assert cataract_in.nemod == "(due to)" and cataract_in.code is None
    hypo = terms["Cataract, in, hypoparathyroidism"]
    assert (hypo.code, hypo.manif) == ("E20.9", "H28")
    assert hypo.parent_id == cataract_in.id


def test_several_manifestation_codes_are_joined_as_printed():
    data = INDEX.read_bytes().replace(
        b"<manif>H28</manif>", b"<manif>H28</manif><manif>H36.8-</manif>", 1
    )
    hypo = by_path(parse_bytes(data))["Cataract, in, hypoparathyroidism"]
    assert hypo.manif == "H28, H36.8-"


# --- the Table of Neoplasms, Table of Drugs, External Cause Index samples --------------------


def test_neoplasm_sample():
    parsed = parse_path(NEOPLASM)
    assert parsed.header.kind == "neoplasm"
    assert parsed.header.title == "ICD-10-CM Table of Neoplasms 2023"
    assert_tree(parsed.records)
    terms = by_path(parsed)
    abdomen = terms["Neoplasm, neoplastic, abdomen, abdominal"]
    assert abdomen.cells[0] == IndexCell(2, "Malignant Primary", "C76.2")
    # Trailing-dash codes are kept as printed.
    assert cells(abdomen)[3] == "C79.8-"
    wall = terms["Neoplasm, neoplastic, abdomen, abdominal, wall"]
    assert wall.see_also == "Neoplasm, abdomen, wall, skin"
    # "-" means no code in that column: the cell is left out.
    connective = terms["Neoplasm, neoplastic, abdomen, abdominal, wall, connective tissue"]
    assert sorted(cells(connective)) == [2, 3, 5, 6, 7]
    assert terms["Neoplasm, neoplastic, breast"].cells[2] == IndexCell(4, "Ca in situ", "D05.-")
    # Quirk: <manif> holding wording, not a code, stays with the modifiers in brackets.
    book = terms["Neoplasm, neoplastic, book-leaf"]
    assert book.manif is None
    assert book.nemod == "(mouth) [ventral surface of tongue and floor of mouth]"
    assert terms["Neoplasm, neoplastic, fibrous tissue"].see == "Neoplasm, connective tissue"


def test_drug_sample():
    parsed = parse_path(DRUG)
    assert parsed.header.kind == "drug"
    assert parsed.header.title == "ICD-10-CM Table of Drugs and Chemicals 2023"
    assert_tree(parsed.records)
    terms = by_path(parsed)
    d24 = terms["2,4-D"]
    assert d24.letter == "#"
    assert d24.nemod == "(dichlorophen-oxyacetic acid)"
    # "--" (no adverse effect / underdosing code) is left out.
    assert cells(d24) == {2: "T60.3X1", 3: "T60.3X2", 4: "T60.3X3", 5: "T60.3X4"}
    acet = terms["Acetaminophen"]
    assert acet.cells[-1] == IndexCell(7, "Underdosing", "T39.1X6")
    assert acet.cells[0].heading == "Poisoning Accidental (unintentional)"
    assert terms["Adrenalin"].see == "Adrenaline" and terms["Adrenalin"].cells == ()
    assert cells(terms["Alcohol, beverage"])[2] == "T51.0X1"
    assert terms["Anesthetic NEC"].see_also == "Anesthesia"


def test_eindex_sample():
    parsed = parse_path(EINDEX)
    assert parsed.header.kind == "eindex"
    assert parsed.header.title == "ICD-10-CM External Cause of Injuries Index 2023"
    assert_tree(parsed.records)
    terms = by_path(parsed)
    # Text after the <nemod> belongs to the title.
    abandonment = terms["Abandonment NEC"]
    assert abandonment.nemod == (
        "(causing exposure to weather conditions) (with intent to injure or kill)"
    )
    assert abandonment.code == "X58"
    assert terms["Struck by"].nemod == "(accidentally)"
    strangulation = terms["Strangulation"]
    assert (strangulation.code, strangulation.code_kind) == ("T71", "seecat")
    lightning = terms["Struck by, lightning"]
    assert (lightning.code, lightning.code_kind) == ("T75.0", "subcat")
    assert terms["Struck by, lightning, causing fire"].see == "Exposure, fire"
    assert terms["Accident, aircraft"].see_also == "Accident, transport, aircraft"


# --- telling the four files apart -------------------------------------------------------------


def test_main_index_title_matched_in_any_case():
    data = INDEX.read_bytes().replace(
        b"ICD-10-CM INDEX TO DISEASES and INJURIES", b"ICD-10-CM Index to Diseases and Injuries"
    )
    assert parse_bytes(data).header.kind == "index"


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("icd10cm_index_2026.xml", "index"),
        ("icd10cm_eindex_2023.xml", "eindex"),
        ("icd10cm_neoplasm_2023.xml", "neoplasm"),
        ("icd10cm_drug_2023.xml.gz", "drug"),
        ("ICD10CM_FY2014_Full_XML_DIndex.xml", "index"),
        ("ICD10CM_FY2014_Full_XML_EIndex.xml", "eindex"),
        ("code-files.zip!icd10cm_eindex_2026.xml", "eindex"),
        ("/tmp/index-2026/icd10cm_drug_2026.xml", "drug"),
    ],
)
def test_kind_falls_back_to_the_file_name(name, kind):
    untitled = INDEX.read_bytes().replace(
        b"<title>ICD-10-CM INDEX TO DISEASES and INJURIES</title>", b""
    )
    assert parse_bytes(untitled, name).header.kind == kind


def test_title_decides_before_the_file_name():
    assert parse_bytes(EINDEX.read_bytes(), "icd10cm_index_2023.xml").header.kind == "eindex"


def test_unknown_kind_is_refused_naming_the_file():
    untitled = INDEX.read_bytes().replace(
        b"<title>ICD-10-CM INDEX TO DISEASES and INJURIES</title>", b""
    )
    with pytest.raises(ImportFormatError) as info:
        parse_bytes(untitled, "export.xml")
    assert info.value.path == "export.xml"
    assert "export.xml" in str(info.value)


# --- damaged or foreign files -----------------------------------------------------------------


@pytest.mark.parametrize("sample", [INDEX, NEOPLASM, DRUG, EINDEX], ids=lambda p: p.stem)
def test_truncated_file_names_file_and_line(sample):
    data = sample.read_bytes()
    with pytest.raises(ImportFormatError) as info:
        parse_bytes(data[: len(data) // 2], "icd10cm_index_2026.xml")
    assert info.value.path == "icd10cm_index_2026.xml"
    assert info.value.line is not None
    assert "icd10cm_index_2026.xml" in str(info.value)


def test_empty_file():
    with pytest.raises(ImportFormatError) as info:
        parse_bytes(b"", "empty.xml")
    assert info.value.path == "empty.xml"


def test_wrong_root():
    data = INDEX.read_bytes().replace(b"ICD10CM.index>", b"ICD10CM.tabular>")
    with pytest.raises(ImportFormatError) as info:
        parse_bytes(data, "icd10cm_tabular_2026.xml")
    assert info.value.path == "icd10cm_tabular_2026.xml"
    assert "ICD10CM.index" in str(info.value)


def test_pcs_index_is_not_a_cm_index():
    data = (TEST_DATA / "icd10pcs_index" / "index.xml").read_bytes()
    with pytest.raises(ImportFormatError, match="ICD10CM.index"):
        parse_bytes(data, "icd10pcs_index_2025.xml")


@pytest.mark.parametrize("sample", [INDEX, NEOPLASM], ids=lambda p: p.stem)
def test_no_version(sample):
    data = sample.read_bytes()
    data = data.replace(b"<version>2026</version>", b"").replace(b"<version>2023</version>", b"")
    with pytest.raises(ImportFormatError, match="version") as info:
        parse_bytes(data, "icd10cm_index_2026.xml")
    assert info.value.path == "icd10cm_index_2026.xml"


def test_no_main_terms():
    data = (
        b'<?xml version="1.0" encoding="utf-8"?>\n<ICD10CM.index>\n  <version>2026</version>\n'
        b"  <title>ICD-10-CM INDEX TO DISEASES and INJURIES</title>\n</ICD10CM.index>\n"
    )
    with pytest.raises(ImportFormatError, match="mainTerm"):
        parse_bytes(data, "icd10cm_index_2026.xml")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        # An element the schema does not have: refused rather than silently dropped.
        (b"<code>E11.44</code>", b"<code>E11.44</code><codeAlso>E11.9</codeAlso>", "codeAlso"),
        # Two codes on one term: an IndexTerm holds one.
        (b"<code>E11.44</code>", b"<code>E11.44</code><code>E11.9</code>", "second code"),
        (b"<code>F44.4</code>", b"<code>F44.4</code><seecat>F44</seecat>", "second code"),
        (b"<code>E11.44</code>", b"<code></code>", "empty <code>"),
        (b'<term level="3">', b'<term level="three">', "level"),
        (b"<title>amyotrophy</title>", b"<title>amyo<i>trophy</i></title>", "<i>"),
        (b"<title>amyotrophy</title>", b"", "without a <title>"),
        (b"<letter>\n    <title>C</title>", b"<letter>\n    <title>C</title><term/>", "<term>"),
    ],
)
def test_malformed_terms_name_file_and_line(old, new, message):
    data = replaced(INDEX.read_bytes(), old, new)
    err = format_error(lambda: parse_bytes(data, "icd10cm_index_2026.xml"), message)
    assert err.path == "icd10cm_index_2026.xml"
    assert err.line is not None and err.line > 1


def test_unknown_element_under_root():
    data = INDEX.read_bytes().replace(b"<letter>", b"<chapter/><letter>", 1)
    with pytest.raises(ImportFormatError, match="chapter") as info:
        parse_bytes(data, "icd10cm_index_2026.xml")
    assert info.value.line == 5


def test_cell_under_no_heading():
    data = NEOPLASM.read_bytes().replace(b'<head col="7">Unspecified Behavior</head>', b"")
    with pytest.raises(ImportFormatError, match='col="7"') as info:
        parse_bytes(data, "icd10cm_neoplasm_2023.xml")
    assert info.value.line is not None


def test_bad_cell_column():
    data = NEOPLASM.read_bytes().replace(b'<cell col="2">C76.2</cell>', b"<cell>C76.2</cell>")
    with pytest.raises(ImportFormatError, match="col") as info:
        parse_bytes(data, "icd10cm_neoplasm_2023.xml")
    assert info.value.line is not None


def test_xml_comments_are_ignored():
    data = INDEX.read_bytes().replace(
        b"<code>E11.44</code>", b"<!-- amyotrophy --><code>E11.44</code>"
    )
    assert by_path(parse_bytes(data))["Diabetes, diabetic, type 2, with, amyotrophy"].code == (
        "E11.44"
    )


# --- the official 2023 files (../shared/data) -------------------------------------------------


def parse_real(kind: str) -> tuple[ParsedFile, float]:
    relpath, sha256 = REAL[kind]
    path = shared_file(relpath)
    data = path.read_bytes()
    assert hashlib.sha256(data).hexdigest() == sha256
    start = time.perf_counter()
    parsed = parse_bytes(data, path.name)
    elapsed = time.perf_counter() - start
    assert parsed.header.kind == kind
    assert parsed.header.version == "2023"
    assert_tree(parsed.records)
    return parsed, elapsed


def counts(parsed: ParsedFile) -> tuple[int, int]:
    main = sum(1 for t in parsed.records if t.parent_id is None)
    return main, len(parsed.records) - main


@pytest.mark.shared_data
def test_real_drug_2023():
    parsed, elapsed = parse_real("drug")
    assert elapsed < 1.0
    assert counts(parsed) == (5175, 2248)
    # 43,182 cells printed, 3,182 of them "--".
    assert sum(len(t.cells) for t in parsed.records) == 40000
    d24 = next(t for t in parsed.records if t.parent_id is None and t.title == "2,4-D")
    assert d24.nemod == "(dichlorophen-oxyacetic acid)"
    assert d24.cells[0] == IndexCell(2, "Poisoning Accidental (unintentional)", "T60.3X1")
    assert sum(1 for t in parsed.records if t.see) == 97
    assert sum(1 for t in parsed.records if t.see_also) == 35
    assert all(t.code is None for t in parsed.records)
    assert {t.letter for t in parsed.records} == {"#", *"ABCDEFGHIJKLMNOPQRSTUVWXYZ"}


@pytest.mark.shared_data
def test_real_neoplasm_2023():
    parsed, elapsed = parse_real("neoplasm")
    assert elapsed < 1.0
    assert counts(parsed) == (1, 1938)
    # 10,916 cells printed, 1,898 of them "-".
    assert sum(len(t.cells) for t in parsed.records) == 9018
    terms = by_path(parsed)
    abdomen = terms["Neoplasm, neoplastic, abdomen, abdominal"]
    assert abdomen.cells[0] == IndexCell(2, "Malignant Primary", "C76.2")
    assert cells(abdomen)[3] == "C79.8-"
    assert max(t.level for t in parsed.records) == 4
    book = terms["Neoplasm, neoplastic, book-leaf"]
    assert book.nemod == "(mouth) [ventral surface of tongue and floor of mouth]"
    assert cells(book)[2] == "C06.89"
    assert all(t.manif is None for t in parsed.records)


@pytest.mark.shared_data
def test_real_eindex_2023():
    parsed, elapsed = parse_real("eindex")
    assert elapsed < 1.0
    assert counts(parsed) == (314, 7687)
    kinds = [t.code_kind for t in parsed.records if t.code]
    assert (kinds.count("code"), kinds.count("seecat"), kinds.count("subcat")) == (6591, 3, 11)
    assert sum(1 for t in parsed.records if t.see) == 791
    assert sum(1 for t in parsed.records if t.see_also) == 98
    assert max(t.level for t in parsed.records) == 8
    terms = by_path(parsed)
    assert terms["Abandonment NEC"].code == "X58"
    assert terms["Accident, bare foot water skiier"].code == "V94.4"
    assert terms["Strangulation"].code_kind == "seecat"
    assert all(not t.cells for t in parsed.records)
