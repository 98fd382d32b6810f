"""The distinct words of the code sets' own text, for the redactor's protected vocabulary.

A word that appears in an ICD-10-CM title or index term, an ICD-10-PCS axis label or an HCPCS
or CPT descriptor is clinical language; the redactor never removes such a word on a weak cue.
Every loaded release is read (the words of older titles are still clinical words).
"""

from __future__ import annotations

import re
import sqlite3

_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*[A-Za-z]")
# (table, text column): ICD-10-CM tabular and index, ICD-10-PCS tables, HCPCS and CPT text.
SOURCES = (
    ("cm_node", "title"),
    ("index_term", "title"),
    ("pcs_axis_value", "label"),
    ("hcpcs_item", "long_description"),
    ("cpt_descriptor", "descriptor"),
)


def clinical_words(conn: sqlite3.Connection) -> frozenset[str]:
    """Lower-case words of two letters or more found in the code sets' text."""
    words: set[str] = set()
    for table, column in SOURCES:
        try:
            rows = conn.execute(f"SELECT DISTINCT {column} FROM {table}")
        except sqlite3.OperationalError:  # a store built before that table existed
            continue
        for (text,) in rows:
            words.update(w.lower().replace("’", "'") for w in _WORD.findall(text or ""))
    return frozenset(words)
