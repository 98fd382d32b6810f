import hashlib
import io
import time
from collections import Counter

import pytest

from chartcode.errors import ImportFormatError
from chartcode.sources.icd10pcs_index import parse_icd10pcs_index
from chartcode.sources.records import IndexTerm, ParsedFile
from tests.conftest import TEST_DATA, shared_file
from tests.sources.helpers import format_error, replaced

SAMPLE = TEST_DATA / "icd10pcs_index" / "index.xml"
REAL = "icd10/pcs/icd10pcs_index_2025.xml"
REAL_SHA256 = "cf51e20c4b191930b843b1882a3a38f4c817b043f9356f14824ff39f36ea61ee"


def parse_bytes(data: bytes, name: str = "sample.xml") -> ParsedFile:
    return parse_icd10pcs_index(io.BytesIO(data), name)


def sample() -> ParsedFile:
    with SAMPLE.open("rb") as f:
        return parse_icd10pcs_index(f, SAMPLE.name)


def children(parsed: ParsedFile, parent: IndexTerm) -> list[IndexTerm]:
    return [t for t in parsed.records if t.parent_id == parent.id]


def main_term(parsed: ParsedFile, title: str) -> IndexTerm:
    return next(t for t in parsed.records if t.parent_id is None and t.title == title)


def assert_tree(terms: list[IndexTerm]) -> None:
    """Ids run from 1 in document order; a nested term sits one level under its parent and
    extends its path by its title (a titleless term keeps the parent's path)."""
    assert [t.id for t in terms] == list(range(1, len(terms) + 1))
    ids = {t.id: t for t in terms}
    for t in terms:
        if t.parent_id is None:
            assert t.level == 0 and t.title and t.path == t.title
        else:
            parent = ids[t.parent_id]
            assert parent.id < t.id
            assert t.level == parent.level + 1
            assert t.letter == parent.letter
            expected = f"{parent.path}, {t.title}" if t.title else parent.path
            assert t.path == expected


def test_sample_header_and_tree():
    parsed = sample()
    assert parsed.header.system == "icd10pcs"
    assert parsed.header.kind == "index"
    assert parsed.header.version == "2025"
    assert parsed.header.title == "ICD-10-PCS Index 2025"
    assert len(parsed.records) == 24
    assert sum(1 for t in parsed.records if t.parent_id is None) == 10
    assert_tree(parsed.records)


def test_see_with_code_prefix_inside():
    parsed = sample()
    t = main_term(parsed, "Abdominohysterectomy")
    assert (t.see, t.code, t.code_kind) == ("Resection, Uterus", "0UT9", "codes")
    assert t.letter == "A" and t.level == 0 and t.use_term is None


def test_titleless_terms_keep_the_parent_path():
    parsed = sample()
    plasty = main_term(parsed, "Abdominoplasty")
    assert plasty.code is None and plasty.see is None
    alts = children(parsed, plasty)
    assert [(t.title, t.path, t.level) for t in alts] == [("", "Abdominoplasty", 1)] * 3
    assert [(t.see, t.code) for t in alts] == [
        ("Alteration, Abdominal Wall", "0W0F"),
        ("Repair, Abdominal Wall", "0WQF"),
        ("Supplement, Abdominal Wall", "0WUF"),
    ]
    muscle = children(parsed, main_term(parsed, "Abductor hallucis muscle"))
    assert [t.use_term for t in muscle] == ["Foot Muscle, Right", "Foot Muscle, Left"]
    assert all(t.code is None for t in muscle)
    scopy = children(parsed, main_term(parsed, "Angioscopy"))
    assert [(t.code, t.code_kind, t.path) for t in scopy] == [
        ("02JY4ZZ", "code", "Angioscopy"),
        ("03JY4ZZ", "code", "Angioscopy"),
    ]


def test_use_code_codes_and_tables():
    parsed = sample()
    valve = main_term(parsed, "3f (Aortic) Bioprosthesis valve")
    assert valve.letter == "3"
    assert valve.use_term == "Zooplastic Tissue in Heart and Great Vessels"
    abortion = {t.path: t for t in children(parsed, main_term(parsed, "Abortion"))}
    products = abortion["Abortion, Products of Conception"]
    assert (products.code, products.code_kind) == ("10A0", "codes")
    abortifacient = abortion["Abortion, Abortifacient"]
    assert (abortifacient.code, abortifacient.code_kind) == ("10A07ZX", "code")
    excision = children(parsed, main_term(parsed, "Acetabulectomy"))[0]
    assert (excision.see, excision.code, excision.code_kind) == (
        "Excision, Lower Bones",
        "0QB",
        "tab",
    )
    # A table inside <use>: the text reads as printed, the table is the term's code.
    activa = main_term(parsed, "Activa PC neurostimulator")
    assert activa.use_term == "Stimulator Generator, Multiple Array in"
    assert (activa.code, activa.code_kind) == ("0JH", "tab")
    adl = main_term(parsed, "Activities of Daily Living Assessment")
    assert (adl.code, adl.code_kind) == ("F02", "tab")
    left = next(t for t in parsed.records if t.path == "Alteration, Ankle Region, Left")
    assert (left.level, left.code, left.code_kind) == (2, "0Y0L", "codes")


# --- damaged or foreign files -----------------------------------------------------------------


