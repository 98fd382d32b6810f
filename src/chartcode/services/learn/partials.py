"""Partial ICD-10-PCS codes completed the way the team's own coded cases complete them.

The builder stops at four characters (section, body system, root operation, body part) when
a note states no approach, device or qualifier, and flags the code partial. A team that has
coded cases under that prefix shows how it completes it: "0TT1" (resection of the left kidney)
was coded 0TT10ZZ in the cases that named one. ``completions`` reads that from a phrase table
(the most frequent full code under each prefix, in ``MIN_SUPPORT`` cases or more); ``settle``
applies it to a ranked list and folds duplicates, so that one procedure is suggested once:

* a partial code with a completion is suggested as it, flagged for the coder to confirm;
* a code listed twice (a completion that was already a candidate) stands once, at its best
  rank, the other's evidence folded into it;
* a partial code left incomplete yields to a full code under it that is suggested, as the
  dictionary pipeline's own prefixes do.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from chartcode.services.learn.associations import MIN_SUPPORT
from chartcode.store.learned_model import CodeKey

PCS = "icd10pcs"
PREFIX = 4
FULL = 7


@dataclass(frozen=True, slots=True)
class Completion:
    code: str  # the full code
    cases: int  # training cases coded with it
    under: int  # training cases coded with any full code under the prefix


@dataclass(frozen=True, slots=True)
class Settled:
    at: int  # index, in the ranked list, of the entry that stands
    key: CodeKey  # what it is suggested as
    completed: Completion | None  # set when ``key`` completes the entry's partial code
    folded: tuple[int, ...] = ()  # indices of later entries that name the same code


def completions(codes: Sequence[CodeKey], documents_with: Sequence[int]) -> dict[str, Completion]:
    """Prefix -> the full code the team most often coded under it (ties: the lower code).

    ``codes`` and ``documents_with`` are a phrase table's labels and their case counts.
    """
    best: dict[str, tuple[int, str]] = {}
    under: dict[str, int] = {}
    for (system, code), n in zip(codes, documents_with, strict=True):
        if system != PCS or len(code) != FULL:
            continue
        prefix = code[:PREFIX]
        under[prefix] = under.get(prefix, 0) + n
        held = best.get(prefix)
        if held is None or (n, held[1]) > (held[0], code):
            best[prefix] = (n, code)
    return {
        prefix: Completion(code, n, under[prefix])
        for prefix, (n, code) in best.items()
        if n >= MIN_SUPPORT
    }


def settle(
    ranked: Sequence[tuple[float, CodeKey]],
    full_codes: Mapping[str, Completion],
    cuts: Mapping[str, float],
) -> list[Settled]:
    """What a ranked list (best first) suggests once partial codes are settled.

    ``cuts`` holds each system's cut-off: a partial code yields only to a full code that is
    suggested, not to one listed below the cut-off for review.
    """
    out: list[Settled] = []
    where: dict[CodeKey, int] = {}
    for i, (_p, key) in enumerate(ranked):
        completed = full_codes.get(key[1]) if is_partial(key) else None
        final = (PCS, completed.code) if completed is not None else key
        held = where.get(final)
        if held is not None:
            s = out[held]
            out[held] = Settled(s.at, s.key, s.completed, (*s.folded, i))
            continue
        where[final] = len(out)
        out.append(Settled(i, final, completed))
    suggested = [
        s.key[1]
        for s in out
        if s.key[0] == PCS and len(s.key[1]) == FULL and ranked[s.at][0] >= cuts.get(PCS, 1.0)
    ]
    kept: list[Settled] = []
    covered: list[Settled] = []
    for s in out:
        if is_partial(s.key) and any(c.startswith(s.key[1]) for c in suggested):
            covered.append(s)
        else:
            kept.append(s)
    for p in covered:
        # The best-ranked full code under the prefix: suggested, since one under it is.
        j = next(j for j, s in enumerate(kept) if s.key[0] == PCS and s.key[1].startswith(p.key[1]))
        s = kept[j]
        kept[j] = Settled(s.at, s.key, s.completed, (*s.folded, p.at, *p.folded))
    return kept


def is_partial(key: CodeKey) -> bool:
    return key[0] == PCS and len(key[1]) == PREFIX
