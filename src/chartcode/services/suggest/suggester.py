"""Coding a case: clinical text in, ICD-10-CM and ICD-10-PCS codes out, each with evidence.

Contract: ``Suggester(store, on)`` loads, once, what coding needs from the releases in force on
the date of service (the ICD-10-CM vocabulary and Tabular List, the ICD-10-PCS tables view);
``suggest(text, policy)`` returns a ``SuggestResult``. The steps, one module each:

1. ``sections`` and ``sentences`` cut the note; ``context`` reads each sentence's triggers;
2. ``mentions`` finds the vocabulary's terms; each mention gets its context (the sentence's
   triggers, then its section: a family-history section makes it the family's);
3. the policy and context decide what a mention yields: a present condition its code, a
   relative's a family-history code (Z80-Z84), a past one its history code (Z85-Z87, I25.2)
   where the guidelines have one, a negated or hypothetical one nothing (listed in
   ``excluded`` with the reason), an uncertain one its code under ``us-inpatient`` and
   ``code-every-mention`` only;
4. ``assemble`` makes each code complete and merges details (diabetes combinations);
5. ``validate`` checks billability, Excludes1, partners and the symptom policy;
6. procedure clauses are built into ICD-10-PCS codes by the PCS builder;
7. codes are ranked by score and one is marked as the principal / first-listed candidate.

Scores are heuristic weights in 0..1 (documented in ``_score``), measured on CodiEsp by
``benchmarks/codiesp_eval.py``; they rank, they are not probabilities.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cache

from chartcode.errors import ReleaseNotFound
from chartcode.lexicon.tsv import rows
from chartcode.services.pcs.tables_view import tables_view
from chartcode.services.releases import in_force
from chartcode.services.suggest import mentions as mention_finder
from chartcode.services.suggest import sections as section_finder
from chartcode.services.suggest.assemble import Assembler
from chartcode.services.suggest.context import Context, ContextHit
from chartcode.services.suggest.cpt import CptMatcher
from chartcode.services.suggest.model import (
    Evidence,
    Excluded,
    Policy,
    SuggestedCode,
    SuggestResult,
    in_text_order,
)
from chartcode.services.suggest.procedures import PcsBuild, PcsCoder, procedure_clauses
from chartcode.services.suggest.sentences import split
from chartcode.services.suggest.tabular import Tabular
from chartcode.services.suggest.validate import Validator, dotted
from chartcode.services.suggest.vocabulary import Vocabulary
from chartcode.store.reference import ReferenceStore

CONTEXT_ORDER = ("negated", "family", "hypothetical", "possible", "historical")
# Weights measured on the CodiEsp *training* split (precision of each kind of match), so the
# dev split stays a fair test: index defaults are right about 2 times in 3, titles and
# inclusion terms about 2 in 5, abbreviations and lay phrases 1 in 4 or less.
SOURCE_WEIGHT = {
    "default": 0.90,
    "title": 0.68,
    "inclusion": 0.64,
    "abbreviation": 0.50,
    "lay": 0.52,
    "neoplasm": 0.62,
}
# Chapters whose codes a bare lexical match gets right least often (same measurement):
# factors influencing health status (Z), injuries (S, T), neoplasms (C, D: the behaviour and
# site are often stated apart from the word that matched), mental disorders (F).
CHAPTER_PENALTY = {"Z": 0.25, "S": 0.2, "T": 0.15, "C": 0.1, "D": 0.1, "F": 0.12}
SECTION_BONUS = {
    "assessment": 0.10,
    "postop_diagnosis": 0.12,
    "preop_diagnosis": 0.08,
    "chief_complaint": 0.06,
    "indications": 0.04,
}
# Mentions in a note's opening lines (the presenting complaint) are coded more often than
# later ones (measured on the CodiEsp training split).
OPENING_CHARS = 400
OPENING_BONUS = 0.1
RESIDUAL_RANK = 5
LOOSE_PENALTY = 0.3
RESIDUAL_PENALTY = 0.25
CATCH_ALL_FILE = "catch_all_codes.tsv"
CATCH_ALL_PENALTY = 0.3
CONTEXT_PENALTY = {
    "possible": 0.12,
    "family": 0.12,
    "historical": 0.0,
    "negated": 0.05,
    "hypothetical": 0.15,
}
NO_DIAGNOSES = frozenset({"medications", "allergies", "social_history", "plan"})
NO_PROCEDURES = frozenset({"family_history", "allergies", "medications", "social_history"})
PRINCIPAL_SECTIONS = ("postop_diagnosis", "assessment", "preop_diagnosis", "chief_complaint")


def catch_all_codes() -> frozenset[str]:
    """Codes a bare word leads to when the note says more elsewhere ("tumor" -> D49.9)."""
    return _catch_all()


def catch_all_specifics() -> dict[str, tuple[str, ...]]:
    """Catch-all code -> the code prefixes that name what it names, more precisely.

    A note that yields one of them has said what the bare word meant ("tumor" D49.9 next to
    C64.1); an empty tuple: the code is only ranked low (``catch_all_codes.tsv``).
    """
    return _catch_all_specifics()


@cache
def _catch_all() -> frozenset[str]:
    return frozenset(_catch_all_specifics())


@cache
def _catch_all_specifics() -> dict[str, tuple[str, ...]]:
    return {
        c.replace(".", ""): tuple(p.replace(".", "") for p in specific.split())
        for _, (c, specific, _n) in rows(CATCH_ALL_FILE, ("code", "specific", "note"))
    }


@dataclass
class _Found:
    code: str  # compact
    score: float
    context: str
    trigger: str | None
    section: str
    evidence: Evidence
    rationale: list[str] = field(default_factory=list)


class Suggester:
    def __init__(self, store: ReferenceStore, on: date) -> None:
        self.store = store
        self.on = on
        self.warnings: list[str] = []
        cm = in_force(store, "icd10cm", "tabular", on)
        if cm is None:
            raise ReleaseNotFound("no ICD-10-CM tabular is loaded: run `chartcode data import`")
        if cm.warning:
            self.warnings.append(cm.warning)
        self.cm_release = cm.release
        self.tabular = Tabular.load(store, cm.release.id, cm.release.version)
        self.vocabulary = Vocabulary.build(store, cm.release.id)
        self.assembler = Assembler(self.tabular)
        self.validator = Validator(self.tabular)
        self.cpt: CptMatcher | None = None
        rvu = in_force(store, "pfs", "rvu", on)
        if rvu is not None:
            self.cpt = CptMatcher.build(store, rvu.release.id, rvu.release.version)
        self.pcs: PcsCoder | None = None
        if store.releases_of("icd10pcs", "tables"):
            view = tables_view(store, on)
            self.pcs = PcsCoder(view, store)
            self.warnings += list(view.warnings)

    # -- the pipeline -------------------------------------------------------------------------
    def suggest(self, text: str, policy: Policy | str = Policy.US_INPATIENT) -> SuggestResult:
        policy = Policy(policy)
        sections = section_finder.find(text) if text else []
        found: list[_Found] = []
        excluded: list[Excluded] = []
        pcs_found: dict[str, SuggestedCode] = {}
        for sentence in split(text):
            section = section_finder.section_at(sections, sentence.start)
            if sentence.end <= section.body_start:
                continue  # the header's own words ("Family history:") are not findings
            s, e = max(sentence.start, section.body_start), sentence.end
            context = Context(text[s:e])
            words = frozenset(f for w in mention_finder.words_of(text, s, e) for f in w.forms)
            if section.name not in NO_DIAGNOSES:
                every = policy is Policy.CODE_EVERY_MENTION
                for m in mention_finder.find(self.vocabulary, text, s, e, nested=every):
                    hits = context.at(m.start - s, m.end - s)
                    self._read(m, hits, section.name, words, policy, found, excluded)
            if self.pcs is not None and section.name not in NO_PROCEDURES:
                self._procedures(text, s, e, context, section.name, pcs_found, policy)
        codes = self._merge(found)
        self._combine(codes)
        excluded += _without_redundant_catch_alls(codes)
        kept, dropped = self.validator.check(codes, policy)
        excluded += dropped
        ranked = sorted(kept.values(), key=lambda c: -c.score)
        self._sequence(ranked, policy, sections)
        procedures = _without_covered_prefixes(pcs_found).values()
        pcs = sorted(procedures, key=lambda c: (c.system != "icd10pcs", -c.score))
        return SuggestResult(
            text=text,
            on=self.on.isoformat(),
            policy=policy.value,
            codes=ranked + pcs,
            excluded=excluded,
            sections=[
                {"name": s.name, "header": s.header, "start": s.start, "end": s.end}
                for s in sections
            ],
            warnings=list(self.warnings),
        )

    # -- steps --------------------------------------------------------------------------------
    def _read(
        self,
        m: mention_finder.Mention,
        hits: list[ContextHit],
        section: str,
        words: frozenset[str],
        policy: Policy,
        found: list[_Found],
        excluded: list[Excluded],
    ) -> None:
        ev = Evidence(m.start, m.end, m.text)
        by_cat = {h.category: h for h in hits}
        if section == "family_history" and "family" not in by_cat and "negated" not in by_cat:
            by_cat["family"] = ContextHit("family", "Family history", 0, 0, "section")
        if section == "differential" and "possible" not in by_cat:
            by_cat["possible"] = ContextHit("possible", "Differential", 0, 0, "section")
        if (
            section == "past_history"
            and not by_cat
            and self.assembler.history_code(m.term.code) is not None
        ):
            # An episode listed under past history (an MI, a stroke, a cancer treated) is a
            # past one: the guidelines code its history (Z85-Z87, I25.2), not the episode.
            by_cat["historical"] = ContextHit("historical", "Past medical history", 0, 0, "section")
        context = next((c for c in CONTEXT_ORDER if c in by_cat), "present")
        hit = by_cat.get(context)
        trigger = hit.trigger if hit else None
        code = m.term.code
        why = [f"'{m.text}' matches {m.term.source} '{m.term.label}' ({dotted(code)})"]
        if m.nested:
            why.append("also inside a longer mention: coded because every mention is coded")
        if policy is Policy.CODE_EVERY_MENTION and context != "present":
            # CodiEsp's convention: every mention is coded, whatever its context. The code
            # carries the context so that it is never read as a present condition.
            why.append(f"{context} ('{trigger}'): coded as a mention, not as a present condition")
        elif context in ("negated", "hypothetical"):
            rule = hit.rule if hit else "context"
            excluded.append(Excluded(dotted(code), ev, f"{context} by '{trigger}' ({rule})"))
            return
        elif context == "family":
            fam = self.assembler.family_code(code)
            if fam is None:
                excluded.append(Excluded(dotted(code), ev, f"a relative's condition ('{trigger}')"))
                return
            why.append(f"a relative's condition ('{trigger}'): family history {dotted(fam)}")
            code = fam
        elif context == "possible" and policy is Policy.US_OUTPATIENT:
            excluded.append(
                Excluded(
                    dotted(code), ev, f"uncertain ('{trigger}'): not coded in outpatient (IV.H)"
                )
            )
            return
        elif context == "possible":
            why.append(f"uncertain ('{trigger}'), coded as if established (guideline II.H)")
        elif context == "historical":
            own = self.assembler.history_code(code)
            if own is not None:
                why.append(f"past condition ('{trigger}'): history code {dotted(own)}")
                code = own
            else:
                why.append(f"past condition ('{trigger}'), no history code: coded as current")
        done = self.assembler.complete(code, words)
        why += list(done.reasons)
        score = _score(m, context, section) - (0.2 if m.nested else 0.0)
        if m.loose:
            score -= LOOSE_PENALTY
            why.append("its words are spread over the sentence: ranked lower")
        if code in catch_all_codes():
            score -= CATCH_ALL_PENALTY
            why.append("a catch-all code for a bare word: ranked low (catch_all_codes.tsv)")
        found.append(_Found(done.code, score, context, trigger, section, ev, why))

    def _procedures(
        self,
        text: str,
        s: int,
        e: int,
        context: Context,
        section: str,
        out: dict[str, SuggestedCode],
        policy: Policy,
    ) -> None:
        assert self.pcs is not None
        every = policy is Policy.CODE_EVERY_MENTION
        for cs, ce in procedure_clauses(text, s, e):
            # Read at the clause's last word: a clause often holds its own trigger ("status
            # post appendectomy"), and a mention that contains its trigger is left unmodified.
            last = text.rfind(" ", cs, ce) + 1 or cs
            hits = {h.category for h in context.at(last - s, ce - s)}
            # A procedure done before this encounter ("status post", treatments tried) is
            # history, not a procedure to report, unless every mention is coded.
            if not every and hits & {"negated", "hypothetical", "family", "possible", "historical"}:
                continue
            self._cpt(text, cs, ce, section, out)
            for built in self.pcs.codes(text[cs:ce]):
                self._procedure(built, Evidence(cs, ce, text[cs:ce]), section, out)

    def _procedure(
        self, built: PcsBuild, ev: Evidence, section: str, out: dict[str, SuggestedCode]
    ) -> None:
        assert self.pcs is not None
        held = out.get(built.code)
        if held is not None:
            held.evidence.append(ev)
            return
        why = "built by the ICD-10-PCS builder from this clause"
        if not built.complete:
            why += "; the text fixes axes 1-4 only"
        if built.per_side:
            why += "; both sides, each coded on its own (Guidelines B4.3)"
        score = (0.72 if built.complete else 0.55) + (0.08 if section.startswith("proc") else 0)
        out[built.code] = SuggestedCode(
            system="icd10pcs",
            code=built.code,
            title=built.title,
            score=min(score, 1.0),
            release=self.pcs.release,
            evidence=[ev],
            section=section,
            rationale=[why],
            billable=built.complete,
            flags=[] if built.complete else ["partial: choose axes 5-7 (chartcode pcs build)"],
        )

    def _cpt(
        self, text: str, cs: int, ce: int, section: str, out: dict[str, SuggestedCode]
    ) -> None:
        if self.cpt is None:
            return
        ev = Evidence(cs, ce, text[cs:ce])
        for cand in self.cpt.match(text[cs:ce]):
            key = f"cpt:{cand.code}"
            if key in out:
                out[key].evidence.append(ev)
                continue
            out[key] = SuggestedCode(
                system="cpt",
                code=cand.code,
                title=cand.descriptor,
                score=0.4 + 0.3 * cand.coverage,
                release=f"PFS RVU {self.cpt.version}",
                evidence=[ev],
                section=section,
                rationale=[
                    f"the clause covers {cand.coverage:.0%} of the CMS short descriptor"
                    f" '{cand.descriptor}' ({cand.code})"
                ],
                flags=["candidate: confirm against the full CPT descriptor (AMA, licensed)"],
            )

    def _merge(self, found: list[_Found]) -> dict[str, SuggestedCode]:
        by_code: dict[str, list[_Found]] = {}
        for f in found:
            by_code.setdefault(f.code, []).append(f)
        out: dict[str, SuggestedCode] = {}
        for code, group in by_code.items():
            best = max(group, key=lambda f: (f.context == "present", f.score))
            repeats = min(len({f.evidence.start for f in group}) - 1, 3)
            score = max(f.score for f in group) + 0.04 * repeats
            if min(f.evidence.start for f in group) < OPENING_CHARS:
                score += OPENING_BONUS  # the reason for the visit is stated first
            score = min(1.0, score)
            rationale = list(best.rationale)
            if repeats:
                rationale.append(f"mentioned {repeats + 1} times")
            out[code] = SuggestedCode(
                system="icd10cm",
                code=dotted(code),
                title=self.tabular.titles.get(code, ""),
                score=score,
                release=self.cm_release.version,
                evidence=in_text_order(f.evidence for f in group),
                context=best.context,
                trigger=best.trigger,
                section=best.section,
                rationale=rationale,
                billable=self.tabular.billable.get(code, False),
            )
        return out

    def _combine(self, codes: dict[str, SuggestedCode]) -> None:
        contexts = {c: sc.context for c, sc in codes.items()}
        hypertension = self.assembler.combine_hypertension(contexts)
        if hypertension is not None:
            target, linked = hypertension
            sc = codes.pop("I10")
            sc.code, sc.title = dotted(target), self.tabular.titles.get(target, "")
            sc.rationale.append(
                f"hypertension with {', '.join(dotted(c) for c in linked)}: combination code"
                f" {sc.code} (guideline I.C.9.a presumes the link)"
            )
            codes[target] = sc
        for diabetes, (target, other) in self.assembler.combine_diabetes(contexts).items():
            sc = codes.pop(diabetes)
            partner = codes[other]
            sc.code = dotted(target)
            sc.title = self.tabular.titles.get(target, "")
            sc.billable = self.tabular.billable.get(target, False)
            sc.evidence = in_text_order([*sc.evidence, *partner.evidence])
            sc.rationale.append(
                f"diabetes with {dotted(other)}: combination code {sc.code} (guideline I.A.15"
                " 'with'; diabetes_complications.tsv)"
            )
            held = codes.get(target)
            if held is None or held.score < sc.score:
                codes[target] = sc

    def _sequence(
        self, ranked: list[SuggestedCode], policy: Policy, sections: list[section_finder.Section]
    ) -> None:
        label = "principal" if policy is Policy.US_INPATIENT else "first-listed"

        def rank(c: SuggestedCode) -> tuple[int, int, float]:
            # The best section the code is stated in, then the order of statement there
            # (the first discharge diagnosis listed), then the score.
            where = PRINCIPAL_SECTIONS.index(c.section) if c.section in PRINCIPAL_SECTIONS else 9
            first = min(
                (e.start for e in c.evidence if _in(sections, c.section, e.start)), default=0
            )
            return (where, first, -c.score)

        eligible = [
            c
            for c in ranked
            if c.context in ("present", "possible")
            and c.code[0] not in "RZ"
            and "classified elsewhere" not in c.title
        ]
        if eligible:
            top = min(eligible, key=rank)
            # A code whose note says "code first X" yields the first place to X (I50.23 ->
            # I13.0, guideline I.A.13 on etiology/manifestation and code-first notes).
            for flag in top.flags:
                if flag.startswith("sequence after "):
                    first = flag.removeprefix("sequence after ").split(",")[0].strip()
                    top = next((c for c in ranked if c.code == first), top)
            top.sequencing = label
            where = "the note" if top.section == "body" else top.section.replace("_", " ")
            top.rationale.append(f"{label} candidate: the first confirmed diagnosis of {where}")


def _in(sections: list[section_finder.Section], name: str, offset: int) -> bool:
    return bool(sections) and section_finder.section_at(sections, offset).name == name


def _score(m: mention_finder.Mention, context: str, section: str) -> float:
    """Heuristic rank: the term's source, its length, the section, the context."""
    score = SOURCE_WEIGHT.get(m.term.source, 0.6)
    score += 0.05 * min(len(m.term.words) - 1, 3)
    score += SECTION_BONUS.get(section, 0.0)
    score -= CONTEXT_PENALTY.get(context, 0.0)
    score -= CHAPTER_PENALTY.get(m.term.code[0], 0.0)
    if m.term.rank[0] >= RESIDUAL_RANK:
        score -= RESIDUAL_PENALTY  # an "Other ..." code: right less often than a named one
    return max(0.05, min(score, 1.0))


