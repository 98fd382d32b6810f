"""Parser of the official ICD-10-CM and ICD-10-PCS Official Guidelines for Coding and Reporting.

CDC/NCHS and CMS publish the guidelines as a PDF with a text layer (Word to PDF), one per
fiscal year (and an April update in some years). The file states its release on page 1::

    ICD-10-CM Official Guidelines for Coding and Reporting
    FY 2026 -- UPDATED October 1, 2025
    (October 1, 2025 - September 30, 2026)

ICD-10-CM layout: a table of contents (dot leaders, pages 2-6), then Section I to IV and
Appendix I. Headings are numbered in an outline whose levels are told apart by their
numbering style, and which the guidelines cite joined by dots ("Section I.C.4.a.1.a")::

    Section I.  /  A.  /  1.  /  a.  /  1)  /  (a)  /  (i)

Every page ends (or starts) with the running head "ICD-10-CM Official Guidelines for Coding
and Reporting / FY 2026 / Page N of 121", which is dropped. A line is a heading only when its
number comes next in the outline (the successor of the open heading at its level, or the first
child of the deepest one), so a numbered list inside a paragraph is not taken for a heading
and "(i)" is read as a roman numeral under "(h)" only when no "(h)" is open.

ICD-10-PCS layout: lettered parts ("A. Conventions", "B. Medical and Surgical Section
Guidelines (section 0)"), groups ("B3. Root Operation") and numbered paragraphs ("A1",
"B3.1a", "B3.1b"), each paragraph's number on its own line or starting it; short unnumbered
lines ("Multiple procedures") are subheadings that title the paragraphs below them.

Text comes from pdfminer.six: measured against pypdf 7.1.1 on the FY 2026 CM file, pypdf
splits words inside the line ("ICD -10-CM", "achiev e", "chapter -specific") where pdfminer
does not, and pdfminer keeps paragraphs apart with blank lines, which the heading rules use.

Contract: ``parse_guidelines(stream, name)`` returns ``FileHeader(system="icd10cm" or
"icd10pcs", kind="guidelines", version="2026", effective dates from page 1)`` and one
``GuidelineSection`` per heading in document order (its own text up to the next heading, the
pages it spans). ``sections_from_pages(pages)`` does the same from page texts, so the outline
rules are testable without a PDF. A PDF that is not the guidelines, or in which no section is
found, is an ``ImportFormatError``.
"""

from __future__ import annotations

import calendar
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import IO

from chartcode.errors import ImportFormatError
from chartcode.sources.records import FileHeader, GuidelineSection, ParsedFile

KIND = "guidelines"
_TITLE_RE = re.compile(r"ICD-10-(CM|PCS)\s+Official\s+Guidelines\s+for\s+Coding\s+and\s+Reporting")
_FY_RE = re.compile(r"\bFY\s*(\d{4})\b")
_MONTHS = tuple(calendar.month_name)[1:]  # English: Python never sets LC_TIME itself
_DATE = r"(" + "|".join(_MONTHS) + r")\s+(\d{1,2}),\s*(\d{4})"
_RANGE_RE = re.compile(r"\(\s*" + _DATE + r"\s*[-–—]+\s*" + _DATE + r"\s*\)")
_RUNNING_HEAD = re.compile(
    r"^\s*(ICD-10-(CM|PCS)\s+Official\s+Guidelines\s+for\s+Coding\s+and\s+Reporting"
    r"|FY\s*\d{4}|Page\s+\d+\s+of\s+\d+)\s*$"
)
_CODE_START = re.compile(r"^[A-Z]\d[0-9A-Z]")
_DOT_LEADER = re.compile(r"\.{5,}|…{2,}")

ROMAN = ("i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii", "xiii", "xiv")
_SECTIONS = ("I", "II", "III", "IV")

# CM outline levels: (pattern, kind of counter). Level 0 is "Section I." or "Appendix I".
_CM_LEVELS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^Section\s+(I{1,3}|IV)\.\s*(.*)$"), "section"),
    (re.compile(r"^([A-Z])\.(?:\s+(\S.*))?$"), "upper"),
    (re.compile(r"^(\d{1,2})\.(?:\s+(\S.*))?$"), "number"),
    (re.compile(r"^([a-z])\.(?:\s+(\S.*))?$"), "lower"),
    (re.compile(r"^(\d{1,2})\)(?:\s+(\S.*))?$"), "number"),
    (re.compile(r"^\(([a-z])\)(?:\s+(\S.*))?$"), "lower"),
    (re.compile(r"^\(([ivx]+)\)(?:\s+(\S.*))?$"), "roman"),
)
_APPENDIX_RE = re.compile(r"^Appendix\s+(I{1,3})\s*$")

