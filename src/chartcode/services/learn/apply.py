"""Suggesting with a learned model: the dictionary's codes re-ranked, learned codes added.

Every learned code still answers to the same rules as the dictionary's: its evidence is the
span of the new text where a learned phrase was found (or, for a code of the most similar
training cases, where the note writes words of its title); a phrase read as negated, family
history or hypothetical does not make a condition present; a code the store does not hold
as valid on the date of service is flagged and never suggested as valid. Codes the model never
saw in training still come from the dictionary pipeline.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import replace

from chartcode.codes import compact, display
from chartcode.services.learn import neighbours, partials, ranker
from chartcode.services.learn.candidates import Candidate, PhraseTable, candidates
from chartcode.services.learn.phrases import Gram, grams
from chartcode.services.learn.title_match import NoteWords, TitleWords
from chartcode.services.learn.validity import CodeCheck, Validity
from chartcode.services.suggest.context import Context
from chartcode.services.suggest.model import (
    Evidence,
    Excluded,
    SuggestedCode,
    SuggestResult,
    in_text_order,
)
from chartcode.services.suggest.sentences import split
from chartcode.store.learned_model import FEATURES, LearnedModel

EVIDENCE_SPANS = 3
# A learned code's evidence is drawn from its strongest phrases read as present: a common code
# can have hundreds in one note, and spans from the weakest would never be shown.
EVIDENCE_PHRASES = 24
BELOW_KEPT = 60  # codes under the cut-off listed for review, per system
JOIN_GAP = 8  # characters between two phrases of one span: a space and a short word
_JOINER = re.compile(r"\s+(?:[A-Za-z]{1,5}\s+)?")
NOT_PRESENT = frozenset({"negated", "family", "hypothetical"})


class ModelSuggester:
    def __init__(self, model: LearnedModel, validity: Validity) -> None:
        self.model = model
        self.validity = validity
        self.boosters = {s: ranker.Booster(r.models) for s, r in model.rankers.items()}
        self.table = PhraseTable.of(model)
        # A model trained with the title features reads titles from the store in force; one
        # from before them knows fewer features, and gets only those.
        self.titles = (
            TitleWords(lambda key: validity.title(*key))
            if model.meta.get("title_features")
            else None
        )
        self.width = len(model.meta.get("features", FEATURES))
        # A model trained with partial ICD-10-PCS codes completed completes them; one from
        # before was trained and cut on them as the dictionary read them, and keeps them so.
        self.completions = (
            {
                prefix: c
                for prefix, c in partials.completions(model.codes, model.documents_with).items()
                if validity.check(partials.PCS, c.code).valid
            }
            if model.meta.get("completes_partials")
            else {}
        )
        self.neighbours = (
            neighbours.Neighbours(model.neighbours, model.codes)
            if model.neighbours is not None
            else None
        )

    def apply(self, result: SuggestResult) -> SuggestResult:
        text = result.text
        found = grams(text, self.model.salt)
        learned_systems = set(self.model.rankers)
        own = [c for c in result.codes if c.system in learned_systems]
        others = [c for c in result.codes if c.system not in learned_systems]
        sentences = _Sentences(text)
        kept: list[SuggestedCode] = []
        below: list[SuggestedCode] = []
        excluded = list(result.excluded)
        note = NoteWords(text, sentences.spans) if self.titles is not None else None
        nearest = (
            self.neighbours.nearest(neighbours.word_counts(found)) if self.neighbours else None
        )
        cands = candidates(
            own,
            found,
            self.table,
            note,
            self.titles,
            nearest,
            self.completions,
            similar_cases=bool(self.model.meta.get("similar_case_candidates")),
        )
        probs: dict[int, float] = {}
        for system, booster in self.boosters.items():
            mine = [i for i, c in enumerate(cands) if c.key[0] == system]
            rows = [cands[i].features[: self.width] for i in mine]
            for i, p in zip(mine, booster.predict(rows), strict=True):
                probs[i] = p
        below_left = dict.fromkeys(self.model.rankers, BELOW_KEPT)
        made: list[tuple[float, Candidate, SuggestedCode]] = []
        for i in sorted(probs, key=lambda i: -probs[i]):
            cand, p = cands[i], probs[i]
            below_cut = p < self.model.rankers[cand.key[0]].threshold
            if below_cut and below_left[cand.key[0]] <= 0:
                continue  # far down the list: not worth a coder's review
            code = self._code(cand, p, sentences, excluded)
            if code is None:
                continue
            made.append((p, cand, code))
            if below_cut:
                below_left[cand.key[0]] -= 1
        cuts = {system: r.threshold for system, r in self.model.rankers.items()}
        for s in partials.settle([(p, c.key) for p, c, _ in made], self.completions, cuts):
            p, cand, code = made[s.at]
            if s.completed is not None:
                code = _completed(code, self.validity.check(*s.key), cand.key[1], s.completed)
            if s.folded:
                code = _folded(code, [made[j][2] for j in s.folded])
            r = self.model.rankers[cand.key[0]]
            if p >= r.threshold:
                kept.append(code)
            else:
                code.flags.append(f"below model {self.model.name}'s cut-off ({r.threshold:.2f})")
                below.append(code)
        kept.sort(key=lambda c: -c.score)
        below.sort(key=lambda c: -c.score)
        return replace(
            result,
            codes=kept + others,
            candidates=below,
            excluded=excluded,
            model=self.model.name,
        )

    def _code(
        self, cand: Candidate, p: float, sentences: _Sentences, excluded: list[Excluded]
    ) -> SuggestedCode | None:
        why = _phrase_note(cand)
        if cand.dictionary is not None:
            d = cand.dictionary
            out = replace(
                d,
                score=p,
                rationale=[*d.rationale, f"model {self.model.name}: probability {p:.2f}{why}"],
                flags=list(d.flags),
            )
            read = compact(d.code)
            if read != cand.key[1]:  # a partial code the candidates completed
                done = self.validity.check(*cand.key)
                out = _completed(out, done, read, self.completions[read])
            return out
        shown = display(*cand.key)
        if not cand.phrases and cand.written is not None:
            return self._from_similar_cases(cand, p, sentences, excluded)
        present = _present(cand.phrases, sentences)
        if not present:
            g = cand.phrases[0][1]
            excluded.append(
                Excluded(
                    shown,
                    _evidence(sentences.text, g),
                    f"learned phrase read as {sentences.context(g)}",
                )
            )
            return None
        evidence = _spans(sentences.text, present)
        rationale = f"model {self.model.name}: probability {p:.2f}{why}"
        return self._valid(cand, p, evidence, rationale, "learned code", excluded)

    def _from_similar_cases(
        self, cand: Candidate, p: float, sentences: _Sentences, excluded: list[Excluded]
    ) -> SuggestedCode | None:
        """A code of the most similar training cases whose title words the note writes."""
        assert cand.written is not None
        where = Gram(b"", *cand.written, 0)
        evidence = _evidence(sentences.text, where)
        context = sentences.context(where)
        if context in NOT_PRESENT:
            shown = display(*cand.key)
            why = f"code of similar cases {shown}: its title's words read as {context}"
            excluded.append(Excluded(shown, evidence, why))
            return None
        rationale = (
            f"model {self.model.name}: probability {p:.2f}; coded on the training cases most"
            " like this note, and these words are its title's"
        )
        return self._valid(cand, p, [evidence], rationale, "code of similar cases", excluded)

    def _valid(
        self,
        cand: Candidate,
        p: float,
        evidence: list[Evidence],
        rationale: str,
        source: str,
        excluded: list[Excluded],
    ) -> SuggestedCode | None:
        """The code, or None (and why, under excluded) when it is not valid on the date."""
        system, code = cand.key
        shown = display(system, code)
        check = self.validity.check(system, code)
        if not check.valid:
            excluded.append(Excluded(shown, evidence[0], f"{source} {shown}: {check.flag}"))
            return None
        return SuggestedCode(
            system=system,
            code=shown,
            title=check.title,
            score=p,
            release=check.release,
            evidence=evidence,
            rationale=[rationale],
            flags=[check.flag] if check.flag else [],
            billable=check.billable,
        )


def _completed(
    code: SuggestedCode, check: CodeCheck, prefix: str, c: partials.Completion
) -> SuggestedCode:
    """A partial code suggested as the full code the team most often coded under it."""
    return replace(
        code,
        code=display(partials.PCS, c.code),
        title=check.title,
        release=check.release,
        billable=check.billable,
        rationale=[
            *code.rationale,
            f"{prefix} completed as {c.code}: the full code of {c.cases} of the"
            f" {c.under} coded cases under {prefix}",
        ],
        flags=[f for f in code.flags if not f.startswith("partial")]
        + [f"completed from {prefix} by the team's coded cases: confirm axes 5-7"]
        + ([check.flag] if check.flag else []),
    )


def _folded(code: SuggestedCode, others: list[SuggestedCode]) -> SuggestedCode:
    """One code for one procedure: the others' evidence joins the best-ranked one's."""
    evidence = in_text_order([*code.evidence, *(e for o in others for e in o.evidence)])
    also = ", ".join(dict.fromkeys(o.code for o in others))
    return replace(code, evidence=evidence, rationale=[*code.rationale, f"also read as {also}"])


def _present(found: list[tuple[float, Gram]], sentences: _Sentences) -> list[tuple[float, Gram]]:
    """The strongest ``EVIDENCE_PHRASES`` of ``found`` (strongest first) read as present."""
    out: list[tuple[float, Gram]] = []
    for w, g in found:
        if sentences.context(g) not in NOT_PRESENT:
            out.append((w, g))
            if len(out) == EVIDENCE_PHRASES:
                break
    return out


def _phrase_note(cand: Candidate) -> str:
    if not cand.phrases:
        return ""
    n = len(cand.phrases)
    return f"; {n} learned phrase{'s' if n > 1 else ''}, strongest {cand.phrases[0][0]:.2f}"


def _evidence(text: str, g: Gram) -> Evidence:
    return Evidence(g.start, g.end, text[g.start : g.end])


def _spans(text: str, found: list[tuple[float, Gram]]) -> list[Evidence]:
    """Where the learned phrases are, as spans of the new text, strongest first.

    Phrases that overlap or are joined by a short word ("sugar trouble" + "with" + "tingling
    toes") make one span. The strongest spans are returned in text order.
    """
    merged: list[tuple[int, int, float]] = []
    for weight, g in sorted(found, key=lambda x: x[1].start):
        if merged and _joined(text, merged[-1][1], g.start):
            start, end, best = merged[-1]
            merged[-1] = (start, max(end, g.end), max(best, weight))
        else:
            merged.append((g.start, g.end, weight))
    strongest = sorted(merged, key=lambda m: (-m[2], m[0]))[:EVIDENCE_SPANS]
    return [Evidence(a, b, text[a:b]) for a, b, _ in sorted(strongest)]


def _joined(text: str, end: int, start: int) -> bool:
    gap = text[end:start] if start > end else ""
    return start <= end or (len(gap) <= JOIN_GAP and _JOINER.fullmatch(gap) is not None)


class _Sentences:
    """The context (present, negated, family...) a span was written in, read per sentence."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.spans = split(text)
        self.starts = [s.start for s in self.spans]
        self._contexts: dict[int, Context] = {}
        self._seen: dict[tuple[int, int], str] = {}

    def context(self, g: Gram) -> str:
        key = (g.start, g.end)
        if key not in self._seen:
            self._seen[key] = self._context(g)
        return self._seen[key]

    def _context(self, g: Gram) -> str:
        i = bisect_right(self.starts, g.start) - 1
        if i < 0:
            return "present"
        span = self.spans[i]
        if i not in self._contexts:
            self._contexts[i] = Context(self.text[span.start : span.end])
        hits = self._contexts[i].at(g.start - span.start, g.end - span.start)
        return hits[0].category if hits else "present"
