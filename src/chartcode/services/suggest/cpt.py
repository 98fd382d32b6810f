"""CPT and HCPCS candidates for a procedure clause, from the CMS short descriptors.

Contract: ``CptMatcher.build(store, release_id)`` reads the descriptors of one PFS RVU release
(the only CPT wording a public store holds: CMS short descriptors, expanded into words by
``lexicon/descriptors.py``), keeps the surgical and radiology ranges (10004-79999; evaluation
and management, anesthesia, laboratory and medicine codes are not chosen from a clause's words)
and indexes them by word. ``match(clause)`` returns up to ``TOP`` (code, descriptor, coverage)
whose descriptor words the clause covers by at least ``MIN_COVERAGE``, best first.

These are candidates, not codes: a short descriptor is a few abbreviated words, so the coder
confirms against the full CPT descriptor (AMA, licensed), which chartcode does not ship.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from chartcode.lexicon.descriptors import expand
from chartcode.services.suggest.vocabulary import phrase_words
from chartcode.store.reference import ReferenceStore

MIN_COVERAGE = 0.75
MIN_WORDS = 2
TOP = 2
FIRST, LAST = "10004", "79999"
# Words a short descriptor uses for its form, not its procedure.
FORM_WORDS = frozenset({"procedure", "addl", "additional", "each", "w", "wo", "exam", "view"})


@dataclass(frozen=True, slots=True)
class CptCandidate:
    code: str
    descriptor: str
    coverage: float


class CptMatcher:
    def __init__(self, entries: list[tuple[str, str, frozenset[str]]], version: str) -> None:
        self.entries = entries
        self.version = version
        self.by_word: dict[str, list[int]] = {}
        for i, (_code, _desc, words) in enumerate(entries):
            for w in words:
                self.by_word.setdefault(w, []).append(i)

    @classmethod
    def build(cls, store: ReferenceStore, release_id: int, version: str) -> CptMatcher:
        entries: list[tuple[str, str, frozenset[str]]] = []
        for code, descriptor in store.pfs_descriptors(release_id):
            if not (code.isdigit() and FIRST <= code <= LAST):
                continue
            words = phrase_words(expand(descriptor).text) - FORM_WORDS
            if words:
                entries.append((code, descriptor, words))
        return cls(entries, version)

    def match(self, clause: str) -> list[CptCandidate]:
        words = phrase_words(clause)
        hits: Counter[int] = Counter()
        for w in words:
            for i in self.by_word.get(w, ()):
                hits[i] += 1
        found: list[tuple[float, int, str, str]] = []
        for i, n in hits.items():
            code, descriptor, dwords = self.entries[i]
            coverage = n / len(dwords)
            # A one-word descriptor ("Appendectomy") must be matched whole.
            if n >= min(MIN_WORDS, len(dwords)) and coverage >= MIN_COVERAGE:
                found.append((coverage, n, code, descriptor))
        found.sort(key=lambda f: (-f[0], -f[1], f[2]))
        return [CptCandidate(code, desc, cov) for cov, _n, code, desc in found[:TOP]]
