"""The index walk: from a coder's words to a code, the way a coder reads the Alphabetic Index.

Contract: ``walk(store, query, on)`` matches the query's words to a main term of each ICD-10-CM
index file in force on ``on`` (Index to Diseases, External Cause Index, Neoplasm table, Drug
table), then to subterms level by level, and returns ``IndexHit``s, best first. Every hit
carries the code as the index prints it, the path of terms taken, which query word matched
which index word, the words left over, the see / see also references followed and, for the
two tables, the column the query's words chose.

How the words are read (a coder's habits, made explicit):

* The query is a bag of words: any word may name the main term ("fall from ladder" and
  "ladder fall" both enter at "Fall, falling").
* Each subterm taken must match at least one query word not yet used; a subterm may repeat
  words already used ("Struck by > bat or racquet > baseball bat").
* Subterms made only of connecting words ("with", "in", "due to", "from, off, out of") are
  read through even when the query does not say them, one at a time.
* At a dead end, one level is read through under subterms the query does not name, once
  per path, their words counting as unasked ("Struck by > bat or racquet > golf club").
* Nonessential modifiers (the parenthesised words) are never required; a query word found
  there counts for less than one in the title.
* ``see`` sends the walk to the named term, which continues with the words not yet used;
  ``see also`` does the same while the term keeps its own code.
* The Neoplasm and Drug tables are entered by behaviour or intent words ("carcinoma in situ",
  "intentional overdose"), which also pick the column; the Neoplasm table's single main term
  is implied by them.

Not handled here (the caller's job or a later one): references to another file ("see Table of
Drugs and Chemicals", "see Neoplasm, by site, malignant" from the main index), the ICD-10-PCS
index, and tabular verification of the code found (7th characters, laterality).
"""

from __future__ import annotations

import re
import unicodedata
import weakref
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from chartcode.errors import InvalidInput
from chartcode.services.releases import in_force
from chartcode.store.index_queries import CellRow, IndexQueries, TermRow
from chartcode.store.reference import ReferenceStore, ReleaseRow

Normaliser = Callable[[str], str]


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


SYSTEM = "icd10cm"
SOURCES: tuple[str, ...] = ("index", "eindex", "neoplasm", "drug")
TABLE_SOURCES = frozenset({"neoplasm", "drug"})

# Words that join index terms rather than name anything ("Fall, from, off, out of", "with",
# "due to"); they never count as coverage and never name a main term. NEC/NOS mark residual
# categories, not words a coder types.
STOP_WORDS = _word_set(
    "a an the of to in on at by for from with and or as into onto off out due caused nec nos"
    " is was his her its their this that via upon per"
)
# Subterms made only of these are read through when the query does not say them.
CONNECTOR_WORDS = STOP_WORDS | _word_set("while during involving following after when")

# Plurals the suffix rules would fold wrongly.
IRREGULAR_PLURALS: Mapping[str, str] = {
    "metastases": "metastasis",
    "diagnoses": "diagnosis",
    "stenoses": "stenosis",
    "neuroses": "neurosis",
    "psychoses": "psychosis",
    "analyses": "analysis",
    "teeth": "tooth",
    "feet": "foot",
    "children": "child",
    "women": "woman",
    "men": "man",
    "mice": "mouse",
    "lice": "louse",
    "geese": "goose",
    "knives": "knife",
    "vertebrae": "vertebra",
    "bacteria": "bacterium",
}

# Scoring weights. Coverage dominates (a path that reads more of the query wins); among paths
# that read as much, the deeper one is more specific, and words the index adds that the query
# did not say (including "specified NEC") count against it.
WEIGHT_COVERAGE = 10.0
WEIGHT_NEMOD = 0.8  # a query word found only among the nonessential modifiers
BONUS_DEPTH = 0.1
PENALTY_EXTRA_WORD = 0.3
PENALTY_NOISE_WORD = 0.02
PENALTY_REFERENCE = 0.2
PENALTY_CONNECTOR = 0.1
PENALTY_ASSUMED_COLUMN = 0.5
PENALTY_SYNONYM = 0.5

MAX_REFERENCES = 3  # see / see also hops in one path: the files have no longer chains
VISIT_BUDGET = 600  # terms examined per file and query, so a wide query stays fast
MAX_SYNONYM_QUERIES = 8
# Look one level past a dead end only under terms with at most this many subterms: beyond it
# (the Neoplasm table's ~600 sites) a skipped level would be a guess, and slow.
LOOK_AHEAD_CHILDREN = 80

# Stands, in a path's covered words, for a query word read as table wording; shown as the
# column heading of the cell found.
_COLUMN_WORD = "\x00column"

