"""How a ranked list of codes is scored against a document's gold codes (CodiEsp's rules).

Mean average precision over each document's ranked list (a gold code never reached adds
nothing), and micro precision, recall and F1 over the codes suggested. An ICD-10-PCS gold
code of fewer than 7 characters is a prefix: any code that starts with it matches it. Each
gold code is matched at most once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

CodeKey = tuple[str, str]
T = TypeVar("T")


def matches(pred: CodeKey, gold: CodeKey) -> bool:
    """CodiEsp's rule: the same code, or any code under a 4-character ICD-10-PCS gold code."""
    if pred[0] != gold[0]:
        return False
    if gold[0] == "icd10pcs" and len(gold[1]) < 7:
        return pred[1].startswith(gold[1])
    return pred[1] == gold[1]


def _hits(ranked: Sequence[T], gold: Iterable[T], hit: Callable[[T, T], bool]) -> list[bool]:
    open_ = list(dict.fromkeys(gold))
    out = []
    for p in ranked:
        found = next((g for g in open_ if hit(p, g)), None)
        if found is not None:
            open_.remove(found)
        out.append(found is not None)
    return out


def average_precision(ranked: Sequence[T], gold: set[T], hit: Callable[[T, T], bool]) -> float:
    """Precision at the rank of every gold code found, summed, over the number of gold codes."""
    if not gold:
        return 0.0
    hits = total = 0.0
    for i, found in enumerate(_hits(ranked, gold, hit), 1):
        if found:
            hits += 1
            total += hits / i
    return total / len(gold)


@dataclass(slots=True)
class Scores:
    documents: int = 0
    ap_sum: float = 0.0
    true_positive: int = 0
    suggested: int = 0
    gold: int = 0

    def add(
        self,
        ranked: Sequence[CodeKey],
        suggested: Sequence[CodeKey],
        gold: set[CodeKey],
        hit: Callable[[CodeKey, CodeKey], bool] = matches,
    ) -> None:
        self.documents += 1
        self.ap_sum += average_precision(ranked, gold, hit)
        self.true_positive += sum(_hits(suggested, gold, hit))
        self.suggested += len(suggested)
        self.gold += len(gold)

    @property
    def map(self) -> float:
        return self.ap_sum / self.documents if self.documents else 0.0

    @property
    def precision(self) -> float:
        return self.true_positive / self.suggested if self.suggested else 0.0

    @property
    def recall(self) -> float:
        return self.true_positive / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_dict(self) -> dict[str, float | int]:
        return {
            "documents": self.documents,
            "map": round(self.map, 4),
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }
