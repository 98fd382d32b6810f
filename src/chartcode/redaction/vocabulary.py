"""Protected clinical vocabulary: words a coder needs that must survive redaction.

De-identification that turns "mild LA enlargement" into "mild [CITY] enlargement", or "Down
syndrome" into "[NAME] syndrome", ruins a note for coding. Three packaged lists (eponyms, drug
names, clinical abbreviations) are always protected; the words of the loaded code sets' titles
(ICD-10-CM, ICD-10-PCS, HCPCS descriptors, read by ``chartcode.store.vocabulary``) can be added.

Protection has two strengths. A word followed by an eponym head noun ("Parkinson disease",
"Bell palsy", "Glasgow Coma Scale") is clinical whatever found it, unless a title says it is a
person ("Dr. Bell"). A protected word on its own only vetoes weak detections (a lone capitalised
word, a place name without a place cue); a full "First Last" name is still redacted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from chartcode.redaction.document import Document
from chartcode.redaction.wordlists import lines


@dataclass(frozen=True)
class ProtectedVocabulary:
    """Lower-case protected words, case-sensitive abbreviations and eponym head nouns."""

    words: frozenset[str]
    eponyms: frozenset[str]
    abbreviations: frozenset[str]
    heads: frozenset[str]

    @classmethod
    def packaged(cls) -> ProtectedVocabulary:
        """The lists shipped with chartcode, without any store."""
        return packaged_vocabulary()

    def with_words(self, extra: Iterable[str]) -> ProtectedVocabulary:
        """This vocabulary plus ``extra`` words (e.g. every word of the code set titles)."""
        return ProtectedVocabulary(
            words=self.words | frozenset(w.lower() for w in extra),
            eponyms=self.eponyms,
            abbreviations=self.abbreviations,
            heads=self.heads,
        )

    def protects(self, word: str) -> bool:
        """True for a clinical word, drug, eponym or abbreviation."""
        bare = word.replace("’", "'").removesuffix("'s")
        return bare in self.abbreviations or bare.lower() in self.words

    def head_follows(self, doc: Document, j: int) -> bool:
        """A clinical head noun follows word ``j - 1`` on the same line.

        Directly or after capitalised words or a few instrument words: "Parkinson disease",
        "Bell palsy", "Stanford type A", "Glasgow Coma Scale", "Framingham risk score".
        """
        for k in range(j, min(j + 3, len(doc))):
            gap = doc.gap(k)
            if len(gap) > 3 or gap.strip(" '’") or "\n" in gap:
                break
            word = doc.words[k]
            if word.lower() in self.heads:
                return True
            if not (doc.is_capitalised(k) or word.lower() in _FILLERS):
                break
        return False

    def possessive_eponym(self, doc: Document, i: int) -> bool:
        """Word ``i`` is a known eponym in the possessive: "Crohn's", "Graves'"."""
        word = doc.words[i].lower().replace("’", "'")
        after = doc.text[doc.ends[i] : doc.ends[i] + 1]
        possessive = word.endswith("'s") or after in ("'", "’")
        return possessive and word.removesuffix("'s") in self.eponyms


# Words that may sit between an eponym and its head noun: "Framingham risk score".
_FILLERS = frozenset({"risk", "stool", "coma", "severity", "bleeding", "prognostic", "modified"})


@cache
def packaged_vocabulary() -> ProtectedVocabulary:
    eponyms = frozenset(w.lower() for w in lines("eponyms.txt"))
    drugs = frozenset(w.lower() for w in lines("drugs.txt"))
    return ProtectedVocabulary(
        words=eponyms | drugs,
        eponyms=eponyms,
        abbreviations=frozenset(lines("clinical_abbreviations.txt")),
        heads=frozenset(w.lower() for w in lines("eponym_heads.txt")),
    )
