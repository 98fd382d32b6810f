"""What a detector finds: a typed span of the original text, never the text itself.

An ``Entity`` holds offsets, a type, a score and the id of the rule that found it. It does not
hold the identifying string, so entities can be logged, counted and written to a manifest
without leaking PHI; whoever needs the value slices it from the text they already hold.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class EntityType(StrEnum):
    """The kinds chartcode redacts; each maps to one HIPAA Safe Harbor identifier.

    The value is the tag written by ``--style tag`` ("[NAME]"), so it is part of the output
    schema: renaming one is a breaking change.
    """

    NAME = "NAME"
    ADDRESS = "ADDRESS"
    CITY = "CITY"
    ZIP = "ZIP"
    FACILITY = "FACILITY"
    LOCATION = "LOCATION"
    DATE = "DATE"
    AGE = "AGE"
    PHONE = "PHONE"
    FAX = "FAX"
    EMAIL = "EMAIL"
    SSN = "SSN"
    MRN = "MRN"
    HEALTH_PLAN = "HEALTH_PLAN"
    ACCOUNT = "ACCOUNT"
    LICENSE = "LICENSE"
    VEHICLE = "VEHICLE"
    DEVICE = "DEVICE"
    URL = "URL"
    IP = "IP"
    BIOMETRIC = "BIOMETRIC"
    PHOTO = "PHOTO"
    ID = "ID"

    @property
    def safe_harbor(self) -> str:
        """The identifier of 45 CFR 164.514(b)(2)(i) this kind belongs to, as "(A) names"."""
        return SAFE_HARBOR[self]


# 45 CFR 164.514(b)(2)(i)(A)-(R), the 18 Safe Harbor identifiers. Ages over 89 are part of (C)
# ("all elements of dates ... and all ages over 89"); facilities are geographic units (B).
SAFE_HARBOR: dict[EntityType, str] = {
    EntityType.NAME: "(A) names",
    EntityType.ADDRESS: "(B) geographic subdivisions smaller than a state",
    EntityType.CITY: "(B) geographic subdivisions smaller than a state",
    EntityType.ZIP: "(B) geographic subdivisions smaller than a state",
    EntityType.FACILITY: "(B) geographic subdivisions smaller than a state",
    EntityType.LOCATION: "(B) geographic subdivisions smaller than a state",
    EntityType.DATE: "(C) dates (except year) and ages over 89",
    EntityType.AGE: "(C) dates (except year) and ages over 89",
    EntityType.PHONE: "(D) telephone numbers",
    EntityType.FAX: "(E) fax numbers",
    EntityType.EMAIL: "(F) email addresses",
    EntityType.SSN: "(G) social security numbers",
    EntityType.MRN: "(H) medical record numbers",
    EntityType.HEALTH_PLAN: "(I) health plan beneficiary numbers",
    EntityType.ACCOUNT: "(J) account numbers",
    EntityType.LICENSE: "(K) certificate/license numbers",
    EntityType.VEHICLE: "(L) vehicle identifiers and serial numbers",
    EntityType.DEVICE: "(M) device identifiers and serial numbers",
    EntityType.URL: "(N) web URLs",
    EntityType.IP: "(O) IP addresses",
    EntityType.BIOMETRIC: "(P) biometric identifiers",
    EntityType.PHOTO: "(Q) full-face photographs and comparable images",
    EntityType.ID: "(R) any other unique identifying number, characteristic or code",
}

# A detection at or above this score is kept even when its words are protected clinical
# vocabulary ("Dr. Bell" is a person); below it, the protected vocabulary wins ("Bell palsy").
STRONG = 0.9


@dataclass(frozen=True, slots=True)
class Entity:
    """A span ``[start, end)`` of the original text that identifies someone."""

    type: EntityType
    start: int
    end: int
    score: float
    rule_id: str

    def __len__(self) -> int:
        return self.end - self.start

    def to_dict(self) -> dict[str, object]:
        return {
            "type": self.type.value,
            "start": self.start,
            "end": self.end,
            "score": self.score,
            "rule_id": self.rule_id,
        }
