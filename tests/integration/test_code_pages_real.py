"""Code pages on the real files: every code in force gets a complete, traced page.

One store holds the ICD-10-CM tabular, the ICD-10-PCS tables, definitions and index, the
April 2026 RVU file, the add-on code edits and the 2020 HCPCS file. The coverage test walks
every code of every release in force; it is the slowest test in the suite (about a minute).
"""

from datetime import date

import pytest

from chartcode.api import Chartcode
from chartcode.services.code_page import CodePages
from chartcode.services.releases import in_force
from tests.conftest import shared_file

ON = date(2026, 5, 1)
FILES = [
    "icd10/cm/icd10cm-tabular-April-1-2026.xml.gz",
    "icd10/pcs/icd10pcs_tables_2026.xml",
    "icd10/pcs/icd10pcs_definitions_2026.xml",
    "icd10/pcs/icd10pcs_index_2025.xml",
    "medicare/pfs/PPRRVU2026_Apr_nonQPP.txt",
    "medicare/ncci/AOC_V2026Q2-MCR.xlsx",
    "medicare/hcpcs/2020-Alpha-Numeric-HCPCS-File.zip",
]
RELEASES = {"icd10cm": "tabular", "icd10pcs": "tables", "pfs": "rvu", "hcpcs": "alpha"}

pytestmark = pytest.mark.shared_data


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    d = Chartcode(tmp_path_factory.mktemp("pages") / "reference.sqlite", on=ON)
    d.import_files([shared_file(f) for f in FILES])
    return d


def test_every_code_in_force_gets_a_complete_traced_page(desk):
    pages = CodePages(desk.store)
    counts: dict[str, int] = {}
    incomplete: list[str] = []
    for system, kind in RELEASES.items():
        chosen = in_force(desk.store, system, kind, ON)
        assert chosen is not None, system
        codes = desk.store.all_codes(chosen.release.id)
        counts[system] = len(codes)
        for code in codes:
            page = pages.page(code, ON, None if system in ("pfs", "hcpcs") else system)
            ids = {s.id for s in page.sources}
            ok = (
                page.result.title
                and len(page.explanation.clauses) >= 2
                and all(c.traces for c in page.explanation.clauses)
                and page.section("official") is not None
                and page.section("plain") is not None
                and all(
                    f.sources and set(f.sources) <= ids for s in page.sections[:-1] for f in s.facts
                )
            )
            if not ok:
                incomplete.append(f"{system} {code}")
    assert counts["icd10cm"] > 97_000 and counts["icd10pcs"] > 79_000 and counts["pfs"] > 17_000
    assert incomplete == [], f"{len(incomplete)} incomplete pages, e.g. {incomplete[:10]}"


def test_0sg33aj_is_explained_axis_by_axis_from_the_definitions(desk):
    page = desk.page("0SG33AJ")
    text = page.explanation.text.lower()
    for words in ("fusion", "lumbosacral joint", "percutaneous", "interbody fusion device"):
        assert words in text
    definitions = [t for t in page.explanation.traces if t.kind == "definition"]
    assert {t.ref.rsplit(", ", 1)[-1] for t in definitions} >= {"Operation", "Approach"}


def test_22586_page_explains_the_descriptor_and_shows_billing_with_sources(desk):
    page = desk.page("22586")
    text = page.explanation.text.lower()
    assert "arthrodesis" in text and "presacral" in text and "interbody" in text
    assert "l5-s1" in text
    billing = {f.label: f for f in page.section("billing").facts}
    assert billing["Global period"].text.startswith("090")
    assert "$" in billing["Medicare payment (national)"].text
    addons = [f for f in page.section("related").facts if f.label == "Add-on code"]
    assert "20705" in {f.code for f in addons}
    sources = {s.id: s for s in page.sources}
    assert sources[billing["Global period"].sources[0]].file == "PPRRVU2026_Apr_nonQPP.txt"
