"""Which release answers for a date of service, and what to tell the user about that choice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from chartcode.store.reference import ReferenceStore, ReleaseRow


@dataclass(frozen=True, slots=True)
class InForce:
    release: ReleaseRow
    warning: str | None  # set when the date falls outside every loaded release


def in_force(store: ReferenceStore, system: str, kind: str, on: date) -> InForce | None:
    """The loaded release of ``system``/``kind`` in force on ``on``, or None if none is loaded.

    A later release supersedes an earlier one from its effective date, so the answer is the
    release with the latest ``effective_from`` not after the date. Outside all of them the
    nearest release answers, with a warning that says why.
    """
    rels = store.releases_of(system, kind)
    if not rels:
        return None
    iso = on.isoformat()
    current = [r for r in rels if r.effective_from <= iso]
    if not current:
        first = rels[0]
        return InForce(
            first,
            f"{iso} is before every loaded {system} release (earliest in force from "
            f"{first.effective_from}); answering from {first.version}, which may not apply",
        )
    newest = current[-1]
    if newest is rels[-1] and newest.effective_to and iso > newest.effective_to:
        return InForce(
            newest,
            f"{iso} is after the newest loaded {system} release ({newest.version}, in force to "
            f"{newest.effective_to}); newer data may exist: run `chartcode data fetch`",
        )
    return InForce(newest, None)
