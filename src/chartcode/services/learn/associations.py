"""Which phrases go with which codes in a team's coded cases.

For every hashed phrase and every code, the share of the training documents containing the
phrase that were given the code: P(code | phrase), counted with one extra document in the
denominator so that a phrase seen once cannot be certain. Phrases common to many documents
("history", "pain") and pairs seen in fewer than ``MIN_SUPPORT`` documents are dropped: they
say little, and the second would let a model remember single cases.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse

MIN_SUPPORT = 2
MIN_WEIGHT = 0.05
MAX_DOCUMENT_SHARE = 0.5


def learn_phrases(
    doc_phrases: Sequence[set[bytes]], doc_codes: Sequence[set[int]], n_codes: int
) -> dict[bytes, list[tuple[int, float]]]:
    """Hashed phrase -> [(code index, weight)], from documents' phrases and codes."""
    vocab: dict[bytes, int] = {}
    rows, cols = [], []
    for d, keys in enumerate(doc_phrases):
        for k in keys:
            rows.append(d)
            cols.append(vocab.setdefault(k, len(vocab)))
    n_docs = len(doc_phrases)
    if not vocab or not n_docs:
        return {}
    x = sparse.csr_matrix(
        (np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(n_docs, len(vocab))
    )
    yr = [d for d, codes in enumerate(doc_codes) for _ in codes]
    yc = [c for codes in doc_codes for c in codes]
    y = sparse.csr_matrix((np.ones(len(yr), dtype=np.float32), (yr, yc)), shape=(n_docs, n_codes))
    df = np.asarray(x.sum(axis=0)).ravel()
    keep = (df >= MIN_SUPPORT) & (df <= max(MIN_SUPPORT, MAX_DOCUMENT_SHARE * n_docs))
    x = x[:, np.flatnonzero(keep)]
    kept_df = df[keep]
    kept_keys = np.array(list(vocab), dtype=object)[keep]
    co = (x.T @ y).tocoo()
    weight = co.data / (kept_df[co.row] + 1.0)
    ok = (co.data >= MIN_SUPPORT) & (weight >= MIN_WEIGHT)
    table: dict[bytes, list[tuple[int, float]]] = {}
    for r, c, w in zip(co.row[ok], co.col[ok], weight[ok], strict=True):
        table.setdefault(kept_keys[r], []).append((int(c), round(float(w), 4)))
    return table