# "Stone(s)", "Dye(s)", "Benzin(e)": a spelling variant glued to a word, not a word.
_VARIANT_RE = re.compile(r"(?<=[a-z])\([a-z]{1,4}\)")
_APOSTROPHE_RE = re.compile(r"['\u2019]s\b|['\u2019]")
_WORD_RE = re.compile(r"[a-z0-9]+")
_ALTERNATIVE_RE = re.compile(r",|\bor\b")
_PARENTHESES_RE = re.compile(r"\([^)]*\)")
_INSTRUCTION_RE = re.compile(r"(?:^|\s)by (?:type|site|specific|histology)\b.*$", re.IGNORECASE)


# -- results ------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class CrossReference:
    """A reference the walk followed: ``see``, ``see also``, or a caller's ``synonym``."""

    kind: str  # see | see also | synonym
    source: str  # the index path that prints it, or the query phrase a synonym replaced
    target: str  # as printed: "Neoplasm, intestine, large"

    def to_dict(self) -> dict[str, object]:
        return {"kind": self.kind, "from": self.source, "target": self.target}


@dataclass(frozen=True, slots=True)
class IndexHit:
    """A code the index leads to, with the route taken; ``to_dict()`` is the JSON schema."""

    code: str  # as printed: "W11", "C78.7", "T39.1X1", "D05.-"
    code_key: str  # compact, for joins with the tabular: "W11", "C787", "D05"
    code_kind: str  # code | seecat | subcat | cell
    source: str  # index | eindex | neoplasm | drug
    release: str  # version of the index file
    path: list[str]  # titles taken, nonessential modifiers shown in parentheses
    column: str | None  # table column heading (Neoplasm and Drug tables)
    manif: str | None  # manifestation code printed in brackets beside the code
    matched: dict[str, str]  # query word -> index word (or column heading) it matched
    unmatched: list[str]  # query words no index word matched (joining words left out)
    via: list[CrossReference]
    score: float
    explain: str
    system: str = SYSTEM

    def to_dict(self) -> dict[str, object]:
        return {
            "system": self.system,
            "code": self.code,
            "code_key": self.code_key,
            "code_kind": self.code_kind,
            "source": self.source,
            "release": self.release,
            "path": list(self.path),
            "column": self.column,
            "manif": self.manif,
            "matched": dict(self.matched),
            "unmatched": list(self.unmatched),
            "via": [v.to_dict() for v in self.via],
            "score": self.score,
            "explain": self.explain,
        }


# -- words --------------------------------------------------------------------------------------
def default_normalise(word: str) -> str:
    """Lower case and singular, by suffix rules that leave Latin endings alone.

    Both sides (query and index) go through the same function, so a rule only has to be
    consistent, not linguistically right: "diabetes" and "Diabetes" both become "diabete".
    """
    w = word.lower()
    if w in IRREGULAR_PLURALS:
        return IRREGULAR_PLURALS[w]
    if len(w) <= 3 or not w.endswith("s") or w.endswith(("ss", "us", "is")):
        return w
    if w.endswith("ies"):
        return w[:-3] + "y"
    if w.endswith(("xes", "ches", "shes", "sses", "zes")):
        return w[:-2]
    return w[:-1]


def tokens(text: str) -> list[str]:
    """Lower-case words of a text: accents dropped, possessives cut, hyphens split.

    "Aarskog's" -> ["aarskog"], "self-harm" -> ["self", "harm"], "2,4-D" -> ["2", "4", "d"],
    "Stone(s)" -> ["stone"]. The index prints hyphenated words both ways ("pick-up truck",
    "lower-inner quadrant"), so both sides split them.
    """
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return _WORD_RE.findall(_APOSTROPHE_RE.sub("", _VARIANT_RE.sub("", text)))


@dataclass(frozen=True, slots=True)
class _TermWords:
    """A term's words as the walk compares them: normalised key -> word as printed."""

    title: dict[str, str]
    alternatives: tuple[frozenset[str], ...]  # content keys of each printed alternative
    content: frozenset[str]  # content keys of the whole title
    nemod: dict[str, str]
    connector: bool  # the title is only joining words ("with", "due to")


@dataclass(frozen=True, slots=True)
class _Query:
    words: tuple[str, ...]  # as typed, lower case
    keys: tuple[str, ...]  # normalised
    content: frozenset[int]  # positions of the words that must be read for full coverage
    positions: dict[str, tuple[int, ...]]  # normalised key -> positions

    @property
    def keyset(self) -> frozenset[str]:
        return frozenset(self.positions)


