"""Search: from the words people use to codes, across every loaded system.

Contract: ``Searcher(store).search(query, on)`` returns ranked ``SearchHit``s from the releases
in force on ``on``. A query that is a code (or the start of one) lists that code and the codes
under it. Otherwise the query is read by ``search_query.analyse`` (abbreviations resolved by
context, lay words, British spelling, misspellings corrected against the store's own words),
candidates come from the full-text index (every concept required first, then all but one,
then any) and from the ICD-10-CM Alphabetic Index files (``index_walk``), each candidate is
scored by ``search_rank`` (lexical coverage both ways plus coding structure), and the best
ICD-10-CM results are verified against the Tabular List: the 7th character the query implies
(or the default, said as a flag), placeholder X, and the Excludes1, code-first and
use-additional notes that travel with the code. Every hit says which words matched what, the
index path when it came through the index, its flags and how its score was made.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from chartcode.codes import compact, display, is_code_like
from chartcode.services.index_walk import IndexHit, walk
from chartcode.services.releases import in_force
from chartcode.services.search_query import Query, Unit, analyse, is_detail, match_form
from chartcode.services.search_rank import Scored, Scorer, reading_words
from chartcode.store.icd10cm_extensions import with_seventh
from chartcode.store.reference import ReferenceStore

SEARCHABLE = (("icd10cm", "tabular"), ("icd10pcs", "tables"))
INDEX_SOURCES = ("index", "eindex", "neoplasm", "drug")
FTS_LIMIT = 150
ENOUGH = 25
INDEX_BONUS = 0.25  # the official route from words to a code; only when it covers the query
VERIFY_TOP = 5
DESCEND_TOP = 8
HEADER_STEP = 0.01
ENCOUNTER_CHAR = {"initial": "A", "subsequent": "D", "sequela": "S"}


@dataclass(frozen=True, slots=True)
class SearchHit:
    system: str
    code: str
    title: str
    billable: bool
    score: float
    release: str
    matched: dict[str, list[str]] = field(default_factory=dict)
    path: list[str] | None = None
    flags: list[str] = field(default_factory=list)
    explain: str = ""

    def to_dict(self) -> dict[str, object]:
        return {k: getattr(self, k) for k in self.__slots__}


@dataclass(slots=True)
class _Candidate:
    system: str
    code: str  # compact
    release_id: int
    title: str
    extra: str
    billable: bool
    scored: Scored | None = None
    path: list[str] | None = None
    flags: list[str] = field(default_factory=list)
    bonus: float = 0.0
    index_coverage: float = 0.0
    index_precision: float = 0.0
    lift: float = 0.0  # raised to the score of the header it stands for

    @property
    def total(self) -> float:
        """The lexical score, or what the index path earns when it reads the query better.

        An index path that accounts for every query word is the official route to the code:
        it scores as a full lexical match would, whatever words the title itself uses
        ("liver mets" -> Neoplasm, liver, secondary -> C78.7).
        """
        lexical = self.scored.score if self.scored else 0.0
        if self.scored and self.index_coverage >= 1.0:
            routed = (
                2.0 * self.index_coverage + self.index_precision + self.scored.parts["structure"]
            )
            lexical = max(lexical, routed)
        return lexical + self.bonus + self.lift


class Searcher:
    """Search over one store; keeps the store's vocabulary once it has been needed."""

    def __init__(self, store: ReferenceStore) -> None:
        self.store = store

    # -- public -----------------------------------------------------------------------------
    def search(
        self, text: str, on: date, *, system: str | None = None, limit: int = 20
    ) -> list[SearchHit]:
        releases = self._releases(on, system)
        if not releases or not text.strip():
            return []
        if is_code_like(text):
            hits = self._code_hits(text, releases, limit)
            if hits:
                return hits
        query = self.read(text)
        if not query.units:
            return []
        cands = self._fts_candidates(query, releases)
        if "icd10cm" in releases.values() and system in (None, "icd10cm"):
            self._index_candidates(text, query, on, cands)
        scorer = Scorer(query)
        for c in cands.values():
            c.scored = scorer.score(c.title, c.extra, c.billable, c.system, c.code)
        # A candidate that names none of the query's concepts is noise from the fallback.
        kept = [
            c
            for c in cands.values()
            if c.scored and (c.scored.parts["query"] > 0 or c.index_coverage > 0)
        ]
        ranked = sorted(kept, key=lambda c: (-c.total, len(c.code), c.code))
        ranked = self._descend(ranked, scorer, cands)
        top = ranked[:limit]
        for c in top[:VERIFY_TOP]:
            if c.system == "icd10cm":
                self._verify(c, query)
        versions = self._versions(releases)
        return [self._hit(c, versions) for c in top]

    def read(self, text: str) -> Query:
        """How a query is read: the same reading ``search`` ranks with, corrections included."""
        return analyse(text, self._correct)

    # -- releases ---------------------------------------------------------------------------
    def _releases(self, on: date, system: str | None) -> dict[int, str]:
        out: dict[int, str] = {}
        for sys_name, kind in SEARCHABLE:
            if system and sys_name != system:
                continue
            chosen = in_force(self.store, sys_name, kind, on)
            if chosen:
                out[chosen.release.id] = sys_name
        return out

    def _versions(self, releases: dict[int, str]) -> dict[int, str]:
        return {r.id: r.version for r in self.store.releases() if r.id in releases}

    # -- candidates -------------------------------------------------------------------------
    def _fts_candidates(self, query: Query, releases: dict[int, str]) -> dict[str, _Candidate]:
        """Codes whose words name every concept; else all but one; else any of them."""
        units = query.units
        ids = list(releases)
        found: dict[str, _Candidate] = {}
        self._add_fts(found, _expression(units), ids)
        if len(found) < ENOUGH and len(units) > 1:
            for skip in range(len(units)):
                rest = units[:skip] + units[skip + 1 :]
                if all(is_detail(u.surface) for u in rest):
                    continue  # "left" alone names no condition
                self._add_fts(found, _expression(rest), ids)
        if len(found) < ENOUGH:
            # Side and encounter words alone name no condition; as alternatives they would
            # only flood the fallback with every code that takes a 7th character.
            named = [u for u in units if not is_detail(u.surface)] or units
            anything = [e for e in (_unit_expression(u) for u in named) if e]
            self._add_fts(found, " OR ".join(f"({e})" for e in anything), ids)
        return found

    def _add_fts(self, found: dict[str, _Candidate], expr: str, ids: list[int]) -> None:
        if not expr:
            return
        for system, code, rid, title, extra, _rank in self.store.fts_candidates(
            expr, ids, FTS_LIMIT
        ):
            key = f"{system}:{code}"
            if key not in found:
                found[key] = _Candidate(system, code, rid, title, extra, True)
        self._mark_billable(found)

    def _mark_billable(self, found: dict[str, _Candidate]) -> None:
        cm = [c for c in found.values() if c.system == "icd10cm" and c.billable]
        if not cm:
            return
        flags = self.store.cm_billable(cm[0].release_id, [c.code for c in cm])
        for c in cm:
            c.billable = flags.get(c.code, False)

    def _index_candidates(
        self, text: str, query: Query, on: date, found: dict[str, _Candidate]
    ) -> None:
        """Codes the Alphabetic Index files lead to, completed to billable codes."""
        tab = in_force(self.store, "icd10cm", "tabular", on)
        if tab is None:
            return
        rid = tab.release.id
        synonyms = _synonyms(query.units)
        for hit in walk(self.store, text, on, normalise=match_form, synonyms=synonyms, limit=10):
            code = self._complete(rid, hit, query)
            if code is None:
                continue
            row = self.store.cm_node(rid, code)
            if row is None:
                continue
            key = f"icd10cm:{code}"
            cand = found.get(key)
            if cand is None:
                extra = self.store.cm_inclusion_text(rid, code)
                cand = found[key] = _Candidate("icd10cm", code, rid, row[2], extra, bool(row[5]))
            if cand.path is None:
                cand.path = [f"{hit.source}: " + " > ".join(hit.path)] + (
                    [f"column {hit.column}"] if hit.column else []
                )
                covered = len(hit.matched) / max(1, len(hit.matched) + len(hit.unmatched))
                cand.index_coverage = covered
                cand.index_precision = _path_precision(hit.path[-1], query)
                cand.bonus = INDEX_BONUS * covered
                if code != hit.code_key:
                    cand.flags.append(
                        f"index gives {hit.code}; completed to {display('icd10cm', code)}"
                    )

    def _descend(
        self, ranked: list[_Candidate], scorer: Scorer, cands: dict[str, _Candidate]
    ) -> list[_Candidate]:
        """A header ranked near the top stands for its default billable code below it.

        The code a coder lands on from a header is the child the query's words fit best,
        which for a query with no more detail is the "unspecified" / "without" child.
        """
        changed = False
        ranked = list(ranked)
        for head in ranked[:DESCEND_TOP]:
            if head.system != "icd10cm" or head.billable:
                continue
            child = self._best_child(head, scorer, cands)
            if child is not None and all(child is not c for c in ranked):
                ranked.append(child)
            if child is not None and child.total <= head.total:
                child.lift += head.total - child.total + HEADER_STEP
                child.flags.append(f"the code under {display('icd10cm', head.code)} that fits")
                changed = True
        if not changed:
            return ranked
        return sorted(ranked, key=lambda c: (-c.total, len(c.code), c.code))

    def _best_child(
        self, head: _Candidate, scorer: Scorer, cands: dict[str, _Candidate]
    ) -> _Candidate | None:
        best: _Candidate | None = None
        frontier = [head.code]
        for _depth in range(3):  # a category, its subcategories, their codes
            nxt = []
            for code in frontier:
                for child, kind, title, billable in self.store.cm_children(head.release_id, code):
                    if kind == "extension":
                        continue
                    nxt.append(child)
                    if not billable:
                        continue
                    key = f"icd10cm:{child}"
                    cand = cands.get(key)
                    if cand is None:
                        extra = self.store.cm_inclusion_text(head.release_id, child)
                        cand = _Candidate("icd10cm", child, head.release_id, title, extra, True)
                        cand.scored = scorer.score(title, extra, True)
                    if best is None or cand.total > best.total:
                        best = cand
            frontier = nxt
        return best

    def _complete(self, rid: int, hit: IndexHit, query: Query) -> str | None:
        """The billable code an index entry leads to, using the query's encounter."""
        key = hit.code_key
        row = self.store.cm_node(rid, key)
        if row is None:
            return None
        if row[5]:
            return key
        sevenths = dict(self.store.cm_seventh_inherited(rid, key))
        if sevenths:
            char = ENCOUNTER_CHAR.get(query.detail.get("encounter", "initial"), "A")
            if char in sevenths:
                full = with_seventh(key, char)
                if self.store.cm_node(rid, full) is not None:
                    return full
        # A category the index points at: its unspecified child when it has one.
        for code, _kind, title, billable in self.store.cm_children(rid, key):
            if billable and "unspecified" in title.lower():
                return str(code)
        return key

    # -- verification -----------------------------------------------------------------------
    def _verify(self, c: _Candidate, query: Query) -> None:
        """Tabular checks on a result: 7th character, placeholder, side, notes that travel."""
        rid, code = c.release_id, c.code
        row = self.store.cm_node(rid, code)
        if row is None:
            return
        kind = row[1]
        if kind == "extension":
            char = code[-1]
            said = query.detail.get("encounter")
            if said is None:
                c.flags.append(f"7th character {char}: the query gives no encounter; check it")
            else:
                c.flags.append(f"7th character {char}: {said} encounter, from the query")
            if "X" in code[3:6]:
                c.flags.append("placeholder X fills the code to six characters")
        elif not c.billable:
            c.flags.append("not billable: a header; choose a code below it")
        low = c.title.lower()
        if "side" not in query.detail and ("right" in low or "left" in low):
            c.flags.append("side from the title; the query gives none")
        for _kind, text in self.store.cm_notes_up(rid, code, ("excludes1",)):
            c.flags.append(f"Excludes1: {text}")
        for note_kind, text in self.store.cm_notes_up(rid, code, ("code_first", "use_additional")):
            label = "code first" if note_kind == "code_first" else "use additional code"
            c.flags.append(f"{label}: {text}")

    # -- codes ------------------------------------------------------------------------------
    def _code_hits(self, text: str, releases: dict[int, str], limit: int) -> list[SearchHit]:
        """A query that is a code, or the start of one, finds that code and the codes under it."""
        c = compact(text)
        versions = self._versions(releases)
        hits: list[SearchHit] = []
        for rid, system in releases.items():
            for code, title, billable in self.store.codes_in_release(rid, c, limit):
                hits.append(
                    SearchHit(
                        system,
                        display(system, code),
                        title,
                        billable,
                        100.0 if code == c else 50.0,
                        versions[rid],
                        {text.strip(): [code]},
                        explain="the query is a code or the start of one",
                    )
                )
        return sorted(hits, key=lambda h: -h.score)[:limit]

    # -- spelling ---------------------------------------------------------------------------
    @cached_property
    def _vocabulary(self) -> dict[str, list[str]]:
        """The store's own words in match form, grouped by first letter (for correction)."""
        by_letter: dict[str, set[str]] = {}
        for word in self.store.title_words():
            form = match_form(word)
            if len(form) >= 4 and form.isalpha():
                by_letter.setdefault(form[0], set()).add(form)
        return {k: sorted(v) for k, v in by_letter.items()}

    def _correct(self, form: str) -> str | None:
        from rapidfuzz import fuzz, process

        words = self._vocabulary.get(form[0], [])
        if not words or _known(form, words):
            return None
        best = process.extractOne(form, words, scorer=fuzz.ratio, score_cutoff=80)
        return best[0] if best else None

    # -- results ----------------------------------------------------------------------------
    def _hit(self, c: _Candidate, versions: dict[int, str]) -> SearchHit:
        s = c.scored
        explain = s.explain() if s else ""
        if c.index_coverage >= 1.0 and s and c.total - c.bonus - c.lift > s.score:
            explain = (
                f"index path reads {c.index_coverage:.0%} of the query x2 + its last term "
                f"{c.index_precision:.2f} + structure {s.parts['structure']:+.2f}"
            )
        if c.bonus:
            explain += f" + index path {c.bonus:.2f}"
        if c.lift:
            explain += f" + {c.lift:.2f} to stand for the header above it"
        if s and s.via != "title":
            explain += f"; matched the inclusion term '{s.reading}'"
        return SearchHit(
            c.system,
            display(c.system, c.code),
            c.title,
            c.billable,
            round(c.total, 3),
            versions[c.release_id],
            dict(s.matched) if s else {},
            c.path,
            c.flags,
            explain,
        )


