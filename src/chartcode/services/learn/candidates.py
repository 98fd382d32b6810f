"""Candidate codes for one document and the features the ranker weighs them by.

A candidate comes from the dictionary pipeline (its suggestions, with their scores and
evidence), from the learned phrases found in the text, or both; or it is a code the most
similar training cases were coded with, where one sentence of the note writes words of its
official title (the evidence is those words). The last reaches codes too rare in training to
have a learned phrase (a phrase needs two cases): measured with 10-fold cross-fitting, held-out
D MAP 0.575 -> 0.585, P MAP 0.473 -> 0.479; dev D MAP 0.568 -> 0.579. The same function builds
candidates when training (over held-out folds) and when suggesting, so the ranker sees at
suggestion time exactly what it was trained on.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from operator import itemgetter

from chartcode.codes import compact
from chartcode.services.learn.neighbours import Nearest, Votes, vote
from chartcode.services.learn.partials import Completion, is_partial
from chartcode.services.learn.phrases import Gram
from chartcode.services.learn.title_match import NoteWords, TitleWords
from chartcode.services.suggest.model import SuggestedCode
from chartcode.store.learned_model import MISSING, CodeKey, LearnedModel

PER_SYSTEM = 150  # learned-only candidates kept per system, strongest first
# A code the most similar training cases were coded with is a candidate when one sentence of
# the note writes this much of its title (cosine of the word sets). Chosen on the held-out
# training folds: ICD-10-CM D MAP 0.580 / 0.583 / 0.585 at 0.3 / 0.2 / 0.1; ICD-10-PCS
# titles share generic words ("Approach", "Tomography"), and 0.2 did best for them.
WRITTEN_TITLE = {"icd10cm": 0.1, "icd10pcs": 0.2}


@dataclass(slots=True)
class PhraseTable:
    """A model's phrase weights and code frequencies, in the form scoring needs."""

    phrases: dict[bytes, list[tuple[int, float]]]
    codes: Sequence[CodeKey]
    documents_with: Sequence[int]
    documents: int
    # How the dictionary fared on the training cases, per code: (right, suggested).
    dictionary_record: dict[CodeKey, tuple[int, int]] = field(default_factory=dict)
    # What the team codes where the dictionary reads a code: dictionary code -> (label, weight).
    substitutions: dict[CodeKey, list[tuple[int, float]]] = field(default_factory=dict)
    index_of: dict[CodeKey, int] = field(init=False)

    def __post_init__(self) -> None:
        self.index_of = {c: i for i, c in enumerate(self.codes)}

    @classmethod
    def of(cls, model: LearnedModel) -> PhraseTable:
        """The table a trained model holds."""
        return cls(
            model.phrases,
            model.codes,
            model.documents_with,
            model.documents,
            model.dictionary_record,
            model.substitutions,
        )


@dataclass(slots=True)
class Candidate:
    key: CodeKey
    features: list[float]
    dictionary: SuggestedCode | None = None
    phrases: list[tuple[float, Gram]] = field(default_factory=list)  # strongest first
    # A candidate from similar cases: where the note writes the words of its title.
    written: tuple[int, int] | None = None


@dataclass(slots=True)
class _Context:
    """What every candidate of one note is weighed against."""

    learned: dict[int, list[tuple[float, Gram]]]
    carriers: dict[CodeKey, int]
    table: PhraseTable
    categories: dict[tuple[str, str], int]
    note: NoteWords | None
    titles: TitleWords | None
    votes: Votes | None


def candidates(
    suggested: Sequence[SuggestedCode],
    grams: Sequence[Gram],
    table: PhraseTable,
    note: NoteWords | None = None,
    titles: TitleWords | None = None,
    nearest: Nearest | None = None,
    full_codes: Mapping[str, Completion] | None = None,
    similar_cases: bool = False,
) -> list[Candidate]:
    """Every candidate of one note, with its features.

    ``note`` and ``titles`` give the title features, ``nearest`` (the note's most similar
    training cases, ``Neighbours.nearest``) the case features; without them those are left
    missing, as for a model trained without them. ``similar_cases`` adds the codes of the
    nearest cases whose titles the note writes (``WRITTEN_TITLE``); a model trained before
    them does not get them.
    """
    # A note has thousands of phrases and each points to many codes: the hottest loop of
    # suggesting with a model, hence the defaultdict (no empty list made per phrase).
    by_index: defaultdict[int, list[tuple[float, Gram]]] = defaultdict(list)
    phrases = table.phrases
    for g in grams:
        for index, weight in phrases.get(g.key, ()):
            by_index[index].append((weight, g))
    learned = dict(by_index)
    # The team's own reading of what the dictionary found ("smoker": F17.210 read, F17.290
    # coded) counts as a learned phrase found at the dictionary's evidence.
    for sc in suggested:
        subs = table.substitutions.get((sc.system, compact(sc.code)), ())
        if subs and sc.evidence:
            ev = sc.evidence[0]
            for index, weight in subs:
                learned.setdefault(index, []).append((weight, Gram(b"", ev.start, ev.end, 0)))
    carriers, folded = _fold_into_specific(learned, suggested, table)
    # How many of the dictionary's codes share a candidate's category (E11 for E11.65).
    categories: dict[tuple[str, str], int] = {}
    for s in suggested:
        cat = (s.system, compact(s.code)[:3])
        categories[cat] = categories.get(cat, 0) + 1
    votes = Votes(nearest) if nearest is not None else None
    ctx = _Context(learned, carriers, table, categories, note, titles, votes)
    out: dict[CodeKey, Candidate] = {}
    rank_in_system: dict[str, int] = {}
    for s in suggested:
        read = (s.system, compact(s.code))
        # A partial ICD-10-PCS code the team completes one way stands as that full code.
        done = full_codes.get(read[1]) if full_codes and is_partial(read) else None
        key = (read[0], done.code) if done is not None else read
        if key in out:
            continue
        rank_in_system[s.system] = rank_in_system.get(s.system, 0) + 1
        out[key] = _candidate(key, s, rank_in_system[s.system], ctx, read)
    by_system: dict[str, list[tuple[float, int]]] = {}
    for index, found in learned.items():
        key = table.codes[index]
        if key not in out and index not in folded:
            by_system.setdefault(key[0], []).append((_noisy_or(found), index))
    for ranked in by_system.values():
        for _, index in sorted(ranked, reverse=True)[:PER_SYSTEM]:
            key = table.codes[index]
            out[key] = _candidate(key, None, 0, ctx)
    if similar_cases and votes is not None and note is not None and titles is not None:
        for key in votes.cases:
            if key in out or table.index_of.get(key) in folded:
                continue
            where = note.written(titles(key))
            if where is not None and where[0] >= WRITTEN_TITLE.get(key[0], 1.0):
                out[key] = _candidate(key, None, 0, ctx, written=where[1:])
    return list(out.values())


