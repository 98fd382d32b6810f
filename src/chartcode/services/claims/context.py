"""One claim with the reference facts in force for each of its dates of service.

Edits read everything through this object, so the choice of release per date is made once
per claim, and the patient's age is worked out once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from chartcode.services.claims.facts import DateFacts, FactsBook
from chartcode.services.claims.model import Claim, ClaimLine

# NCCI-associated modifiers: the ones that may bypass a PTP edit whose modifier indicator is
# 1 (NCCI Policy Manual for Medicare Services, chapter I, "Modifiers and Modifier
# Indicators"; the CMS NCCI PTP edits page lists the same set).
ANATOMIC_MODIFIERS = frozenset(
    {"E1", "E2", "E3", "E4", "FA", "F1", "F2", "F3", "F4", "F5", "F6", "F7", "F8", "F9",
     "LC", "LD", "LM", "LT", "RC", "RI", "RT", "TA", "T1", "T2", "T3", "T4", "T5", "T6",
     "T7", "T8", "T9"}
)  # fmt: skip
GLOBAL_SURGERY_MODIFIERS = frozenset({"24", "25", "57", "58", "78", "79"})
NCCI_MODIFIERS = (
    ANATOMIC_MODIFIERS | GLOBAL_SURGERY_MODIFIERS | {"27", "59", "91", "XE", "XP", "XS", "XU"}
)


def is_evaluation_and_management(code: str) -> bool:
    """CPT E/M services (99202-99499), the visits a global surgical package includes."""
    return "99202" <= code <= "99499" and len(code) == 5 and code.isdigit()


def age_on(dob: str, on: str) -> int:
    """Whole years between two ISO dates."""
    years = int(on[:4]) - int(dob[:4])
    return years - 1 if on[5:] < dob[5:] else years


def same_provider(a: ClaimLine, b: ClaimLine) -> bool:
    """Edits between lines apply to one provider; a line without one is taken as the same."""
    return (
        a.rendering_provider is None
        or b.rendering_provider is None
        or (a.rendering_provider == b.rendering_provider)
    )


@dataclass(slots=True)
class ClaimContext:
    claim: Claim
    book: FactsBook
    history: tuple[Claim, ...] = ()
    _facts: dict[str, DateFacts] = field(default_factory=dict)
    first_date: str = ""
    diagnosis_facts: DateFacts = field(init=False)
    by_date: dict[str, list[ClaimLine]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Every date of the claim's lines is looked up once, here; edits then index.
        for ln in self.claim.lines:
            group = self.by_date.get(ln.date_from)
            if group is None:
                self.by_date[ln.date_from] = [ln]
                self._facts[ln.date_from] = self.book.on(ln.date_from)
            else:
                group.append(ln)
        self.first_date = min(self.by_date)
        # ICD-10-CM answers for the claim's first date of service.
        self.diagnosis_facts = self._facts[self.first_date]

    def at(self, line: ClaimLine) -> DateFacts:
        return self._facts[line.date_from]

    def on(self, iso: str) -> DateFacts:
        f = self._facts.get(iso)
        if f is None:
            f = self._facts[iso] = self.book.on(iso)
        return f

    @property
    def age(self) -> int | None:
        dob = self.claim.date_of_birth
        return age_on(dob, self.first_date) if dob else None

    def used_facts(self) -> list[DateFacts]:
        return list(self._facts.values())
