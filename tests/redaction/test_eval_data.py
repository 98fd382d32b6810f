"""The issue's targets on the ASQ-PHI dev queries, read in place from ../shared/data.

The same measure as benchmarks/redact_eval.py: a PHI string is caught when each of its words is
redacted, leaving out words that identify no one (articles, prepositions, honorifics).
"""

import pytest

from chartcode.redaction.engine import PhiFinder
from tests.conftest import shared_file


@pytest.fixture(scope="module")
def scores():
    """The benchmark's own scoring (benchmarks/redact_eval.py), so test and report agree."""
    from benchmarks.redact_eval import load_asq, score

    finder = PhiFinder()
    docs, _missing = load_asq(shared_file("eval/asq-phi-dev/queries_dev.txt"))
    result = score(docs, lambda text: [(e.start, e.end) for e in finder.find(text)])
    return result["recall"], result["over_redaction_docs"]


@pytest.mark.shared_data
def test_overall_recall_at_least_097(scores):
    assert scores[0]["ALL"] >= 0.97


@pytest.mark.shared_data
def test_name_recall_at_least_095(scores):
    assert scores[0]["NAME"] >= 0.95


@pytest.mark.shared_data
def test_hard_negatives_over_redaction_at_most_5_percent(scores):
    assert scores[1] <= 0.05