class _Lexicon:
    """One normaliser and the term words it has computed, cached.

    Cached per normaliser because the search engine passes its own stemmer; the index rows
    behind the caches never change while a store is open (stores are swapped, not edited).
    """

    _TERM_CACHE_LIMIT = 60_000

    def __init__(self, normalise: Normaliser) -> None:
        self.normalise = normalise
        self._terms: dict[tuple[str, str | None], _TermWords] = {}
        self._views: weakref.WeakKeyDictionary[IndexQueries, _View] = weakref.WeakKeyDictionary()

    def key(self, word: str) -> str:
        return self.normalise(word)

    def query(self, text: str) -> _Query:
        words = tuple(tokens(text))
        keys = tuple(self.key(w) for w in words)
        positions: dict[str, list[int]] = {}
        for i, k in enumerate(keys):
            positions.setdefault(k, []).append(i)
        content = frozenset(i for i, w in enumerate(words) if w not in STOP_WORDS)
        return _Query(words, keys, content, {k: tuple(v) for k, v in positions.items()})

    def term(self, term: TermRow) -> _TermWords:
        cache_key = (term.title, term.nemod)
        found = self._terms.get(cache_key)
        if found is None:
            found = self._term_words(term.title, term.nemod)
            if len(self._terms) >= self._TERM_CACHE_LIMIT:
                self._terms.clear()
            self._terms[cache_key] = found
        return found

    def _term_words(self, title: str, nemod: str | None) -> _TermWords:
        printed = tokens(title)
        title_keys = {self.key(w): w for w in printed}
        alternatives = tuple(
            frozenset(self.key(w) for w in tokens(alt) if w not in STOP_WORDS)
            for alt in _ALTERNATIVE_RE.split(title)
        )
        # "(s)", "(e)", "(ing)": spelling variants printed as modifiers, not words.
        nemod_keys = {self.key(w): w for w in tokens(nemod or "") if len(w) > 2}
        connector = bool(printed) and all(w in CONNECTOR_WORDS for w in printed)
        kept = tuple(a for a in alternatives if a)
        content = frozenset().union(*kept)
        return _TermWords(title_keys, kept, content, nemod_keys, connector)

    def view(self, queries: IndexQueries) -> _View:
        found = self._views.get(queries)
        if found is None:
            found = self._views[queries] = _View(queries, self)
        return found


@dataclass(frozen=True, slots=True)
class _Children:
    """A term's children, with those each normalised title word could lead to."""

    rows: list[TermRow]
    by_key: dict[str, list[int]]  # title word key -> indexes into rows
    connectors: list[int]  # joining subterms, always candidates

    def candidates(self, query: _Query) -> list[TermRow]:
        picked = set(self.connectors)
        for key in query.positions:
            picked.update(self.by_key.get(key, ()))
        return [self.rows[i] for i in sorted(picked)]


class _View:
    """One store's index as one normaliser reads it, built lazily and kept.

    Main terms by head word, children by title word, references resolved: a warm query
    touches only the rows its words lead to (the Neoplasm table has ~600 sites under its one
    main term, and the walk would otherwise compare every one of them).
    """

    def __init__(self, queries: IndexQueries, lexicon: _Lexicon) -> None:
        self.queries = queries
        self.lexicon = lexicon
        self._heads: dict[int, dict[str, list[TermRow]]] = {}
        self._children: dict[tuple[int, int], _Children] = {}
        self._resolved: dict[tuple[int, str], tuple[TermRow, ...] | None] = {}

    def heads(self, release_id: int) -> dict[str, list[TermRow]]:
        """Main terms by the first word of each printed alternative ("Fall, falling")."""
        heads = self._heads.get(release_id)
        if heads is None:
            heads = {}
            for term in self.queries.main_terms(release_id):
                for alt in _ALTERNATIVE_RE.split(term.title):
                    first = next((w for w in tokens(alt) if w not in STOP_WORDS), None)
                    if first is not None:
                        bucket = heads.setdefault(self.lexicon.key(first), [])
                        if term not in bucket:
                            bucket.append(term)
            self._heads[release_id] = heads
        return heads

    def children(self, release_id: int, parent_id: int) -> _Children:
        found = self._children.get((release_id, parent_id))
        if found is None:
            rows = self.queries.children(release_id, parent_id)
            by_key: dict[str, list[int]] = {}
            connectors: list[int] = []
            for i, row in enumerate(rows):
                words = self.lexicon.term(row)
                if words.connector:
                    connectors.append(i)
                for key in words.title:
                    by_key.setdefault(key, []).append(i)
            found = self._children[(release_id, parent_id)] = _Children(rows, by_key, connectors)
        return found

    def resolve(self, release_id: int, text: str) -> tuple[TermRow, ...] | None:
        """The terms a reference names ("Accident, transport, car occupant"), or None.

        Resolved by reading titles, not by the stored path, because references are written
        loosely: a main term is named by one alternative ("Neoplasm" for "Neoplasm,
        neoplastic"), "NEC" is dropped, two levels are run together ("Contact, with, sea
        lion" for "sea > lion"), and a last word may stand for a longer title ("streetcar"
        for "streetcar occupant").
        """
        cache_key = (release_id, text)
        if cache_key in self._resolved:
            return self._resolved[cache_key]
        raw, ends = _reference_words(text)
        found = None
        if raw:
            candidates = self.heads(release_id).get(self.lexicon.key(raw[0]), [])
            folded = tuple(default_normalise(w) for w in raw)
            found = self._resolve_in(release_id, candidates, folded, ends, ())
        self._resolved[cache_key] = found
        return found

    def _resolve_in(
        self,
        release_id: int,
        candidates: Sequence[TermRow],
        words: tuple[str, ...],
        ends: tuple[int, ...],
        taken: tuple[TermRow, ...],
    ) -> tuple[TermRow, ...] | None:
        if not words:
            return taken
        part = ends[0]
        options: list[tuple[int, int, int, TermRow]] = []  # (rank, -words read, order, term)
        for order, term in enumerate(candidates):
            for phrase in _title_phrases(term.title):
                n = len(phrase)
                if words[:n] == phrase:
                    options.append((0, -n, order, term))
                elif n > part and phrase[:part] == words[:part]:
                    options.append((1, -part, order, term))
        for _, read, _, term in sorted(options, key=lambda o: o[:3]):
            rest = tuple(e + read for e in ends if e + read > 0)
            children = self.queries.children(release_id, term.id)
            found = self._resolve_in(release_id, children, words[-read:], rest, (*taken, term))
            if found is not None:
                return found
        return None


