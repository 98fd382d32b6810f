"""Words the official ICD-10-PCS files give for axis values: keys, "use" entries, the index.

Contract: ``official_words(queries, defs_release, index_release)`` returns the
``OfficialWords`` of one definitions release and one index release (cached per store): the
body part key ("Hallux" is included in "1st Toe, Right/Left"), the device key ("Foley
catheter" is a Drainage Device; brand names), the index's "use" entries (Achilles tendon ->
Lower Leg Tendon) and the index itself. ``synonyms(text)`` finds key and "use" phrases in a
text; ``index_hits(reading)`` follows the index from the main terms the text names down the
subterms it also names, to the code or table the index prints; ``describe`` gives the
definition text of an axis value for the evidence.
"""

from __future__ import annotations

import json
import re
import weakref
from dataclasses import dataclass
from functools import cached_property

from chartcode.services.pcs.label_match import parse_label
from chartcode.services.pcs.reading import Reading
from chartcode.services.pcs.text import STOPWORDS, WINDOW, Span, Text, content_words, words
from chartcode.store.pcs_queries import PcsDefinitionRow, PcsIndexRow, PcsQueries

_PARENS = re.compile(r"\([^)]*\)")
_LATERAL_TITLES = {"right": "Right", "left": "Left", "bilateral": "Bilateral"}
# Most subterms a main term may have for all of them to count when the text names none.
_FEW_SUBTERMS = 4
# How many of an axis value's included terms a definition shows.
_INCLUDES_SHOWN = 8


@dataclass(frozen=True, slots=True)
class KeyPhrase:
    """A phrase of a key or index entry and the axis value labels it stands for."""

    words: tuple[str, ...]
    labels: tuple[str, ...]
    rule: str
    body_system: str | None = None  # device key entries name the body system they apply to
    operation: str | None = None  # ... and sometimes the operation


@dataclass(frozen=True, slots=True)
class SynonymHit:
    span: Span
    phrase: KeyPhrase


@dataclass(frozen=True, slots=True)
class IndexHit:
    """An index path the text follows and the code (3 to 7 characters) it ends at."""

    path: str
    code: str
    depth: int  # subterm levels below the main term that the text also names
    span: Span  # the main term's words in the text


def _clean(phrase: str) -> str:
    return " ".join(_PARENS.sub(" ", phrase).replace("(R)", "").replace("(tm)", "").split())


def _split_device_term(term: str) -> tuple[str, str | None, str | None]:
    """("Cardiac Lead, Defibrillator", "Insertion", "Heart and Great Vessels") from a key term."""
    if " in " not in term:
        return term, None, None
    head, body_system = term.rsplit(" in ", 1)
    if " for " in head:
        label, operation = head.rsplit(" for ", 1)
        return label, operation, body_system
    return head, None, body_system


