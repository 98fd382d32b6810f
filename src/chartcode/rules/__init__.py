"""Coding and payment rules kept as data: tables with ids, plain-language text and citations.

Modules here hold no logic. Services read the tables and say which entry decided an answer,
by its ``rule_id``, so every decision can be traced back to the published CMS document.
"""
