"""The suggest vocabulary: every way the store names a diagnosis, as bags of normalised words.

Contract: ``normalise(word)`` gives the forms one written word stands for (lower case, British
spelling folded, plural folded, clinical synonyms from ``lexicon/data/suggest_synonyms.tsv``
such as "cancer" -> malignant neoplasm); ``Vocabulary.build(store, release_id)`` reads, once,
the ICD-10-CM titles and inclusion terms of one tabular release and the project's language
layer (abbreviations, multi-word lay terms, ``index_defaults.tsv``) and keeps for each term the
one code it names best. Terms are bags of words (stop words out), because notes reorder titles
freely ("pain in the abdomen", "diabetes mellitus type 2"); ``mentions`` finds them in text.

A title becomes a term the way a coder reads it: nonessential modifiers in parentheses and the
words "unspecified", "NOS" and "not elsewhere classified" drop out, a trailing ", unspecified
..." clause and a "without ..." or ", not specified as ..." clause drop out (notes do not say
"without perforation"; a ", recurrent" or ", with ..." clause after them stays), "A or
B" becomes two terms, and titles that start "Other" name no condition a note would state.
Words that alone name no condition of the patient (``NOT_TERMS``: "growth", "donor",
"allergies") are no terms, though longer terms that contain them are.
When several codes share a term, the best is the one the Index would give: the project's
index default, else a billable code, else the code whose title lost the fewest words.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from dataclasses import dataclass
from functools import cache

from chartcode.lexicon.language import (
    abbreviations,
    adjective_nouns,
    lay_terms,
    normalise_spelling,
    stem,
)
from chartcode.lexicon.tsv import rows
from chartcode.store.reference import ReferenceStore

SYNONYMS_FILE = "suggest_synonyms.tsv"
DEFAULTS_FILE = "index_defaults.tsv"

STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "in",
        "on",
        "at",
        "to",
        "by",
        "for",
        "with",
        "and",
        "or",
        "as",
        "from",
        "into",
        "its",
        "his",
        "her",
        "their",
        "this",
        "that",
        "is",
        "was",
        "were",
        "be",
        "been",
        "are",
        "has",
        "have",
        "had",
        "which",
        "who",
        "whom",
        "whose",
        "than",
        "then",
        "there",
        "these",
        "those",
        "such",
        "due",
        "following",
        "associated",
        "involving",
        "both",
        "either",
        "any",
        "all",
        "other",
    ]
)
# Removed from titles only: they qualify a code but no note writes them.
TITLE_NOISE = frozenset(
    {
        "unspecified",
        "nos",
        "nec",
        "specified",
        "classified",
        "elsewhere",
        "unilateral",
        "other",
        "site",
        "region",
    }
)
# A word of a term; notes are read with the same pattern (``mentions``), so the two agree.
TOKEN = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?")
_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_NOT_ELSEWHERE = re.compile(r"not elsewhere classified|not otherwise specified")
# "without X" and "not specified as X" qualifiers drop out, but a ", recurrent" or ", with ..."
# clause after them still names the code ("..., without obstruction or gangrene, recurrent").
_WITHOUT = re.compile(
    r"\bwithout\b.*?(?=, (?:recurrent|with)\b|$)|,\s*not (?:specified as )?[a-z]+(?: or [a-z]+)?\b"
)
# ", unspecified ..." up to a "with" clause, which names the code ("unspecified with coma").
_COMMA_UNSPEC = re.compile(r",[^,]*?\bunspecified\b(?:(?!\bwith\b)[^,])*")
_OF_UNSPEC = re.compile(
    r"\b(?:of|in|at)?\s*unspecified\s+(?:site|part|side|type|organism|region|laterality|"
    r"location|cause|nature|origin|severity|stage|trimester|body region|behavior)\b"
)
_OR = re.compile(r"\b([a-z]+) or ([a-z]+)\b")
_PAIR = re.compile(r"^([a-z]{5,}) and ([a-z]{5,})$")
_AND_TAIL = re.compile(r"\b(of|in) ([a-z]+) and ([a-z]+(?: [a-z]+){0,2})$")
_EXCEPT = re.compile(r",? except .*$")
# External causes (V00-Y99) describe how an injury happened, in words ("activity", "exposure")
# that case reports use for other things; they are coded from the injury, not matched here.
EXTERNAL_CAUSES = frozenset("VWXY")
_CODE_KINDS = ("category", "subcategory", "code")
# Coma scale components (R40.2-) are coded from scale scores, not from words such as "normal
# movement" or "obeys commands" that their inclusion terms share with any neurological exam.
NOT_FROM_WORDS = ("R402",)
# Words that alone name no condition of the patient in a case report, though a title or an
# inclusion term reduces to them: "growth" (of a child, of a tumour), "child", "donor" (of an
# organ), "instability" and "effusion" (which the tabular files under joints), "BMI" (the
# pediatric percentile codes), "allergies" (the "no known allergies" of every history),
# "side effects"; nor do words a title shares with everyday prose or with a translation:
# "arrest" (Z65.3, legal), "axis" (a vertebra's fracture), "spectrum", "tenderness" (filed
# under the abdomen), "ganglion" (a lymph node in notes translated from Spanish), "blue" (low
# mood in lay speech, a colour in a note), "attack", "stress", "dye", "cocaine" (a use, not a
# poisoning), "impotence" (a limb's loss of function in translated notes). Longer terms that
# contain them ("pleural effusion", "penicillin allergy", "cardiac arrest") are read as usual.
NOT_TERMS = (
    "attack",
    "stress",
    "dye",
    "cocaine",
    "impotence",
    "arrest",
    "axis",
    "spectrum",
    "tenderness",
    "ganglion",
    "ganglia",
    "blue",
    "ffa",
    "growth",
    "child",
    "children",
    "donor",
    "instability",
    "effusion",
    "fistula",
    "bmi",
    "body mass index",
    "allergy",
    "side effect",
    "adverse effect",
)


@dataclass(frozen=True, slots=True)
class Term:
    """A bag of normalised words that names ``code`` (compact form)."""

    words: frozenset[str]
    code: str
    source: str  # title, inclusion, default, abbreviation, lay
    label: str  # the phrase as the source prints it
    upper_only: bool = False  # an abbreviation that is also a word: only in capitals
    rank: tuple[int, int, int, int] = (9, 9, 9, 9)


@cache
def synonyms() -> dict[str, tuple[str, ...]]:
    table: dict[str, tuple[str, ...]] = {}
    for _, (word, canonical, _note) in rows(SYNONYMS_FILE, ("word", "canonical", "note")):
        table[word.lower()] = tuple(canonical.lower().split())
    return table


@cache
def index_defaults() -> list[tuple[int, str, str]]:
    """(line, term, compact code) rows of ``index_defaults.tsv``."""
    return [
        (line, term.lower(), code.replace(".", "").upper())
        for line, (term, code, _note) in rows(DEFAULTS_FILE, ("term", "code", "note"))
    ]


def normalise(word: str) -> tuple[str, ...]:
    """The normalised forms a written word stands for (several for "cancer")."""
    w = word.lower().replace("’", "'")
    mapped = synonyms().get(w)
    if mapped is not None:
        return mapped
    s = stem(normalise_spelling(w))
    mapped = synonyms().get(s)
    return mapped if mapped is not None else (s,)


# Anatomical adjectives whose noun is not the usual reading in a case report: "cervical" is
# the neck or the spine more often than the cervix, "lumbar" a vertebra, "iliac" a fossa or an
# artery, "cystic" a lesion, not a cyst's site.
ADJECTIVES_NOT_READ = frozenset(
    {"cervical", "lumbar", "iliac", "cystic", "optic", "neural", "cranial", "coronary", "sacral"}
)


@cache
def adjective_forms(word: str) -> tuple[str, ...]:
    """The forms of the noun an anatomical adjective also stands for in a note.

    "testicular" -> testis, so that "testicular tumor" finds the Neoplasm Table's "testis" row;
    titles keep their own words (``lexicon/data/adjectives.tsv``, as the search service reads
    it).
    """
    noun = adjective_nouns().get(word.lower())
    if noun is None or word.lower() in ADJECTIVES_NOT_READ:
        return ()
    return tuple(f for token in noun.split() for f in normalise(token) if f not in STOP_WORDS)


def phrase_words(phrase: str) -> frozenset[str]:
    """The bag of a phrase: normalised forms of its words, stop words out."""
    out: set[str] = set()
    for token in TOKEN.findall(phrase):
        for form in normalise(token):
            if form not in STOP_WORDS:
                out.add(form)
    return frozenset(out)


def title_phrases(title: str) -> list[str]:
    """The phrases a note would use for a title or inclusion term (possibly none)."""
    t = title.lower().strip()
    t = _BRACKETS.sub(" ", t)
    t = _NOT_ELSEWHERE.sub(" ", t)
    t = _WITHOUT.sub(" ", t)
    t = _COMMA_UNSPEC.sub(" ", t)
    t = _EXCEPT.sub(" ", t)
    t = _OF_UNSPEC.sub(" ", t)
    t = re.sub(r"\s+", " ", t.replace(",", " ")).strip()
    if not t:
        return []
    out = [t]
    m = _OR.search(t)
    if m and m.group(1) not in STOP_WORDS and m.group(2) not in STOP_WORDS:
        a, b = m.group(1), m.group(2)
        out = [t[: m.start()] + a + t[m.end() :], t[: m.start()] + b + t[m.end() :]]
    elif _PAIR.match(t):
        # "Restlessness and agitation": a title that names two conditions names each.
        a, b = _PAIR.match(t).groups()  # type: ignore[union-attr]
        out = [t, a, b]
    else:
        # "Secondary malignant neoplasm of liver and intrahepatic bile duct": the first site
        # alone names the code as well ("liver metastases").
        m = _AND_TAIL.search(t)
        if m and m.group(2) not in STOP_WORDS:
            out = [t, f"{t[: m.start()]}{m.group(1)} {m.group(2)}"]
    return out


def _words_of_title(phrase: str) -> frozenset[str]:
    return frozenset(w for w in phrase_words(phrase) if w not in TITLE_NOISE)


class Vocabulary:
    """Terms by their words, with an anchor index for fast matching."""

    def __init__(self, terms: dict[frozenset[str], Term], release_id: int, seconds: float) -> None:
        self.terms = terms
        self.release_id = release_id
        self.build_seconds = seconds
        freq: Counter[str] = Counter()
        for words in terms:
            freq.update(words)
        self.frequency = freq
        # Each term is indexed by its rarest word: a sentence only looks at terms whose
        # rarest word it contains, which keeps matching linear in the sentence.
        anchors: dict[str, list[Term]] = {}
        for words, term in terms.items():
            anchor = min(words, key=lambda w: (freq[w], w))
            anchors.setdefault(anchor, []).append(term)
        self.anchors = anchors

    @classmethod
    def build(cls, store: ReferenceStore, release_id: int) -> Vocabulary:
        started = time.perf_counter()
        terms: dict[frozenset[str], Term] = {}
        not_terms = {phrase_words(p) for p in NOT_TERMS} | {
            frozenset({f"abbr:{p}"}) for p in NOT_TERMS if " " not in p
        }

        def offer(term: Term) -> None:
            if not term.words or "normal" in term.words or term.code.startswith(NOT_FROM_WORDS):
                return
            if term.words in not_terms:
                return
            held = terms.get(term.words)
            if held is None or term.rank < held.rank:
                terms[term.words] = term

        nodes = [
            (code, kind, title, billable)
            for code, kind, title, _parent, billable in store.cm_nodes(release_id)
            if kind in _CODE_KINDS
        ]
        known = {code: bool(billable) for code, _k, _t, billable in nodes}
        for code, _kind, title, billable in nodes:
            if code[0] in EXTERNAL_CAUSES:
                continue
            for phrase in title_phrases(title):
                words = _words_of_title(phrase)
                lost = len(phrase_words(title)) - len(words)
                # "Other ..." codes are residual categories: they name a term only when no
                # other code does ("Other microscopic hematuria").
                first = 5 if title.lower().startswith("other") else 1
                rank = (first, 0 if billable else 1, max(lost, 0), len(code))
                offer(Term(words, code, "title", title, rank=rank))
        for code, _kind, text in store.cm_notes_of_kinds(
            release_id, ("inclusion_term", "includes")
        ):
            if code not in known or code[0] in EXTERNAL_CAUSES:
                continue
            for phrase in title_phrases(text):
                words = _words_of_title(phrase)
                first = 5 if text.lower().startswith("other") else 2
                rank = (first, 0 if known[code] else 1, 0, len(code))
                # An acronym printed as an inclusion term ("PIN") is only one in capitals.
                acronym = text.isupper() and len(text) <= 6
                offer(Term(words, code, "inclusion", text, acronym, rank))
        for term in neoplasm_terms(store, known):
            offer(term)
        for line, phrase, code in index_defaults():
            if code in known or _extension_of(code, known):
                offer(Term(phrase_words(phrase), code, "default", phrase, rank=(0, 0, 0, line)))
        by_words = dict(terms)
        for key, senses in abbreviations().items():
            target = by_words.get(phrase_words(senses[0].expansion))
            if target is None or len(key) < 2:
                continue
            upper = key.upper() == senses[0].abbr and len(key) <= 6
            rank = (3, 0, 0, len(key))
            words = frozenset({f"abbr:{key}"})
            offer(Term(words, target.code, "abbreviation", senses[0].abbr, upper, rank))
        for lay, clinical in lay_terms().items():
            if " " not in lay:
                continue  # one-word lay terms ("break", "calf") misfire in clinical prose
            target = by_words.get(phrase_words(clinical[0]))
            if target is not None:
                offer(Term(phrase_words(lay), target.code, "lay", lay, rank=(4, 0, 0, 0)))
        return cls(terms, release_id, time.perf_counter() - started)


# Neoplasm Table columns and the words a note uses for each behaviour.
NEOPLASM_COLUMNS = {
    "Malignant Primary": "malignant neoplasm",
    "Malignant Secondary": "secondary malignant neoplasm",
    "Ca in situ": "carcinoma in situ",
    "Benign": "benign neoplasm",
    "Unspecified Behavior": "neoplasm",
}


def neoplasm_terms(store: ReferenceStore, known: dict[str, bool]) -> list[Term]:
    """Terms from the Neoplasm Table: a site and a behaviour ("bladder neck carcinoma").

    The table names sites the Tabular titles do not (the dome or neck of the bladder, the
    trigone); its rows rank after titles and inclusion terms, which win a shared term.
    """
    releases = store.releases_of("icd10cm", "neoplasm")
    if not releases:
        return []
    out: list[Term] = []
    for path, heading, printed in store.index_table_cells(releases[-1].id):
        behaviour = NEOPLASM_COLUMNS.get(heading)
        code = (printed or "").replace(".", "").rstrip("-").upper()
        if behaviour is None or code not in known:
            continue
        site = ", ".join(path.split(", ")[2:])
        if not site or "see" in site.lower():
            continue
        words = phrase_words(_BRACKETS.sub(" ", site.lower()))
        if words:
            label = f"Neoplasm Table: {site} ({heading})"
            rank = (3, 0 if known[code] else 1, len(words), len(code))
            out.append(Term(words | phrase_words(behaviour), code, "neoplasm", label, rank=rank))
    return out


def _extension_of(code: str, known: dict[str, bool]) -> bool:
    """A 7th-character code (T14.8XXA) whose six-character stem is in the release."""
    return len(code) == 7 and code[:6].rstrip("X") in known
