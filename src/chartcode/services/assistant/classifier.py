"""Reading a coding question: which kind it is, and the codes, modifier and words it names.

Contract: ``classify(question)`` returns a ``Question`` with ``kind`` one of ``KINDS`` (rules,
no model) and what the question names: ``codes`` in the order written (compact form, with the
systems their syntax admits), ``modifier`` and ``topic`` (the words left for a search or a
guideline lookup). ``unknown`` means no rule fits; the deterministic answerer then looks up a
code if there is one, or searches the words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from chartcode.codes import compact, looks_like

KINDS = (
    "code_meaning",  # what does code X mean
    "code_for",  # what is the code for Y
    "ptp_pair",  # can X be billed with Y (and with which modifier)
    "mue",  # how many units of X
    "global_period",  # global period of X
    "payment",  # how much does Medicare pay for X
    "rvu",  # RVUs of X
    "additional_code",  # does X need an additional code (use additional / code first)
    "excludes",  # can X be coded with Y (ICD-10-CM Excludes notes)
    "seventh_character",  # which 7th character
    "modifier",  # what does modifier M mean
    "addon",  # is X an add-on code / which primary codes
    "guideline",  # what do the guidelines say about Z
    "unknown",
)

_TOKEN = re.compile(r"(?<![\w.])-?([A-Za-z0-9]{3}(?:\.[A-Za-z0-9]{1,4})?|[A-Za-z0-9]{4,7})(?![\w])")
# How a modifier is written, most explicit first: "modifier 25", "the 25 modifier", "-25".
_MODIFIERS = (
    re.compile(r"\bmodifiers?\s*-?\s*([A-Za-z0-9]{2})\b", re.I),
    re.compile(r"\b-?([A-Za-z0-9]{2})\s+modifiers?\b", re.I),
    re.compile(r"(?<![\w-])-([A-Za-z0-9]{2})\b"),
)
_SECTION = re.compile(r"\b(?:section\s+)?((?:I{1,3}|IV)\.[A-Z](?:\.[A-Za-z0-9]{1,4})*)\.?", re.I)
_ORDINAL_7 = r"(?:7th|seventh)"
_WORDS_CODE_FOR = re.compile(
    r"^(?:what(?:'s| is| are)?|which|find|give me|tell me|how (?:do|should|would) (?:i|you|we) "
    r"code)\b.*?\b(?:codes?|code(?:d)?)\s+(?:for|of)\s+(.+)$|^(?:how (?:do|should|would) "
    r"(?:i|you|we) code)\s+(.+)$|^(?:icd-?10(?:-cm|-pcs)?|cpt|hcpcs|pcs)\s+(?:code\s+)?for\s+"
    r"(.+)$|^code\s+for\s+(.+)$",
    re.I,
)


@dataclass(frozen=True, slots=True)
class CodeMention:
    code: str  # compact
    written: str  # as the question wrote it
    systems: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Question:
    text: str
    kind: str
    codes: list[CodeMention] = field(default_factory=list)
    modifier: str | None = None
    topic: str = ""
    system_hint: str | None = None  # icd10cm | icd10pcs | cpt | hcpcs when the question says
    setting_hint: str | None = None  # facility | nonfacility


_NOT_CODES = frozenset(
    {"WHAT", "CODE", "CODES", "WITH", "DOES", "MEAN", "BILL", "THE", "FOR", "CAN", "AND", "HOW",
     "MANY", "UNITS", "MUE", "RVU", "RVUS", "PCS", "CPT", "ICD", "NCCI", "PTP", "WHICH", "NEED",
     "SAY", "ABOUT", "FROM", "THIS", "THAT", "WHEN", "USE", "ICD10", "HCPCS", "GLOBAL", "WORK",
     "TYPE", "LEFT", "RIGHT", "PAY", "PAID", "FEE", "DAYS", "TOTAL", "UPPER", "LOWER", "SIDE",
     "ACUTE", "OTHER", "SEVEN", "SEVENTH", "MEDICARE", "BILLED", "SAME", "DATE", "MEANS",
     "DEFINE", "WITHOUT", "FIRST", "ALSO", "ADD", "ADDON", "SHOW", "TELL", "GIVE", "LIST"}
)  # fmt: skip


def find_codes(text: str) -> list[CodeMention]:
    """Tokens that a code system's syntax admits, in order, without repeats."""
    out: list[CodeMention] = []
    seen: set[str] = set()
    for m in _TOKEN.finditer(text):
        written = m.group(1)
        c = compact(written)
        if c in _NOT_CODES or c in seen or not any(ch.isdigit() for ch in c):
            continue
        if re.fullmatch(r"\d{1,4}", c) or re.fullmatch(r"(19|20)\d\d", c):
            continue
        systems = tuple(str(s) for s in looks_like(c))
        if not systems:
            continue
        seen.add(c)
        out.append(CodeMention(c, written, systems))
    return out


def _icd(c: CodeMention) -> bool:
    """An ICD-10-CM code for sure: written with its dot, or no other syntax admits it."""
    return "icd10cm" in c.systems and ("." in c.written or c.systems == ("icd10cm",))


def _modifier(text: str) -> str | None:
    for pattern in _MODIFIERS:
        for m in pattern.finditer(text):
            value = m.group(1)
            if value.lower() in _NOT_MODIFIERS:
                continue
            return value.upper()
    return None


