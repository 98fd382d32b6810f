"""The issue's targets on the ASQ-PHI dev queries, read in place from ../shared/data.

The same measure as benchmarks/redact_eval.py: a PHI string is caught when each of its words is
redacted, leaving out words that identify no one (articles, prepositions, honorifics).
"""

import json
import re

import pytest

from chartcode.redaction.engine import PhiFinder
from tests.conftest import shared_file

NON_IDENTIFYING = frozenset(
    [
        "the",
        "in",
        "at",
        "of",
        "on",
        "and",
        "a",
        "an",
        "dr",
        "mr",
        "mrs",
        "ms",
        "miss",
        "prof",
        "doctor",
    ]
)


@pytest.fixture(scope="module")
def scores():
    path = shared_file("eval/asq-phi-dev/queries_dev.txt")
    finder = PhiFinder()
    caught: dict[str, list[int]] = {}
    negatives = redacted_negatives = 0
    for record in path.read_text(encoding="utf-8").split("===QUERY===")[1:]:
        query, _, tags = record.partition("===PHI_TAGS===")
        text = query.strip()
        spans = [(e.start, e.end) for e in finder.find(text)]
        covered = bytearray(len(text))
        for s, e in spans:
            covered[s:e] = b"\x01" * (e - s)
        gold = [json.loads(line) for line in tags.strip().splitlines() if line.strip()]
        if not gold:
            negatives += 1
            redacted_negatives += bool(spans)
        for tag in gold:
            for m in re.finditer(re.escape(tag["value"]), text):
                words = [
                    w
                    for w in re.finditer(r"[A-Za-z0-9]+", text[m.start() : m.end()])
                    if w.group().lower() not in NON_IDENTIFYING
                ]
                ok = all(
                    covered[m.start() + w.start() : m.start() + w.end()].count(0) == 0
                    for w in words
                )
                for key in (tag["identifier_type"], "ALL"):
                    caught.setdefault(key, [0, 0])
                    caught[key][0] += ok
                    caught[key][1] += 1
    recall = {k: c / n for k, (c, n) in caught.items()}
    return recall, redacted_negatives / negatives


@pytest.mark.shared_data
def test_overall_recall_at_least_097(scores):
    assert scores[0]["ALL"] >= 0.97


@pytest.mark.shared_data
def test_name_recall_at_least_095(scores):
    assert scores[0]["NAME"] >= 0.95


@pytest.mark.shared_data
def test_hard_negatives_over_redaction_at_most_5_percent(scores):
    assert scores[1] <= 0.05