# PCS: "A. Conventions", "B3. Root Operation", paragraphs "A1", "B3.1a" (own line or leading).
_PCS_PART = re.compile(r"^([A-H])\.\s+(\S.*)$")
_PCS_GROUP = re.compile(r"^([A-H]\d{1,2})\.\s+(\S.*)$")
_PCS_PARA = re.compile(r"^([A-H]\d{1,2}(?:\.\d{1,2}[a-z]?|[a-z])?)(?:\s+(\S.*))?$")


@dataclass(slots=True)
class _Open:
    """A heading being read: its counter value and the section it becomes."""

    value: str
    number: str
    title: str
    level: int
    parent: str | None
    page: int
    lines: list[str]
    last_page: int


def sniff(name: str, head: bytes) -> bool:
    """A PDF whose file name says it holds coding guidelines; the parser checks page 1."""
    return head.startswith(b"%PDF") and "guideline" in name.lower()


def pdf_pages(data: bytes, name: str) -> list[str]:
    """The text of each page, in order (pdfminer.six layout analysis)."""
    try:
        from pdfminer.high_level import extract_text
        from pdfminer.pdfparser import PDFSyntaxError
        from pdfminer.psparser import PSException
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise ImportFormatError(name, "reading PDFs needs pdfminer.six") from exc
    try:
        text = extract_text(io.BytesIO(data))
    except (PDFSyntaxError, PSException, ValueError, KeyError, TypeError) as exc:
        raise ImportFormatError(name, f"not a readable PDF ({exc})") from exc
    pages = text.split("\f")
    if pages and not pages[-1].strip():
        pages.pop()
    return pages


def parse_guidelines(
    stream: IO[bytes],
    name: str,
    version: str | None = None,
    effective_from: date | None = None,
) -> ParsedFile:
    """Sections of a guidelines PDF (see module contract)."""
    data = stream.read()
    if not data.startswith(b"%PDF"):
        raise ImportFormatError(name, "not a PDF file")
    pages = pdf_pages(data, name)
    header = guidelines_header(pages, name)
    if version or effective_from:
        header = FileHeader(
            header.system,
            header.kind,
            version or header.version,
            header.title,
            effective_from or header.effective_from,
            header.effective_to,
        )
    return ParsedFile(header, sections_from_pages(pages, header.system, name))


def guidelines_header(pages: Sequence[str], name: str) -> FileHeader:
    """The release named on page 1: system, fiscal year and the dates in force."""
    first = " ".join(pages[0].split()) if pages else ""
    m = _TITLE_RE.search(first)
    if m is None:
        raise ImportFormatError(
            name,
            "page 1 does not read 'ICD-10-CM/PCS Official Guidelines for Coding and Reporting'",
        )
    system = "icd10cm" if m.group(1) == "CM" else "icd10pcs"
    fy_m = _FY_RE.search(first)
    if fy_m is None:
        raise ImportFormatError(name, "page 1 names no fiscal year (FY yyyy)")
    fy = int(fy_m.group(1))
    start, end = date(fy - 1, 10, 1), date(fy, 9, 30)
    rng = _RANGE_RE.search(first)
    if rng:
        g = rng.groups()
        start = date(int(g[2]), _MONTHS.index(g[0]) + 1, int(g[1]))
        end = date(int(g[5]), _MONTHS.index(g[3]) + 1, int(g[4]))
    version = str(fy) if (start.month, start.day) == (10, 1) else f"{fy}-{start.month:02d}"
    label = "ICD-10-CM" if system == "icd10cm" else "ICD-10-PCS"
    title = f"{label} Official Guidelines for Coding and Reporting FY {fy}"
    if version != str(fy):
        title += f" (updated {_MONTHS[start.month - 1]} {start.day}, {start.year})"
    return FileHeader(system, KIND, version, title, start, end)


def _clean_lines(page: str) -> list[str]:
    """A page's lines without the running head; blank lines kept (they separate paragraphs)."""
    out = []
    for raw in page.splitlines():
        line = " ".join(raw.split())
        if _RUNNING_HEAD.match(line):
            continue
        out.append(line)
    return out


def sections_from_pages(
    pages: Sequence[str], system: str = "icd10cm", name: str = "guidelines"
) -> list[GuidelineSection]:
    """Sections of the guidelines from each page's text (page 1 first)."""
    lines: list[tuple[int, str]] = []
    for i, page in enumerate(pages, start=1):
        lines.extend((i, line) for line in _clean_lines(page))
        lines.append((i, ""))
    sections = _pcs_sections(lines) if system == "icd10pcs" else _cm_sections(lines)
    if not sections:
        raise ImportFormatError(name, "no numbered guideline section found")
    return sections


