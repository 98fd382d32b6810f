"""The ICD-10-PCS builder: descriptions to codes axis by axis, questions, the walk, validity.

Fixture tables (``tests/data/icd10pcs_builder``) are hand-written in the official XML schema:
FY2026 with nine tables, FY2025 with only the fusion table and no interbody fusion device
row, so a date of service changes what may be built. The real-file tests read the official
files in ../shared/data and skip loudly where they are absent.
"""

from __future__ import annotations

import random
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chartcode.api import Chartcode
from chartcode.errors import InvalidInput, UnknownCode
from chartcode.services import pcs_builder
from chartcode.services.pcs import axis_words, operation_words
from chartcode.services.pcs.tables_view import pcs_queries, tables_view
from tests.conftest import TEST_DATA, shared_file

FIXTURES = TEST_DATA / "icd10pcs_builder"
ON = date(2026, 5, 1)
ON_2025 = date(2025, 3, 1)
REAL_FILES = [
    "icd10/pcs/icd10pcs_tables_2025.xml",
    "icd10/pcs/icd10pcs_tables_2026.xml",
    "icd10/pcs/icd10pcs_definitions_2026.xml",
    "icd10/pcs/icd10pcs_index_2025.xml",
]


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    d = Chartcode(tmp_path_factory.mktemp("pcsbuild") / "reference.sqlite", on=ON)
    d.import_files(sorted(FIXTURES.glob("*.xml")))
    yield d
    d.close()


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    paths = [shared_file(f) for f in REAL_FILES]
    d = Chartcode(tmp_path_factory.mktemp("pcsreal") / "reference.sqlite", on=ON)
    d.import_files(paths)
    yield d
    d.close()


def valid(desk: Chartcode, code: str, on: date = ON) -> bool:
    view = tables_view(desk.store, on)
    return view.is_valid(code)


# -- descriptions to codes, on the fixture tables -------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("laparoscopic cholecystectomy", "0FT44ZZ"),
        ("lap chole", "0FT44ZZ"),
        ("open appendectomy", "0DTJ0ZZ"),
        ("presacral interbody fusion L5-S1, percutaneous, with interbody fusion device", "0SG33AJ"),
        ("AxiaLIF L5-S1, percutaneous", "0SG33AJ"),
        ("percutaneous biopsy of the liver", "0FB03ZX"),
        ("thoracentesis of the left pleural cavity", "0W9B3ZZ"),
        ("low transverse cesarean section", "10D00Z1"),
        ("CT of the abdomen and pelvis without contrast", "BW21ZZZ"),
        (
            "open right total knee arthroplasty, cemented, oxidized zirconium on polyethylene",
            "0SRC069",
        ),
    ],
)
def test_descriptions_build_complete_valid_codes(desk, text, expected):
    r = desk.pcs_build(text)
    assert r.code == expected, (r.partial_code, r.question, r.warnings)
    assert r.question is None and not r.open_axes
    assert valid(desk, r.code)


KNEE_SIDE = "Which body part: Knee Joint, Right or Knee Joint, Left?"
THREE_APPROACHES = "Which approach: Open, Percutaneous, or Percutaneous Endoscopic?"
CONTRASTS = "Which contrast: High Osmolar, Low Osmolar, or Other Contrast?"


@pytest.mark.parametrize(
    ("text", "partial", "question"),
    [
        # The device of a joint replacement is never assumed.
        ("right total knee replacement", "0SRC0??", "Which device: "),
        ("total knee replacement", "0SR?0??", KNEE_SIDE),
        ("fusion of the lumbosacral joint", "0SG3???", THREE_APPROACHES),
        ("appendectomy", "0DTJ?ZZ", "Which approach: Open, Percutaneous Endoscopic, "),
        ("partial cholecystectomy", "0FB4?Z?", "Which approach: "),
        ("CT of the abdomen and pelvis with contrast", "BW21??Z", CONTRASTS),
    ],
)
def test_undecided_axes_are_asked_with_the_valid_values(desk, text, partial, question):
    r = desk.pcs_build(text)
    assert r.code is None
    assert r.partial_code == partial
    assert r.question is not None and r.question.startswith(question), r.question
    first = r.open_axes[0]
    assert first.question == r.question
    view = tables_view(desk.store, ON)
    assert [c.value for c in first.choices] == [
        c.value for c in view.choices(r.partial_code, first.position)
    ]


