"""Parsers of the official file formats: each turns one file family into plain records.

Nothing here touches the store or knows business rules; ``chartcode.store`` loads the records.
"""
