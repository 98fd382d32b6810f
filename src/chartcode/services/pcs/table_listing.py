"""One ICD-10-PCS table as the official Tables print it, for ``chartcode pcs table 0SG``.

Contract: ``pcs_table(store, code, on)`` returns the table of the first three characters of
``code`` in the tables release in force on ``on``: its axes 1-3 with labels, the operation's
definition and every row with the values of axes 4-7. A longer code (``0SG3``) keeps only the
rows that allow its further characters. An unknown table raises ``UnknownCode`` naming the
release searched and the tables that share its first two characters.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from chartcode.codes import compact
from chartcode.errors import InvalidInput, UnknownCode
from chartcode.services.pcs.tables_view import tables_view
from chartcode.store.reference import ReferenceStore, ReleaseRow


@dataclass(frozen=True, slots=True)
class AxisValues:
    position: int
    name: str
    values: tuple[tuple[str, str], ...]  # (value, label)

    def to_dict(self) -> dict[str, Any]:
        return {
            "position": self.position,
            "name": self.name,
            "values": [{"value": v, "label": label} for v, label in self.values],
        }


@dataclass(frozen=True, slots=True)
class TableRow:
    row_no: int
    axes: tuple[AxisValues, ...]
    codes: int  # how many codes the row makes

    def to_dict(self) -> dict[str, Any]:
        return {"row": self.row_no, "codes": self.codes, "axes": [a.to_dict() for a in self.axes]}


@dataclass(frozen=True)
class PcsTableListing:
    prefix: str
    axes: tuple[AxisValues, ...]  # axes 1-3, one value each
    definition: str | None
    rows: tuple[TableRow, ...]
    release: ReleaseRow
    date_of_service: str
    warnings: tuple[str, ...]
    filter: str | None  # the longer code asked for, when rows were kept by it

    def to_dict(self) -> dict[str, Any]:
        return {
            "system": "icd10pcs",
            "table": self.prefix,
            "filter": self.filter,
            "axes": [a.to_dict() for a in self.axes],
            "definition": self.definition,
            "rows": [r.to_dict() for r in self.rows],
            "release": self.release.to_dict(),
            "date_of_service": self.date_of_service,
            "warnings": list(self.warnings),
        }


def pcs_table(store: ReferenceStore, code: str, on: date) -> PcsTableListing:
    """The table ``code`` starts with (see the module contract)."""
    c = compact(code).upper()
    if not 3 <= len(c) <= 7:
        raise InvalidInput(f"{code!r} is not an ICD-10-PCS table (3 characters, e.g. 0SG)")
    view = tables_view(store, on)
    head = view.head(c[:3])
    if head is None:
        nearest = sorted(p for p in view.heads() if p[:2] == c[:2])[:12]
        raise UnknownCode(c[:3], [f"icd10pcs tables {view.release.version}"], nearest)
    found = view.queries.table_rows(view.release.id, head.prefix)
    by_row: dict[int, list[tuple[int, str, str, str]]] = {}
    for r in found:
        by_row.setdefault(r.row_no, []).append((r.pos, r.axis_title, r.value, r.label))
    fixed = tuple(
        AxisValues(pos, title, ((value, label),)) for pos, title, value, label in by_row.pop(0, [])
    )
    rows: list[TableRow] = []
    for row_no, values in sorted(by_row.items()):
        axes: list[AxisValues] = []
        for pos in (4, 5, 6, 7):
            vs = [(v, label) for p, _, v, label in values if p == pos]
            title = next((t for p, t, _, _ in values if p == pos), f"Axis {pos}")
            axes.append(AxisValues(pos, title, tuple(vs)))
        keep = all(
            any(v == c[pos - 1] for v, _ in axes[pos - 4].values) for pos in range(4, len(c) + 1)
        )
        if keep:
            count = 1
            for a in axes:
                count *= len(a.values)
            rows.append(TableRow(row_no, tuple(axes), count))
    if not rows:
        raise UnknownCode(c, [f"icd10pcs table {head.prefix} {view.release.version}"], [])
    return PcsTableListing(
        prefix=head.prefix,
        axes=fixed,
        definition=head.definition,
        rows=tuple(rows),
        release=view.release,
        date_of_service=on.isoformat(),
        warnings=view.warnings,
        filter=c if len(c) > 3 else None,
    )