def test_truncated_file_names_file_and_line():
    data = SAMPLE.read_bytes()
    with pytest.raises(ImportFormatError) as info:
        parse_bytes(data[: len(data) // 2], "icd10pcs_index_2025.xml")
    assert info.value.path == "icd10pcs_index_2025.xml"
    assert info.value.line is not None
    assert "icd10pcs_index_2025.xml" in str(info.value)


def test_wrong_root():
    data = SAMPLE.read_bytes().replace(b"ICD10PCS.index>", b"ICD10PCS.tabular>")
    with pytest.raises(ImportFormatError, match="ICD10PCS.index") as info:
        parse_bytes(data, "icd10pcs_tables_2025.xml")
    assert info.value.path == "icd10pcs_tables_2025.xml"


def test_cm_index_is_not_a_pcs_index():
    data = (TEST_DATA / "icd10cm_index" / "eindex.xml").read_bytes()
    with pytest.raises(ImportFormatError, match="ICD10PCS.index"):
        parse_bytes(data, "icd10cm_eindex_2023.xml")


def test_no_version():
    data = SAMPLE.read_bytes().replace(b"<version>2025</version>", b"")
    with pytest.raises(ImportFormatError, match="version") as info:
        parse_bytes(data, "icd10pcs_index_2025.xml")
    assert info.value.path == "icd10pcs_index_2025.xml"


def test_empty_version():
    data = SAMPLE.read_bytes().replace(b"<version>2025</version>", b"<version> </version>")
    with pytest.raises(ImportFormatError, match="version"):
        parse_bytes(data, "icd10pcs_index_2025.xml")


def test_no_main_terms():
    data = b"<ICD10PCS.index><version>2025</version><letter><title>A</title></letter>"
    data += b"</ICD10PCS.index>"
    with pytest.raises(ImportFormatError, match="mainTerm"):
        parse_bytes(data, "icd10pcs_index_2025.xml")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (b"<codes>0UT9</codes></see>", b"<codes>0UT9</codes></see><code>0UT90Z</code>", "second"),
        (b"<tab>F02</tab>", b"<tab>F02</tab><codes>F02Z</codes>", "second code"),
        (b"<tab>0JH</tab></use>", b"<tab>0JH</tab><tab>0JP</tab></use>", "second code"),
        (b"<use>Foot Muscle, Left</use>", b"<use>Foot Muscle, Left<body>x</body></use>", "<body>"),
        (b"<code>10A07ZX</code>", b"<code>10A07ZX</code><definition>x</definition>", "definition"),
        (b"<use>Foot Muscle, Left</use>", b"<use>a</use><use>b</use>", "second <use>"),
        (b"<code>10A07ZX</code>", b"<code/>", "empty <code>"),
        (b'<term level="2">', b'<term level="2a">', "level"),
        (b"<title>Abortion</title>", b"", "without a <title>"),
        (b"<title>Abortion</title>", b"<title>Abor<b>tion</b></title>", "<b>"),
        (b"<letter>\n    <title>3</title>", b"<letter>\n    <title>3</title><term/>", "<term>"),
    ],
)
def test_malformed_terms_name_file_and_line(old, new, message):
    data = replaced(SAMPLE.read_bytes(), old, new)
    err = format_error(lambda: parse_bytes(data, "icd10pcs_index_2025.xml"), message)
    assert err.path == "icd10pcs_index_2025.xml"
    assert err.line is not None and err.line > 1


def test_unknown_element_under_root():
    data = SAMPLE.read_bytes().replace(b"<letter>", b"<indexHeading/><letter>", 1)
    with pytest.raises(ImportFormatError, match="indexHeading"):
        parse_bytes(data, "icd10pcs_index_2025.xml")


# --- the official 2025 file (../shared/data) --------------------------------------------------


@pytest.mark.shared_data
def test_real_pcs_index_2025():
    path = shared_file(REAL)
    data = path.read_bytes()
    assert hashlib.sha256(data).hexdigest() == REAL_SHA256
    start = time.perf_counter()
    parsed = parse_bytes(data, path.name)
    elapsed = time.perf_counter() - start
    assert elapsed < 1.0
    terms = parsed.records
    assert parsed.header == parsed.header.__class__(
        "icd10pcs", "index", "2025", "ICD-10-PCS Index 2025"
    )
    assert_tree(terms)
    main = sum(1 for t in terms if t.parent_id is None)
    assert (main, len(terms) - main) == (3215, 21269)
    assert sum(1 for t in terms if not t.title) == 2283
    assert Counter(t.code_kind for t in terms if t.code) == {
        "codes": 12152,
        "code": 2794,
        "tab": 1415,
    }
    assert sum(1 for t in terms if t.see) == 1785
    assert sum(1 for t in terms if t.use_term) == 2342
    assert max(t.level for t in terms) == 5
    t = main_term(parsed, "Abdominohysterectomy")
    assert (t.see, t.code, t.code_kind) == ("Resection, Uterus", "0UT9", "codes")
    bunion = main_term(parsed, "Bunionectomy")
    assert (bunion.see, bunion.code, bunion.code_kind) == ("Excision, Lower Bones", "0QB", "tab")
    # Every code is printed as digits and letters only (no I or O), of its kind's length.
    lengths = {"code": {7}, "codes": {4, 5, 6}, "tab": {3}}
    for term in terms:
        if term.code:
            assert len(term.code) in lengths[term.code_kind or ""], term
            assert term.code.isalnum() and not set(term.code) & {"I", "O"}, term
