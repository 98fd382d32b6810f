"""Labels from an older release: which codes of the release in force answer them.

A team's coded cases span years of ICD-10-CM releases. A label the release in force no longer
bills because it was subdivided since (M54.5 -> M54.50) is answered by any code under it; a
label printed with its placeholder X's but no 7th character (W19XXX, T814XX) stands for the
category those X's pad (W19, T81.4). Anything else must match exactly; a 4-character
ICD-10-PCS label is a prefix (``metrics.matches``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from chartcode.services.learn.metrics import CodeKey, matches


def cm_label_rule(billable: Mapping[str, bool]) -> Callable[[str, str], bool]:
    """``hit(predicted, label)`` over compact ICD-10-CM codes.

    ``billable``: the release's codes and headers (True for a billable code).
    """
    subdivided = {c for c, b in billable.items() if not b}

    def stem_of(label: str) -> str:
        stripped = label.rstrip("X")
        return stripped if label not in billable and stripped != label else label

    def hit(pred: str, label: str) -> bool:
        label = stem_of(label)
        return pred == label or (label in subdivided and pred.startswith(label))

    return hit


def label_rule(billable: Mapping[str, bool]) -> Callable[[CodeKey, CodeKey], bool]:
    """``hit(predicted, label)`` over (system, code) keys, both systems."""
    cm = cm_label_rule(billable)

    def hit(pred: CodeKey, label: CodeKey) -> bool:
        if pred[0] == label[0] == "icd10cm":
            return cm(pred[1], label[1])
        return matches(pred, label)

    return hit