def _reference_words(text: str) -> tuple[list[str], tuple[int, ...]]:
    """A reference's words, and the word counts at which its printed parts end.

    "(s)" variants, "NEC" and instructions such as "by type" or "by site" are dropped: they
    tell the coder to read on with their own words and name no term.
    """
    words: list[str] = []
    ends: list[int] = []
    for part in text.split(","):
        part = _INSTRUCTION_RE.sub("", _PARENTHESES_RE.sub("", part)).strip()
        kept = [w for w in tokens(part) if w not in ("nec", "nos")]
        if kept:
            words.extend(kept)
            ends.append(len(words))
    return words, tuple(ends)


_LEXICONS: dict[Normaliser, _Lexicon] = {}
_QUERIES: weakref.WeakKeyDictionary[ReferenceStore, IndexQueries] = weakref.WeakKeyDictionary()


def _lexicon(normalise: Normaliser | None) -> _Lexicon:
    fn = normalise or default_normalise
    found = _LEXICONS.get(fn)
    if found is None:
        if len(_LEXICONS) >= 8:  # callers passing a fresh lambda each time must not leak
            _LEXICONS.clear()
        found = _LEXICONS[fn] = _Lexicon(fn)
    return found


def _queries(store: ReferenceStore) -> IndexQueries:
    """The store's ``IndexQueries`` (``store.index`` once attached), one per store."""
    attached = getattr(store, "index", None)
    if isinstance(attached, IndexQueries):
        return attached
    found = _QUERIES.get(store)
    if found is None:
        found = _QUERIES[store] = IndexQueries(store.conn)
    return found


# -- table columns ------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _ColumnRule:
    """Query words naming one table column; ``heading`` is found in the printed head."""

    heading: str
    words: frozenset[str]
    phrases: tuple[tuple[str, ...], ...] = ()


def _rule(heading: str, words: str, *phrases: str) -> _ColumnRule:
    return _ColumnRule(heading, frozenset(words.split()), tuple(tuple(p.split()) for p in phrases))


# Checked in order; the first rule the query names picks the column, and every cue word found
# is read as table wording. "carcinoma in situ" is in situ, not malignant primary; a bare
# "neoplasm of liver" is unspecified behaviour.
NEOPLASM_COLUMNS: tuple[_ColumnRule, ...] = (
    _rule("in situ", "", "in situ"),
    _rule("secondary", "secondary secondaries metastatic metastasis metastases mets", "spread to"),
    _rule("benign", "benign"),
    _rule("uncertain", "uncertain", "uncertain behavior", "uncertain behaviour"),
    _rule(
        "primary",
        "malignant malignancy malignancies cancer carcinoma adenocarcinoma primary",
    ),
    _rule(
        "unspecified",
        "unspecified neoplasm neoplastic neoplasia tumor tumour mass growth",
        "unspecified behavior",
        "unspecified behaviour",
    ),
)
# Words that send a query to the Neoplasm table at all: "benign hypertension" or "secondary
# hypertension" must not be read as sites of the table.
NEOPLASM_NOUNS = _word_set(
    "neoplasm neoplastic neoplasia tumor tumour mass growth cancer carcinoma adenocarcinoma"
    " malignancy malignancies metastatic metastasis metastases mets secondaries"
)

DRUG_COLUMNS: tuple[_ColumnRule, ...] = (
    _rule(
        "adverse",
        "adverse",
        "adverse effect",
        "adverse reaction",
        "side effect",
        "reaction to",
        "allergic reaction",
        "allergy to",
        "hypersensitivity to",
        "properly administered",
        "correct drug",
    ),
    _rule(
        "underdosing",
        "underdosing underdose underdosed",
        "missed dose",
        "took less",
        "taking less",
        "insufficient dose",
    ),
    _rule(
        "self-harm",
        "intentional intentionally suicide suicidal deliberate deliberately",
        "self harm",
        "self inflicted",
        "suicide attempt",
    ),
    _rule("assault", "assault assaulted homicide homicidal"),
    _rule("undetermined", "undetermined", "undetermined intent", "unknown intent"),
    _rule("accidental", "accidental accidentally unintentional unintentionally"),
    # The default for a poisoning that states no intent (Guidelines I.C.19.e.5.b).
    _rule("accidental", "poisoning poisoned overdose overdosed overdosage toxicity intoxication"),
)


@dataclass(frozen=True, slots=True)
class _Column:
    """The column a query picked, and the words that picked it."""

    rule: _ColumnRule
    cues: frozenset[int]  # query positions read as table wording
    assumed: bool  # no cue word at all: the Drug table's accidental column by default


def _names(word: str, words: frozenset[str]) -> bool:
    return word in words or default_normalise(word) in words


def _cue_positions(words: Sequence[str], rule: _ColumnRule) -> set[int]:
    found = {i for i, w in enumerate(words) if _names(w, rule.words)}
    for phrase in rule.phrases:
        n = len(phrase)
        for i in range(len(words) - n + 1):
            if all(default_normalise(words[i + j]) == phrase[j] for j in range(n)):
                found.update(range(i, i + n))
    return found


def _choose_column(source: str, words: Sequence[str]) -> _Column | None:
    """The table column the query names, or None when the query does not enter the table."""
    rules = NEOPLASM_COLUMNS if source == "neoplasm" else DRUG_COLUMNS
    chosen: _ColumnRule | None = None
    cues: set[int] = set()
    for rule in rules:
        positions = _cue_positions(words, rule)
        if positions and chosen is None:
            chosen = rule
        cues |= positions
    if source == "neoplasm" and not any(_names(w, NEOPLASM_NOUNS) for w in words):
        return None
    if chosen is None:
        return _Column(DRUG_COLUMNS[-1], frozenset(), assumed=True) if source == "drug" else None
    return _Column(chosen, frozenset(cues), assumed=False)


def _cell(cells: list[CellRow], column: _Column) -> CellRow | None:
    # "Poisoning Accidental (unintentional)" holds "intentional": match the rule's own key.
    key = column.rule.heading
    return next((c for c in cells if key in c.heading.lower()), None)


# -- the walk -----------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Path:
    """Where the walk stands: the terms of the current location and what has been read."""

    terms: tuple[TermRow, ...]
    consumed: frozenset[int]  # positions that can no longer justify a level on their own
    before_last: frozenset[int]  # ``consumed`` before the last term: a reference reads again
    covered: dict[int, str] = field(default_factory=dict)  # position -> index word
    nemod: dict[int, str] = field(default_factory=dict)
    extra: int = 0
    noise: int = 0  # title words the query did not say, all alternatives counted
    connectors: int = 0  # joining subterms read through without a query word
    last_connector: bool = False
    skipped: bool = False  # a level was read through by looking ahead (once per path)
    via: tuple[CrossReference, ...] = ()
    targets: frozenset[int] = frozenset()  # term ids referred to, to stop loops


@dataclass(frozen=True, slots=True)
class _Found:
    path: _Path
    code: str
    code_key: str
    code_kind: str
    column: str | None