def test_json_has_the_documented_shape(desk):
    d = desk.pcs_build("right total knee replacement").to_dict()
    assert {"code", "axes", "open_axes", "question", "release", "table"} <= set(d)
    assert d["code"] is None and d["system"] == "icd10pcs"
    assert set(d["axes"][0]) == {"position", "name", "value", "label", "evidence", "definition"}
    assert {"position", "name", "choices"} <= set(d["open_axes"][0])
    assert {"value", "label", "definition"} <= set(d["open_axes"][0]["choices"][0])
    assert d["release"]["version"] == "2026"
    assert d["table"]["prefix"] == "0SR" and d["table"]["operation"] == "Replacement"


def test_every_axis_says_why_with_offsets_and_the_official_definition(desk):
    text = "cholecystectomy, done laparoscopically"
    r = desk.pcs_build(text)
    assert r.code == "0FT44ZZ"
    by_pos = {a.position: a for a in r.axes}
    assert (
        by_pos[4].evidence.kind == "term" and "pcs_procedure_terms.tsv" in by_pos[4].evidence.reason
    )
    approach = by_pos[5]
    assert approach.label == "Percutaneous Endoscopic"
    ev = approach.evidence
    assert ev.kind == "text" and text[ev.start : ev.end] == "laparoscopically" == ev.text
    assert approach.definition.startswith("Entry, by puncture or minor incision")
    operation = by_pos[3]
    assert operation.label == "Resection"
    assert operation.definition == "Cutting out or off, without replacement, all of a body part"
    assert by_pos[6].evidence.kind == "only_value" and "only" in by_pos[6].evidence.reason
    assert by_pos[7].evidence.kind in ("only_value", "default")


def test_body_part_key_and_device_key_feed_definitions(desk):
    r = desk.pcs_build("right total knee replacement")
    knee = next(a for a in r.axes if a.position == 4)
    assert knee.definition.startswith("Includes: Femorotibial joint")
    device = r.open_axes[0]
    oxinium = next(c for c in device.choices if c.value == "6")
    assert oxinium.definition == "Includes: OXINIUM"


def test_a_word_that_does_not_fit_the_table_is_reported_not_forced(desk):
    # 0FT (Resection, hepatobiliary) has no percutaneous approach in the fixture tables.
    r = desk.pcs_build("percutaneous cholecystectomy")
    assert r.code is None and r.partial_code.startswith("0FT4")
    assert any("does not fit" in w for w in r.warnings)


def test_date_of_service_decides_the_tables(desk):
    text = "presacral interbody fusion L5-S1, percutaneous, with interbody fusion device"
    r = desk.pcs_build(text, on=ON_2025)
    assert r.release.version == "2025"
    assert r.code is None and r.partial_code == "0SG33?J"
    assert {c.value for c in r.open_axes[0].choices} == {"7", "J", "K"}


def test_text_without_procedure_words_starts_at_the_section(desk):
    r = desk.pcs_build("the patient was seen in clinic")
    assert r.partial_code == "???????"
    assert r.question.startswith("Which section: ")
    assert any("no procedure words" in w for w in r.warnings)


# -- the interactive walk -------------------------------------------------------------------------
def test_walk_axis_by_axis_to_a_code(desk):
    state = pcs_builder.start(desk.store, ON)
    assert [o.position for o in pcs_builder.options(state)] == [1]
    for pos, value in [(1, "0"), (2, "S"), (3, "G"), (4, "3"), (5, "3"), (6, "A")]:
        state = pcs_builder.choose(state, pos, value.lower())
    result = pcs_builder.describe(state)
    assert result.code is None and result.open_axes[0].position == 7
    state = pcs_builder.choose(state, 7, "J")
    result = pcs_builder.describe(state)
    assert result.code == "0SG33AJ"
    assert all(a.evidence.kind == "chosen" for a in result.axes)


def test_walk_refuses_invalid_values_and_axes_out_of_order(desk):
    state = pcs_builder.start(desk.store, ON)
    with pytest.raises(InvalidInput, match="before axis 5"):
        pcs_builder.choose(state, 5, "0")
    state = pcs_builder.choose(state, 1, "0")
    with pytest.raises(InvalidInput, match="valid:"):
        pcs_builder.choose(state, 2, "Q")
    with pytest.raises(InvalidInput, match="1-7"):
        pcs_builder.choose(state, 8, "0")


