"""Biometric identifiers and full-face photographs (Safe Harbor (P) and (Q)).

A note does not contain a fingerprint; it refers to one. What identifies is the reference to
the record: "fingerprint template FP-20231104", "voiceprint ID 55120", "retinal scan on file",
"full-face photo attached (IMG_2291.jpg)". The entity covers the biometric or photograph phrase
and its identifier; a clinical mention with no record ("iris examined", "photos of the wound")
is left.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from chartcode.redaction.document import Document
from chartcode.redaction.entities import Entity, EntityType
from chartcode.redaction.gazetteers import Gazetteers
from chartcode.redaction.vocabulary import ProtectedVocabulary

_RECORD = (
    r"(?:\s*(?:ID|I\.D\.|#|no\.?|number|template|hash|record|sample|code|file))*\s*[:#=]?\s*"
    r"(?:(?P<value>[A-Za-z0-9][A-Za-z0-9_./-]*\d[A-Za-z0-9_./-]*)|(?P<held>on\s+file|attached|"
    r"enclosed|enrolled|captured|stored|scanned|uploaded|obtained|taken|collected))"
)
BIOMETRIC = re.compile(
    r"\b(?:finger\s?prints?|thumb\s?prints?|palm\s?prints?|voice\s?prints?|voice\s+samples?|"
    r"retinal?\s+scans?|iris\s+scans?|facial\s+(?:recognition|geometry|scan|template)|"
    r"hand\s+geometry|gait\s+signature|DNA\s+(?:profile|fingerprint)|"
    r"biometric(?:\s+(?:identifier|template|data|record|scan|signature|id))?)" + _RECORD,
    re.I,
)
PHOTO = re.compile(
    r"\b(?:full[\s-]face\s+(?:photo(?:graph)?|image|picture)s?|facial\s+(?:photo(?:graph)?|"
    r"image|picture)s?|face\s+(?:photo|picture)s?|head\s?shots?|mug\s?shots?|selfies?|"
    r"photo\s+ID|ID\s+photo|passport\s+photo|portrait\s+photo(?:graph)?s?)"
    r"(?:(?:\s*(?:ID|#|no\.?|file|image))?\s*[:#=]?\s*(?P<paren>\()?\s*(?P<value>[\w.-]+\."
    r"(?:jpe?g|png|gif|heic|bmp|tiff?|webp|dcm))(?(paren)\)))?",
    re.I,
)
IMAGE_FILE = re.compile(r"(?<![\w.-])[\w-]+\.(?:jpe?g|png|gif|heic|bmp|tiff?|webp)\b", re.I)


_BIOMETRIC_HINTS = ("print", "scan", "voice", "facial", "geometry", "gait", "dna ", "biometric")
_PHOTO_HINTS = ("photo", "image", "picture", "shot", "selfie")
_FILE_HINTS = (".jp", ".png", ".gif", ".heic", ".bmp", ".tif", ".webp")


def detect(doc: Document, gaz: Gazetteers, vocab: ProtectedVocabulary) -> Iterator[Entity]:
    text, lower = doc.text, doc.lower
    if any(h in lower for h in _BIOMETRIC_HINTS):
        for m in BIOMETRIC.finditer(text):
            yield Entity(EntityType.BIOMETRIC, m.start(), m.end(), 0.98, "biometric.record")
    if any(h in lower for h in _PHOTO_HINTS):
        for m in PHOTO.finditer(text):
            yield Entity(EntityType.PHOTO, m.start(), m.end(), 0.98, "photo.reference")
    if any(h in lower for h in _FILE_HINTS):
        for m in IMAGE_FILE.finditer(text):
            yield Entity(EntityType.PHOTO, m.start(), m.end(), 0.9, "photo.file")