class _Walker:
    """One file, one query: enters at main terms and collects every code reached."""

    def __init__(
        self,
        view: _View,
        release: ReleaseRow,
        source: str,
        query: _Query,
        column: _Column | None,
    ) -> None:
        self.view = view
        self.lexicon = view.lexicon
        self.release = release
        self.source = source
        self.query = query
        self.column = column
        # Words read as table wording ("overdose", "carcinoma") never name a main term or a
        # site; below the site they may ("liver, primary").
        self.cues = column.cues if column else frozenset()
        self.found: list[_Found] = []
        self.budget = VISIT_BUDGET

    def run(self) -> list[_Found]:
        start = dict.fromkeys(self.cues, _COLUMN_WORD)
        # The Neoplasm table's one main term is named by the cue words themselves.
        implied = self.source == "neoplasm"
        for term in self._entries():
            words = self.lexicon.term(term)
            title, nemod = self._hits(words)
            if not implied and not self._new_content(title, self.cues):
                continue
            extra, noise = (0, 0) if implied else self._extra(words)
            self._visit(
                _Path(
                    terms=(term,),
                    consumed=self._content_of(title),
                    before_last=frozenset(),
                    covered={**start, **title},
                    nemod=nemod,
                    extra=extra,
                    noise=noise,
                )
            )
        return self.found

    def _entries(self) -> list[TermRow]:
        if self.source == "neoplasm":
            return self.view.queries.main_terms(self.release.id)
        heads = self.view.heads(self.release.id)
        seen: dict[int, TermRow] = {}
        for p in sorted(self.query.content):
            for term in heads.get(self.query.keys[p], ()):
                seen.setdefault(term.id, term)
        return list(seen.values())

    # -- matching -------------------------------------------------------------------------------
    def _hits(self, words: _TermWords) -> tuple[dict[int, str], dict[int, str]]:
        """Query positions the term's title matches, and those only its modifiers match."""
        positions = self.query.positions
        title = {p: printed for k, printed in words.title.items() for p in positions.get(k, ())}
        nemod = {
            p: printed
            for k, printed in words.nemod.items()
            for p in positions.get(k, ())
            if p not in title
        }
        return title, nemod

    def _extra(self, words: _TermWords) -> tuple[int, int]:
        """Index words the query did not say, in the closest alternative and in the title.

        The second only breaks ties: "lung" before "lingula, lung".
        """
        keys = self.query.keyset
        closest = min((len(alt - keys) for alt in words.alternatives), default=0)
        return closest, len(words.content - keys)

    def _unread(self, path: _Path) -> bool:
        """Whether some query word is still unread: nothing else is worth looking ahead for."""
        return any(p not in path.covered and p not in path.nemod for p in self.query.content)

    def _content_of(self, hits: Mapping[int, str]) -> frozenset[int]:
        return frozenset(p for p in hits if p in self.query.content)

    def _new_content(self, hits: Mapping[int, str], consumed: frozenset[int]) -> bool:
        return any(p in self.query.content and p not in consumed for p in hits)

    # -- moving ---------------------------------------------------------------------------------
    def _visit(self, path: _Path) -> None:
        self.budget -= 1
        if self.budget < 0:
            return
        term = path.terms[-1]
        self._emit(path)
        for kind, text in _references(term):
            self._follow(path, kind, text)
        children = self.view.children(self.release.id, term.id)
        read_on = False
        for child in children.candidates(self.query):
            step = self._step(path, child)
            if step is not None:
                read_on = read_on or not step.last_connector
                self._visit(step)
        if (
            not read_on
            and not path.skipped
            and len(children.rows) <= LOOK_AHEAD_CHILDREN
            and self._unread(path)
        ):
            self._look_ahead(path, children)

    def _look_ahead(self, path: _Path, children: _Children) -> None:
        """At a dead end, read one level further under subterms the query does not name.

        A coder looking for "golf club" under "Struck by" scans the subterms of "bat or
        racquet" too. Once per path, and the skipped title's words count as unasked.
        """
        for child in children.rows:
            words = self.lexicon.term(child)
            if words.connector:
                continue  # already read through
            grandchildren = self.view.children(self.release.id, child.id).candidates(self.query)
            if not grandchildren:
                continue
            extra, noise = self._extra(words)
            title, nemod = self._hits(words)
            through = replace(
                path,
                terms=(*path.terms, child),
                before_last=path.consumed,
                covered={**path.covered, **title},
                nemod={**path.nemod, **nemod},
                extra=path.extra + extra,
                noise=path.noise + noise,
                last_connector=False,
                skipped=True,
            )
            for grandchild in grandchildren:
                step = self._step(through, grandchild)
                if step is not None and not step.last_connector:
                    self._visit(step)

    def _step(self, path: _Path, child: TermRow) -> _Path | None:
        """The path one level down through ``child``, or None if the query does not lead there."""
        words = self.lexicon.term(child)
        title, nemod = self._hits(words)
        blocked = path.consumed | self.cues if len(path.terms) == 1 else path.consumed
        if self._new_content(title, blocked):
            connector, (extra, noise) = False, self._extra(words)
        elif words.connector and not path.last_connector:
            # "with", "in", "due to": read through; a query that says the word pays nothing.
            connector, extra, noise = not title, 0, 0
        else:
            return None
        return replace(
            path,
            terms=(*path.terms, child),
            consumed=path.consumed | self._content_of(title),
            before_last=path.consumed,
            covered={**path.covered, **title},
            nemod={**path.nemod, **nemod},
            extra=path.extra + extra,
            noise=path.noise + noise,
            connectors=path.connectors + connector,
            last_connector=connector,
        )

    def _follow(self, path: _Path, kind: str, text: str) -> None:
        """Continue at the term a see / see also names, with the words not yet read."""
        if len(path.via) >= MAX_REFERENCES:
            return
        target = self.view.resolve(self.release.id, text)
        if target is None or target[-1].id in path.targets:
            return
        covered = dict(path.covered)
        for term in target:  # words of the target the query also says are read there too
            title, _ = self._hits(self.lexicon.term(term))
            covered.update(title)
        ref = CrossReference(kind, _path_text(path.terms), text)
        # The referring term's own words are read again at the target: "colon - see also
        # Neoplasm, intestine, large" finds "colon" under "large".
        self._visit(
            replace(
                path,
                terms=target,
                consumed=path.before_last,
                before_last=path.before_last,
                covered=covered,
                last_connector=False,
                via=(*path.via, ref),
                targets=path.targets | {target[-1].id},
            )
        )

    def _emit(self, path: _Path) -> None:
        term = path.terms[-1]
        if self.column is None:
            if term.code:
                self.found.append(
                    _Found(path, term.code, term.code_key or "", term.code_kind or "code", None)
                )
            return
        cells = self.view.queries.cells(self.release.id, term.id)
        cell = _cell(cells, self.column)
        if cell is not None:
            self.found.append(_Found(path, cell.code, cell.code_key, "cell", cell.heading))


