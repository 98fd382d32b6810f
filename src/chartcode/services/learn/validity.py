"""Whether a learned code may be suggested for a date of service, and what to call it.

A model trained on one release can hold codes a later release deleted or split: those are
flagged and never suggested as valid. A 4-character ICD-10-PCS prefix is not a code: it is
suggested as a partial code, flagged, for the builder to complete.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from chartcode.errors import ChartcodeError
from chartcode.services.lookup import Lookup
from chartcode.services.pcs.tables_view import TablesView, tables_view


@dataclass(frozen=True, slots=True)
class CodeCheck:
    valid: bool  # may be listed as a suggestion
    billable: bool
    title: str
    release: str
    flag: str | None = None


class Validity:
    """Checks codes against the store for one date of service.

    Each answer is remembered: reference data does not change while a process runs.
    """

    def __init__(self, lookup: Lookup, on: date) -> None:
        self.lookup = lookup
        self.on = on
        self._seen: dict[tuple[str, str], CodeCheck] = {}
        self._titles: dict[tuple[str, str], str | None] = {}
        self._tables: TablesView | None = None

    def title(self, system: str, code: str) -> str | None:
        """The official title of a code, or what a 4-character ICD-10-PCS prefix names.

        A prefix is named by its operation and body part; None when the store has no title.

        A code a later release deleted keeps its last title; a label printed with its
        placeholder X's but no 7th character (W19XXX) takes its category's.
        """
        key = (system, code)
        if key not in self._titles:
            self._titles[key] = self._title(system, code)
        return self._titles[key]

    def _title(self, system: str, code: str) -> str | None:
        if system == "icd10pcs" and len(code) < 7:
            return self._pcs_prefix_title(code)
        for form in dict.fromkeys((code, code.rstrip("X"))):
            try:
                found = self.lookup.lookup(form, self.on, system).title
            except ChartcodeError:
                continue
            if found:
                return found
        return None

    def _pcs_prefix_title(self, prefix: str) -> str | None:
        if len(prefix) < 4:
            return None
        if self._tables is None:
            try:
                self._tables = tables_view(self.lookup.store, self.on)
            except ChartcodeError:
                return None
        head = self._tables.head(prefix[:3])
        if head is None:
            return None
        part = next(
            (c.label for c in self._tables.choices(prefix[:4] + "???", 4) if c.value == prefix[3]),
            None,
        )
        return f"{head.operation_label} of {part}" if part else None

    def check(self, system: str, code: str) -> CodeCheck:
        key = (system, code)
        if key not in self._seen:
            self._seen[key] = self._check(system, code)
        return self._seen[key]

    def _check(self, system: str, code: str) -> CodeCheck:
        if system == "icd10pcs" and len(code) < 7:
            named = self.title(system, code)
            return CodeCheck(
                True,
                False,
                f"{named} (first {len(code)} characters of an ICD-10-PCS code)"
                if named
                else f"ICD-10-PCS {code}: first {len(code)} characters (section, body system,"
                " operation, body part)",
                "",
                f"partial ICD-10-PCS code: complete it with `chartcode pcs table {code}`",
            )
        try:
            r = self.lookup.lookup(code, self.on, system)
        except ChartcodeError as exc:
            return CodeCheck(False, False, "", "", f"not in the code set in force: {exc}")
        release = r.release.version if r.release else ""
        if r.validity in ("deleted", "not_yet_valid"):
            why = r.validity.replace("_", " ")  # deleted | not yet valid
            detail = f": {r.validity_message}" if r.validity_message else ""
            return CodeCheck(False, False, r.title, release, why + detail)
        flags = [] if r.billable else [f"not billable: {r.billable_reason}"]
        if r.validity == "outside_releases" and r.validity_message:
            flags.append(r.validity_message)  # answered from the nearest release, and said so
        return CodeCheck(True, r.billable, r.title, release, "; ".join(flags) or None)
