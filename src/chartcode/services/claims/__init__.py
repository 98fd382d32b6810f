"""Claim check: the edits a payer would raise, explained, for one claim or millions of lines.

``check.ClaimChecker`` checks one ``model.Claim``; ``batch`` runs the same checker over
dataframe partitions (pandas, Dask, Spark) and streams files; ``claim_input`` reads claims
from JSON, CSV and JSONL with field-by-field errors.
"""
