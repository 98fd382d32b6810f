"""Context accuracy: the ConText rules of ``services/suggest/context.py`` on annotated sentences.

    .venv/bin/python benchmarks/context_eval.py           # writes results/context.json
    .venv/bin/python benchmarks/context_eval.py --errors  # also list the wrong sentences

``benchmarks/data/context_sentences.tsv`` holds sentences the team wrote (none taken from a
data set), each with a target mention and the context a coder reads it in: present, negated,
possible, historical, family or hypothetical. The mention's context is the first category, in
the suggester's priority order (negated, family, hypothetical, possible, historical), whose
trigger scope covers it; none means present. Reported: accuracy, and precision / recall per
category.
"""

from __future__ import annotations

import argparse
import csv
import json
from collections import Counter
from pathlib import Path

from chartcode.services.suggest.context import Context
from chartcode.services.suggest.suggester import CONTEXT_ORDER

HERE = Path(__file__).resolve().parent
SENTENCES = HERE / "data" / "context_sentences.tsv"
RESULTS = HERE / "results" / "context.json"


def predict(sentence: str, target: str) -> tuple[str, str | None]:
    start = sentence.lower().find(target.lower())
    if start < 0:
        raise SystemExit(f"target {target!r} not in {sentence!r}")
    hits = {h.category: h for h in Context(sentence).at(start, start + len(target))}
    for category in CONTEXT_ORDER:
        if category in hits:
            return category, hits[category].trigger
    return "present", None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--errors", action="store_true", help="list the sentences read wrongly")
    args = ap.parse_args()
    rows = list(csv.DictReader(SENTENCES.open(encoding="utf-8"), delimiter="\t"))
    right = 0
    predicted: Counter[str] = Counter()
    expected: Counter[str] = Counter()
    correct: Counter[str] = Counter()
    for r in rows:
        got, trigger = predict(r["sentence"], r["target"])
        predicted[got] += 1
        expected[r["expected"]] += 1
        if got == r["expected"]:
            right += 1
            correct[got] += 1
        elif args.errors:
            print(f"  expected {r['expected']:12s} got {got:12s} ({trigger})  {r['sentence']}")
    per: dict[str, dict[str, float | int]] = {}
    for cat in sorted(expected):
        p = correct[cat] / predicted[cat] if predicted[cat] else 0.0
        rec = correct[cat] / expected[cat]
        per[cat] = {"precision": round(p, 3), "recall": round(rec, 3), "sentences": expected[cat]}
    out = {"sentences": len(rows), "accuracy": round(right / len(rows), 3), "by_context": per}
    print(json.dumps(out, indent=2))
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