def _successor(kind: str, value: str) -> str:
    if kind in ("number",):
        return str(int(value) + 1)
    if kind in ("upper", "lower"):
        return chr(ord(value) + 1)
    if kind == "roman":
        i = ROMAN.index(value) if value in ROMAN else len(ROMAN) - 1
        return ROMAN[min(i + 1, len(ROMAN) - 1)]
    if kind == "section":
        i = _SECTIONS.index(value) if value in _SECTIONS else len(_SECTIONS) - 1
        return _SECTIONS[min(i + 1, len(_SECTIONS) - 1)]
    return ""


_FIRST = {"number": "1", "upper": "A", "lower": "a", "roman": "i", "section": "I"}


def _cm_candidate(line: str, stack: list[_Open]) -> tuple[int, str, str] | None:
    """(level, value, title) when ``line`` is the next heading of the outline, else None."""
    successors: list[tuple[int, str, str]] = []
    child: tuple[int, str, str] | None = None
    depth = len(stack)  # the next child's level
    for level, (pattern, kind) in enumerate(_CM_LEVELS):
        m = pattern.match(line)
        if not m:
            continue
        value, title = m.group(1), (m.group(2) or "").strip()
        if level == 0:
            # A new Section may follow anything (Appendix I ends the numbered outline).
            if (
                not stack
                or stack[0].value == "Appendix"
                or value == _successor("section", stack[0].value)
            ):
                successors.append((0, value, title))
            continue
        if level < depth and stack[level].value and value == _successor(kind, stack[level].value):
            successors.append((level, value, title))
        elif level == depth and depth > 0 and value == _FIRST[kind]:
            child = (level, value, title)
    if successors:
        return max(successors)
    return child


def _number(stack: list[_Open], level: int, value: str) -> str:
    if level == 0:
        return value
    return f"{stack[level - 1].number}.{value}"


def _finish(open_: _Open, seq: int) -> GuidelineSection:
    text = "\n".join(_paragraphs(open_.lines))
    return GuidelineSection(
        number=open_.number,
        title=open_.title,
        level=open_.level,
        parent=open_.parent,
        page_start=open_.page,
        page_end=max(open_.page, open_.last_page),
        text=text,
        seq=seq,
    )


def _paragraphs(lines: list[str]) -> list[str]:
    """Lines joined into paragraphs (blank lines separate them), hyphenation kept as printed."""
    out: list[str] = []
    cur: list[str] = []
    for line in [*lines, ""]:
        if line:
            cur.append(line)
        elif cur:
            out.append(" ".join(cur))
            cur = []
    return out


def _take_title(lines: list[tuple[int, str]], i: int, title: str) -> tuple[str, int]:
    """The heading's title, with its wrapped continuation lines; returns the next line index.

    A heading wraps onto following lines of the same paragraph when the paragraph is short
    (a title, not a title and its text); a lower-case line after a blank continues it too
    ("Section I. Conventions, ... chapter" / "specific guidelines").
    """
    j = i + 1
    if not title:  # the number alone on its line ("10."): the title is the next paragraph
        while j < len(lines) and not lines[j][1]:
            j += 1
        if j < len(lines) and not _is_numbered(lines[j][1]) and len(lines[j][1]) <= 120:
            title = lines[j][1]
            i = j
            j += 1
    head_len = len(lines[i][1])
    start = j
    para: list[str] = []
    while j < len(lines) and lines[j][1]:
        para.append(lines[j][1])
        j += 1
    if (
        para
        and len(para) <= 2
        and len(" ".join([title, *para])) <= 200
        and not any(_is_numbered(p) for p in para)
    ):
        title = " ".join([title, *para])
        i = j
    elif (
        para
        and head_len >= 45
        and len(para[0]) <= 45
        and not para[0].endswith((".", ":", ";"))
        and not _is_numbered(para[0])
    ):
        # A long heading wrapped onto a short line, its text following at once:
        # "d. Place of Occurrence, ... Used with other" / "External Cause Code" / "When ...".
        title = f"{title} {para[0]}"
        i = start
    elif not para:
        k = j
        while k < len(lines) and not lines[k][1]:
            k += 1
        nxt = lines[k][1] if k < len(lines) else ""
        lower_tail = nxt[:1].islower() and len(nxt) <= 60
        wrapped = (
            head_len >= 45
            and len(nxt) <= 45
            and not nxt.endswith((".", ":", ";"))
            and not _CODE_START.match(nxt)
            and not nxt.startswith("Reserved")
        )
        if nxt and (lower_tail or wrapped) and not _is_numbered(nxt):
            title = f"{title} {lines[k][1]}"
            i = k
    return title.strip(), i + 1


def _is_numbered(line: str) -> bool:
    return any(p.match(line) for p, _ in _CM_LEVELS)


