"""Email addresses, web URLs and IP addresses (Safe Harbor (F), (N), (O)).

These have fixed shapes, so plain patterns find them; the only judgement is where a URL ends
(trailing punctuation belongs to the sentence) and which dotted words are domains ("e.g." and
"3.5 mg" are not; a known top-level domain is required for a bare "clinic.org").
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator

from chartcode.redaction.document import Document, matches_at
from chartcode.redaction.entities import Entity, EntityType
from chartcode.redaction.gazetteers import Gazetteers
from chartcode.redaction.vocabulary import ProtectedVocabulary

EMAIL = re.compile(r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
URL = re.compile(r"\b(?:(?:https?|ftp)://|www\.)[^\s<>\"'\]\[(){}]+", re.I)
# A bare domain needs a generic top-level domain, or a country one under "co."/"com." etc.:
# two-letter endings alone would take "ref.no" or "pt.in" for domains; "e.g." never matches.
_TLDS = (
    r"com|org|net|edu|gov|mil|info|biz|io|health|care|clinic|(?:co|com|org|net|gov|ac)\.[a-z]{2}"
)
DOMAIN = re.compile(
    rf"(?<![\w@.-])(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:{_TLDS})(?:/[^\s<>\"']*)?(?![\w@-])",
    re.I,
)
IPV4 = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w.]|\.\d)")
IPV6 = re.compile(r"(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:])")
_TRAILING = ".,;:!?"


_TLD_HINTS = (".com", ".org", ".net", ".edu", ".gov", ".mil", ".info", ".biz", ".io", ".health",
              ".care", ".clinic", ".co.", ".ac.")  # fmt: skip


def detect(doc: Document, gaz: Gazetteers, vocab: ProtectedVocabulary) -> Iterator[Entity]:
    text, lower = doc.text, doc.lower
    emails: list[range] = []
    if "@" in text:
        for m in EMAIL.finditer(text):
            end = _trim(text, m.start(), m.end())
            emails.append(range(m.start(), end))
            yield Entity(EntityType.EMAIL, m.start(), end, 0.99, "web.email")
    if "://" in text or "www." in lower:
        for m in URL.finditer(text):
            yield Entity(
                EntityType.URL, m.start(), _trim(text, m.start(), m.end()), 0.99, "web.url"
            )
    if any(hint in lower for hint in _TLD_HINTS):
        for m in DOMAIN.finditer(text):
            if not any(m.start() in r for r in emails):
                end = _trim(text, m.start(), m.end())
                yield Entity(EntityType.URL, m.start(), end, 0.9, "web.domain")
    for m in matches_at(IPV4, text, doc.runs_followed_by(".", range(1, 4))):
        try:
            ipaddress.IPv4Address(m.group())
        except ValueError:
            continue
        yield Entity(EntityType.IP, m.start(), m.end(), 0.95, "web.ipv4")
    if "::" in text or text.count(":") >= 5:
        for m in IPV6.finditer(text):
            value = m.group()
            # Times ("12:30:45") and ratios share the shape; an address has hex or "::".
            if value.count(":") < 3 and "::" not in value:
                continue
            try:
                ipaddress.IPv6Address(value)
            except ValueError:
                continue
            yield Entity(EntityType.IP, m.start(), m.end(), 0.95, "web.ipv6")


def _trim(text: str, start: int, end: int) -> int:
    """The end of a match without the sentence's trailing punctuation."""
    while end > start and text[end - 1] in _TRAILING:
        end -= 1
    return end