def _without_covered_prefixes(found: dict[str, SuggestedCode]) -> dict[str, SuggestedCode]:
    """A 4-character PCS prefix adds nothing next to a full code that starts with it."""
    full = [c for c, sc in found.items() if sc.system == "icd10pcs" and len(c) == 7]
    return {
        c: sc
        for c, sc in found.items()
        if sc.system != "icd10pcs" or len(c) == 7 or not any(f.startswith(c) for f in full)
    }


def _without_redundant_catch_alls(codes: dict[str, SuggestedCode]) -> list[Excluded]:
    """Drops a bare word's catch-all code when the note names the condition more precisely.

    "A renal tumor ... the tumor was resected" yields D49.511 and, from the bare second
    "tumor", D49.9: the second says nothing the first does not (guideline I.B.18, code to the
    highest degree of certainty and specificity documented).
    """
    out: list[Excluded] = []
    for code, specific in catch_all_specifics().items():
        held = codes.get(code)
        if held is None or not specific:
            continue
        better = next(
            (c for c in codes if c != code and c not in _catch_all() and c.startswith(specific)),
            None,
        )
        if better is not None:
            del codes[code]
            reason = f"a catch-all for a bare word: the note names it as {dotted(better)}"
            out.append(Excluded(held.code, held.evidence[0], reason))
    return out
