"""Places smaller than a state (Safe Harbor (B)): streets, cities, counties and ZIP codes.

Hospitals and clinics are places too; ``facilities`` finds them, with the helpers here.

- Streets: a house number, capitalised words and a street suffix ("123 Main St., Apt 4"), a
  named street without a number ("Elm Street"), and post office boxes.
- Cities: the GeoNames gazetteer; a one-word city that is also a common word or a person's
  name needs a place cue ("in Austin") or a state after it ("Austin, TX"). "City, ST" marks a
  city not in the gazetteer. A city before a lower-case facility word is a facility ("our New
  York clinic"). Counties ("Kings County"), and places after "lives in" / "resides in"
  whatever they are.
- ZIP codes after a state or a ZIP label. States themselves are not PHI and are left, unless
  written as part of a place ("Atlanta, GA" is redacted whole).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from chartcode.redaction.document import Document, matches_at, triggers
from chartcode.redaction.entities import Entity, EntityType
from chartcode.redaction.gazetteers import Gazetteers
from chartcode.redaction.vocabulary import ProtectedVocabulary
from chartcode.redaction.wordlists import word_list

STATES = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia",
    "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois",
    "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
    "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota",
    "MS": "Mississippi", "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
    "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York",
    "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon",
    "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota",
    "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia",
    "WA": "Washington", "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming",
    "PR": "Puerto Rico",
}  # fmt: skip
# Two-letter state codes that are also clinical abbreviations or degrees ("Smith, MD", "RA, MS"):
# after an unknown word they do not make it a city.
_AMBIGUOUS_STATES = frozenset(
    [
        "MD",
        "PA",
        "ME",
        "OR",
        "IN",
        "OK",
        "HI",
        "CO",
        "MA",
        "DE",
        "LA",
        "MS",
        "OH",
        "AL",
        "ID",
        "MT",
        "NE",
        "GA",
        "VA",
    ]
)
_STATE = (
    r"(?:(?:" + "|".join(STATES) + r")\b|(?:"
    + "|".join(sorted(STATES.values(), key=len)[::-1]) + r")\b)"
)  # fmt: skip
_STATE_WORDS = triggers(
    [a.lower() for a in STATES] + [n.split()[0].lower() for n in STATES.values()]
)
STATE_AFTER = re.compile(rf",\s*(?P<state>{_STATE})(?:\s+(?P<zip>\d{{5}}(?:-\d{{4}})?)\b)?")
NEXT_PLACE = re.compile(r",\s*(?P<place>[A-Z][a-z'’-]+(?:\s[A-Z][a-z'’-]+){0,2})")
ZIP_AFTER_STATE = re.compile(rf"{_STATE},?\s+(?P<zip>\d{{5}}(?:-\d{{4}})?)(?![\w-])")
ZIP_LABELLED = re.compile(
    r"(?:zip|zip\s*code|postal\s*code|zipcode)\s*[:#]?\s*(?P<zip>\d{5}(?:-\d{4})?)(?![\w-])", re.I
)
_SUFFIX = (
    r"(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Place|Pl|Way|"
    r"Terrace|Ter|Parkway|Pkwy|Highway|Hwy|Circle|Cir|Square|Sq|Trail|Trl|Route|Rte|Pike|"
    r"Alley|Plaza|Loop|Row|Crescent|Path|Walk|Crossing|Expressway|Freeway|Turnpike)"
)
STREET = re.compile(
    r"(?<![\w./-])\d{1,6}[A-Za-z]?(?:-\d+)?\s+(?:(?:[NSEW]|North|South|East|West)\.?\s+)?"
    r"(?:(?:[A-Z][A-Za-z'’-]*\.?|\d{1,3}(?:st|nd|rd|th))\s+){1,4}"
    rf"{_SUFFIX}\b\.?(?:\s+(?:NE|NW|SE|SW|[NSEW])\b\.?)?"
    r"(?:,?\s*(?:Apt|Apartment|Suite|Ste|Unit|Room|Rm|Bldg|Building|Floor|Fl|#)\.?\s*#?\s*"
    r"[A-Za-z0-9-]+)?"
)
# A named street without a number ("lives on Elm Street"): only the long suffixes.
_STREET_WORDS = triggers(
    ["street", "avenue", "boulevard", "road", "lane", "drive", "parkway", "highway"]
)
PO_BOX = re.compile(r"(?:P\.?\s?O\.?\s*Box|Post\s+Office\s+Box|Postbox)\s*#?\s*\d+", re.I)
_PO_WORDS = triggers({"p", "po", "post", "postbox"})
_COUNTY_WORDS = triggers({"county", "parish", "borough"})
RESIDENCE = re.compile(
    r"(?:lives|living|live|resides|residing|moved|relocated|hometown|home|born|grew\s+up)"
    r"\s+(?:in|at|near|to|from)\s+(?:the\s+)?"
    r"(?P<place>[A-Z][A-Za-z'’-]*(?:[ \t]+[A-Z][A-Za-z'’-]*){0,3})"
)
_RESIDENCE_WORDS = triggers(word_list("residence_verbs"))
# Lower-case words after a place that make it a facility: "our New York clinic",
# "Cedars-Sinai clinic", "the Chicago downtown clinic", "Chicago VA".
LOWER_HEAD = re.compile(
    r"[ \t]+(?:(?:downtown|main|satellite|outpatient|community|local|area|north|south|east|"
    r"west)[ \t]+)?(?:clinic|hospital|medical center|health center|office|practice|VA|ER|"
    r"emergency room|campus)\b"
)
_ZIP_WORDS = triggers({"zip", "zipcode", "postal"})
CITY_ABBREVIATIONS = frozenset({"NYC"})
_CITY_CODE_WORDS = triggers(w.lower() for w in CITY_ABBREVIATIONS)
# All-capital city abbreviations that may name a facility ("LA County Hospital").
CITY_CODES = frozenset({"LA", "NY", "NYC", "SF", "DC"})

PLACE_CUES = word_list("place_cues")


def detect(doc: Document, gaz: Gazetteers, vocab: ProtectedVocabulary) -> Iterator[Entity]:
    text = doc.text
    house_numbers = doc.runs_followed_by(
        " \tABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-", range(1, 7)
    )
    for m in matches_at(STREET, text, house_numbers):
        yield from with_city_state(
            doc, gaz, Entity(EntityType.ADDRESS, m.start(), m.end(), 0.95, "place.street")
        )
    yield from _named_streets(doc, gaz, vocab)
    for m in matches_at(PO_BOX, text, [doc.starts[i] for i in doc.where(_PO_WORDS)]):
        yield Entity(EntityType.ADDRESS, m.start(), m.end(), 0.95, "place.po_box")
    yield from _counties(doc, vocab)
    yield from _states(doc, gaz, vocab)
    zip_words = [doc.starts[i] for i in doc.where(_ZIP_WORDS)]
    for m in matches_at(ZIP_LABELLED, text, zip_words):
        yield Entity(EntityType.ZIP, m.start("zip"), m.end("zip"), 0.95, "place.zip_labelled")
    for m in matches_at(RESIDENCE, text, [doc.starts[i] for i in doc.where(_RESIDENCE_WORDS)]):
        place = m["place"].rstrip(" .\n")
        start = m.start("place")
        if not (all_protected(place, vocab) or gaz.is_common(place.split()[0])):
            yield Entity(EntityType.LOCATION, start, start + len(place), 0.9, "place.residence")
    yield from _cities(doc, gaz, vocab)


def with_city_state(doc: Document, gaz: Gazetteers, e: Entity) -> Iterator[Entity]:
    """A place, extended over the ", City", ", ST" and ZIP written after it."""
    text = doc.text
    end = e.end
    m = NEXT_PLACE.match(text, end)
    if m and "\n" not in m.group():
        i = doc.index_at(m.start("place"))
        if STATE_AFTER.match(text, m.end()) or (i < len(doc) and gaz.cities.match(doc, i)):
            end = m.end()
    st = STATE_AFTER.match(text, end)
    if st and "\n" not in text[end : st.start("state")]:
        yield Entity(e.type, e.start, st.end("state"), e.score, e.rule_id)
        if st["zip"]:
            yield Entity(EntityType.ZIP, st.start("zip"), st.end("zip"), 0.95, "place.zip")
        return
    yield Entity(e.type, e.start, end, e.score, e.rule_id)


def _states(doc: Document, gaz: Gazetteers, vocab: ProtectedVocabulary) -> Iterator[Entity]:
    """ZIP codes after a state, and "City, ST" for cities the gazetteer does not know."""
    text = doc.text
    for i in doc.where(_STATE_WORDS):
        start = doc.starts[i]
        m = ZIP_AFTER_STATE.match(text, start)
        if m and (doc.words[i].isupper() or len(doc.words[i]) > 2):
            yield Entity(EntityType.ZIP, m.start("zip"), m.end("zip"), 0.95, "place.zip_state")
        st = STATE_AFTER.match(text, doc.ends[i - 1]) if i else None
        if not st or st.start("state") != start:
            continue
        # The city: up to three capitalised words before the comma.
        k = i - 1
        while k > 0 and i - k < 3 and doc.adjacent(k) and doc.is_capitalised(k - 1):
            k -= 1
        while k < i and (gaz.is_common(doc.words[k]) or vocab.protects(doc.words[k])):
            k += 1
        if k == i or not all(doc.is_capitalised(j) for j in range(k, i)):
            continue
        words = doc.words[k:i]
        known = gaz.cities.match(doc, k) == len(words)
        state = st["state"].rstrip(".")
        if not known and (
            state in _AMBIGUOUS_STATES
            or state in vocab.abbreviations
            or any(gaz.is_first_name(w) or gaz.is_surname(w) for w in words)
        ):
            continue
        yield Entity(EntityType.CITY, doc.starts[k], st.end("state"), 0.92, "place.city_state")


def _counties(doc: Document, vocab: ProtectedVocabulary) -> Iterator[Entity]:
    """Counties: "Kings County", "Orleans Parish", "County of Los Angeles"."""
    for i in doc.where(_COUNTY_WORDS):
        if not doc.words[i][0].isupper():
            continue
        k = i
        while k > 0 and i - k < 3 and doc.adjacent(k) and is_name_word(doc, k - 1, vocab):
            k -= 1
        if k < i:
            yield Entity(EntityType.LOCATION, doc.starts[k], doc.ends[i], 0.9, "place.county")
            continue
        if i + 2 < len(doc) and doc.words[i + 1] == "of" and doc.is_capitalised(i + 2):
            j = i + 2
            while (
                j + 1 < len(doc) and j - i < 4 and doc.adjacent(j + 1) and doc.is_capitalised(j + 1)
            ):
                j += 1
            yield Entity(EntityType.LOCATION, doc.starts[i], doc.ends[j], 0.9, "place.county")


def _named_streets(doc: Document, gaz: Gazetteers, vocab: ProtectedVocabulary) -> Iterator[Entity]:
    for i in doc.where(_STREET_WORDS):
        if not doc.words[i][0].isupper() or not i:
            continue
        k = i
        while k > 0 and i - k < 3 and doc.adjacent(k) and doc.is_capitalised(k - 1):
            k -= 1
        while k < i and (doc.starts_sentence(k) and gaz.is_common(doc.words[k])):
            k += 1
        if k < i and not all_protected(" ".join(doc.words[k:i]), vocab):
            e = Entity(EntityType.ADDRESS, doc.starts[k], doc.ends[i], 0.88, "place.street_name")
            yield from with_city_state(doc, gaz, e)


def all_protected(phrase: str, vocab: ProtectedVocabulary) -> bool:
    words = phrase.split()
    return all(vocab.protects(w.strip(".,")) for w in words)


def is_name_word(doc: Document, k: int, vocab: ProtectedVocabulary) -> bool:
    """A word that can be part of a facility's or county's proper name."""
    w = doc.words[k]
    if doc.is_capitalised(k):
        return True
    # "UCLA Medical Center", "NYU Langone", "LA County"; not "VA Medical Center", "ICU".
    return w.isupper() and 2 <= len(w) <= 6 and (w not in vocab.abbreviations or w in CITY_CODES)


def _cities(doc: Document, gaz: Gazetteers, vocab: ProtectedVocabulary) -> Iterator[Entity]:
    for i in doc.where(_CITY_CODE_WORDS):
        if doc.words[i] in CITY_ABBREVIATIONS:
            yield Entity(EntityType.CITY, doc.starts[i], doc.ends[i], 0.9, "place.city_code")
    for i in doc.where(gaz.cities.starts):
        word = doc.words[i]
        if not word[0].isupper() or word.isupper():
            continue
        n = gaz.cities.match(doc, i)
        if not n or vocab.head_follows(doc, i + n):
            continue
        words = doc.words[i : i + n]
        cue = i > 0 and doc.words[i - 1].lower() in PLACE_CUES and "\n" not in doc.gap(i)
        start, end = doc.starts[i], doc.ends[i + n - 1]
        lower = LOWER_HEAD.match(doc.text, end)
        if lower and not all_protected(" ".join(words), vocab):
            # "our New York clinic": the place names the facility.
            yield Entity(EntityType.FACILITY, start, lower.end(), 0.9, "place.city_facility")
            continue
        if n == 1:
            person = gaz.is_first_name(word) or gaz.is_surname(word)
            ambiguous = gaz.is_common(word) or vocab.protects(word) or person
            if ambiguous and not (cue or STATE_AFTER.match(doc.text, end)):
                continue
            score = 0.9 if cue else 0.8
        else:
            score = 0.9
        e = Entity(EntityType.CITY, start, end, score, "place.city")
        yield from with_city_state(doc, gaz, e)
