"""Code assembly: from a mention's code to the most specific code the case supports.

Contract: ``Assembler(tabular)`` turns the code a term names into a billable code and merges
details spread over the note:

* ``complete(code, words)``: a header descends to the child whose title the sentence's words
  fit best (site, laterality, acuity, stage, type), ties going to the "unspecified" child; a code
  that takes a 7th character gets the encounter the sentence states ("subsequent",
  "sequela"), else ``A`` (initial encounter), as guideline I.C.19.a asks for active treatment.
* ``combine_diabetes(codes)``: diabetes plus a condition the "with" convention links to it
  (guideline I.A.15; table ``lexicon/data/diabetes_complications.tsv``) becomes the
  combination code, the complication kept as its use-additional partner.
* ``history_code`` / ``family_code``: the personal (Z85-Z87, I25.2) or family (Z80-Z84) history
  code for a condition the note calls past or a relative's (``history_codes.tsv``).

Every change returns its reason, shown as the code's rationale.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from chartcode.lexicon.tsv import rows
from chartcode.services.suggest.tabular import Tabular
from chartcode.services.suggest.vocabulary import TITLE_NOISE, phrase_words
from chartcode.store.icd10cm_extensions import with_seventh

_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")

HISTORY_FILE = "history_codes.tsv"
DIABETES_FILE = "diabetes_complications.tsv"
# Details that make an unspecified code specific when the sentence states them.
DETAIL_WORDS = frozenset(
    {"right", "left", "bilateral", "lumbar", "sacral", "cervical", "thoracic", "acute", "chronic"}
)
TITLE_DROP = frozenset({"side", "eye", "ear", "laterality", "unspecified"})
ENCOUNTER_WORDS = {
    "subsequent": "D",
    "sequela": "S",
}


@dataclass(frozen=True, slots=True)
class Assembled:
    code: str  # compact
    reasons: tuple[str, ...] = ()


@cache
def history_table() -> list[tuple[str, str, str, int]]:
    """(compact prefix, personal history code, family history code, line), longest first."""
    out = [
        (p.replace(".", ""), own.replace(".", ""), fam.replace(".", ""), line)
        for line, (p, own, fam, _n) in rows(
            HISTORY_FILE, ("prefix", "personal_history", "family_history", "note")
        )
    ]
    return sorted(out, key=lambda r: -len(r[0]))


@cache
def diabetes_table() -> list[tuple[str, str, str, int]]:
    out = [
        (c.replace(".", ""), t1.replace(".", ""), t2.replace(".", ""), line)
        for line, (c, t1, t2, _n) in rows(DIABETES_FILE, ("complication", "type1", "type2", "note"))
    ]
    return sorted(out, key=lambda r: -len(r[0]))


class Assembler:
    def __init__(self, tabular: Tabular) -> None:
        self.tab = tabular

    def complete(self, code: str, words: frozenset[str]) -> Assembled:
        """A billable code under ``code`` chosen by the sentence's words (see the contract)."""
        tab = self.tab
        reasons: list[str] = []
        current = self._respecify(code, words, reasons)
        for _ in range(4):
            if current not in tab or tab.billable.get(current, False):
                break
            kids = tab.children.get(current, [])
            if tab.seventh_of(current):
                kids = [k for k in kids if len(k) < 7]  # the 7th character is chosen below
            if not kids:
                break
            best = max(kids, key=lambda k: self._fit(k, words))
            reasons.append(f"{_dot(current)} is a header: {_dot(best)} fits the sentence best")
            current = best
        if current in tab and not tab.billable.get(current, False):
            sevenths = tab.seventh_of(current)
            if sevenths:
                char = next((c for w, c in ENCOUNTER_WORDS.items() if w in words), "A")
                if char not in {c for c, _ in sevenths}:
                    char = sevenths[0][0]
                full = with_seventh(current, char)
                if full in tab:
                    meaning = dict(sevenths).get(char, "")
                    reasons.append(f"7th character {char} ({meaning})")
                    current = full
        return Assembled(current, tuple(reasons))

    def _respecify(self, code: str, words: frozenset[str], reasons: list[str]) -> str:
        """An "unspecified" code yields to a sibling the sentence states the detail of.

        "Spondylolisthesis at L5-S1": the Index default M43.10 (site unspecified) becomes
        M43.17 (lumbosacral region), because the sentence names the site.
        """
        tab = self.tab
        if "unspecified" not in tab.titles.get(code, "").lower():
            return code
        parent = tab.parents.get(code) or ""
        if len(parent) < 3 or "-" in parent:
            return code  # only codes within one category: a block's children are categories
        siblings = [k for k in tab.children.get(parent, []) if k != code]
        if not siblings:
            return code
        own = self._bag(code)
        best, best_added = code, 0
        for sibling in siblings:
            bag = self._bag(sibling)
            added = bag - own
            # Only details the sentence states, all of them: side, spinal region, acuity.
            fits = added and added <= DETAIL_WORDS and added <= words and own - bag <= TITLE_DROP
            if fits and len(added) > best_added:
                best, best_added = sibling, len(added)
        if best != code:
            reasons.append(f"{_dot(code)} is unspecified: the sentence states {_dot(best)}")
        return best

    def _bag(self, code: str) -> frozenset[str]:
        lowered = self.tab.titles.get(code, "").lower()
        return phrase_words(_BRACKETS.sub(" ", lowered)) - TITLE_NOISE

    def _fit(self, code: str, words: frozenset[str]) -> tuple[int, int, int]:
        title = self.tab.titles.get(code, "")
        lowered = title.lower()
        bag = phrase_words(_BRACKETS.sub(" ", lowered)) - TITLE_NOISE
        hits = len(bag & words)
        misses = len(bag - words)
        unspecified = int("unspecified" in lowered)
        return (hits, unspecified - misses, -len(code))

    def combine_diabetes(self, codes: dict[str, str]) -> dict[str, tuple[str, str]]:
        """{diabetes code: (combination code, complication code)} for the case's codes.

        ``codes`` maps compact codes to their context; only present conditions combine.
        """
        out: dict[str, tuple[str, str]] = {}
        diabetes = [c for c, ctx in codes.items() if c[:3] in ("E10", "E11") and ctx == "present"]
        if not diabetes:
            return out
        for d in diabetes:
            if d not in ("E109", "E119", "E11", "E10"):
                continue  # already a combination code
            column = 1 if d.startswith("E10") else 2
            for other, ctx in codes.items():
                if ctx != "present" or other[:3] in ("E10", "E11"):
                    continue
                for prefix, t1, t2, _line in diabetes_table():
                    if other.startswith(prefix):
                        target = t1 if column == 1 else t2
                        if target in self.tab:
                            out[d] = (target, other)
                        break
                if d in out:
                    break
        return out

    def combine_hypertension(self, codes: dict[str, str]) -> tuple[str, list[str]] | None:
        """(combination code, linked codes) for hypertension with heart failure or CKD.

        Guideline I.C.9.a presumes the link: hypertension with heart failure is I11.0, with
        chronic kidney disease I12.-, with both I13.-; the heart failure and CKD codes stay as
        the use-additional partners. Only present conditions combine.
        """
        if codes.get("I10") != "present":
            return None
        failure = [c for c, ctx in codes.items() if c.startswith("I50") and ctx == "present"]
        ckd = [c for c, ctx in codes.items() if c.startswith("N18") and ctx == "present"]
        late = any(c in ("N185", "N186") for c in ckd)
        if failure and ckd:
            target = "I132" if late else "I130"
        elif failure:
            target = "I110"
        elif ckd:
            target = "I120" if late else "I129"
        else:
            return None
        return (target, failure + ckd) if target in self.tab else None

    def history_code(self, code: str) -> str | None:
        for prefix, own, _fam, _line in history_table():
            if code.startswith(prefix):
                return own or None
        return None

    def family_code(self, code: str) -> str | None:
        for prefix, _own, fam, _line in history_table():
            if code.startswith(prefix):
                return fam or None
        return None


def _dot(code: str) -> str:
    return code if len(code) <= 3 else f"{code[:3]}.{code[3:]}"
