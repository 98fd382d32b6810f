"""What a procedure description says, axis by axis, before any table is consulted.

Contract: ``read(raw)`` returns a ``Reading``: the words of the text (with the anatomy
words they stand for), and the cues for each axis found by the word tables of this package
and the project's procedure terms, each cue with the span of text that gave it and the rule
it came from. A cue names axis value *labels* (or, for procedure terms, values), never a
whole code: the builder decides against the Tables which cues still fit.

Overlaps: within one kind of cue the longest phrase wins ("percutaneous endoscopic" over
"percutaneous"); a phrase that names an approach by an imaging word ("CT-guided") hides the
imaging cue in it; a procedure term hides the shorter operation words inside it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import cache
from typing import TypeVar

from chartcode.lexicon.pcs_terms import ProcedureTerm, procedure_terms
from chartcode.services.pcs import anatomy_words as aw
from chartcode.services.pcs import axis_words as xw
from chartcode.services.pcs import operation_words as ow
from chartcode.services.pcs.spine_levels import SpinalLevel, spinal_levels
from chartcode.services.pcs.text import Span, Text, words

_T = TypeVar("_T")

# Weights of the words a text stands for (a written word counts 1).
SYNONYM_WEIGHT = 0.75
ROOT_WEIGHT = 0.75
# The root of a "-scopy" word names where the scope goes ("colonoscopy ... of the rectum"),
# so it weighs less than a body part the text names.
SCOPE_ROOT_WEIGHT = 0.4

TERM_WEIGHT = 10.0  # a procedure term the project wrote beats any single word
MESH_REPAIR_WEIGHT = 11.0  # "repair ... with mesh" is Supplement even against a repair term


class CueKind(StrEnum):
    OPERATION = "operation"
    APPROACH = "approach"
    DEVICE = "device"
    QUALIFIER = "qualifier"
    CONTRAST = "contrast"


@dataclass(frozen=True, slots=True)
class Cue:
    """Words of the text that point to axis value labels, most likely first."""

    kind: CueKind
    labels: tuple[str, ...]
    span: Span
    weight: float
    rule: str  # where the reading comes from, shown as evidence
    section: str | None = None  # operation cues: the section whose tables hold the labels


@dataclass(frozen=True, slots=True)
class TermMatch:
    term: ProcedureTerm
    span: Span


@dataclass(frozen=True, slots=True)
class WordHit:
    """A word of the text, written or stood for by a synonym or a word root."""

    token: int  # index of the token it comes from
    weight: float
    via: str | None  # None when written; else the rule ("'renal' means kidney")
    synonym: bool = False  # stood for by the project's anatomy synonyms (not a word root)


@dataclass
class Reading:
    text: Text
    hits: dict[str, list[WordHit]] = field(default_factory=dict)
    cues: list[Cue] = field(default_factory=list)
    terms: list[TermMatch] = field(default_factory=list)
    spinal: list[SpinalLevel] = field(default_factory=list)
    laterality: list[tuple[int, str]] = field(default_factory=list)  # (token, Right/Left/...)
    counts: list[tuple[int, str]] = field(default_factory=list)  # (token, "1".."4")
    device_counts: list[tuple[int, str]] = field(default_factory=list)  # "two stents"
    excision_words: list[Span] = field(default_factory=list)
    resection_words: list[Span] = field(default_factory=list)
    matter_words: list[Span] = field(default_factory=list)

    @property
    def raw(self) -> str:
        return self.text.raw

    def of(self, kind: CueKind) -> list[Cue]:
        return [c for c in self.cues if c.kind == kind]

    def add_word(self, word: str, hit: WordHit) -> None:
        found = self.hits.setdefault(word, [])
        if all(h.token != hit.token or h.weight < hit.weight for h in found):
            found.append(hit)


def _phrase_table(
    table: Iterable[tuple[tuple[str, ...], tuple[str, ...]]],
) -> list[tuple[list[str], tuple[str, ...]]]:
    return [(words(p), labels) for phrases, labels in table for p in phrases]


@cache
def _tables() -> dict[CueKind, list[tuple[list[str], tuple[str, ...]]]]:
    return {
        CueKind.APPROACH: _phrase_table(xw.APPROACH_PHRASES),
        CueKind.DEVICE: _phrase_table(xw.DEVICE_PHRASES),
        CueKind.QUALIFIER: _phrase_table(xw.QUALIFIER_PHRASES),
        CueKind.CONTRAST: _phrase_table(xw.CONTRAST_PHRASES),
    }


@cache
def _decisive_approaches() -> frozenset[str]:
    return frozenset(" ".join(words(p)) for p in xw.DECISIVE_APPROACH_PHRASES)


@cache
def _operation_table() -> list[tuple[list[str] | str, str, tuple[str, ...], float, str]]:
    """(words or "*ending", section, labels, weight, rule) for operation and section words."""
    out: list[tuple[list[str] | str, str, tuple[str, ...], float, str]] = []
    for phrases, section, labels, weight in ow.OPERATION_PHRASES:
        for p in phrases:
            key: list[str] | str = p if p.startswith("*") else words(p)
            out.append((key, section, labels, weight, f"'{p.lstrip('*')}' names {labels[0]}"))
    for phrases, section, label in ow.SECTION_PHRASES:
        for p in phrases:
            out.append((words(p), section, (label,), ow.SECTION_WEIGHT, f"'{p}' names {label}"))
    return out


@cache
def _terms_by_first_word() -> dict[str, list[tuple[list[str], ProcedureTerm]]]:
    out: dict[str, list[tuple[list[str], ProcedureTerm]]] = {}
    for t in procedure_terms():
        ws = words(t.term)
        if ws:
            out.setdefault(ws[0], []).append((ws, t))
    return out


@cache
def _synonyms() -> list[tuple[list[str], list[str], str]]:
    return [
        (words(k), [w for v in vs for w in words(v)], f"'{k}' means {' '.join(vs)}")
        for k, vs in aw.ANATOMY_SYNONYMS.items()
    ]


def _overlaps(a: Span, b: Span) -> bool:
    return a.first <= b.last and b.first <= a.last


def _longest_first(found: list[tuple[Span, _T]]) -> list[tuple[Span, _T]]:
    """Keep the longest of overlapping matches (ties: the earlier)."""
    kept: list[tuple[Span, _T]] = []
    for span, payload in sorted(found, key=lambda f: (f[0].first - f[0].last, f[0].first)):
        if not any(_overlaps(span, k) for k, _ in kept):
            kept.append((span, payload))
    return sorted(kept, key=lambda f: f[0].first)


def _split_root(stem: str) -> list[tuple[str, tuple[str, ...]]]:
    """Combining forms a procedure word is built from: "esophagogastroduoden" -> 3 roots."""
    for prefix in aw.ROOT_PREFIXES:
        if stem.startswith(prefix) and len(stem) > len(prefix) + 2:
            stem = stem[len(prefix) :]
            break
    roots = sorted(aw.WORD_ROOTS, key=len, reverse=True)
    found: list[tuple[str, tuple[str, ...]]] = []
    i = 0
    while i < len(stem):
        root = next((r for r in roots if stem.startswith(r, i)), None)
        if root is None:
            break
        found.append((root, aw.WORD_ROOTS[root]))
        i += len(root)
        if i < len(stem) and stem[i] in "oiae":
            i += 1
    return found


_ALL_SUFFIXES = sorted((s for s, _, _ in ow.SUFFIXES), key=len, reverse=True)


def _procedure_stem(word: str) -> tuple[str, str] | None:
    """(stem, suffix) when a word ends with a procedure suffix ("cholecyst", "ectomy")."""
    for suffix in _ALL_SUFFIXES:
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            return word[: -len(suffix)], suffix
    return None


def read(raw: str) -> Reading:
    """Read a procedure description into words and cues (see the module contract)."""
    text = Text(raw)
    r = Reading(text)
    toks = text.tokens
    for t in toks:
        r.add_word(t.word, WordHit(t.index, 1.0, None))
        if t.lower != t.word:
            r.add_word(t.lower, WordHit(t.index, 1.0, None))

    # Project procedure terms: longest first, they hide operation words inside them.
    found_terms: list[tuple[Span, ProcedureTerm]] = []
    by_first = _terms_by_first_word()
    for t in toks:
        for ws, term in by_first.get(t.word, []) + (
            by_first.get(t.lower, []) if t.lower != t.word else []
        ):
            for span in text.find(ws):
                if span.first == t.index:
                    found_terms.append((span, term))
    found_terms += _mesh_terms(text, found_terms)
    kept = {(s.first, s.last) for s, _ in _longest_first(found_terms)}
    # A name may have several rows (vertebroplasty: cervical/thoracic, or lumbar/sacrum).
    r.terms = [
        TermMatch(term, span) for span, term in found_terms if (span.first, span.last) in kept
    ]

    # Approach phrases first: "CT-guided" is an approach, so its "CT" is no imaging cue.
    # (A phrase whose first word the text lacks is not looked for: most of them, per clause.)
    seen = text.positions
    for kind, table in _tables().items():
        matches = [
            (s, labels) for ws, labels in table if ws and ws[0] in seen for s in text.find(ws)
        ]
        for span, labels in _longest_first(matches):
            phrase = text.snippet(span)
            decisive = (
                kind == CueKind.APPROACH and " ".join(words(phrase)) in _decisive_approaches()
            )
            rule = f"'{phrase}' reads as {' or '.join(labels)}"
            r.cues.append(Cue(kind, labels, span, 2.0 if decisive else 1.0, rule))
    guided = [c.span for c in r.of(CueKind.APPROACH) if c.span.last > c.span.first]

    op_matches: list[tuple[Span, tuple[str, tuple[str, ...], float, str]]] = []
    for key, section, labels, weight, rule in _operation_table():
        if isinstance(key, str):
            ending = key[1:]
            spans = [text.span(t.index, t.index) for t in toks if t.word.endswith(ending)]
        else:
            spans = text.find(key) if key and key[0] in seen else []
        for span in spans:
            if any(_overlaps(span, g) for g in guided) and section != "0":
                continue
            op_matches.append((span, (section, labels, weight, rule)))
    term_spans = [m.span for m in r.terms]
    for span, payload in _longest_first(op_matches):
        if any(_overlaps(span, ts) for ts in term_spans):
            continue
        section, op_labels, weight, rule = payload
        r.cues.append(Cue(CueKind.OPERATION, op_labels, span, weight, rule, section))

    covered = {
        i
        for span in [c.span for c in r.of(CueKind.OPERATION)] + term_spans
        for i in range(span.first, span.last + 1)
    }
    for t in toks:
        split = _procedure_stem(t.word)
        if split is None:
            continue
        stem, suffix = split
        weight = SCOPE_ROOT_WEIGHT if suffix == "scopy" else ROOT_WEIGHT
        for root, label_words in _split_root(stem):
            for w in label_words:
                r.add_word(w, WordHit(t.index, weight, f"'{root}-' in '{t.lower}'"))
        if t.index in covered:
            continue
        for end, operations, not_procedures in ow.SUFFIXES:
            if suffix != end or t.word in not_procedures:
                continue
            for rank, operation in enumerate(operations):
                weight = ow.SUFFIX_WEIGHTS[min(rank, len(ow.SUFFIX_WEIGHTS) - 1)]
                r.cues.append(
                    Cue(
                        CueKind.OPERATION,
                        (operation,),
                        text.span(t.index, t.index),
                        weight,
                        f"'-{end}' in '{t.lower}' reads as {operation}",
                        "0",
                    )
                )
    # Hyphen-split combining forms ("salpingo-oophorectomy"): a root alone with its vowel.
    for t in toks:
        if t.word.endswith(("o", "i")) and len(t.word) > 4:
            for root, label_words in _split_root(t.word):
                if len(root) + 1 >= len(t.word):
                    for w in label_words:
                        r.add_word(w, WordHit(t.index, ROOT_WEIGHT, f"'{root}-' in '{t.lower}'"))

    for ws, syn_words, rule in _synonyms():
        for span in text.find(ws):
            for w in syn_words:
                r.add_word(w, WordHit(span.first, SYNONYM_WEIGHT, rule, synonym=True))
                side = xw.LATERALITY_WORDS.get(w)
                if side:  # "RLL" is the right lower lobe: the side comes with the word
                    r.laterality.append((span.first, side))

    r.spinal = spinal_levels(raw)
    for t in toks:
        side = xw.LATERALITY_WORDS.get(t.lower)
        if side:
            r.laterality.append((t.index, side))
        count = xw.COUNT_WORDS.get(t.lower)
        if count and not t.lower.isdigit():
            # A count belongs to the noun after it: "two stents in one artery".
            after = {n.word for n in toks[t.index + 1 : t.index + 4]}
            if after & _DEVICE_NOUNS:
                r.device_counts.append((t.index, count))
            else:
                r.counts.append((t.index, count))
    named = {text.snippet(s).lower(): s for w in aw.CORONARY_ARTERIES for s in text.find(w)}
    if named and not r.counts:
        first = min(s.first for s in named.values())
        r.counts.append((first, str(min(len(named), 4))))
    r.excision_words = [s for w in ow.EXCISION_WORDS for s in text.find(w)]
    r.resection_words = [s for w in ow.RESECTION_WORDS for s in text.find(w)]
    r.matter_words = [s for w in ow.MATTER_WORDS for s in text.find(w)]
    _negation_rule(r)
    _removal_rule(r)
    _tumor_rule(r)
    _device_rule(r)
    _mesh_rule(r)
    _inspection_rule(r)
    return r


_NEGATIONS = ("without", "no", "not", "nor")
_DEVICE_NOUNS = frozenset({"stent", "device", "graft", "screw", "cage", "lead", "coil"})


def _negated(text: Text, span: Span) -> bool:
    """Whether the words are said not to apply ("without mesh", "no stent")."""
    before = {t.lower for t in text.tokens[max(0, span.first - 2) : span.first]}
    return bool(before & set(_NEGATIONS))


def _negation_rule(r: Reading) -> None:
    """Devices the text says were not used ("without stent") read as No Device.

    The operation such a device would imply ("mesh": Supplement) is not read from them.
    """
    out: list[Cue] = []
    for c in r.cues:
        if not _negated(r.text, c.span):
            out.append(c)
        elif c.kind == CueKind.DEVICE and c.labels != ("No Device",):
            rule = f"'{r.text.snippet(c.span)}' is said not to be used: No Device"
            out.append(Cue(c.kind, ("No Device",), c.span, c.weight, rule))
        elif c.kind != CueKind.OPERATION or c.labels != ("Supplement",):
            out.append(c)
    r.cues = out


_TUMOR_WORDS = ("tumor", "tumour", "mass", "lesion", "nodule", "polyp", "cyst", "neoplasm")


def _tumor_rule(r: Reading) -> None:
    """Guidelines B3.8: a resection of a tumor takes a portion of the body part: Excision."""
    tumors = [s for w in _TUMOR_WORDS for s in r.text.find(w)]
    for c in list(r.of(CueKind.OPERATION)):
        if c.labels[:1] != ("Resection",):
            continue
        near = [s for s in tumors if 0 < s.first - c.span.last <= 4]
        if near:
            r.cues.append(
                Cue(
                    CueKind.OPERATION,
                    ("Excision",),
                    c.span,
                    ow.DECISIVE,
                    f"{c.rule}; of a {r.text.snippet(near[0])}: a portion of the body part is "
                    "Excision (Guidelines B3.8)",
                    "0",
                )
            )


def _inspection_rule(r: Reading) -> None:
    """Guidelines B3.11a: an inspection on the way to another procedure is not coded.

    "EGD with dilation of the esophagus" is the dilation: the inspection terms ("EGD") leave
    when the text names another procedure (their approach words stay).
    """
    others = [m for m in r.terms if m.term.allowed(3) and m.term.allowed(3) != ("J",)]
    others_ops = [
        c
        for c in r.of(CueKind.OPERATION)
        if c.weight >= ow.IMPLIED
        and c.labels[:1] != ("Inspection",)
        and not any(_overlaps(c.span, m.span) for m in r.terms)
    ]
    if others or others_ops:
        r.terms = [m for m in r.terms if m.term.allowed(3) != ("J",)]


def _mesh_rule(r: Reading) -> None:
    """A repair with mesh is Supplement (Definitions: "herniorrhaphy using mesh")."""
    repairs = [c for c in r.of(CueKind.OPERATION) if c.labels == ("Repair",)]
    mesh = [s for w in _MESH_WORDS for s in r.text.find(w) if not _negated(r.text, s)]
    if repairs and mesh:
        span = mesh[0]
        r.cues.append(
            Cue(
                CueKind.OPERATION,
                ("Supplement",),
                span,
                MESH_REPAIR_WEIGHT,
                f"'{r.text.snippet(span)}' in a repair: Supplement (Definitions)",
                "0",
            )
        )


# Devices whose placement is coded to another root operation (Guidelines B6.1a; Definitions,
# Drainage and Dilation): a drain put in is Drainage with a drainage device, a stent put
# across a narrowing is Dilation with an intraluminal device.
_DEVICE_OPERATIONS = {
    "Drainage Device": "Drainage",
    "Intraluminal Device": "Dilation",
    "Intraluminal Device, Drug-eluting": "Dilation",
}


def _device_rule(r: Reading) -> None:
    if not any(c.labels == ("Insertion",) for c in r.of(CueKind.OPERATION)):
        return
    for device in r.of(CueKind.DEVICE):
        operation = _DEVICE_OPERATIONS.get(device.labels[0])
        if operation is None:
            continue
        insertion = next(c for c in r.of(CueKind.OPERATION) if c.labels == ("Insertion",))
        r.cues.append(
            Cue(
                CueKind.OPERATION,
                (operation,),
                insertion.span,
                insertion.weight + 0.5,
                f"{insertion.rule}; placing a {device.labels[0].lower()} is coded as {operation}",
                "0",
            )
        )
        return


def _mesh_terms(
    text: Text, found: list[tuple[Span, ProcedureTerm]]
) -> list[tuple[Span, ProcedureTerm]]:
    """Repair terms read as Supplement when mesh is used (Definitions, Supplement).

    "Repair of a femoral hernia with mesh" is Supplement of the femoral region; the term
    "femoral hernia repair" names the region, the mesh outside it changes the operation.
    """
    mesh = [s for w in _MESH_WORDS for s in text.find(w) if not _negated(text, s)]
    out: list[tuple[Span, ProcedureTerm]] = []
    for span, term in found:
        if term.allowed(3) != ("Q",) or not any(not _overlaps(m, span) for m in mesh):
            continue
        values = tuple(("U",) if i == 2 else () if i == 5 else v for i, v in enumerate(term.values))
        note = f"{term.note + '; ' if term.note else ''}with mesh: Supplement (Definitions)"
        out.append((span, replace(term, values=values, note=note)))
    return out


_MESH_WORDS = ("mesh", "patch", "prosthetic mesh", "synthetic mesh")


def _removal_rule(r: Reading) -> None:
    """Read "removal" by what is removed (Definitions: Removal takes out a device).

    A device named in the text keeps Removal; solid matter (a stone, a clot) makes it
    Extirpation; otherwise the words remove a body part: Resection, or Excision for a part.
    """
    has_device = any(c.labels != ("No Device",) for c in r.of(CueKind.DEVICE))
    out: list[Cue] = []
    for c in r.cues:
        if c.kind != CueKind.OPERATION or c.labels not in (("Removal",), ("Extraction",)):
            out.append(c)
            continue
        if r.matter_words:
            out.append(
                Cue(
                    c.kind,
                    ("Extirpation",),
                    c.span,
                    c.weight + 1.0,
                    f"{c.rule}; solid matter is taken out: Extirpation",
                    "0",
                )
            )
        elif c.labels == ("Removal",) and not has_device:
            out.append(
                Cue(
                    c.kind,
                    ("Resection", "Excision"),
                    c.span,
                    ow.IMPLIED,
                    f"{c.rule}; no device is named, so a body part is taken out",
                    "0",
                )
            )
        else:
            out.append(c)
    r.cues = out