def _references(term: TermRow) -> Iterator[tuple[str, str]]:
    for kind, texts in (("see", term.see), ("see also", term.see_also)):
        for text in (texts or "").split(";"):
            if text.strip():
                yield kind, text.strip()


def _phrase_key(text: str) -> tuple[str, ...]:
    return tuple(default_normalise(w) for w in tokens(text) if w not in ("nec", "nos"))


# Titles are few (about 40,000 across every index file) and never change: kept for good.
_PHRASES: dict[str, frozenset[tuple[str, ...]]] = {}


def _title_phrases(title: str) -> frozenset[tuple[str, ...]]:
    """What a reference may call a title: the whole of it or one printed alternative.

    Each also without its joining words, since references drop them ("Exposure, fire,
    uncontrolled, building" for "in building or structure").
    """
    found = _PHRASES.get(title)
    if found is None:
        phrases = {_phrase_key(title)}
        phrases.update(_phrase_key(alt) for alt in _ALTERNATIVE_RE.split(title))
        phrases.update([tuple(w for w in ph if w not in STOP_WORDS) for ph in phrases])
        found = _PHRASES[title] = frozenset(phrases - {()})
    return found


def _path_text(terms: Sequence[TermRow]) -> str:
    return ", ".join(t.title for t in terms)


def _printed(term: TermRow) -> str:
    return f"{term.title} {term.nemod}" if term.nemod else term.title


# -- scoring and results ------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Scored:
    """A code reached, scored; turned into an ``IndexHit`` only if it is returned."""

    score: float
    found: _Found
    query: _Query
    source: str
    release: ReleaseRow
    assumed: bool  # the Drug table's column taken by default
    synonym: CrossReference | None = None


def _read_words(path: _Path, query: _Query) -> tuple[set[int], set[int]]:
    """Content positions read in titles (or as table wording), and those read only in nemods."""
    read = {p for p in path.covered if p in query.content}
    return read, {p for p in path.nemod if p in query.content and p not in read}


def _score(path: _Path, query: _Query, assumed: bool) -> float:
    read, by_nemod = _read_words(path, query)
    coverage = (len(read) + WEIGHT_NEMOD * len(by_nemod)) / max(len(query.content), 1)
    return (
        WEIGHT_COVERAGE * coverage
        + BONUS_DEPTH * len(path.terms)
        - PENALTY_EXTRA_WORD * path.extra
        - PENALTY_NOISE_WORD * path.noise
        - PENALTY_REFERENCE * len(path.via)
        - PENALTY_CONNECTOR * path.connectors
        - (PENALTY_ASSUMED_COLUMN if assumed else 0.0)
    )


def _explain(s: _Scored, read: set[int], by_nemod: set[int]) -> str:
    path = s.found.path
    parts = [f"{len(read)}/{len(s.query.content)} words read"]
    if by_nemod:
        parts.append(f"{len(by_nemod)} in nonessential modifiers")
    parts.append(f"depth {len(path.terms)}")
    if path.extra:
        parts.append(f"{path.extra} index word(s) not in the query")
    if path.via:
        parts.append(f"{len(path.via)} reference(s) followed")
    if s.found.column:
        parts.append(f"column {s.found.column!r}" + (" assumed" if s.assumed else ""))
    if s.synonym:
        parts.append(f"synonym {s.synonym.source!r} -> {s.synonym.target!r}")
    return ", ".join(parts)


def _hit(s: _Scored) -> IndexHit:
    found, query, path = s.found, s.query, s.found.path
    read, by_nemod = _read_words(path, query)
    read_as = {**path.nemod, **path.covered}
    matched = {
        query.words[p]: (found.column or "") if w is _COLUMN_WORD else w
        for p, w in sorted(read_as.items())
    }
    return IndexHit(
        code=found.code,
        code_key=found.code_key,
        code_kind=found.code_kind,
        source=s.source,
        release=s.release.version,
        path=[_printed(t) for t in path.terms],
        column=found.column,
        manif=path.terms[-1].manif,
        matched=matched,
        unmatched=[query.words[p] for p in sorted(query.content - read - by_nemod)],
        via=[s.synonym, *path.via] if s.synonym else list(path.via),
        score=round(s.score, 3),
        explain=_explain(s, read, by_nemod),
    )