def test_only_value_left_is_chosen_and_says_so(desk):
    state = pcs_builder.start(desk.store, ON)
    for pos, value in [(1, "1")]:
        state = pcs_builder.choose(state, pos, value)
    # Obstetrics has one table in the fixture: body system, operation, body part, approach
    # and device follow.
    result = pcs_builder.describe(state)
    assert result.partial_code == "10D00Z?"
    assert {a.evidence.kind for a in result.axes if a.position > 1} == {"only_value"}


def test_build_continues_as_a_walk_and_clear_reopens(desk):
    result = desk.pcs_build("right total knee replacement")
    state = pcs_builder.choose(result.state, 6, "J")
    done = pcs_builder.describe(state)
    # The text says nothing of cement: the qualifier is "No Qualifier", and says why.
    assert done.code == "0SRC0JZ"
    assert next(a for a in done.axes if a.position == 7).evidence.kind == "default"
    state = pcs_builder.choose(state, 7, "9")
    assert pcs_builder.describe(state).code == "0SRC0J9"
    reopened = pcs_builder.clear(state, 6)
    assert reopened.value(6) is None and reopened.value(4) == "C"


def test_state_survives_a_round_trip(desk):
    result = desk.pcs_build("right total knee replacement")
    data = result.state.to_dict()
    again = pcs_builder.resume(desk.store, data)
    assert again.pattern == result.state.pattern
    assert pcs_builder.describe(again).question == result.question
    with pytest.raises(InvalidInput):
        pcs_builder.resume(desk.store, {**data, "chosen": [{"position": 1, "value": "Q"}]})


# -- tables ---------------------------------------------------------------------------------------
def test_table_listing(desk):
    t = desk.pcs_table("0sg")
    assert t.prefix == "0SG" and [a.values[0][1] for a in t.axes][2] == "Fusion"
    assert len(t.rows) == 2 and t.rows[0].codes == 81
    kept = desk.pcs_table("0SG33A")
    assert [r.row_no for r in kept.rows] == [2]
    assert kept.to_dict()["filter"] == "0SG33A"
    with pytest.raises(UnknownCode) as info:
        desk.pcs_table("0SZ")
    assert "0SG" in info.value.nearest


# -- never an invalid code ------------------------------------------------------------------------
def _walk_to_the_end(state, rng: random.Random):
    while True:
        axes = pcs_builder.options(state)
        if not axes:
            return state
        axis = rng.choice(axes)
        state = pcs_builder.choose(state, axis.position, rng.choice(axis.choices).value)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(0, 2**32 - 1), when=st.sampled_from([ON, ON_2025]))
def test_random_walks_end_in_codes_of_the_tables_in_force(desk, seed, when):
    state = _walk_to_the_end(pcs_builder.start(desk.store, when), random.Random(seed))
    result = pcs_builder.describe(state)
    assert result.code is not None
    assert valid(desk, result.code, when)


def _label_words(desk) -> list[str]:
    q = pcs_queries(desk.store)
    rid = tables_view(desk.store, ON).release.id
    words: set[str] = set()
    for head in q.tables(rid).values():
        for row in q.table_rows(rid, head.prefix):
            words.update(row.label.lower().replace(",", "").split())
    return sorted(words)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data(), when=st.sampled_from([ON, ON_2025]))
def test_any_text_builds_only_codes_of_the_tables_in_force(desk, data, when):
    vocabulary = _label_words(desk) + [
        "laparoscopic",
        "percutaneous",
        "open",
        "biopsy",
        "ectomy",
        "fusion",
        "L5-S1",
        "right",
        "left",
        "mesh",
    ]
    text = " ".join(data.draw(st.lists(st.sampled_from(vocabulary), min_size=1, max_size=8)))
    result = desk.pcs_build(text, on=when)
    assert valid(desk, result.code, when) if result.code else "?" in result.partial_code
    view = tables_view(desk.store, when)
    assert view.queries.count_codes(view.release.id, result.partial_code) > 0