def _cm_sections(lines: list[tuple[int, str]]) -> list[GuidelineSection]:
    out: list[GuidelineSection] = []
    stack: list[_Open] = []
    preamble: list[str] = []
    started = False

    def close_to(level: int) -> None:
        while len(stack) > level:
            out.append(_finish(stack.pop(), len(out) + 1))

    i = 0
    while i < len(lines):
        page, line = lines[i]
        if not line or _DOT_LEADER.search(line):
            if stack and not line:
                stack[-1].lines.append("")
            i += 1
            continue
        appendix = _APPENDIX_RE.match(line)
        cand = _cm_candidate(line, stack)
        if appendix and started:
            close_to(0)
            title, i = _take_title(lines, i, "")
            stack.append(
                _Open("Appendix", f"Appendix {appendix.group(1)}", title, 0, None, page, [], page)
            )
            continue
        if cand is not None and (started or cand[0] == 0):
            level, value, title = cand
            close_to(level)
            started = True
            number = _number(stack, level, value)
            parent = stack[-1].number if stack else None
            title, i = _take_title(lines, i, title)
            stack.append(_Open(value, number, title, level, parent, page, [], page))
            continue
        if stack:
            stack[-1].lines.append(line)
            stack[-1].last_page = page
        elif not started:
            preamble.append(line)
        i += 1
    close_to(0)
    out.sort(key=lambda s: s.seq)
    # Sections are finished child-first; renumber in document order (by first page, then
    # by the order headings were opened, which the number's position in the file keeps).
    return _document_order(out)


def _document_order(sections: list[GuidelineSection]) -> list[GuidelineSection]:
    """Sections in the order their headings appear (they are closed deepest first)."""
    opened = sorted(sections, key=lambda s: s.seq)
    # A parent is finished after its children; its heading came first. Rebuild order by
    # walking the tree from the roots.
    children: dict[str | None, list[GuidelineSection]] = {}
    for s in opened:
        children.setdefault(s.parent, []).append(s)
    for kids in children.values():
        kids.sort(key=lambda s: (s.page_start, s.seq))
    ordered: list[GuidelineSection] = []

    def walk(parent: str | None) -> None:
        for s in children.get(parent, []):
            ordered.append(s)
            walk(s.number)

    walk(None)
    return [
        GuidelineSection(s.number, s.title, s.level, s.parent, s.page_start, s.page_end, s.text, n)
        for n, s in enumerate(ordered, start=1)
    ]


def _pcs_sections(lines: list[tuple[int, str]]) -> list[GuidelineSection]:
    """ICD-10-PCS guidelines: parts (A.), groups (B3.), paragraphs (B3.1a) and subheadings."""
    out: list[_Open] = []
    part: _Open | None = None
    group: _Open | None = None
    subheading: str | None = None
    current: _Open | None = None
    started = False
    for idx, (page, line) in enumerate(lines):
        if not line or _DOT_LEADER.search(line):
            if current is not None and not line:
                current.lines.append("")
            continue
        m_part = _PCS_PART.match(line)
        m_group = _PCS_GROUP.match(line)
        m_para = _PCS_PARA.match(line)
        if m_part and (part is None or m_part.group(1) > part.value or not started):
            part = _Open(m_part.group(1), m_part.group(1), m_part.group(2), 0, None, page, [], page)
            group, subheading, current = None, None, part
            out.append(part)
            started = True
            continue
        if started and part is not None and m_group and m_group.group(1)[0] == part.value:
            group = _Open(
                m_group.group(1), m_group.group(1), m_group.group(2), 1, part.number, page, [], page
            )
            subheading, current = None, group
            out.append(group)
            continue
        if started and part is not None and m_para and m_para.group(1)[0] == part.value:
            number = m_para.group(1)
            owner = group if group is not None and number.startswith(group.number) else part
            title = subheading or owner.title
            para = _Open(number, number, title, owner.level + 1, owner.number, page, [], page)
            if m_para.group(2):
                para.lines.append(m_para.group(2))
            current = para
            out.append(para)
            continue
        if started and _is_subheading(lines, idx):
            subheading = line
            continue
        if current is not None:
            current.lines.append(line)
            current.last_page = page
    return [_finish(o, n) for n, o in enumerate(out, start=1)]


def _is_subheading(lines: list[tuple[int, str]], idx: int) -> bool:
    """A short unnumbered line on its own, capitalised, without closing punctuation."""
    line = lines[idx][1]
    before = lines[idx - 1][1] if idx > 0 else ""
    return (
        len(line) <= 60
        and not before
        and line[:1].isupper()
        and line[-1] not in ".,;:"
        and not _PCS_PARA.match(line)
    )
