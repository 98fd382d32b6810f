"""Identifying numbers: phone and fax, SSN, record, plan, account, licence, vehicle, device.

Safe Harbor (D), (E), (G)-(M) and (R). A label decides the kind ("MRN: 789-45-123" is a record
number, though shaped like an SSN); the labels are data (``data/id_labels.tsv``). Without a
label, shapes that only identifiers have are still redacted: phone numbers, SSNs, card numbers
(Luhn), IBANs, Medicare MBIs, VINs, "#"-prefixed codes, letter-dash-digit codes ("ST-998877"),
and runs of seven or more digits. Clinical numbers keep their shapes apart from these: codes
(E11.40, 22586, G0378), doses, ranges ("1000-1500 mL"), ratios and lab values are left.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from chartcode.redaction.document import Document, matches_at, triggers
from chartcode.redaction.entities import Entity, EntityType
from chartcode.redaction.gazetteers import Gazetteers, gazetteers
from chartcode.redaction.vocabulary import ProtectedVocabulary
from chartcode.redaction.wordlists import word_list

_MARKER = r"(?:\s*(?:ID|I\.D\.|#|No\b\.?|Nbr\.?|num(?:ber)?\b\.?|identifier|code)){0,2}"
# A weak label ("patient", "case", "plan") needs a marker: "patient ID", "case #".
_WEAK_MARKER = r"(?:\s*(?:ID|I\.D\.|#|No\b\.?|Nbr\.?|num(?:ber)?\b\.?|identifier)){1,2}"
_SEP = r"(?:\s*[:=#]\s*|\s+(?:is|was|of)\s*:?\s*|\s*[(\[]\s*|\s*)"
_VALUE = (
    r"(?P<value>#?\s?(?:\d{2,}(?:\s\d{2,}){1,3}(?![\w-])|[A-Z]{2}\s(?=[A-Z0-9-]*\d)[A-Z0-9][A-Z0-9-]+"
    r"|(?=[A-Za-z0-9./-]*\d)[A-Za-z0-9](?:[A-Za-z0-9./-]*[A-Za-z0-9])?))"
)
_YEAR = re.compile(r"(?:19|20)\d{2}")
_DATE_SHAPE = re.compile(r"\d{1,4}[/.-]\d{1,2}(?:[/.-]\d{2,4})?")

SSN = re.compile(r"(?<![\w-])(?P<a>\d{3})-(?P<b>\d{2})-(?P<c>\d{4})(?![\w-])")
PHONE_US = re.compile(
    r"(?<![\w+/-])(?:\+?1[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]\d{4}"
    r"(?:\s*(?:x|ext\.?|extension)\s*\d{1,5})?(?![\w-])"
)
PHONE_INTL = re.compile(r"(?<![\w+])\+\d{1,3}(?:[\s.-]?\(?\d{1,5}\)?){2,6}(?![\w-])")
_PHONE_WORDS = triggers(word_list("phone_labels"))
PHONE_LABELLED = re.compile(
    r"\b(?P<label>phone|telephone|tel|cellphone|cell|mobile|call|ph|contact|pager|beeper|fax|f)"
    r"\b\.?"
    r"(?:\s*(?:#|no\.?|number))?\s*[:#]?\s*(?:at\s+|on\s+)?(?P<value>\+?\(?\d[\d\s().-]{5,18}\d)",
    re.I,
)
CARD = re.compile(r"(?<![\d-])\d{4}(?:[ -]?\d{4}){2}[ -]?\d{1,7}(?![\d-])")
IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b")
# Medicare Beneficiary Identifier (CMS MBI format, 2018): 11 characters, letters without S L O I
# B Z, digits in fixed places.
_L = "[AC-HJKMNP-RT-Y]"
MBI = re.compile(rf"\b[1-9]{_L}[{_L[1:-1]}0-9]\d-?{_L}[{_L[1:-1]}0-9]\d-?{_L}{{2}}\d{{2}}\b")
VIN = re.compile(r"\b(?=[A-HJ-NPR-Z0-9]*\d)(?=[A-HJ-NPR-Z0-9]*[A-HJ-NPR-Z])[A-HJ-NPR-Z0-9]{17}\b")
HASH_CODE = re.compile(r"(?<![\w#&])#\s?[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?![\w-])")
LETTER_CODE = re.compile(
    r"(?<![\w-])(?:[A-Z]{1,6}-){1,2}\d{2,}(?:-[A-Za-z0-9]+)*(?![\w-])"
    r"|(?<![\w-])[A-Z]{1,5}\d{5,}[A-Z]?(?![\w-])|(?<![\w-])[A-Z]{2,5}\d{4,}(?![\w-])"
    r"|(?<![\w-])\d{4,}-[A-Z]{2,6}(?![\w-])"
)
# Eight digits or more; seven when not led by 0, since an all-digit ICD-10-PCS code ("0210093")
# is seven digits from section 0.
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_TOKEN17 = re.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9]{17}(?![A-Za-z0-9])")
LONG_DIGITS = re.compile(r"(?<![\d.,/-])(?:\d{8,}|[1-9]\d{6})(?![\d/-]|[.,]\d)")
DIGIT_GROUPS = re.compile(r"(?<![\w.,/-])\d{2,}(?:-\d{2,}){1,4}(?![\w/-]|\.\d)")
_RANGE_CUE = re.compile(r"(?:between|from|range|of)\s*$", re.I)
_UNIT_AFTER = re.compile(
    r"\s*(?:%|/|(?:mg|mcg|µg|g|kg|ml|l|units?|u|iu|meq|mmol|cells|mm|cm|mmhg|bpm|hours?|hrs?|"
    r"minutes?|min|days?|weeks?|months?|years?|times|steps|feet|ft|calories|kcal)\b)",
    re.I,
)


def detect(doc: Document, gaz: Gazetteers, vocab: ProtectedVocabulary) -> Iterator[Entity]:
    text = doc.text
    numbers, codes = doc.number_starts, doc.code_starts
    yield from _labelled(doc, gaz)
    for m in matches_at(SSN, text, doc.runs_followed_by("-", range(3, 4))):
        a, b, c = m["a"], m["b"], m["c"]
        # SSA never issues area 000, 666 or 900-999, group 00 or serial 0000: such a number is
        # some other identifier, still redacted.
        valid = a not in ("000", "666") and a[0] != "9" and b != "00" and c != "0000"
        kind = EntityType.SSN if valid else EntityType.ID
        yield Entity(kind, m.start(), m.end(), 0.93 if valid else 0.85, "number.ssn_shape")
    yield from _phones(doc)
    cards = sorted(
        doc.runs_followed_by(" -", range(4, 5)) + [s for s, e in doc.runs if e - s >= 13]
    )
    for m in matches_at(CARD, text, cards):
        if _luhn(re.sub(r"\D", "", m.group())):
            yield Entity(EntityType.ACCOUNT, m.start(), m.end(), 0.9, "number.card")
    for m in matches_at(IBAN, text, codes):
        yield Entity(EntityType.ACCOUNT, m.start(), m.end(), 0.9, "number.iban")
    for m in matches_at(MBI, text, doc.runs_followed_by(_LETTERS, range(1, 2))):
        yield Entity(EntityType.HEALTH_PLAN, m.start(), m.end(), 0.9, "number.mbi")
    # A VIN is 17 letters and digits: only tokens that long are tried.
    if _TOKEN17.search(text):
        long_tokens = [p for p in sorted({*numbers, *codes}) if _TOKEN17.match(text, p)]
        for m in matches_at(VIN, text, long_tokens):
            yield Entity(EntityType.VEHICLE, m.start(), m.end(), 0.88, "number.vin")
    hashes = [p for p in codes if text[p] == "#"] + [p for p in numbers if text[p] == "#"]
    for m in matches_at(HASH_CODE, text, sorted(hashes)):
        if sum(ch.isdigit() for ch in m.group()) >= 4:
            yield Entity(EntityType.ID, m.start(), m.end(), 0.85, "number.hash_code")
    lettered = sorted({*codes, *doc.runs_followed_by("-", range(4, 100))})
    for m in matches_at(LETTER_CODE, text, lettered):
        if sum(ch.isdigit() for ch in m.group()) >= 4:
            yield Entity(EntityType.ID, m.start(), m.end(), 0.85, "number.letter_code")
    for m in matches_at(LONG_DIGITS, text, [s for s, e in doc.runs if e - s >= 7]):
        yield Entity(EntityType.ID, m.start(), m.end(), 0.8, "number.long_digits")
    for m in matches_at(DIGIT_GROUPS, text, doc.runs_followed_by("-", range(2, 100))):
        if not _is_range(text, m):
            yield Entity(EntityType.ID, m.start(), m.end(), 0.8, "number.digit_groups")


_Labels = dict[str, list[tuple[EntityType, str, re.Pattern[str]]]]


@cache
def _label_index() -> tuple[_Labels, frozenset[str]]:
    """For each first word of a label: (kind, strength, pattern matching label and value)."""
    index: dict[str, list[tuple[EntityType, str, re.Pattern[str]]]] = {}
    for label in gazetteers().id_labels:
        marker = _MARKER if label.strong else _WEAK_MARKER
        pattern = re.compile(rf"(?:{label.pattern})(?![a-z]){marker}{_SEP}{_VALUE}", re.I)
        strength = "strong" if label.strong else "weak"
        for word in label.words:
            index.setdefault(word, []).append((label.type, strength, pattern))
    return index, triggers(index)


def _labelled(doc: Document, gaz: Gazetteers) -> Iterator[Entity]:
    text = doc.text
    index, words = _label_index()
    for i in doc.where(words):
        if i and doc.text[doc.starts[i] - 1] == "-":
            continue
        for kind, strength, pattern in index[doc.words[i].lower()]:
            m = pattern.match(text, doc.starts[i])
            if not m:
                continue
            value = m["value"]
            core = value.lstrip("# ")
            if len(re.sub(r"\W", "", core)) < 3 or _YEAR.fullmatch(core):
                continue
            if _DATE_SHAPE.fullmatch(core) and "/" in core:
                continue  # "DOS 03/04/2023" is a date, found by the date rules
            yield Entity(kind, m.start("value"), m.end("value"), 0.97, f"number.label.{strength}")
            break


def _phones(doc: Document) -> Iterator[Entity]:
    text = doc.text
    plus = [p for p in doc.number_starts if text[p] == "+"]
    us = sorted(
        [p for p in doc.number_starts if text[p] in "(+"]
        + doc.runs_followed_by("-. )", range(1, 4))
    )
    for pattern, rule, starts in (
        (PHONE_US, "number.phone", us),
        (PHONE_INTL, "number.phone_intl", plus),
    ):
        for m in matches_at(pattern, text, starts):
            digits = sum(ch.isdigit() for ch in m.group())
            if 7 <= digits <= 15:
                yield _phone(text, m.start(), m.end(), 0.9, rule)
    starts = [doc.starts[i] for i in doc.where(_PHONE_WORDS)]
    for m in matches_at(PHONE_LABELLED, text, starts):
        value = m["value"].rstrip(" .-")
        digits = sum(ch.isdigit() for ch in value)
        if 7 <= digits <= 15 and not _DATE_SHAPE.fullmatch(value):
            start = m.start("value")
            yield _phone(text, start, start + len(value), 0.92, "number.phone_labelled")


def _phone(text: str, start: int, end: int, score: float, rule: str) -> Entity:
    """A phone number, or a fax number when "fax" (or "F:") labels it on the same line."""
    before = text[max(0, start - 25) : start]
    before = before.rsplit("\n", 1)[-1].lower()
    is_fax = "fax" in before or re.search(r"\bf\s*:\s*$", before) is not None
    return Entity(EntityType.FAX if is_fax else EntityType.PHONE, start, end, score, rule)


def _luhn(digits: str) -> bool:
    if not 13 <= len(digits) <= 19:
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _is_range(text: str, m: re.Match[str]) -> bool:
    """Numbers joined by a dash that are a range, not an ID: "1000-1500 mL", "from 120-130"."""
    groups = m.group().split("-")
    if sum(len(g) for g in groups) < 6:
        return True  # short groups: scores, ranges, ratios ("10-15", "3-4-2")
    if len(groups) != 2:
        return False
    before = text[max(0, m.start() - 12) : m.start()]
    if _UNIT_AFTER.match(text, m.end()) or _RANGE_CUE.search(before):
        return True
    # Same width and close together ("99202-99215", "1000-1500"): a range of codes or values.
    # An ID's halves are unrelated ("12345-67890", "1122-3344").
    if text[m.start() - 1 : m.start()] == "(" and text[m.end() : m.end() + 1] == ")":
        return True  # a reference range: "LDH 340 (230-460)"
    first, second = (int(g) for g in groups)
    width = len(groups[0])
    if width == len(groups[1]) <= 3:
        return first < second  # "120-130", "230-460"
    return width == len(groups[1]) and 0 < second - first < 10 ** (width - 1)
