"""Looking up the Official Guidelines for Coding and Reporting by section number or by words.

Contract: ``GuidelineLookup(store).find(query, on)`` answers from the guidelines release in
force on the date of service (ICD-10-CM, ICD-10-PCS, or both): a query that is a section
number ("I.C.4.a", "Section I.B.1", "II", "B3.1a") returns that section and its sub-sections'
titles; words return the best-matching sections (title words weigh more than text words).
Each hit carries the file, release and page it comes from, so it can be cited.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date

from chartcode.services.releases import in_force
from chartcode.store.guideline_queries import GuidelineQueries, Row
from chartcode.store.reference import ReferenceStore, ReleaseRow

SYSTEMS = ("icd10cm", "icd10pcs")
_CM_NUMBER = re.compile(
    r"^(?:section\s+)?((?:I{1,3}|IV)(?:\.[A-Za-z0-9]{1,4})*)\.?$|^(appendix\s+I{1,3})$", re.I
)
_PCS_NUMBER = re.compile(r"^([A-H]\d{1,2}(?:\.\d{1,2}[a-z]?|[a-z])?)\.?$")
_WORD = re.compile(r"[A-Za-z0-9]+")
_STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "can",
        "do",
        "does",
        "for",
        "from",
        "how",
        "i",
        "in",
        "is",
        "it",
        "of",
        "on",
        "or",
        "say",
        "says",
        "should",
        "the",
        "to",
        "what",
        "when",
        "which",
        "who",
        "with",
        "about",
        "guideline",
        "guidelines",
        "official",
        "coding",
        "code",
        "codes",
        "tell",
        "me",
        "we",
        "you",
    ]
)


@dataclass(frozen=True, slots=True)
class GuidelineHit:
    system: str
    number: str
    title: str
    page_start: int
    page_end: int
    text: str
    source: str  # the PDF as imported
    release: str  # "icd10cm guidelines 2026"
    score: float = 0.0
    subsections: list[tuple[str, str]] = field(default_factory=list)  # (number, title)

    @property
    def cited_number(self) -> str:
        """As the guidelines cite themselves: "Section I.C.4.a" (CM) or "B3.1a" (PCS)."""
        if self.system == "icd10cm" and not self.number.startswith("Appendix"):
            return f"Section {self.number}"
        return self.number

    def citation(self) -> str:
        pages = (
            f"p. {self.page_start}"
            if self.page_start == self.page_end
            else f"pp. {self.page_start}-{self.page_end}"
        )
        return f"{self.source} ({self.release}), {self.cited_number} “{self.title}”, {pages}"

    def to_dict(self) -> dict[str, object]:
        d = asdict(self)
        d["cited_number"] = self.cited_number
        d["citation"] = self.citation()
        return d


def section_number(query: str) -> tuple[str, str] | None:
    """(system, number) when ``query`` is a guideline section number, else None."""
    q = query.strip().rstrip(".")
    m = _CM_NUMBER.match(q)
    if m:
        if m.group(2):
            return "icd10cm", "Appendix " + m.group(2).split()[-1].upper()
        parts = m.group(1).split(".")
        head = parts[0].upper()
        rest = [p.upper() if i == 0 else p for i, p in enumerate(parts[1:])]
        return "icd10cm", ".".join([head, *rest])
    m = _PCS_NUMBER.match(q)
    if m:
        return "icd10pcs", m.group(1)
    return None


class GuidelineLookup:
    def __init__(self, store: ReferenceStore) -> None:
        self.store = store
        self.q = GuidelineQueries(store.conn)

    def releases(self, on: date, system: str | None = None) -> list[tuple[ReleaseRow, str | None]]:
        """The guidelines releases in force (with any out-of-range warning)."""
        out = []
        for s in SYSTEMS:
            if system and s != system:
                continue
            chosen = in_force(self.store, s, "guidelines", on)
            if chosen:
                out.append((chosen.release, chosen.warning))
        return out

    def loaded(self, on: date, system: str | None = None) -> bool:
        return bool(self.releases(on, system))

    def find(
        self, query: str, on: date, system: str | None = None, limit: int = 5
    ) -> list[GuidelineHit]:
        number = section_number(query)
        if number is not None:
            hit = self.section(number[1], on, number[0])
            if hit is not None:
                return [hit]
        return self.search(query, on, system, limit)

    def section(self, number: str, on: date, system: str = "icd10cm") -> GuidelineHit | None:
        for rel, _ in self.releases(on, system):
            row = self.q.by_number(rel.id, number)
            if row is None and system == "icd10cm" and number.count(".") >= 1:
                # Cited with a trailing letter in upper case ("I.C.4.A") or lower ("i.c.4.a").
                row = self.q.by_number(rel.id, _normalise_cm(number))
            if row is not None:
                kids = self.q.children(rel.id, row[1])
                return self._hit(rel, row, 0.0, [(k[1], k[2]) for k in kids])
        return None

    def search(
        self, text: str, on: date, system: str | None = None, limit: int = 5
    ) -> list[GuidelineHit]:
        words = [w.lower() for w in _WORD.findall(text) if w.lower() not in _STOP]
        if not words:
            return []
        hits: list[GuidelineHit] = []
        for rel, _ in self.releases(on, system):
            in_title = self.q.search(
                rel.id, " AND ".join(f'title : "{w}"' for w in words), limit * 4
            )
            found = in_title + self.q.search(
                rel.id, " AND ".join(f'"{w}"' for w in words), limit * 4
            )
            found = list({row[0]: (row, score) for row, score in reversed(found)}.values())
            if not found:
                found = self.q.search(rel.id, " OR ".join(f'"{w}"' for w in words), limit * 4)
            hits += [
                self._hit(rel, row, score, [(k[1], k[2]) for k in self.q.children(rel.id, row[1])])
                for row, score in found
            ]
        # A section whose title says everything the question asks about comes first (FTS
        # ranks a long text that repeats the words above the heading that names them).
        wanted = set(words)
        hits.sort(
            key=lambda h: (
                not wanted <= _title_words(h.title),
                len({w.lower() for w in _WORD.findall(h.title)} - wanted),
                h.score,
            )
        )
        return hits[:limit]

    def _hit(
        self,
        rel: ReleaseRow,
        row: Row,
        score: float,
        subsections: list[tuple[str, str]] | None = None,
    ) -> GuidelineHit:
        seq, number, title, _level, _parent, p1, p2, text = row
        return GuidelineHit(
            system=rel.system,
            number=number,
            title=title,
            page_start=p1,
            page_end=p2,
            text=text,
            source=rel.source_name,
            release=f"{rel.system} guidelines {rel.version}",
            score=score,
            subsections=list(subsections or []),
        )


def _title_words(title: str) -> set[str]:
    """A title's words, with the plural -s dropped as FTS5's porter stemmer would match them."""
    words = {w.lower() for w in _WORD.findall(title)}
    return words | {w[:-1] for w in words if w.endswith("s")} | {w + "s" for w in words}


def _normalise_cm(number: str) -> str:
    """I.C.4.A -> I.C.4.a: the 1st and 2nd levels are upper case, the 4th lower, and so on."""
    parts = number.split(".")
    out = []
    for i, p in enumerate(parts):
        if i in (0, 1):
            out.append(p.upper())
        elif p.isalpha() and i in (3, 5) or p.isalpha() and i == 6:
            out.append(p.lower())
        else:
            out.append(p)
    return ".".join(out)
