"""Coding a case (issue 7): ``Suggester`` turns a note into codes with evidence."""

from chartcode.services.suggest.model import (
    Evidence,
    Excluded,
    Policy,
    SuggestedCode,
    SuggestResult,
)
from chartcode.services.suggest.suggester import Suggester

__all__ = ["Evidence", "Excluded", "Policy", "SuggestResult", "SuggestedCode", "Suggester"]
