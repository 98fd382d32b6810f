"""Names of patients, relatives and clinicians (Safe Harbor (A)).

Rules, strongest first (each entity's ``rule_id`` says which fired):

- ``name.label``: after "Patient:", "Name:", "Attending:", "Next of kin:" and the like, the
  words to the end of the phrase, in any case ("PATIENT: DOE, JANE").
- ``name.title``: a title and up to three name words ("Dr. Sarah P.", "Mr. W.", "Mrs. O'Neil").
  A title makes even a clinical word a name ("Dr. Bell").
- ``name.last_first`` / ``name.last_initial``: "Smith, John" when both are in the name
  gazetteers; "Smith J." with a known surname.
- ``name.initial_between``: two capitalised words around a middle initial ("Mohmad R.
  Vizirov"), whatever the gazetteers say.
- ``name.self_named``: the name someone gives ("my name is ...", "I'm ...").
- ``name.first_last``: a given name from the gazetteer followed by an initial or a capitalised
  word ("Anna S.", "John Smith", "Mary K. Jones"). A given name that is also a common word
  ("Grace", "Will", "Virginia") needs an initial or a known surname after it.
- ``name.cue``: capitalised words after a word that introduces a person ("named", "patient",
  "daughter"; "by" only after a verb of care: "seen by", not "supported by").
- ``name.first_cue`` / ``name.first_alone``: a given name on its own, strong when a cue is
  beside it (", Anna, seen at" after "female"; "Anna was", "Anna's"), weak otherwise. Weak
  detections give way to protected clinical vocabulary.

Nothing is a name when a clinical head noun follows ("Hodgkin lymphoma", "Austin Flint
murmur"). Later mentions of a found name ("Mr. Smith" after "John Smith") are the engine's job.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from chartcode.redaction.document import TITLES, Document, matches_at, triggers
from chartcode.redaction.entities import Entity, EntityType
from chartcode.redaction.gazetteers import Gazetteers
from chartcode.redaction.locations import STATES
from chartcode.redaction.vocabulary import ProtectedVocabulary
from chartcode.redaction.wordlists import word_list

NAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
# Words after which the next capitalised words are a person: "named Xochitl Brown".
CUES = word_list("name_cues")
# ", Anna," after one of these is an apposition naming the person.
APPOSITION = word_list("name_apposition")
# Verbs that make a lone given name a person: "Anna was", "Anna reports".
_AFTER_VERBS = word_list("name_verbs")
# Capitalised words that end a name: places, institutions, dates, clinical heads.
STOP = word_list("name_stops")
_STATE_NAMES = frozenset(w.lower() for name in STATES.values() for w in name.split())
LABELS = re.compile(
    r"\b(?:patient(?:'s)?\s+name|pt\s+name|name|patient|attending(?:\s+physician)?|"
    r"referring(?:\s+(?:physician|provider))?|pcp|primary\s+care(?:\s+physician)?|physician|"
    r"surgeon|provider|signed\s+by|dictated\s+by|electronically\s+signed\s+by|cc|"
    r"next\s+of\s+kin|emergency\s+contact|guardian|mother|father|spouse)\s*:[ \t]*"
    r"(?:(?:Dr|Mr|Mrs|Ms|Miss)\.?\s+)?"
    r"(?P<name>[^\W\d_][\w'’.-]*(?:,?[ \t]+[^\W\d_][\w'’.-]*){0,3})",
    re.I,
)


def detect(doc: Document, gaz: Gazetteers, vocab: ProtectedVocabulary) -> Iterator[Entity]:
    yield from _labelled(doc, gaz, vocab)
    keys, words = doc.keys, doc.words
    first_names, surnames = gaz.first_names, gaz.surnames
    done = 0  # the words up to here belong to a name already found
    for i in doc.capitals:
        if i < done:
            continue
        key = keys[i]
        if key in TITLES:
            found = _title(doc, i, gaz, vocab)
        elif (
            key in first_names
            or key in surnames
            or "-" in key
            or key.endswith("'s")
            or (i and keys[i - 1] in CUES)
        ):
            found = (
                _last_first(doc, i, gaz)
                or _first_name(doc, i, gaz, vocab)
                or _cued(doc, i, gaz, vocab)
                or _initial_between(doc, i, gaz, vocab)
            )
        elif i + 1 < len(words) and len(words[i + 1]) == 1:
            found = _initial_between(doc, i, gaz, vocab)
        elif i and keys[i - 1] in _SELF_NAMING_WORDS:
            found = _self_named(doc, i, gaz, vocab)
        else:
            continue
        if found:
            entity, done = found
            yield entity


def _span(doc: Document, i: int, j: int, score: float, rule: str) -> tuple[Entity, int]:
    """Words ``i..j-1`` as a name entity; an initial's or suffix's full stop is included."""
    end = doc.ends[j - 1]
    if doc.text[end : end + 1] == "." and (
        doc.is_initial(j - 1) or doc.words[j - 1].lower() in NAME_SUFFIXES
    ):
        end += 1
    return Entity(EntityType.NAME, doc.starts[i], end, score, rule), j


def _name_words(
    doc: Document, k: int, gaz: Gazetteers, vocab: ProtectedVocabulary, most: int = 3
) -> int:
    """The end of the run of name words starting at word ``k`` (``k`` when there is none)."""
    start = k
    while k < len(doc) and k - start < most and doc.adjacent(k, 3):
        w = doc.words[k]
        low = w.lower()
        if doc.is_initial(k) or low in NAME_SUFFIXES and k > start:
            k += 1
            continue
        if not doc.is_capitalised(k) or low in STOP or low in vocab.heads:
            break
        if w in vocab.abbreviations:  # "Paul IgM" is a test, not a surname
            break
        if gaz.is_common(w) and not gaz.is_surname(w):
            break
        k += 1
        # An initial ends a name unless a surname follows: "Anna S." / "Mary K. Jones".
        if doc.is_initial(k - 1) and not (k < len(doc) and doc.is_capitalised(k)):
            break
    return k


def _title(
    doc: Document, i: int, gaz: Gazetteers, vocab: ProtectedVocabulary
) -> tuple[Entity, int] | None:
    j = _name_words(doc, i + 1, gaz, vocab)
    # "Dr. SMITH": after a title, an all-capitals surname is a name too.
    if j == i + 1 and i + 1 < len(doc) and doc.adjacent(i + 1, 3) and doc.words[i + 1].isupper():
        j = i + 2 if len(doc.words[i + 1]) > 1 else j
    if j == i + 1:
        return None
    return _span(doc, i, j, 0.97, "name.title")


def _last_first(doc: Document, i: int, gaz: Gazetteers) -> tuple[Entity, int] | None:
    """Surname first: "Smith, John", "SMITH, JOHN" (a middle initial may follow), "Smith J."."""
    if i + 1 >= len(doc):
        return None
    if (
        doc.is_initial(i + 1)
        and doc.gap(i + 1) == " "
        and doc.text[doc.ends[i + 1] : doc.ends[i + 1] + 1] == "."
        and gaz.is_surname(doc.words[i])
        and not gaz.is_common(doc.words[i])
        and doc.is_capitalised(i)
    ):
        return _span(doc, i, i + 2, 0.9, "name.last_initial")
    if doc.gap(i + 1) not in (", ", ","):
        return None
    last, first = doc.words[i], doc.words[i + 1]
    if not (gaz.is_surname(last) and gaz.is_first_name(first)) or gaz.is_common(first):
        return None
    if last.lower() in STOP or gaz.is_common(last):
        return None
    if not (last[0].isupper() and first[0].isupper()):
        return None
    j = i + 2
    if j < len(doc) and doc.adjacent(j, 3) and doc.is_initial(j):
        j += 1
    return _span(doc, i, j, 0.9, "name.last_first")


def _is_given(gaz: Gazetteers, word: str) -> bool:
    """A given name from the gazetteer, also hyphenated ("Anne-Marie") or possessive ("John's")."""
    key = word.lower().replace("’", "'").removesuffix("'s")
    if key in gaz.first_names:
        return True
    parts = key.split("-")
    return len(parts) > 1 and all(p in gaz.first_names for p in parts)


def _initial_between(
    doc: Document, i: int, gaz: Gazetteers, vocab: ProtectedVocabulary
) -> tuple[Entity, int] | None:
    """Two capitalised words around a middle initial: "Mohmad R. Vizirov", "John A. Leiva"."""
    if i + 2 >= len(doc) or not (doc.is_initial(i + 1) and doc.is_capitalised(i + 2)):
        return None
    if doc.gap(i + 1) != " " or doc.gap(i + 2) != ". ":
        return None
    for k in (i, i + 2):
        w = doc.words[k]
        key = w.lower()
        if key in STOP or key in vocab.heads or gaz.is_common(w) or vocab.protects(w):
            return None
    if not doc.is_capitalised(i) or vocab.head_follows(doc, i + 3):
        return None
    return _span(doc, i, i + 3, 0.9, "name.initial_between")


def _first_name(
    doc: Document, i: int, gaz: Gazetteers, vocab: ProtectedVocabulary
) -> tuple[Entity, int] | None:
    w = doc.words[i]
    if not doc.is_capitalised(i) or not _is_given(gaz, w):
        return None
    low = w.lower()
    ambiguous = gaz.is_common(w) or low in _STATE_NAMES or w in vocab.abbreviations
    j = _name_words(doc, i + 1, gaz, vocab)
    if vocab.head_follows(doc, j):
        return None
    if j > i + 1:
        after = range(i + 1, j)
        strong = any(doc.is_initial(k) or gaz.is_surname(doc.words[k]) for k in after)
        if strong or not ambiguous:
            return _span(doc, i, j, 0.93 if strong else 0.9, "name.first_last")
    if ambiguous or vocab.possessive_eponym(doc, i):
        return None
    if _cue_beside(doc, i):
        return _span(doc, i, i + 1, 0.9, "name.first_cue")
    return _span(doc, i, i + 1, 0.6, "name.first_alone")


_BY_VERBS = word_list("name_by_verbs")
# The word before a name someone gives: "name is", "I'm", "I am", "call me", "called".
_SELF_NAMING_WORDS = frozenset({"is", "i'm", "am", "me", "called"})
_SELF_NAMING = re.compile(r"(?:\bname\s+is|\bI['’]m|\bI\s+am|\bcalls?\s+me|\bcalled)\s+$", re.I)


def _self_named(
    doc: Document, i: int, gaz: Gazetteers, vocab: ProtectedVocabulary
) -> tuple[Entity, int] | None:
    """A name someone gives: "my name is Aantje Mourik", "I'm Annemette Iversen"."""
    if not i or not _SELF_NAMING.search(doc.text, max(0, doc.starts[i] - 14), doc.starts[i]):
        return None
    j = _name_words(doc, i, gaz, vocab)
    if j == i or all(vocab.protects(doc.words[k]) for k in range(i, j)):
        return None
    return _span(doc, i, j, 0.9, "name.self_named")


def _cue_beside(doc: Document, i: int) -> bool:
    """A lone given name with a person cue next to it."""
    gap = doc.gap(i)
    prev = doc.words[i - 1].lower() if i else ""
    if prev in CUES and gap in (" ", ", ", ": "):
        return True
    if prev in APPOSITION and gap.strip() == ",":
        return True
    if gap.strip() == "," and re.search(
        r"\d\s*(?:yo|y/o|yrs?|years?)\W*$", doc.text[: doc.starts[i] - 1]
    ):
        return True
    nxt = doc.words[i + 1].lower() if i + 1 < len(doc) else ""
    after = doc.text[doc.ends[i] : doc.ends[i] + 2]
    return (nxt in _AFTER_VERBS and doc.gap(i + 1) == " ") or after.startswith(("'s", "’s"))


def _cued(
    doc: Document, i: int, gaz: Gazetteers, vocab: ProtectedVocabulary
) -> tuple[Entity, int] | None:
    """Capitalised words after a person cue: "named Xochitl Brown", "daughter Quinn"."""
    if not i or doc.words[i - 1].lower() not in CUES or doc.gap(i) not in (" ", ", "):
        return None
    if doc.keys[i - 1] == "by" and (i < 2 or doc.keys[i - 2] not in _BY_VERBS):
        return None  # "seen by Quinn", not "supported by Goretex"
    if not doc.is_capitalised(i) or doc.starts_sentence(i):
        return None
    j = _name_words(doc, i, gaz, vocab)
    if j == i or vocab.head_follows(doc, j):
        return None
    if all(
        vocab.protects(doc.words[k]) or doc.words[k].lower() in _STATE_NAMES for k in range(i, j)
    ):
        return None
    return _span(doc, i, j, 0.85, "name.cue")


_LABEL_WORDS = triggers(word_list("name_labels"))


def _labelled(doc: Document, gaz: Gazetteers, vocab: ProtectedVocabulary) -> Iterator[Entity]:
    if ":" not in doc.text:
        return
    for m in matches_at(LABELS, doc.text, [doc.starts[i] for i in doc.where(_LABEL_WORDS)]):
        text = _label_phrase(m["name"], vocab)
        words = [p.rstrip(".") for p in re.split(r"[,\s]+", text) if p]
        if not words:
            continue
        # "Patient: Pleasant and cooperative", "CC: Chest pain" are not names: one word must be a
        # known given name or surname, or a surname in capitals ("DOE, JANE").
        if not any(
            ((gaz.is_first_name(p) or gaz.is_surname(p)) and not gaz.is_common(p))
            or (p.isupper() and len(p) > 1)
            for p in words
        ) or all(vocab.protects(p) for p in words):
            continue
        start = m.start("name")
        yield Entity(EntityType.NAME, start, start + len(text), 0.95, "name.label")


def _label_phrase(name: str, vocab: ProtectedVocabulary) -> str:
    """The name at the start of a labelled field: up to a word that cannot be part of one.

    A comma is part of the name only in "Last, First" order, right after the first word:
    "DOE, JANE" but not "John Smith, DOB".
    """
    kept: list[str] = []
    for k, part in enumerate(re.split(r"(,?[ \t]+)", name)):
        if k % 2:  # a separator
            if ("," in part and k != 1) or "\t" in part or "  " in part:
                break  # a comma after the second word, or a column gap: the field ended
            kept.append(part)
            continue
        low = part.lower().rstrip(".")
        if not part or low in STOP or low in _AFTER_VERBS or not part[0].isupper():
            break
        if part.isupper() and part in vocab.abbreviations:
            break
        kept.append(part)
    return "".join(kept).rstrip(", \t")
