"""Word knowledge the project writes itself, shipped as data files in ``lexicon/data``.

The glossary (plain-language meanings of word parts and terms), CPT families, clinical
abbreviations, lay synonyms and spelling variants. Loaders here read the packaged files and
nothing else: no store, no network.
"""