_NOT_MODIFIERS = frozenset(
    [
        "is",
        "of",
        "to",
        "in",
        "on",
        "do",
        "be",
        "an",
        "it",
        "as",
        "at",
        "by",
        "or",
        "if",
        "the",
        "my",
    ]
)


def _system_hint(low: str) -> str | None:
    if re.search(r"\bicd-?10-?pcs\b|\bpcs\b|procedure code", low):
        return "icd10pcs"
    if re.search(r"\bicd-?10(-?cm)?\b|\bdiagnosis\b", low):
        return "icd10cm"
    if re.search(r"\bcpt\b", low):
        return "cpt"
    if re.search(r"\bhcpcs\b", low):
        return "hcpcs"
    return None


def _topic(text: str, codes: list[CodeMention]) -> str:
    t = text
    for c in codes:
        t = t.replace(c.written, " ")
    return " ".join(t.replace("?", " ").split())


def classify(question: str) -> Question:  # noqa: C901 - one rule per kind, in priority order
    text = " ".join(question.strip().split())
    low = text.lower()
    codes = find_codes(text)
    modifier = _modifier(text)
    if modifier:
        codes = [c for c in codes if c.code != modifier]
    hint = _system_hint(low)
    setting = (
        "facility"
        if re.search(r"\bfacility\b", low) and "non" not in low.split("facility")[0][-5:]
        else "nonfacility"
        if re.search(r"non-?facility|office", low)
        else None
    )

    def q(kind: str, topic: str = "") -> Question:
        return Question(text, kind, codes, modifier, topic or _topic(text, codes), hint, setting)

    if re.search(r"guideline|section\s+(?:i{1,3}|iv)\b", low) or _SECTION.search(text):
        topic = re.sub(
            r"^.*?\b(?:guidelines?|conventions?)\b\s*(?:say|says|state|on|about|for|regarding)?"
            r"\s*(?:about|on|for|regarding)?\s*",
            "",
            text,
            flags=re.I,
        )
        m = _SECTION.search(text)
        if m:
            topic = m.group(1)
        return Question(text, "guideline", codes, modifier, topic.rstrip("?. ") or text, hint)
    if re.search(rf"{_ORDINAL_7}\s+(?:character|char|digit)", low):
        return q("seventh_character")
    about_modifier = re.search(r"\bmodifiers?\b|^what (?:is|does) -", low)
    billing_pair = codes and re.search(r"bill|together|with\s+\S*\d", low)
    if modifier and about_modifier and len(codes) < 2 and not billing_pair:
        return q("modifier")
    if re.search(r"\bmue\b|how many units|maximum units|max(?:imum)? (?:number of )?units|"
                 r"units of service|medically unlikely", low):  # fmt: skip
        return q("mue")
    if re.search(r"global (?:period|days|surgery|surgical)|\bglobal\b", low) and codes:
        return q("global_period")
    if re.search(r"\brvus?\b|relative value", low):
        return q("rvu")
    if re.search(r"\b(?:pay|pays|paid|payment|reimburse\w*|fee|allowed amount|allowable|"
                 r"how much)\b", low):  # fmt: skip
        return q("payment")
    if re.search(r"add-?on", low) and codes:
        return q("addon")
    if len(codes) >= 2:
        icd = all(_icd(c) for c in codes[:2])
        if icd or re.search(r"excludes", low):
            return q("excludes")
        if re.search(r"bill|together|same (?:day|date|claim|session)|bundl|\bptp\b|ncci|"
                     r"modifier|with|and", low):  # fmt: skip
            return q("ptp_pair")
    if re.search(r"additional code|use additional|code first|code also|another code|"
                 r"other codes? (?:should|do|must|to)|add(?:ed)? with|"
                 r"need (?:an? )?(?:other|second|extra|secondary)|secondary code|"
                 r"sequenc", low):  # fmt: skip
        return q("additional_code")
    if re.search(r"excludes ?[12]?", low) and codes:
        return q("excludes")
    m = _WORDS_CODE_FOR.match(text.rstrip("?. "))
    if m and not (codes and re.search(r"\bcode\s+" + re.escape(codes[0].written), text)):
        topic = next(g for g in m.groups() if g)
        topic = re.sub(r"^(?:an?|the)\s+", "", topic.strip(), flags=re.I)
        if not codes or not re.fullmatch(r"[A-Za-z0-9.\-]+", topic):
            return Question(text, "code_for", [], modifier, topic.rstrip("?. "), hint, setting)
    if codes and re.search(r"\bmean|\bwhat (?:is|does|are)\b|\bdefin|\bdescri|\bexplain|"
                           r"\btitle\b|\blook ?up\b|\bvalid\b|\bbillable\b", low):  # fmt: skip
        return q("code_meaning")
    if codes and len(_topic(text, codes).split()) <= 2:
        return q("code_meaning")
    if modifier:
        return q("modifier")
    if not codes and re.search(r"\bcode\b", low):
        return Question(text, "code_for", [], modifier, _strip_code_words(text), hint, setting)
    return q("unknown")


def _strip_code_words(text: str) -> str:
    t = re.sub(
        r"\b(?:what|which|is|are|the|an?|icd-?10(?:-cm|-pcs)?|cpt|hcpcs|pcs|codes?|for|of|"
        r"do|i|use|should)\b",
        " ",
        text,
        flags=re.I,
    )
    return " ".join(t.replace("?", " ").split())
