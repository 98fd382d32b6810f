"""Ages over 89 (Safe Harbor (C)): "92-year-old", "age 93", "91 yo", "she is 95".

Ages up to 89 are not PHI and stay as written; a coder needs them (age edits, pediatric and
Medicare rules). The entity covers the number only, so "a 92-year-old woman" becomes
"a [AGE]-year-old woman" and the surrogate style writes "90+".
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from chartcode.redaction.document import Document, matches_at, triggers
from chartcode.redaction.entities import Entity, EntityType
from chartcode.redaction.gazetteers import Gazetteers
from chartcode.redaction.vocabulary import ProtectedVocabulary

OLDEST_KEPT = 89

AGE_PATTERNS = (
    # "92-year-old", "92 year old", "92 years old", "92-yr-old", "92 y/o", "92yo", "92 y.o."
    re.compile(
        r"(?<![\w.])(?P<n>\d{2,3})\s*-?\s*(?:years?|yrs?|y)\.?\s*-?\s*(?:old|of\s+age)\b", re.I
    ),
    re.compile(r"(?<![\w.])(?P<n>\d{2,3})\s*(?:yo|y/o|y\.o\.?|yr\.?\s*old)(?![a-z])", re.I),
    # "age 93", "aged 93", "Age: 93", "age of 93"
    re.compile(r"\b(?:age|aged)\s*(?::|of|is|was)?\s*(?P<n>\d{2,3})\b(?!\s*(?:%|mg|kg|cm))", re.I),
    # "a 95 female"; not "98F", which is a temperature.
    re.compile(r"(?<![\w.])(?P<n>\d{2,3})\s+(?:female|male|woman|man|lady|gentleman)\b", re.I),
    # "she is 93", "he turned 91": a person and a bare number, not a measurement.
    re.compile(
        r"\b(?:she|he|patient|pt)\s+(?:is|was|turned|turns|is\s+now)\s+(?P<n>\d{2,3})\b"
        r"(?!\s*(?:%|/|\.\d|mg|kg|lbs?|cm|mm|bpm|beats|breaths|percent|degrees|over))",
        re.I,
    ),
)


_APPOSED = re.compile(r"(?<=, )(?P<n>\d{2,3})(?=,)")
_AGE_WORDS = triggers({"age", "aged"})
_PERSON_WORDS = triggers({"she", "he", "patient", "pt"})


def detect(doc: Document, gaz: Gazetteers, vocab: ProtectedVocabulary) -> Iterator[Entity]:
    text = doc.text
    # Only a number from 90 to 129 can be an age to redact: most notes have none.
    old = [s for s, e in doc.runs if 2 <= e - s <= 3 and OLDEST_KEPT < int(text[s:e]) < 130]
    if not old:
        return
    seen: set[int] = set()
    words = {2: _AGE_WORDS, 4: _PERSON_WORDS}
    for number, pattern in enumerate(AGE_PATTERNS):
        starts = [doc.starts[i] for i in doc.where(words[number])] if number in words else old
        for m in matches_at(pattern, text, starts):
            age = int(m["n"])
            if OLDEST_KEPT < age < 130 and m.start("n") not in seen:
                seen.add(m.start("n"))
                yield Entity(EntityType.AGE, m.start("n"), m.end("n"), 0.95, f"age.{number}")
    # "Mrs. Whitfield, 92, seen ...": a bare number set off by commas right after a name.
    for s in old:
        apposed = _APPOSED.match(text, s)
        k = doc.index_at(s) - 1
        after_word = k >= 0 and doc.ends[k] == s - 2 and doc.is_capitalised(k)
        if apposed and s not in seen and after_word and not vocab.protects(doc.words[k]):
            yield Entity(EntityType.AGE, s, apposed.end("n"), 0.9, "age.apposed")