# -- the word tables are data of the right shape ------------------------------------------------
@pytest.mark.parametrize(
    "table",
    [
        axis_words.APPROACH_PHRASES,
        axis_words.DEVICE_PHRASES,
        axis_words.QUALIFIER_PHRASES,
        axis_words.CONTRAST_PHRASES,
    ],
)
def test_phrase_tables_hold_tuples_of_phrases(table):
    for phrases, labels in table:
        assert isinstance(phrases, tuple) and all(
            isinstance(p, str) and len(p) > 1 for p in phrases
        )
        assert isinstance(labels, tuple) and labels


def test_operation_tables_name_real_sections():
    for phrases, section, labels, weight in operation_words.OPERATION_PHRASES:
        assert section in "0123456789BCDFGHX" and labels and weight > 0, phrases


# -- the official files -------------------------------------------------------------------------
BUILDS = [
    ("presacral interbody fusion L5-S1, percutaneous, with interbody fusion device", "0SG33AJ"),
    ("laparoscopic cholecystectomy", "0FT44ZZ"),
    ("open appendectomy", "0DTJ0ZZ"),
    ("PCI of the LAD with one drug-eluting stent", "027034Z"),
    ("colonoscopy with biopsy of the sigmoid colon", "0DBN8ZX"),
    ("open right inguinal hernia repair with mesh", "0YU50JZ"),
    ("ORIF of a right distal radius fracture with plate and screws", "0PSH04Z"),
    ("chest x-ray", "BW03ZZZ"),
]

# Regions named together take the value whose label names them all, never one of them or
# another body system; a part imaged through its region takes the region's value.
REGIONS = [
    ("Thoracoabdominal CT showed no metastases", "BW24ZZZ"),
    ("Thoraco-abdominal CT showed no metastases", "BW24ZZZ"),
    ("Chest and abdominal CT was normal", "BW24ZZZ"),
    ("CT of the chest and abdomen", "BW24ZZZ"),
    ("A CT of the chest, abdomen and pelvis was normal", "BW25ZZZ"),
    ("Thoracic, abdominal and pelvic CT was normal", "BW25ZZZ"),
    ("Abdominopelvic ultrasound was normal", "BW41ZZZ"),
    ("abdomino-pelvic ultrasound", "BW41ZZZ"),
    ("renal and bladder ultrasound", "BT4JZZZ"),
    ("Testicular ultrasound was normal", "BV44ZZZ"),
    ("ultrasound of the left testis", "BV44ZZZ"),
    ("Renal ultrasound is normal", "BT43ZZZ"),
    ("kidney ultrasound", "BT43ZZZ"),
    ("right renal ultrasound", "BT41ZZZ"),
    # must keep working
    ("Abdominal CT", "BW20ZZZ"),
    ("abdominal-pelvic CT", "BW21ZZZ"),
    ("Abdominal and pelvic CT", "BW21ZZZ"),
    ("Chest CT", "BB24ZZZ"),
    ("Brain CT", "B020ZZZ"),
    ("Bladder ultrasound", "BT40ZZZ"),
    ("A scrotal ultrasound", "BV44ZZZ"),
    ("Abdominal ultrasound", "BW40ZZZ"),
    ("chest x-ray and abdominal CT", "BW03ZZZ"),  # two procedures, not one region list
]

# Everyday names of common studies: a standard echo images both sides of the heart; a
# cerebral MRI is of the brain (not its veins); a cranial CT stays the Skull however the
# findings read; the urinary tract is imaged as Kidneys and Bladder.
EVERYDAY_NAMES = [
    ("A baseline echocardiogram was performed", "B246ZZZ"),
    ("Echocardiography was normal", "B246ZZZ"),
    ("Transthoracic echocardiography revealed no vegetations", "B246ZZZ"),
    ("Transesophageal echocardiography showed a thrombus", "B246ZZ4"),
    ("A contrast echocardiogram showed a shunt", "B246YZZ"),
    ("Cerebral MRI showed white matter lesions", "B030ZZZ"),
    ("normal cerebral magnetic resonance imaging", "B030ZZZ"),
    ("Cranial MRI was normal", "B030ZZZ"),
    ("A cranial CT scan showed a subarachnoid hemorrhage", "BN20ZZZ"),
    ("Abdominal ultrasonography showed a mass", "BW40ZZZ"),
    ("Abdominal Doppler ultrasound showed hepatomegaly", "BW40ZZZ"),
    ("urinary tract ultrasound was normal", "BT4JZZZ"),
    # must keep working
    ("TEE", "B246ZZ4"),
    ("Brain MRI was normal", "B030ZZZ"),
    ("Cerebral CT was normal", "B020ZZZ"),
    ("Bladder ultrasound showed a mass", "BT40ZZZ"),
]