def _walk_one(
    store: ReferenceStore,
    query: _Query,
    on: date,
    sources: Sequence[str],
    lexicon: _Lexicon,
    synonym: CrossReference | None = None,
) -> list[_Scored]:
    if not query.content:
        return []
    view = lexicon.view(_queries(store))
    penalty = PENALTY_SYNONYM if synonym else 0.0
    scored: list[_Scored] = []
    for source in sources:
        chosen = in_force(store, SYSTEM, source, on)
        if chosen is None:
            continue
        column = _choose_column(source, query.words) if source in TABLE_SOURCES else None
        if source in TABLE_SOURCES and column is None:
            continue
        assumed = bool(column and column.assumed)
        for found in _Walker(view, chosen.release, source, query, column).run():
            # Without a poisoning word, a Drug table row answers only a query it reads whole
            # ("acetaminophen"), not one that merely mentions a substance ("fall into water").
            if assumed and sum(map(len, _read_words(found.path, query))) < len(query.content):
                continue
            score = _score(found.path, query, assumed) - penalty
            scored.append(_Scored(score, found, query, source, chosen.release, assumed, synonym))
    return scored


def _synonym_queries(
    text: str, synonyms: Mapping[str, Sequence[str]], lexicon: _Lexicon
) -> list[tuple[str, CrossReference]]:
    """The query rewritten with each alternative of each synonym phrase it contains."""
    words = tokens(text)
    keys = [lexicon.key(w) for w in words]
    found: list[tuple[str, CrossReference]] = []
    for phrase, alternatives in synonyms.items():
        pk = [lexicon.key(w) for w in tokens(phrase)]
        n = len(pk)
        at = next((i for i in range(len(keys) - n + 1) if n and keys[i : i + n] == pk), None)
        if at is None:
            continue
        for alt in alternatives:
            rewritten = " ".join([*words[:at], *tokens(alt), *words[at + n :]])
            found.append((rewritten, CrossReference("synonym", phrase, alt)))
    return found[:MAX_SYNONYM_QUERIES]


def _best_first(scored: list[_Scored], limit: int) -> list[IndexHit]:
    """One hit per (file, code, column), the best-scoring route to it, best first."""
    best: dict[tuple[str, str, str | None], _Scored] = {}
    for s in scored:
        key = (s.source, s.found.code, s.found.column)
        if key not in best or s.score > best[key].score:
            best[key] = s
    order = {name: i for i, name in enumerate(SOURCES)}
    ranked = sorted(
        best.values(), key=lambda s: (-round(s.score, 3), order[s.source], s.found.code)
    )
    return [_hit(s) for s in ranked[:limit]]


def walk(
    store: ReferenceStore,
    query: str,
    on: date,
    *,
    sources: Sequence[str] = SOURCES,
    normalise: Normaliser | None = None,
    synonyms: Mapping[str, Sequence[str]] | None = None,
    limit: int = 20,
) -> list[IndexHit]:
    """Codes the ICD-10-CM index files in force on ``on`` lead to from ``query``, best first.

    Args:
        store: the reference store.
        query: the words as typed ("fall from ladder", "carcinoma in situ of breast").
        on: date of service; each index file answers from its release in force then.
        sources: which files to read, of ``SOURCES``; a file not loaded is skipped.
        normalise: maps each lower-case word (query and index alike) to the form compared;
            replaces ``default_normalise`` (plural folding), e.g. with a stemmer and spelling
            normaliser. Tokenising (accents, possessives, hyphens) happens before it.
        synonyms: phrase -> alternative phrases; each alternative found in the query is
            walked as an extra query and its hits merged, marked by a ``synonym`` reference
            and scored a little lower.
        limit: most hits returned.

    Returns:
        ``IndexHit``s, one per file, code and column, best score first; empty when no main
        term matches.

    Raises:
        InvalidInput: a source that is not one of ``SOURCES``.
    """
    unknown = [s for s in sources if s not in SOURCES]
    if unknown:
        raise InvalidInput(f"unknown index source(s) {unknown}; expected some of {list(SOURCES)}")
    lexicon = _lexicon(normalise)
    scored = _walk_one(store, lexicon.query(query), on, sources, lexicon)
    for rewritten, ref in _synonym_queries(query, synonyms or {}, lexicon):
        scored += _walk_one(store, lexicon.query(rewritten), on, sources, lexicon, ref)
    return _best_first(scored, limit)
