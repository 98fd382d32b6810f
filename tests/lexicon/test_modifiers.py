from chartcode.lexicon.modifiers import glossary, modifier

REQUIRED = [
    "22",
    "24",
    "25",
    "26",
    "50",
    "51",
    "52",
    "53",
    "57",
    "58",
    "59",
    "62",
    "66",
    "76",
    "77",
    "78",
    "79",
    "80",
    "82",
    "91",
    "AS",
    "TC",
    "XE",
    "XS",
    "XP",
    "XU",
    "LT",
    "RT",
    "E1",
    "E2",
    "E3",
    "E4",
    "F1",
    "F2",
    "F3",
    "F4",
    "F5",
    "F6",
    "F7",
    "F8",
    "F9",
    "FA",
    "TA",
    "T1",
    "T2",
    "T3",
    "T4",
    "T5",
    "T6",
    "T7",
    "T8",
    "T9",
    "GA",
    "GY",
    "GZ",
    "KX",
    "Q5",
    "Q6",
    "QK",
    "QX",
    "QZ",
]


def test_the_common_modifiers_are_explained():
    g = glossary()
    assert not [m for m in REQUIRED if m not in g]
    assert all(e.title and e.meaning and e.system in ("cpt", "hcpcs") for e in g.values())


def test_lookup_accepts_any_case_and_a_dash():
    m = modifier("-xs")
    assert m is not None and m.code == "XS" and m.reference.startswith("modifiers.tsv line ")
    assert modifier("ZZ") is None