# A value naming both sides ("Heart, Right and Left") is not ruled out by a side word in the
# findings: "left ventricle" says which chamber was seen, not which side was imaged.
BOTH_SIDES = [
    ("Echocardiography showed a normal left ventricle", "B246ZZZ"),
    ("Echocardiogram showed mild hypertrophy of the left ventricle", "B246ZZZ"),
    ("Transthoracic echocardiography: right ventricular dilatation", "B246ZZZ"),
    # a side stated for a study of one side still chooses it
    ("Right renal ultrasound was normal", "BT41ZZZ"),
]


@pytest.mark.shared_data
@pytest.mark.parametrize(("text", "expected"), BUILDS + REGIONS + EVERYDAY_NAMES + BOTH_SIDES)
def test_real_tables_build(real, text, expected):
    r = real.pcs_build(text)
    assert r.code == expected, (r.partial_code, r.question)


@pytest.mark.shared_data
def test_real_tables_testicular_mri_keeps_the_testicle_values(real):
    # BV3 has Testicle values of its own: no stand-in, the side is asked.
    r = real.pcs_build("testicular MRI")
    assert r.code is None and r.partial_code.startswith("BV3"), r.partial_code
    assert "Testicle" in (r.question or ""), r.question


@pytest.mark.shared_data
@pytest.mark.parametrize(
    ("text", "question"),
    [
        ("right total knee replacement", "Which device: "),
        ("appendectomy", "Which approach: "),
        ("lumbar fusion L4-L5 with interbody cage", "Which approach: "),
        ("total hip arthroplasty", "Which body part: Hip Joint, Right or Hip Joint, Left?"),
    ],
)
def test_real_tables_ask(real, text, question):
    r = real.pcs_build(text)
    assert r.code is None and r.question.startswith(question), r.question


@pytest.mark.shared_data
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(0, 2**32 - 1), when=st.sampled_from([ON, ON_2025]))
def test_random_walks_on_the_real_tables(real, seed, when):
    state = _walk_to_the_end(pcs_builder.start(real.store, when), random.Random(seed))
    result = pcs_builder.describe(state)
    assert result.code is not None and valid(real, result.code, when)


@pytest.mark.shared_data
@pytest.mark.parametrize(
    ("text", "sides"),
    [
        ("fundus examination of both eyes", [("08J0XZZ", "Eye, Right"), ("08J1XZZ", "Eye, Left")]),
        ("fundus examination", [("08J0XZZ", "Eye, Right"), ("08J1XZZ", "Eye, Left")]),
        (
            "phacoemulsification of both eyes with intraocular lens",
            [("08RJ3JZ", "Lens, Right"), ("08RK3JZ", "Lens, Left")],
        ),
        # a bilateral value exists: it is the answer, nothing is split
        ("bilateral orchiectomy", []),
        # one side named, or surgery with no side: one code, or the side is asked
        ("fundus examination of the right eye", []),
        ("total hip arthroplasty", []),
    ],
)
def test_real_tables_code_both_sides_one_side_each(real, text, sides):
    """Guidelines B4.3: a paired part with no bilateral value is coded once for each side."""
    r = real.pcs_build(text)
    assert [(s.code, s.body_part) for s in r.per_side] == sides
    d = r.to_dict()
    assert [(s["code"], s["body_part"]["label"]) for s in d["per_side"]] == sides
    if sides:
        # The build itself still asks the body part, and says why two codes are offered.
        assert r.code is None and r.partial_code[3] == "?"
        assert "Guidelines B4.3" in r.question and all(c in r.question for c, _ in sides)
    elif text == "bilateral orchiectomy":
        assert r.partial_code.startswith("0VTC")


@pytest.mark.shared_data
def test_real_tables_the_assistant_names_both_sides(real):
    a = real.ask("ICD-10-PCS code for fundus examination of both eyes")
    assert a.answered and "Guidelines B4.3" in a.text
    assert "08J0XZZ (Eye, Right)" in a.text and "08J1XZZ (Eye, Left)" in a.text
    assert a.citations and a.citations[0].file == "icd10pcs_tables_2026.xml"