class OfficialWords:
    """Key, "use" and index words of one definitions release and one index release."""

    def __init__(self, queries: PcsQueries, defs_id: int | None, index_id: int | None) -> None:
        self.queries = queries
        self.defs_id = defs_id
        self.index_id = index_id
        self._see_maps: dict[int, dict[tuple[str, str], str]] = {}
        self._see_release: dict[str, int] = {}

    # -- synonyms from the keys and the index ---------------------------------------------------
    @cached_property
    def _phrases(self) -> dict[str, list[KeyPhrase]]:
        out: dict[str, list[KeyPhrase]] = {}

        def add(phrase: str, kp: KeyPhrase) -> None:
            ws = tuple(w for w in words(_clean(phrase)) if w not in STOPWORDS)
            if not ws or max(len(w) for w in ws) < 4:
                return
            out.setdefault(ws[0], []).append(
                KeyPhrase(ws, kp.labels, kp.rule, kp.body_system, kp.operation)
            )

        if self.defs_id is not None:
            grouped: dict[str, list[str]] = {}
            for d in self.queries.definitions(self.defs_id, "0", 4):
                for inc in json.loads(d.includes or "[]"):
                    grouped.setdefault(inc, []).append(d.term)
            for inc, terms in grouped.items():
                rule = f"body part key: '{inc}' is included in {' / '.join(terms)}"
                add(inc, KeyPhrase((), tuple(terms), rule))
            for d in self.queries.definitions(self.defs_id, "0", 6):
                label, operation, body_system = _split_device_term(d.term)
                for inc in json.loads(d.includes or "[]"):
                    rule = f"device key: '{inc}' is {d.term}"
                    add(inc, KeyPhrase((), (label,), rule, body_system, operation))
        if self.index_id is not None:
            for row in self.queries.index_use_terms(self.index_id):
                assert row.use_term is not None
                phrase = row.title or row.path
                label, operation, body_system = _split_device_term(row.use_term.strip())
                rule = f"index: {row.path}, use {row.use_term}"
                add(phrase, KeyPhrase((), (label,), rule, body_system, operation))
        return out

    def synonyms(self, text: Text) -> list[SynonymHit]:
        """Key and "use" phrases found in the text (a phrase may stand for several labels)."""
        hits: list[SynonymHit] = []
        for t in text.tokens:
            for key in {t.word, t.lower}:
                for kp in self._phrases.get(key, []):
                    for span in text.find(list(kp.words)):
                        if span.first == t.index:
                            hits.append(SynonymHit(span, kp))
        return hits

    # -- the index ---------------------------------------------------------------------------
    def index_hits(self, reading: Reading, tables_id: int) -> list[IndexHit]:
        """Codes the index gives for main terms named in the text (see module contract).

        ``tables_id`` is the tables release that names the tables "see" references point to.
        """
        if self.index_id is None:
            return []
        see_tables = self._see_tables(tables_id)
        text = reading.text
        spans: dict[int, Span] = {}
        for t in text.tokens:
            for key in {t.word, t.lower}:
                for ws, root_id in self._main_terms.get(key, []):
                    found = _words_near(ws, reading)
                    if found is not None and root_id not in spans:
                        spans[root_id] = text.span(*found)
        rows = self.queries.index_subtrees(self.index_id, sorted(spans))
        children: dict[int | None, list[PcsIndexRow]] = {}
        roots: list[PcsIndexRow] = []
        for row in rows:
            if row.level == 0:
                roots.append(row)
            else:
                children.setdefault(row.parent_id, []).append(row)
        out: list[IndexHit] = []
        for root in roots:
            self._walk(root, 0, spans[root.id], children, reading, see_tables, out)
        return out

    @cached_property
    def _main_terms(self) -> dict[str, list[tuple[tuple[str, ...], int]]]:
        """Main term words by their first word; "A, b, c" spellings of one word are variants.

        "Orchidectomy, orchiectomy, orchectomy" (one ending) is three spellings;
        "Ligation, hemorrhoid" and "Lingulectomy, lung" are one term whose words may come in
        either order ("hemorrhoid ligation").
        """
        assert self.index_id is not None
        out: dict[str, list[tuple[tuple[str, ...], int]]] = {}
        for term_id, title in self.queries.index_main_titles(self.index_id):
            parts = [p.strip() for p in _clean(title).split(",") if p.strip()]
            if (
                len(parts) > 1
                and all(len(words(p)) == 1 for p in parts)
                and len({p.lower()[-4:] for p in parts}) == 1
            ):
                variants = [tuple(words(p)) for p in parts]
            else:
                variants = [tuple(content_words(_clean(title)))]
            for ws in variants:
                if ws:
                    out.setdefault(ws[0], []).append((ws, term_id))
        return out

    def _title_named(self, title: str, reading: Reading) -> bool:
        """Whether the text names a subterm: its laterality, or the words that say which part.

        Words that only say what kind of part it is may be missing, as in a label match
        ("buttock subcutaneous tissue" names "Subcutaneous Tissue and Fascia, Buttock").
        """
        side = _LATERAL_TITLES.get(title.strip().lower())
        if side:
            return any(s == side for _, s in reading.laterality)
        p = parse_label(_clean(title))
        if p.generic:
            # Written words and the roots of procedure words, not the project's synonyms:
            # the index path is official, a synonym is only the project's reading.
            return all(any(not h.synonym for h in reading.hits.get(w, [])) for w in p.distinct)
        # A title of kind words only ("Subcutaneous Tissue and Fascia", "Joint"): two of them,
        # written ("elbow" stands for a joint in a label, not for the index's "Joint").
        found = sum(any(h.via is None for h in reading.hits.get(w, [])) for w in p.distinct)
        return found >= min(2, len(p.distinct))

    def _walk(
        self,
        node: PcsIndexRow,
        depth: int,
        span: Span,
        children: dict[int | None, list[PcsIndexRow]],
        reading: Reading,
        see_tables: dict[tuple[str, str], str],
        out: list[IndexHit],
    ) -> None:
        kids = children.get(node.id, [])
        named = [k for k in kids if k.title and self._title_named(k.title, reading)]
        if named:
            for k in named:
                self._walk(k, depth + 1, span, children, reading, see_tables, out)
            return
        codes = [(node.path, self._code_of(node, see_tables))]
        codes += [(k.path, self._code_of(k, see_tables)) for k in kids if not k.title]
        titled = [k for k in kids if k.title]
        if not any(c for _, c in codes) and depth == 0 and len(titled) <= _FEW_SUBTERMS:
            # A main term with a few subterms the text does not name ("Hysterectomy":
            # Supracervical, Total): each is a reading. An operation's hundreds of body
            # parts ("Resection, ...") are not.
            codes = [(k.path, self._code_of(k, see_tables)) for k in titled]
        for path, code in codes:
            if code:
                out.append(IndexHit(path, code, depth, span))

    def _see_tables(self, tables_id: int) -> dict[tuple[str, str], str]:
        """(operation label, body system label) -> table prefix, for "see" references."""
        found = self._see_maps.get(tables_id)
        if found is None:
            found = {}
            for head in self.queries.tables(tables_id).values():
                found.setdefault((head.operation_label, head.body_system_label), head.prefix)
                self._see_release.setdefault(head.prefix, tables_id)
            self._see_maps[tables_id] = found
        return found

    def _code_of(self, row: PcsIndexRow, see_tables: dict[tuple[str, str], str]) -> str | None:
        """The code a term prints, or what its "see" names ("see Resection, Uterus").

        A "see" of three parts names the body part too ("Occlusion, Lower Veins,
        Hemorrhoidal Plexus"): its value is read in the table's rows.
        """
        if row.code:
            return row.code.upper()
        if not row.see:
            return None
        parts = [p.strip() for p in row.see.split(",")]
        if len(parts) < 2:
            return None
        prefix = see_tables.get((parts[0], parts[1]))
        if prefix is None or len(parts) < 3:
            return prefix
        label = ", ".join(parts[2:])
        rid = self._see_release.get(prefix)
        if rid is None:
            return prefix
        for row_value in self.queries.axis_values(rid, [prefix], 4):
            if row_value.label == label:
                return prefix + row_value.value
        return prefix

    # -- definitions ---------------------------------------------------------------------------
    def describe(
        self, section: str, pos: int, label: str, body_system: str, operation: str
    ) -> str | None:
        """The official definition of an axis value, or what its key entry includes."""
        if self.defs_id is None:
            return None
        entry = self._definition(section, pos, label, body_system, operation)
        if entry is None:
            return None
        if entry.definition:
            return entry.definition
        includes = json.loads(entry.includes or "[]")
        if includes:
            shown = ", ".join(includes[:_INCLUDES_SHOWN])
            more = f" and {len(includes) - _INCLUDES_SHOWN} more" if len(includes) > 8 else ""
            return f"Includes: {shown}{more}"
        return entry.explanation

    def _definition(
        self, section: str, pos: int, label: str, body_system: str, operation: str
    ) -> PcsDefinitionRow | None:
        assert self.defs_id is not None
        entries = {d.term: d for d in self.queries.definitions(self.defs_id, section, pos)}
        for term in (
            label,
            f"{label} in {body_system}",
            f"{label} for {operation} in {body_system}",
        ):
            if term in entries:
                return entries[term]
        return None


_CACHE: weakref.WeakKeyDictionary[PcsQueries, dict[tuple[int | None, int | None], OfficialWords]]
_CACHE = weakref.WeakKeyDictionary()


def official_words(queries: PcsQueries, defs_id: int | None, index_id: int | None) -> OfficialWords:
    """The (cached) official words of a definitions release and an index release."""
    per_store = _CACHE.setdefault(queries, {})
    found = per_store.get((defs_id, index_id))
    if found is None:
        found = per_store[(defs_id, index_id)] = OfficialWords(queries, defs_id, index_id)
    return found


def _words_near(ws: tuple[str, ...], reading: Reading) -> tuple[int, int] | None:
    """Token range where every word is written, within the window, or None."""
    first_hits = [h for h in reading.hits.get(ws[0], []) if h.via is None]
    for anchor in first_hits:
        toks = [anchor.token]
        for w in ws[1:]:
            near = [
                h.token
                for h in reading.hits.get(w, [])
                if h.via is None and abs(h.token - anchor.token) <= WINDOW
            ]
            if not near:
                break
            toks.append(min(near, key=lambda i: abs(i - anchor.token)))
        else:
            return min(toks), max(toks)
    return None
