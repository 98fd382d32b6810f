"""The detector: every family of rules over one document, then clinical vetoes and merging.

``find_phi(text)`` returns the entities to redact, sorted and non-overlapping. The steps, each
for a reason:

1. Every detector module reads the same ``Document`` (words split once).
2. Weak detections made only of protected clinical words are dropped ("Bell" alone, "Crohn's";
   see ``vocabulary``); strong ones stay ("Dr. Bell").
3. Later mentions of a found name or labelled number are redacted too: "Mr. Smith" and "Smith"
   after "John Smith", "12345" again after "MRN 12345". A name part that is only ever written
   alone would otherwise leak.
4. Overlapping entities merge into their union (redacting a little more is safer than leaking
   the edge of a name); the merged entity takes the type of its strongest part.

Only counts are logged, never text.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator

from chartcode.redaction import (
    ages,
    biometrics,
    dates,
    facilities,
    locations,
    names,
    numbers,
    web,
)
from chartcode.redaction.document import TITLES, Document
from chartcode.redaction.entities import STRONG, Entity, EntityType
from chartcode.redaction.gazetteers import Gazetteers, gazetteers
from chartcode.redaction.vocabulary import ProtectedVocabulary

logger = logging.getLogger(__name__)

Detector = Callable[[Document, Gazetteers, ProtectedVocabulary], Iterable[Entity]]
DETECTORS: tuple[Detector, ...] = (
    web.detect,
    numbers.detect,
    dates.detect,
    ages.detect,
    biometrics.detect,
    locations.detect,
    facilities.detect,
    names.detect,
)
# Kinds found from words (not shapes); only these give way to the protected vocabulary.
_WORD_KINDS = frozenset(
    {EntityType.NAME, EntityType.CITY, EntityType.LOCATION, EntityType.FACILITY}
)
_REPEAT_FROM = 0.85  # the weakest name detection whose words are looked for again
_PLACE_KINDS = frozenset(
    {EntityType.FACILITY, EntityType.CITY, EntityType.ADDRESS, EntityType.LOCATION}
)


class PhiFinder:
    """Finds PHI in texts with one protected vocabulary (packaged, or with the store's words)."""

    def __init__(self, vocabulary: ProtectedVocabulary | None = None) -> None:
        self.vocabulary = vocabulary or ProtectedVocabulary.packaged()
        self.gazetteers = gazetteers()

    def find(self, text: str) -> list[Entity]:
        doc = Document.of(text)
        gaz, vocab = self.gazetteers, self.vocabulary
        found = [e for detect in DETECTORS for e in detect(doc, gaz, vocab)]
        found = [e for e in found if not self._vetoed(doc, e)]
        found = _drop_names_inside_places(found)
        found += _repeated_names(doc, found, gaz, vocab)
        found += _repeated_numbers(text, found)
        merged = merge(found)
        logger.debug("redaction: %d entities in %d characters", len(merged), len(text))
        return merged

    def _vetoed(self, doc: Document, e: Entity) -> bool:
        """A weak word-based detection made only of protected clinical words."""
        if e.score >= STRONG or e.type not in _WORD_KINDS:
            return False
        i, j = doc.index_at(e.start), doc.index_at(e.end)
        words = doc.words[i:j]
        return bool(words) and all(
            self.vocabulary.protects(w) or self.vocabulary.possessive_eponym(doc, k)
            for k, w in zip(range(i, j), words, strict=True)
        )


def find_phi(text: str, vocabulary: ProtectedVocabulary | None = None) -> list[Entity]:
    """The PHI entities of ``text``; see the module docstring."""
    return PhiFinder(vocabulary).find(text)


def merge(entities: Iterable[Entity]) -> list[Entity]:
    """Sorted, with overlapping entities replaced by their union (typed by the strongest)."""
    out: list[Entity] = []
    best: Entity | None = None
    for e in sorted(entities, key=lambda x: (x.start, -x.end)):
        if best is not None and e.start < best.end:
            lead = max(best, e, key=lambda x: (x.score, len(x)))
            best = Entity(lead.type, best.start, max(best.end, e.end), lead.score, lead.rule_id)
            continue
        if best is not None:
            out.append(best)
        best = e
    if best is not None:
        out.append(best)
    return out


def _drop_names_inside_places(found: list[Entity]) -> list[Entity]:
    """Drop weak names inside places: "Mary" in "St. Mary's Hospital" is not a person."""
    places = [e for e in found if e.type in _PLACE_KINDS]
    if not places:
        return found
    return [
        e
        for e in found
        if e.type is not EntityType.NAME
        or e.score >= STRONG
        or not any(p.start <= e.start and e.end <= p.end for p in places)
    ]


def _repeated_names(
    doc: Document, found: list[Entity], gaz: Gazetteers, vocab: ProtectedVocabulary
) -> Iterator[Entity]:
    parts: set[str] = set()
    sources = set()
    for e in found:
        # A weak guess (a lone capitalised given name) is not evidence enough to look for.
        if e.type is not EntityType.NAME or e.score < _REPEAT_FROM:
            continue
        sources.add(e.start)
        for k in range(doc.index_at(e.start), doc.index_at(e.end)):
            w = doc.words[k]
            key = _name_key(w)
            if len(key) < 2 or key in TITLES or key in names.NAME_SUFFIXES:
                continue
            if gaz.is_common(key) or w in vocab.abbreviations or key in names.STOP:
                continue
            parts.add(key)
    if not parts:
        return
    for k in doc.capitals:
        w = doc.words[k]
        if _name_key(w) in parts and doc.starts[k] not in sources:
            # "Smith fracture" stays; "Smith's" after "John Smith" is the person.
            if vocab.head_follows(doc, k + 1):
                continue
            end = doc.ends[k] - (2 if w.lower().endswith(("'s", "’s")) else 0)
            start = doc.starts[k]
            if k and doc.is_initial(k - 1) and doc.adjacent(k):  # "J. Smith"
                start = doc.starts[k - 1]
            yield Entity(EntityType.NAME, start, end, STRONG, "name.repeat")


def _name_key(word: str) -> str:
    return word.lower().replace("’", "'").removesuffix("'s")


def _repeated_numbers(text: str, found: list[Entity]) -> Iterator[Entity]:
    """Every other occurrence of a labelled number ("MRN 12345" ... "12345")."""
    values = {text[e.start : e.end]: e.type for e in found if e.rule_id.startswith("number.label")}
    for value, kind in values.items():
        if len(value) < 4:
            continue
        at = text.find(value)
        while at >= 0:
            end = at + len(value)
            before = text[at - 1] if at else " "
            after = text[end] if end < len(text) else " "
            if not (before.isalnum() or before == "-" or after.isalnum() or after == "-"):
                yield Entity(kind, at, end, STRONG, "number.repeat")
            at = text.find(value, end)
