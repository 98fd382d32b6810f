"""The reference store: one SQLite file of official code-set data, built by importers.

``build`` writes a new file and swaps it in; ``reference`` reads it. Nothing else writes it.
"""
