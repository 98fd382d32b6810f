"""Dates: every element of a date except the year (Safe Harbor (C)), found and shifted.

Found: "April 12, 2023", "March 4th", "Feb 10th 2021", "Jan 9th '23", "12 March 2023",
"4th of March", "July 2021", "in March", "03/04/2023", "3/4/23", "2023-04-25", "3/4" after a
date cue ("on 3/4"), and a birth year that shows an age over 89. A year alone ("diagnosed in
2021") is not PHI and is left. A slash pair without a cue ("3/4 strength", "BP 120/80", "5/5
power") is not a date.

Shifted: ``shift(text, days)`` moves one found date by a number of days and writes it back in
the format it had (month spelled or abbreviated, ordinal suffix, zero padding, two- or
four-digit year), so a surrogate note keeps its intervals and reads like the original.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta

from chartcode.redaction.document import Document, matches_at, triggers
from chartcode.redaction.entities import Entity, EntityType
from chartcode.redaction.gazetteers import Gazetteers
from chartcode.redaction.vocabulary import ProtectedVocabulary
from chartcode.redaction.wordlists import word_list

MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
MONTH_NAMES = tuple(calendar.month_name)[1:]  # English: Python never sets LC_TIME itself
_MONTH = (
    r"(?P<month>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)(?P<dot>\.)?"
)
_DAY = r"(?P<day>[0-3]?\d)(?P<ord>st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d{2}|['’]\d{2})"
_TIME = r"(?P<time>(?:[ T]|\s+at\s+)\d{1,2}:\d{2}(?::\d{2})?(?:\s?[AaPp]\.?[Mm]\.?)?)?"

_MONTH_WORDS = triggers(
    [n.lower() for n in MONTHS]
    + ["sept"]
    + [
        n.lower()
        for n in [
            "January",
            "February",
            "March",
            "April",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ]
    ]
)
_FULL_MONTHS = frozenset(MONTH_NAMES)
_DIGIT_AFTER = re.compile(r"\s*,?\s*\d")
_BIRTH_WORDS = triggers({"born", "year", "birth", "dob", "yob", "b"})
_DAY_BEFORE = re.compile(r"(?<![\w/.-])\d{1,2}(?:st|nd|rd|th)?(?:\s+of\s+|\s+|-)$", re.I)
MONTH_DAY = re.compile(rf"\b{_MONTH}\s+{_DAY}\b(?:(?P<sep>,\s*|\s+|,?\s+of\s+){_YEAR}\b)?", re.I)
DAY_MONTH = re.compile(
    rf"\b{_DAY}(?P<of>\s+of\s+|\s+|-)(?<=\s|-){_MONTH}(?:(?P<sep>,?\s+|-){_YEAR}\b)?(?![\w])",
    re.I,
)
MONTH_YEAR = re.compile(rf"\b{_MONTH}(?P<sep>,?\s+|\s+of\s+){_YEAR}\b", re.I)
NUMERIC = re.compile(
    rf"(?<![\w/.-])(?P<a>\d{{1,2}})(?P<s>[/.-])(?P<b>\d{{1,2}})(?P=s)(?P<y>\d{{4}}|\d{{2}})"
    rf"(?![\w/-]|\.\d){_TIME}"
)
ISO = re.compile(
    rf"(?<![\w/.-])(?P<y>(?:19|20)\d{{2}})(?P<s>[-/.])(?P<a>\d{{1,2}})(?P=s)(?P<b>\d{{1,2}})"
    rf"(?![\w/-]|\.\d){_TIME}"
)
SLASH_PAIR = re.compile(r"(?<![\w/.-])(?P<a>\d{1,2})/(?P<b>\d{1,2})(?![\w/]|\.\d|\s*%)")
# A month alone is a date element after a time word: "in March", "since June"; "last
# December", "early March" are redacted whole. "May" alone is left (the verb).
LONE_MONTH = re.compile(
    r"(?P<when>(?i:early|late|mid|last|next|this)\s+|(?i:mid)-)?"
    r"(?P<month>January|February|March|April|June|July|August|September|October|November|"
    r"December)"
)
_MONTH_CUES = frozenset(
    [
        "in",
        "since",
        "during",
        "until",
        "till",
        "by",
        "from",
        "through",
        "of",
        "before",
        "after",
        "the",
    ]
)
_MONTH_QUALIFIERS = frozenset(["early", "late", "mid", "last", "next", "this"])
BIRTH_YEAR = re.compile(
    r"\b(?:born(?:\s+in)?|year\s+of\s+birth|birth\s+year|DOB|YOB|b\.)\s*:?\s*(?P<y>(?:18|19)\d{2})\b",
    re.I,
)
# Words after which "3/4" is a date: "seen on 3/4", "since 3/4", "admitted 3/4".
_PAIR_CUES = word_list("date_pair_cues")
_PAIR_NOT_AFTER = re.compile(
    r"\s*(?:tabs?|tablets?|caps?|doses?|strength|of|inch|in|cm|mm|mg|ml|units?|cups?|normal|ns|"
    r"power|pulses?|reflex)\b",
    re.I,
)


def detect(doc: Document, gaz: Gazetteers, vocab: ProtectedVocabulary) -> Iterator[Entity]:
    found: list[Entity] = []
    text = doc.text
    months = doc.where(_MONTH_WORDS)
    for i in months:
        start = doc.starts[i]
        for rule, pattern in (("date.month_day", MONTH_DAY), ("date.month_year", MONTH_YEAR)):
            m = pattern.match(text, start)
            if m and _month_ok(m) and (pattern is not MONTH_DAY or 1 <= int(m["day"]) <= 31):
                found.append(Entity(EntityType.DATE, m.start(), m.end(), 0.95, rule))
        before = _DAY_BEFORE.search(text, max(0, start - 14), start)
        if before:
            m = DAY_MONTH.match(text, before.start())
            if m and _month_ok(m) and 1 <= int(m["day"]) <= 31:
                found.append(Entity(EntityType.DATE, m.start(), m.end(), 0.95, "date.day_month"))
        word = doc.words[i]
        if word in _FULL_MONTHS and word != "May" and not _DIGIT_AFTER.match(text, doc.ends[i]):
            prev = doc.words[i - 1].lower() if i and doc.adjacent(i) else ""
            if prev in _MONTH_QUALIFIERS:
                start = doc.starts[i - 1]
            if prev in _MONTH_QUALIFIERS or prev in _MONTH_CUES:
                found.append(Entity(EntityType.DATE, start, doc.ends[i], 0.85, "date.month"))
    short = doc.runs_followed_by("/.-", range(1, 3))
    for m in matches_at(NUMERIC, text, short):
        if _numeric_parts(int(m["a"]), int(m["b"])):
            found.append(Entity(EntityType.DATE, m.start(), m.end(), 0.95, "date.numeric"))
    for m in matches_at(ISO, text, doc.runs_followed_by("/.-", range(4, 5))):
        if 1 <= int(m["a"]) <= 12 and 1 <= int(m["b"]) <= 31:
            found.append(Entity(EntityType.DATE, m.start(), m.end(), 0.95, "date.iso"))
    for m in matches_at(SLASH_PAIR, text, doc.runs_followed_by("/", range(1, 3))):
        a, b = int(m["a"]), int(m["b"])
        before_words = text[max(0, m.start() - 20) : m.start()].split()
        if (
            1 <= a <= 12
            and 1 <= b <= 31
            and before_words
            and before_words[-1].lower().strip(",:(") in _PAIR_CUES
            and not _PAIR_NOT_AFTER.match(text, m.end())
        ):
            found.append(Entity(EntityType.DATE, m.start(), m.end(), 0.85, "date.month_slash_day"))
    cutoff = datetime.now(UTC).year - 90
    for m in matches_at(BIRTH_YEAR, text, [doc.starts[i] for i in doc.where(_BIRTH_WORDS)]):
        if int(m["y"]) <= cutoff:
            found.append(Entity(EntityType.DATE, m.start("y"), m.end("y"), 0.9, "date.birth_year"))
    # The longest reading of each date wins, so that a date is shifted as one unit.
    found.sort(key=lambda e: (e.start, -len(e)))
    end = -1
    for e in found:
        if e.start >= end:
            end = e.end
            yield e


def _month_ok(m: re.Match[str]) -> bool:
    """A month must be capitalised: "may", "mar" and "dec" in lower case are words."""
    return m["month"][0].isupper()


def _numeric_parts(a: int, b: int) -> tuple[int, int] | None:
    """(month, day) of a numeric date, US order first; None when neither order is a date."""
    if 1 <= a <= 12 and 1 <= b <= 31:
        return a, b
    if 1 <= b <= 12 and 1 <= a <= 31:
        return b, a
    return None


# -- shifting ---------------------------------------------------------------------------------


def shift(text: str, days: int, today: date | None = None) -> str | None:
    """``text`` (one date found by ``detect``) moved by ``days``, in its own format.

    None when the text is not a date this module reads (the caller then uses a tag).
    """
    for pattern, render in _RENDERERS:
        m = pattern.fullmatch(text)
        if m:
            try:
                return render(m, days, today or datetime.now(UTC).date())
            except ValueError:  # 30 February and the like: not a real date, cannot shift
                return None
    return None


def _year_of(raw: str | None) -> int | None:
    if not raw:
        return None
    digits = raw.lstrip("'’")
    return int(digits) if len(digits) == 4 else 2000 + int(digits)


def _render_year(new: int, raw: str) -> str:
    if len(raw) == 4:
        return str(new)
    return raw[0] + f"{new % 100:02d}" if raw[0] in "'’" else f"{new % 100:02d}"


def _render_month(new: int, raw: str) -> str:
    """Month ``new`` written as ``raw`` was: spelled out, "Sept" or three letters; same case."""
    name = MONTH_NAMES[new - 1]
    if raw.lower() in _FULL_NAMES:
        out = name
    elif raw.lower() == "sept" and new == 9:
        out = "Sept"
    else:
        out = name[:3]
    return out.upper() if raw.isupper() else out


_FULL_NAMES = frozenset(n.lower() for n in MONTH_NAMES)


def _ordinal(day: int) -> str:
    if 11 <= day % 100 <= 13:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


def _render_day(new: int, raw: str, ordinal: str | None) -> str:
    out = f"{new:02d}" if len(raw) == 2 and raw.startswith("0") else str(new)
    if ordinal:
        suffix = _ordinal(new)
        out += suffix.upper() if ordinal.isupper() else suffix
    return out


def _render_month_day(m: re.Match[str], days: int, today: date) -> str:
    year = _year_of(m["year"]) or 2000  # a leap year, so "February 29th" shifts too
    new = date(year, MONTHS[m["month"][:3].lower()], int(m["day"])) + timedelta(days)
    out = _render_month(new.month, m["month"]) + (m["dot"] or "")
    out += m.string[m.end("dot") if m["dot"] else m.end("month") : m.start("day")]
    out += _render_day(new.day, m["day"], m["ord"])
    if m["year"]:
        out += m["sep"] + _render_year(new.year, m["year"])
    return out


def _render_day_month(m: re.Match[str], days: int, today: date) -> str:
    year = _year_of(m["year"]) or 2000
    new = date(year, MONTHS[m["month"][:3].lower()], int(m["day"])) + timedelta(days)
    out = _render_day(new.day, m["day"], m["ord"])
    out += m.string[m.end("ord") if m["ord"] else m.end("day") : m.start("month")]
    out += _render_month(new.month, m["month"]) + (m["dot"] or "")
    if m["year"]:
        out += m["sep"] + _render_year(new.year, m["year"])
    return out


def _render_month_year(m: re.Match[str], days: int, today: date) -> str:
    year = _year_of(m["year"]) or 2000
    new = date(year, MONTHS[m["month"][:3].lower()], 15) + timedelta(days)
    out = _render_month(new.month, m["month"]) + (m["dot"] or "")
    return out + m["sep"] + _render_year(new.year, m["year"])


def _render_numeric(m: re.Match[str], days: int, today: date) -> str:
    a, b, y = m["a"], m["b"], m["y"]
    parts = _numeric_parts(int(a), int(b))
    if parts is None:
        raise ValueError("not a date")
    month, day = parts
    us_order = (month, day) == (int(a), int(b))
    new = date(_year_of(y) or 2000, month, day) + timedelta(days)
    first, second = (new.month, new.day) if us_order else (new.day, new.month)
    s = m["s"]
    return _pad(first, a) + s + _pad(second, b) + s + _render_year(new.year, y) + (m["time"] or "")


def _render_iso(m: re.Match[str], days: int, today: date) -> str:
    new = date(int(m["y"]), int(m["a"]), int(m["b"])) + timedelta(days)
    s = m["s"]
    return f"{new.year}{s}{_pad(new.month, m['a'])}{s}{_pad(new.day, m['b'])}" + (m["time"] or "")


def _render_slash_pair(m: re.Match[str], days: int, today: date) -> str:
    new = date(2000, int(m["a"]), int(m["b"])) + timedelta(days)
    return f"{_pad(new.month, m['a'])}/{_pad(new.day, m['b'])}"


def _render_lone_month(m: re.Match[str], days: int, today: date) -> str:
    new = date(2000, MONTHS[m["month"][:3].lower()], 15) + timedelta(days)
    return (m["when"] or "") + MONTH_NAMES[new.month - 1]


def _render_birth_year(m: re.Match[str], days: int, today: date) -> str:
    # Safe Harbor folds every age over 89 into one group: any such birth year reads the same.
    return str(today.year - 90)


def _pad(value: int, raw: str) -> str:
    return f"{value:02d}" if len(raw) == 2 else str(value)


_Render = Callable[[re.Match[str], int, date], str]
_RENDERERS: tuple[tuple[re.Pattern[str], _Render], ...] = (
    (MONTH_DAY, _render_month_day),
    (DAY_MONTH, _render_day_month),
    (MONTH_YEAR, _render_month_year),
    (NUMERIC, _render_numeric),
    (ISO, _render_iso),
    (SLASH_PAIR, _render_slash_pair),
    (LONE_MONTH, _render_lone_month),
    (re.compile(r"(?P<y>\d{4})"), _render_birth_year),
)
