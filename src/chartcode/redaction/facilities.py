"""Hospitals, clinics and other places of care, as Safe Harbor (B) locations.

- Capitalised words before a facility head ("Lakeside Clinic", "St. Mary's Hospital", "Mass
  General"); a head followed by "of ..." or "in <city>" ("Hospital of the University of
  Pennsylvania", "Children's Hospital Los Angeles").
- A saint's name in the possessive ("St. Luke's").
- Well-known health-system names said alone ("treated at Johns Hopkins"), with a lower-case head
  after them ("Cedars-Sinai clinic").
- A proper name after "admitted to", "seen at" and the like ("seen at UWMC").

A name made only of service words ("Memory Clinic", "Mental Health", "Cardiology") is a
department, not a place; an organisation ("American Academy of Pediatrics") is not a facility.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from chartcode.redaction.document import Document, matches_at, triggers
from chartcode.redaction.entities import Entity, EntityType
from chartcode.redaction.gazetteers import Gazetteers
from chartcode.redaction.locations import LOWER_HEAD, PLACE_CUES, is_name_word, with_city_state
from chartcode.redaction.vocabulary import ProtectedVocabulary
from chartcode.redaction.wordlists import word_list

SAINT = re.compile(r"(?:St\.?|Saint)\s+[A-Z][a-z]+['’]s?(?:\s|$|[,.;:?!)])")
_SAINT_WORDS = triggers({"st", "saint"})
# Verbs and prepositions after which a capitalised name is the place where care happened.
CARE_AT = re.compile(
    r"(?:admitted|seen|treated|evaluated|assessed|examined|followed|managed|hospitali[sz]ed|"
    r"presented|presenting|transferred|discharged|referred|visited|visit)"
    r"(?:\s+(?:to|at|in|from))?\s+(?:the\s+)?(?=[A-Z])"
)
_CARE_WORDS = triggers(word_list("care_verbs"))
# Department and service words: a facility name made only of these is a department.
SERVICE = word_list("facility_services")
# Names of organisations, not places of care: "American Academy of Pediatrics".
ORGANISATION = word_list("facility_organisations")
_CONNECTORS = frozenset({"of", "and", "&", "for", "the", "at"})
_AT = triggers({"at"})


def detect(doc: Document, gaz: Gazetteers, vocab: ProtectedVocabulary) -> Iterator[Entity]:
    yield from _facilities(doc, gaz, vocab)
    yield from _saints(doc, vocab)
    yield from _brands(doc, gaz, vocab)
    yield from _care_places(doc, gaz, vocab)


def _facilities(doc: Document, gaz: Gazetteers, vocab: ProtectedVocabulary) -> Iterator[Entity]:
    n_words = len(doc)
    done = 0
    for j in doc.where(gaz.facility_heads.starts):
        n = gaz.facility_heads.match(doc, j) if j >= done else 0
        if not n:
            continue
        # Heads chain: "Jackson Memorial Hospital", "Hospital Center", "General Hospital".
        end, heads = j + n, 1
        while end < n_words and doc.adjacent(end, 3):
            more = gaz.facility_heads.match(doc, end)
            if not more:
                break
            end, heads = end + more, heads + 1
        i = _name_start(doc, j, gaz, vocab)
        tail = _head_tail(doc, end, gaz, vocab)
        name_words = [w.lower() for w in doc.words[i:j] + doc.words[end:tail]]
        proper = heads > 1 or any(w not in SERVICE and w not in _CONNECTORS for w in name_words)
        if proper and not any(w in ORGANISATION for w in name_words):
            start, stop = doc.starts[i], doc.ends[tail - 1]
            if not vocab.head_follows(doc, tail):
                e = Entity(EntityType.FACILITY, start, stop, 0.93, "place.facility")
                yield from with_city_state(doc, gaz, e) if tail == end else iter([e])
        done = max(tail, j + 1)


def _name_start(doc: Document, j: int, gaz: Gazetteers, vocab: ProtectedVocabulary) -> int:
    """Walk back from a facility head over its own name: capitalised words and connectors."""
    i = j
    while i > 0 and doc.adjacent(i, 3):
        k = i - 1
        low = doc.words[k].lower()
        if low in _CONNECTORS and k > 0 and doc.adjacent(k, 3) and is_name_word(doc, k - 1, vocab):
            i = k
            continue
        if not is_name_word(doc, k, vocab):
            break
        # A sentence's first word is part of the name only if it could be ("Lakeside Clinic
        # is ..."), not a heading or a common word ("Admission Labs:", "Reading Hospital").
        if doc.starts_sentence(k) and (gaz.is_common(low) or low in SERVICE):
            break
        i = k
    while i < j and doc.words[i].lower() in _CONNECTORS:
        i += 1
    return i


def _head_tail(doc: Document, end: int, gaz: Gazetteers, vocab: ProtectedVocabulary) -> int:
    """The end of the words after a head that still belong to the name.

    As in "Hospital of the University of Pennsylvania", "Cancer Center in San Francisco",
    "Children's Hospital Los Angeles".
    """
    n_words = len(doc)
    if end >= n_words or not doc.adjacent(end, 2):
        return end
    word = doc.words[end].lower()
    if word == "of":
        k = end + 1
        if k < n_words and doc.words[k].lower() == "the":
            k += 1
        while (
            k < n_words
            and doc.adjacent(k, 3)
            and (is_name_word(doc, k, vocab) or doc.words[k].lower() in ("of", "and", "&"))
        ):
            k += 1
        while k > end + 1 and doc.words[k - 1].lower() in ("of", "and", "&", "the"):
            k -= 1
        return k if k > end + 1 else end
    if word == "in" and end + 1 < n_words and doc.adjacent(end + 1, 2):
        n = gaz.cities.match(doc, end + 1)
        return end + 1 + n if n else end
    return end + gaz.cities.match(doc, end)


def _saints(doc: Document, vocab: ProtectedVocabulary) -> Iterator[Entity]:
    """A hospital called by its saint: "St. Luke's" (not "St. John's wort")."""
    for i in doc.where(_SAINT_WORDS):
        if not doc.words[i][0].isupper() or i + 1 >= len(doc):
            continue
        m = SAINT.match(doc.text, doc.starts[i])
        if not m or "'" not in m.group() and "’" not in m.group():
            continue
        if vocab.head_follows(doc, i + 2):
            continue
        end = doc.ends[i + 1] + (
            1 if doc.text[doc.ends[i + 1] : doc.ends[i + 1] + 1] in "'’" else 0
        )
        yield Entity(EntityType.FACILITY, doc.starts[i], end, 0.88, "place.saint")


def _brands(doc: Document, gaz: Gazetteers, vocab: ProtectedVocabulary) -> Iterator[Entity]:
    """Health systems named without a head word: "Johns Hopkins", "at Emory"."""
    starts = doc.where(gaz.facility_brands.starts) + doc.where(gaz.weak_facility_brands.starts)
    for i in sorted(set(starts)):
        n = gaz.facility_brands.match(doc, i)
        rule = "place.facility_brand"
        if not n:
            n = gaz.weak_facility_brands.match(doc, i)
            rule = "place.facility_brand_cue"
            if not n or not (i and doc.words[i - 1].lower() in PLACE_CUES):
                continue
        if vocab.head_follows(doc, i + n):
            continue
        end = doc.ends[i + n - 1]
        lower = LOWER_HEAD.match(doc.text, end)
        yield Entity(EntityType.FACILITY, doc.starts[i], lower.end() if lower else end, 0.9, rule)


def _care_places(doc: Document, gaz: Gazetteers, vocab: ProtectedVocabulary) -> Iterator[Entity]:
    """A proper name where care happened: "seen at UWMC", "admitted to Cedar Crest"."""
    text = doc.text
    for m in matches_at(CARE_AT, text, [doc.starts[i] for i in doc.where(_CARE_WORDS)]):
        k = doc.index_at(m.end())
        if k >= len(doc) or doc.words[k].lower() in ("dr", "mr", "mrs", "ms", "the"):
            continue
        j = k
        while j < len(doc) and j - k < 4 and (j == k or doc.adjacent(j, 3)):
            if not is_name_word(doc, j, vocab) or gaz.is_first_name(doc.words[j]):
                break
            j += 1
        words = [w.lower() for w in doc.words[k:j]]
        if not words or all(w in SERVICE or vocab.protects(w) or _is_specialty(w) for w in words):
            continue
        if len(words) == 1 and doc.words[k].isupper() and len(words[0]) < 3:
            continue  # "transferred to HD": a two-letter abbreviation is a unit, not a place
        if any(gaz.is_common(w) or w in ORGANISATION for w in words) or vocab.head_follows(doc, j):
            continue
        yield Entity(EntityType.FACILITY, doc.starts[k], doc.ends[j - 1], 0.85, "place.care_at")
    # "seen at UWMC", "reviewed at Cedar Crest": an unknown proper name after "at" is where
    # care happened ("due to ABVD" is a regimen, "at Rest" a common word).
    for k in doc.where(_AT):
        i = k + 1
        if doc.words[k] != "at" or i >= len(doc) or doc.gap(i) != " ":
            continue
        w = doc.words[i]
        if 3 <= len(w) <= 6 and w.isupper() and w not in vocab.abbreviations:
            yield Entity(EntityType.FACILITY, doc.starts[i], doc.ends[i], 0.85, "place.acronym")
            continue
        j = i
        while j < len(doc) and j - i < 3 and (j == i or doc.adjacent(j, 2)):
            word = doc.words[j]
            low = word.lower()
            if not doc.is_capitalised(j) or gaz.is_first_name(word) or gaz.is_common(word):
                break
            if low in SERVICE or low in ORGANISATION or vocab.protects(word):
                break
            j += 1
        if j - i >= 2 and not vocab.head_follows(doc, j):
            yield Entity(EntityType.FACILITY, doc.starts[i], doc.ends[j - 1], 0.85, "place.at_name")


def _is_specialty(word: str) -> bool:
    """Specialties and specialists: "Otorhinolaryngology", "Otorhinolaryngologist"."""
    return word.endswith(("ology", "ologist", "ologists", "iatry", "iatrist", "ics"))
