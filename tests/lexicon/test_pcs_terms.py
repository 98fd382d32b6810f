"""The procedure terms the project writes: the file loads, and every row fits the Tables.

Every combination of the values a row lists must start some valid code of both official
table releases (FY2025, FY2026); a term the Tables cannot build is a bug in the file.
"""

from __future__ import annotations

import re

import pytest

from chartcode.api import Chartcode
from chartcode.lexicon import pcs_terms
from chartcode.lexicon.pcs_terms import FILENAME, HEADER, procedure_terms
from chartcode.lexicon.tsv import LexiconDataError, rows
from chartcode.services.pcs.tables_view import pcs_queries
from chartcode.sources.icd10pcs_index import parse_icd10pcs_index
from tests.conftest import shared_file

REAL_TABLES = ["icd10/pcs/icd10pcs_tables_2025.xml", "icd10/pcs/icd10pcs_tables_2026.xml"]


def test_file_loads_with_its_header():
    terms = procedure_terms()
    assert len(terms) >= 300
    assert next(rows(FILENAME, HEADER))[0] == 2


@pytest.mark.parametrize(
    ("name", "pattern"),
    [
        ("lap chole", "0FT44ZZ"),
        ("appendectomy", "0DTJ???"),
        ("TKA", "0SR?0??"),
        ("THA", "0SR?0??"),
        ("CABG", "021?0??"),
        ("ORIF", "0?S?04?"),
        ("PCI with stent", "027?3??"),
        ("D&C", "0UDB7Z?"),
        ("TURP", "0VT08ZZ"),
        ("presacral fusion", "0SG3?AJ"),
        ("AxiaLIF", "0SG3?AJ"),
        ("C-section", "10D00Z?"),
        ("hysterectomy", "0UT9???"),
        ("colonoscopy with biopsy", "0DB?8ZX"),
        ("EGD", "0DJ08ZZ"),
        ("gastroscopy", "0DJ68ZZ"),
        ("cataract extraction", "08D?3ZZ"),
    ],
)
def test_common_names_are_there(name, pattern):
    found = [t for t in procedure_terms() if t.term.lower() == name.lower()]
    assert found, name
    for t in found:
        for p in t.patterns():
            assert all(a == "?" or a == b or b == "?" for a, b in zip(pattern, p, strict=True)), (
                name,
                p,
            )


def test_values_and_alternatives():
    knee = next(t for t in procedure_terms() if t.term == "TKA")
    assert knee.allowed(4) == ("C", "D") and knee.allowed(6) == ()
    assert knee.patterns() == ["0SRC0??", "0SRD0??"]
    assert knee.ref.startswith(f"{FILENAME} line ")


@pytest.mark.parametrize("cell", ["c", "CC", "I", "O", "C||D", "C|C"])
def test_bad_cells_are_refused(cell):
    with pytest.raises(LexiconDataError):
        pcs_terms._cell(cell, 9, "body_part")


def test_terms_are_unique_except_rows_that_split_a_name():
    seen: dict[str, int] = {}
    for t in procedure_terms():
        seen[t.term.lower()] = seen.get(t.term.lower(), 0) + 1
    repeated = {k for k, n in seen.items() if n > 1}
    # Vertebroplasty and kyphoplasty: the upper and the lower bones are two tables.
    assert repeated <= {"vertebroplasty", "kyphoplasty", "percutaneous vertebroplasty"}


@pytest.mark.shared_data
def test_every_row_fits_the_official_tables(tmp_path):
    desk = Chartcode(tmp_path / "reference.sqlite")
    desk.import_files([shared_file(f) for f in REAL_TABLES])
    q = pcs_queries(desk.store)
    bad = []
    for rel in desk.store.releases_of("icd10pcs", "tables"):
        for t in procedure_terms():
            for p in t.patterns():
                if q.count_codes(rel.id, p) == 0:
                    bad.append(f"{t.ref} {t.term!r}: {p} has no code in {rel.version}")
    desk.close()
    assert not bad, "\n".join(bad[:20])


@pytest.mark.shared_data
def test_a_term_the_official_index_codes_agrees_with_it():
    """Where a term is also an index main term printed with its code, the values match."""
    path = shared_file("icd10/pcs/icd10pcs_index_2025.xml")
    with path.open("rb") as f:
        index = parse_icd10pcs_index(f, path.name)
    coded: dict[str, str] = {}
    for term in index.records:
        if term.parent_id is not None or term.code_kind != "code" or not term.code:
            continue
        title = " ".join(filter(None, (term.title, term.nemod))).lower()
        # "Esophagogastroduodenoscopy (EGD)" is written as either name.
        named = re.fullmatch(r"(.+?) \((.+)\)", title)
        for name in (title, *(named.groups() if named else ())):
            coded.setdefault(name, term.code)
    checked, bad = 0, []
    for t in procedure_terms():
        code = coded.get(t.term.lower())
        if code is None:
            continue
        checked += 1
        if not any(all(a in ("?", b) for a, b in zip(p, code, strict=True)) for p in t.patterns()):
            bad.append(f"{t.ref} {t.term!r}: the index prints {code}")
    assert checked >= 15
    assert not bad, "\n".join(bad)
