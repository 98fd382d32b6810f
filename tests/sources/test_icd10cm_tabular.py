import gzip
import hashlib

import pytest

from chartcode.errors import ImportFormatError
from chartcode.sources.icd10cm_tabular import parse_icd10cm_tabular
from chartcode.store.icd10cm_extensions import extensions, seventh_char_allowed, with_seventh
from tests.conftest import TEST_DATA, shared_file

SAMPLE = TEST_DATA / "icd10cm_tabular" / "tabular_sample_2026.xml"
REAL = "icd10/cm/icd10cm-tabular-April-1-2026.xml.gz"
# Valid (billable) codes in the April 1, 2026 release, as derived here: leaves that need no
# 7th character plus every 7th-character code.
BILLABLE_2026_APRIL = 74719
REAL_SHA256 = "0744d817430b4c032fc089671d3d709089e3f23e38d32134c9715966dbc0f85f"


def parse_bytes(data: bytes, name: str = "sample.xml"):
    import io

    return parse_icd10cm_tabular(io.BytesIO(data), name)


def by_code(parsed):
    return {n.code: n for n in parsed.records}


def test_sample_nodes_and_kinds():
    parsed = parse_icd10cm_tabular(SAMPLE.open("rb"), SAMPLE.name)
    assert parsed.header.version == "2026"
    nodes = by_code(parsed)
    assert nodes["4"].kind == "chapter" and nodes["4"].parent is None
    assert nodes["E08-E13"].kind == "block" and nodes["E08-E13"].parent == "4"
    assert nodes["E11"].kind == "category" and nodes["E11"].parent == "E08-E13"
    assert nodes["E114"].kind == "subcategory" and nodes["E114"].parent == "E11"
    assert nodes["E1140"].kind == "code" and nodes["E1140"].is_leaf
    assert nodes["E1140"].title == "Type 2 diabetes mellitus with diabetic neuropathy, unspecified"
    # A one-category block is keyed first-last so it never collides with the category.
    assert nodes["X52-X52"].kind == "block" and nodes["X52"].kind == "category"


def test_notes_kept_with_their_kind_and_level():
    nodes = by_code(parse_icd10cm_tabular(SAMPLE.open("rb"), SAMPLE.name))
    e11 = {(n.kind, n.text) for n in nodes["E11"].notes}
    assert ("includes", "diabetes NOS") in e11
    assert ("use_additional", "insulin (Z79.4)") in e11
    assert ("excludes1", "type 1 diabetes mellitus (E10.-)") in e11
    assert ("inclusion_term", "Type 2 diabetes mellitus NOS") in {
        (n.kind, n.text) for n in nodes["E119"].notes
    }
    assert (
        "excludes1",
        "transitory endocrine and metabolic disorders specific to newborn (P70-P74)",
    ) in {(n.kind, n.text) for n in nodes["4"].notes}
    s52 = nodes["S52"]
    assert s52.seventh == (
        ("A", "initial encounter for closed fracture"),
        ("B", "initial encounter for open fracture type I or II"),
        ("D", "subsequent encounter for closed fracture with routine healing"),
    )
    kinds = [n.kind for n in s52.notes]
    assert "seventh_char_note" in kinds and "note" in kinds


def test_seventh_character_expansion_with_placeholder():
    parsed = parse_icd10cm_tabular(SAMPLE.open("rb"), SAMPLE.name)
    codes = {e.code: e for _, _, e in extensions(parsed.records)}
    assert {"S52501A", "S52501B", "S52501D", "W11XXXA", "W11XXXD", "W11XXXS"} == set(codes)
    assert codes["W11XXXA"].title == "Fall on and from ladder, initial encounter"
    assert codes["S52501A"].parent == "S52501"


@pytest.mark.parametrize(
    ("code", "char", "expected"),
    [("W11", "A", "W11XXXA"), ("S52501", "A", "S52501A"), ("T4041", "D", "T4041XD")],
)
def test_with_seventh_pads_with_x(code, char, expected):
    assert with_seventh(code, char) == expected


@pytest.mark.parametrize(
    ("code", "char", "allowed"),
    [
        ("S061X7", "A", True),
        ("S061X7", "D", False),
        ("S061X8", "S", False),
        ("S061X1", "D", True),
        ("S52501", "D", True),
    ],
)
def test_prose_exceptions_to_seventh_characters(code, char, allowed):
    assert seventh_char_allowed(code, char) is allowed


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda s: s[: len(s) // 2], "not well-formed"),
        (lambda s: s.replace(b"ICD10CM.tabular", b"ICD10CM.other"), "expected root"),
        (lambda s: s.replace(b"<version>2026</version>", b""), "no <version>"),
        (lambda s: s.replace(b"<name>E11.9</name>", b""), "without a <name>"),
    ],
)
def test_damaged_files_are_refused_with_the_file_name(edit, message):
    with pytest.raises(ImportFormatError) as info:
        parse_bytes(edit(SAMPLE.read_bytes()), "damaged_tabular.xml")
    assert "damaged_tabular.xml" in str(info.value)
    assert message in str(info.value)


def test_missing_name_error_names_the_line():
    data = SAMPLE.read_bytes().replace(b"<name>E11.9</name>", b"")
    with pytest.raises(ImportFormatError) as info:
        parse_bytes(data, "t.xml")
    assert info.value.line is not None and info.value.line > 1


@pytest.mark.shared_data
def test_real_2026_april_tabular():
    path = shared_file(REAL)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == REAL_SHA256
    with gzip.open(path) as f:
        parsed = parse_icd10cm_tabular(f, path.name)
    nodes = by_code(parsed)
    assert parsed.header.version == "2026"
    assert sum(1 for n in parsed.records if n.kind == "chapter") == 22
    assert sum(1 for n in parsed.records if n.kind == "block") == 297
    diags = [n for n in parsed.records if n.kind not in ("chapter", "block")]
    assert len(diags) == 46881
    assert sum(1 for n in diags if n.is_leaf) == 36343
    assert nodes["E1140"].title == "Type 2 diabetes mellitus with diabetic neuropathy, unspecified"
    exts = [e.code for _, _, e in extensions(parsed.records)]
    assert len(exts) == 51305
    # Leaves needing no 7th character plus 7th-character codes: every valid code.
    needs = {leaf.code for leaf, _, _ in extensions(parsed.records)}
    billable = [n for n in diags if n.is_leaf and n.code not in needs]
    assert len(billable) + len(exts) == BILLABLE_2026_APRIL


@pytest.mark.shared_data
def test_real_tabular_matches_cdc_code_list_of_the_embedded_package():
    """Every code we derive is on the code list shipped beside the same XML, and vice versa."""
    from chartcode.services.data import embedded_tabular

    path = shared_file(REAL)
    listing = embedded_tabular().with_name("code-list-April-2026.txt")
    ref = {
        line.strip()
        for line in listing.read_text().splitlines()
        if line.strip() and not line.strip().isdigit() and "-" not in line
    }
    with gzip.open(path) as f:
        parsed = parse_icd10cm_tabular(f, path.name)
    ours = {n.code for n in parsed.records if n.kind not in ("chapter", "block")}
    ours |= {e.code for _, _, e in extensions(parsed.records)}
    assert ours == ref