def _path_precision(term: str, query: Query) -> float:
    """Share of the last index term's own words that the query asked for."""
    required = reading_words(term).required
    if not required:
        return 1.0
    asked = query.words
    return sum(1 for w in required if w in asked) / len(required)


def _known(form: str, words: list[str]) -> bool:
    from bisect import bisect_left

    i = bisect_left(words, form)
    return i < len(words) and words[i] == form


def _quote(word: str) -> str:
    return '"' + word.replace('"', "") + '"'


def _unit_expression(unit: Unit) -> str:
    alts = [" AND ".join(_quote(w) for w in alt) for alt in unit.alternatives if alt]
    return " OR ".join(f"({a})" for a in alts)


def _expression(units: Iterable[Unit]) -> str:
    parts = [_unit_expression(u) for u in units]
    return " AND ".join(f"({p})" for p in parts if p)


def _synonyms(units: list[Unit]) -> dict[str, list[str]]:
    """Lay phrases and abbreviations as the index walk's extra readings."""
    out: dict[str, list[str]] = {}
    for u in units:
        if u.kind in ("lay", "abbreviation") or len(u.alternatives) > 1:
            out[u.surface.lower()] = [" ".join(a) for a in u.alternatives]
    return out


def search(
    store: ReferenceStore, query: str, on: date, *, system: str | None = None, limit: int = 20
) -> list[SearchHit]:
    """One search without keeping a ``Searcher`` (the vocabulary is rebuilt when needed)."""
    return Searcher(store).search(query, on, system=system, limit=limit)
