"""Procedures in a note: the clauses that name one, built into ICD-10-PCS codes.

Contract: ``procedure_clauses(text, start, end)`` yields (start, end) spans of the clauses of
one sentence that name a procedure (a project procedure term, or an operation word the PCS
reader weighs as decisive), each joined to the next clause when it is too short to carry a body
part ("biopsy" then "of the left testis"). ``PcsCoder.codes(clause)`` builds it with the PCS
builder (``services.pcs_builder.build_state``): a complete code, or the 4-character table and
body part when the text says no more, which is what a coder can assert from it (CodiEsp codes
such clauses with 4 characters too); one code per imaging study and, where the text means both
sides of a paired part with no bilateral value, one per side. Results are cached by clause
text for batches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache

from chartcode.services.pcs.anatomy_words import (
    ANATOMY_SYNONYMS,
    BRANCH_LABEL_WORDS,
    GENERIC_LABEL_WORDS,
)
from chartcode.services.pcs.both_sides import both_sides
from chartcode.services.pcs.operation_words import SECTION_PHRASES, SUFFIXES
from chartcode.services.pcs.reading import (
    CueKind,
    Reading,
    _operation_table,
    _terms_by_first_word,
    read,
)
from chartcode.services.pcs.regions import IMAGING
from chartcode.services.pcs.state import BuildState
from chartcode.services.pcs.tables_view import TablesView
from chartcode.services.pcs.text import words
from chartcode.services.pcs_builder import build_state, choose
from chartcode.store.reference import ReferenceStore

_CLAUSE_BREAK = re.compile(r"[;:()\[\]]|, (?=[a-z])|\.\s")
_LAST_WORD = re.compile(r"([A-Za-z]+)\W*$")
_FIRST_WORD = re.compile(r"\W*(?:the\s+)?([A-Za-z]+)")
# Words the anatomy synonyms stand for that are no region of their own.
_NOT_REGIONS = frozenset(
    {"upper", "lower", "middle", "left", "right", "large", "small", "products", "conception"}
    | {"retained", "proximal", "distal"}
)
MIN_TOKENS = 4
CACHE_LIMIT = 20000


@dataclass(frozen=True, slots=True)
class PcsBuild:
    code: str  # 7 characters, or the first 4 when axes 5-7 stay open
    complete: bool
    title: str
    per_side: bool = False  # one side of a paired part the text means on both sides


@cache
def _cue_phrases() -> tuple[frozenset[tuple[str, ...]], tuple[str, ...]]:
    """(phrases, word endings) of every operation phrase and procedure term the reader knows.

    A clause with none of them cannot name a procedure, so it is never read (the reader
    costs about 2 ms a clause, the test a few microseconds).
    """
    phrases: set[tuple[str, ...]] = set()
    endings: list[str] = [suffix for suffix, _, _ in SUFFIXES]
    for key, *_rest in _operation_table():
        if isinstance(key, str):
            endings.append(key.lstrip("*"))
        elif key:
            phrases.add(tuple(key))
    for entries in _terms_by_first_word().values():
        phrases.update(tuple(ws) for ws, _term in entries)
    return frozenset(phrases), tuple(endings)


@cache
def _longest_phrase() -> int:
    return max(len(p) for p in _cue_phrases()[0])


def may_name_procedure(clause: str) -> bool:
    """A cheap test before the PCS reader: one of its cue phrases or word endings is there."""
    phrases, endings = _cue_phrases()
    ws = words(clause)
    if any(w.endswith(endings) for w in ws):
        return True
    longest = min(_longest_phrase(), 5)
    for i in range(len(ws)):
        for n in range(1, longest + 1):
            if i + n <= len(ws) and tuple(ws[i : i + n]) in phrases:
                return True
    return False


def procedure_clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    if not may_name_procedure(text[start:end]):
        return []
    pieces: list[tuple[int, int]] = []
    pos = start
    for m in _CLAUSE_BREAK.finditer(text, start, end):
        if m.group().startswith(",") and _region_list(text, pos, m, end):
            continue
        pieces.append((pos, m.start()))
        pos = m.end()
    pieces.append((pos, end))
    pieces = [(s, e) for s, e in (_trim(text, s, e) for s, e in pieces) if e > s]
    out: list[tuple[int, int]] = []
    for i, (s, e) in enumerate(pieces):
        if not may_name_procedure(text[s:e]):
            continue
        reading = read(text[s:e])
        named = bool(reading.terms) or any(c.weight >= 2 for c in reading.of(CueKind.OPERATION))
        if not named:
            continue
        if len(reading.text.tokens) < MIN_TOKENS and i + 1 < len(pieces):
            e = pieces[i + 1][1]
            reading = read(text[s:e])
        out.extend(_imaging_studies(text, s, e, reading))
    return out


_STUDY_JOIN = re.compile(r",\s*(?:and\s+)?|\s+and\s+")


def _imaging_studies(text: str, s: int, e: int, reading: Reading) -> list[tuple[int, int]]:
    """A clause naming two imaging studies, each with its own region, split between them.

    "Chest X-ray and abdominal ultrasound were normal" is two studies (BW03, BW40), where one
    clause builds one code. Each side must name a modality and a region ("CT and MRI of the
    brain" stays whole: its CT names no region of its own). ``reading`` is the clause's.
    """
    spans = [c.span for c in reading.of(CueKind.OPERATION) if c.section == IMAGING]
    spans += [m.span for m in reading.terms if m.term.allowed(1) == (IMAGING,)]
    studies = sorted({(sp.first, sp.last): sp for sp in spans}.values(), key=lambda sp: sp.first)
    if len(studies) < 2:
        return [(s, e)]
    regions = _region_words()
    out: list[tuple[int, int]] = []
    pos = s
    for i in range(1, len(studies)):
        prev, cur = studies[i - 1], studies[i]
        joins = list(_STUDY_JOIN.finditer(text, s + prev.end, s + cur.start))
        if not joins:
            continue
        cut = joins[-1]
        upto = s + studies[i + 1].start if i + 1 < len(studies) else e
        if _names_region(text[pos : cut.start()], regions) and _names_region(
            text[cut.end() : upto], regions
        ):
            out.append((pos, cut.start()))
            pos = cut.end()
    out.append((pos, e))
    return out


def _names_region(clause: str, regions: frozenset[str]) -> bool:
    return any(w in regions for w in words(clause))


@cache
def _region_words() -> frozenset[str]:
    """Single anatomy words of the PCS reader, as written and as they stand for."""
    out = {w for k, vs in ANATOMY_SYNONYMS.items() for w in (k, *vs)}
    out -= GENERIC_LABEL_WORDS | BRANCH_LABEL_WORDS | _NOT_REGIONS
    return frozenset(w for w in out if w.isalpha())


def _region_list(text: str, pos: int, comma: re.Match[str], end: int) -> bool:
    """A comma between two regions lists them ("CT of the chest, abdomen and pelvis")."""
    before = _LAST_WORD.search(text, pos, comma.start())
    after = _FIRST_WORD.match(text, comma.end(), end)
    regions = _region_words()
    return bool(before and after and {before.group(1).lower(), after.group(1).lower()} <= regions)


def _one_study_each(clause: str) -> list[str]:
    """The clause read once per imaging modality it names, the other modalities blanked.

    "Abdominal ultrasound and CT showed a mass" is two studies of one region (BW40, BW20);
    the region is written once, so the clause cannot be cut between them (as
    ``_imaging_studies`` cuts "chest X-ray and abdominal ultrasound"). Blanking keeps every
    other word, and the offsets, as written.
    """
    found = sorted(
        ((m.start(), m.end(), label) for label, rx in _modalities() for m in rx.finditer(clause)),
        key=lambda x: x[0] - x[1],  # longest first: "CT angiography" is CT, not Fluoroscopy
    )
    kept: list[tuple[int, int, str]] = []
    for a, b, label in found:
        if all(b <= ka or a >= kb for ka, kb, _ in kept):
            kept.append((a, b, label))
    kinds = list(dict.fromkeys(label for _, _, label in sorted(kept)))
    if len(kinds) < 2:
        return [clause]
    out = []
    for kind in kinds:
        chars = list(clause)
        for a, b, label in kept:
            if label != kind:
                chars[a:b] = " " * (b - a)
        out.append("".join(chars))
    return out


@cache
def _modalities() -> list[tuple[str, re.Pattern[str]]]:
    """(imaging type label, pattern of the words that name it), from the reader's own words."""
    out = []
    for phrases, section, label in SECTION_PHRASES:
        if section == IMAGING:
            alts = sorted((r"[\s-]+".join(map(re.escape, p.split())) for p in phrases), key=len)
            out.append((label, re.compile(rf"\b(?:{'|'.join(reversed(alts))})\b", re.I)))
    return out


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


class PcsCoder:
    def __init__(self, view: TablesView, store: ReferenceStore) -> None:
        self.view = view
        self.store = store
        self._cache: dict[str, list[PcsBuild]] = {}

    @property
    def release(self) -> str:
        return self.view.release.version

    def codes(self, clause: str) -> list[PcsBuild]:
        """The codes a clause builds: one per imaging study, and one per side where it means both.

        Each is complete, or its 4-character table and body part when the text says no more.
        """
        if clause in self._cache:
            return self._cache[clause]
        if len(self._cache) >= CACHE_LIMIT:
            self._cache.clear()
        found: list[PcsBuild] = []
        for text in _one_study_each(clause):
            state = build_state(self.view, text)
            sides = both_sides(state, text)
            for b in map(self._build, [choose(state, 4, v) for v in sides] or [state]):
                if b is not None and all(b.code != f.code for f in found):
                    found.append(replace(b, per_side=bool(sides)))
        self._cache[clause] = found
        return found

    def _build(self, state: BuildState) -> PcsBuild | None:
        pattern = state.pattern
        if "?" not in pattern:
            return PcsBuild(pattern, True, self._title(pattern))
        if "?" not in pattern[:4]:
            return PcsBuild(pattern[:4], False, self._title(pattern[:4]))
        return None

    def _title(self, code: str) -> str:
        rid = self.view.release.id
        if len(code) == 7:
            return self.store.pcs_code_title(rid, code) or ""
        table = self.store.pcs_table(rid, code[:3])
        if table is None:
            return ""
        part = self.store.pcs_value_label(rid, code[:3], 4, code[3])
        operation = str(table[3])
        return f"{operation} of {part} (axes 5-7 not stated)" if part else operation
