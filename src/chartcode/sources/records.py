"""Plain records the parsers yield and the store loader consumes.

Each parser module yields exactly these types, so the loader never needs to know a file format.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True, slots=True)
class FileHeader:
    """What a file says about itself: enough to name its release."""

    system: str  # icd10cm | icd10pcs
    kind: str  # tabular | index | neoplasm | drug | eindex | tables | definitions
    version: str  # as printed in the file's <version>, e.g. "2026"
    title: str  # human title, e.g. "ICD-10-CM Tabular List 2026"
    # Files that state their own dates (quarterly CMS files) set these; ICD-10 files leave
    # them None and are dated by fiscal year in ``detect.identify_release``.
    effective_from: date | None = None
    effective_to: date | None = None


@dataclass(frozen=True, slots=True)
class CmNote:
    # inclusion_term | includes | excludes1 | excludes2 | code_first | use_additional |
    # code_also | note | seventh_char_note
    kind: str
    text: str


@dataclass(frozen=True, slots=True)
class CmNode:
    """One chapter, block, category, subcategory or code of the ICD-10-CM Tabular List."""

    code: str  # compact: "1" for a chapter, "A00-A09" for a block, "E1140" for a code
    kind: str  # chapter | block | category | subcategory | code
    title: str
    parent: str | None
    depth: int
    seq: int
    notes: tuple[CmNote, ...] = ()
    seventh: tuple[tuple[str, str], ...] = ()  # (character, meaning) declared at this node
    is_leaf: bool = False


@dataclass(frozen=True, slots=True)
class IndexCell:
    col: int
    heading: str
    code: str


@dataclass(frozen=True, slots=True)
class IndexTerm:
    """One main term or nested term of an index (CM index, neoplasm, drug, external cause, PCS).

    ``id`` is unique within the file (document order, from 1); ``parent_id`` is the id of the
    term it is nested under (None for a main term).
    """

    id: int
    parent_id: int | None
    level: int  # 0 for a main term
    letter: str | None
    title: str  # without the nonessential modifiers
    nemod: str | None  # nonessential modifiers as printed, e.g. "(acute) (chronic)"
    path: str  # titles from the main term down, joined with ", "
    code: str | None = None  # code, code prefix (PCS <codes>) or table (PCS <tab>)
    code_kind: str | None = None  # code | codes | tab | seecat | subcat
    manif: str | None = None  # manifestation code printed in brackets
    see: str | None = None
    see_also: str | None = None
    use_term: str | None = None  # PCS <use>
    cells: tuple[IndexCell, ...] = ()


@dataclass(frozen=True, slots=True)
class PcsAxisValue:
    pos: int  # 1..7
    axis_title: str
    value: str  # one character
    label: str


@dataclass(frozen=True, slots=True)
class PcsRow:
    """One row of a PCS table: the valid values of axes 4-7 that combine with each other."""

    row_no: int  # 1.. within its table
    axes: tuple[PcsAxisValue, ...]  # positions 4..7, each value listed
    declared_codes: int | None  # the row's codes="N" attribute, checked against the expansion


@dataclass(frozen=True, slots=True)
class PcsTable:
    prefix: str  # axes 1-3, e.g. "0SG"
    seq: int
    section: PcsAxisValue
    body_system: PcsAxisValue
    operation: PcsAxisValue
    definition: str | None
    rows: tuple[PcsRow, ...] = field(default=())

    def codes(self) -> list[tuple[str, int]]:
        """Every valid code of the table, with the row that makes it valid."""
        out: list[tuple[str, int]] = []
        for row in self.rows:
            by_pos: dict[int, list[str]] = {4: [], 5: [], 6: [], 7: []}
            for ax in row.axes:
                by_pos[ax.pos].append(ax.value)
            for a in by_pos[4]:
                for b in by_pos[5]:
                    for c in by_pos[6]:
                        for d in by_pos[7]:
                            out.append((self.prefix + a + b + c + d, row.row_no))
        return out


@dataclass(frozen=True, slots=True)
class PcsDefinition:
    """A definitions-file entry: an axis value's definition or a key entry (body part...)."""

    section: str  # section character
    pos: int
    axis_title: str
    terms: tuple[str, ...]  # the axis value titles the entry covers (key entries may list several)
    definition: str | None
    explanation: str | None
    includes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PcsDeviceAggregate:
    device: str
    operation: str
    body_systems: tuple[str, ...]
    parent_value: str
    parent_label: str


@dataclass(frozen=True, slots=True)
class GuidelineSection:
    """One numbered section of the ICD-10-CM/PCS Official Guidelines (its own text only)."""

    number: str  # as cited: "I.C.4.a.1", "II.A", "Appendix I"; PCS: "B3.1a"
    title: str
    level: int  # 0 for a Section (CM) or a lettered part (PCS)
    parent: str | None
    page_start: int
    page_end: int
    text: str  # paragraphs separated by newlines
    seq: int  # document order, from 1


@dataclass(frozen=True, slots=True)
class ParsedFile:
    """A parsed file: its header and its records, in document order."""

    header: FileHeader
    records: list[Any]  # the family's record type, see each parser