def _fold_into_specific(
    learned: dict[int, list[tuple[float, Gram]]],
    suggested: Sequence[SuggestedCode],
    table: PhraseTable,
) -> tuple[dict[CodeKey, int], set[int]]:
    """Learned labels the dictionary read more specifically, folded into its code.

    A label from an older release (R51, since split into R51.0 and R51.9) or a 4-character
    ICD-10-PCS table (BW20) names the same finding as the dictionary's more specific code
    under it (R51.9, BW20ZZZ): its phrases count for that code, and it is not listed beside
    it. The first code under a label, in the dictionary's order, takes it. Returns each such
    code's phrase list (a learned index) and the labels folded away.
    """
    specific = list(dict.fromkeys((s.system, compact(s.code)) for s in suggested))
    carriers: dict[CodeKey, int] = {}
    folded: set[int] = set()
    for index in list(learned):
        system, label = table.codes[index]
        key = next(
            (k for k in specific if k[0] == system and k[1] != label and k[1].startswith(label)),
            None,
        )
        if key is None:
            continue
        folded.add(index)
        carrier = carriers.setdefault(key, table.index_of.get(key, index))
        if carrier != index:
            learned.setdefault(carrier, []).extend(learned[index])
    return carriers, folded


def _noisy_or(found: list[tuple[float, Gram]]) -> float:
    miss = 1.0
    for w, _ in found:
        miss *= 1.0 - w
    return 1.0 - miss


def _candidate(
    key: CodeKey,
    suggested: SuggestedCode | None,
    rank: int,
    ctx: _Context,
    read: CodeKey | None = None,
    written: tuple[int, int] | None = None,
) -> Candidate:
    table, categories = ctx.table, ctx.categories
    index = ctx.carriers.get(key, table.index_of.get(key))
    found = sorted(
        ctx.learned.get(index, []) if index is not None else [], key=itemgetter(0), reverse=True
    )
    seen = table.documents_with[index] if index is not None else 0
    right, tried = table.dictionary_record.get(read or key, (0, 0))
    features = [
        1.0,
        suggested.score if suggested else 0.0,
        1.0 if suggested else 0.0,
        1.0 / rank if rank else 0.0,
        _noisy_or(found),
        found[0][0] if found else 0.0,
        math.log1p(len(found)),
        math.log((seen + 0.5) / (table.documents + 1.0)),
        1.0 if seen else 0.0,
        1.0 if suggested and seen else 0.0,
        math.log1p(len(suggested.evidence)) if suggested else 0.0,
        float(found[0][1].size) if found else 0.0,
        sum(w for w, _ in found),
        1.0 if suggested and suggested.context != "present" else 0.0,
        float(categories.get((key[0], key[1][:3]), 0) - (1 if suggested else 0)),
        float(len(key[1])),
        (right + 1.0) / (tried + 2.0),
        math.log1p(tried),
        *_title_features(key, suggested, found, ctx, written),
        *vote(ctx.votes, key),
        *_where_in_the_code_set(key),
    ]
    return Candidate(key, features, suggested, found, written)


def _where_in_the_code_set(key: CodeKey) -> list[float]:
    """The code's first three characters, as numbers the trees can cut into ranges.

    They say where a code sits: an ICD-10-CM chapter and category (R10: a symptom of the
    abdomen), an ICD-10-PCS section, body system and root operation (0DT: resection in the
    gastrointestinal system). How often a team codes what the dictionary or a phrase reads
    differs by where (imaging is coded whenever named; a bare "resection" less often).
    """
    return [float(ord(c)) for c in key[1][:3].ljust(3)]


def _title_features(
    key: CodeKey,
    suggested: SuggestedCode | None,
    found: list[tuple[float, Gram]],
    ctx: _Context,
    written: tuple[int, int] | None,
) -> list[float]:
    if ctx.note is None or ctx.titles is None:
        return [MISSING, MISSING]
    if suggested is not None and suggested.evidence:
        at: int | None = suggested.evidence[0].start
    elif found:
        at = found[0][1].start
    else:
        at = written[0] if written else None
    title = ctx.titles(key, suggested.title if suggested else None)
    return ctx.note.features(title, at)
