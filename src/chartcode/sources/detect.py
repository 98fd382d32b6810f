"""Recognising official data files: which family a file is, and which release it carries.

Contract: ``discover(paths)`` expands plain files, ``.gz`` files and zips into ``DataFile``s,
each naming the parser that reads it. A file given directly that no parser recognises is an
``ImportFormatError``; inside a zip, members that are not data (PDFs, schemas, readmes) are
passed over, but a zip with no data member at all is refused.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, cast

from chartcode.errors import ImportFormatError
from chartcode.sources.records import FileHeader, ParsedFile

Parser = Callable[[IO[bytes], str], ParsedFile]

_ROOT_RE = re.compile(rb"<([A-Za-z_][\w.\-]*)[\s>/]")
_SNIFF_BYTES = 4096


# Root element of each official XML family -> the parser module that reads it. Modules are
# imported on use, so recognising a file does not import every parser.
PARSERS: dict[str, tuple[str, str]] = {
    "ICD10CM.tabular": ("chartcode.sources.icd10cm_tabular", "parse_icd10cm_tabular"),
    "ICD10CM.index": ("chartcode.sources.icd10cm_index", "parse_icd10cm_index"),
    "ICD10PCS.tabular": ("chartcode.sources.icd10pcs_tables", "parse_icd10pcs_tables"),
    "ICD10PCS.definitions": (
        "chartcode.sources.icd10pcs_definitions",
        "parse_icd10pcs_definitions",
    ),
    "ICD10PCS.index": ("chartcode.sources.icd10pcs_index", "parse_icd10pcs_index"),
}


def parser_for(root_tag: str) -> Parser:
    module, func = PARSERS[root_tag]
    parser: Parser = getattr(importlib.import_module(module), func)
    return parser


@dataclass(frozen=True, slots=True)
class DataFile:
    """One recognised data file, possibly a member of a zip or compressed with gzip."""

    name: str  # as shown to users: "codes.zip!icd10cm_tabular_2026.xml"
    path: Path  # the file on disk (the zip, for a member)
    member: str | None
    gzipped: bool
    sha256: str  # of the file on disk
    root_tag: str

    def open(self) -> IO[bytes]:
        if self.member is not None:
            zf = zipfile.ZipFile(self.path)
            raw: IO[bytes] = zf.open(self.member)
        else:
            raw = self.path.open("rb")
        return cast(IO[bytes], gzip.GzipFile(fileobj=raw)) if self.gzipped else raw

    def parse(self) -> ParsedFile:
        parser = parser_for(self.root_tag)
        with self.open() as stream:
            try:
                return parser(stream, self.name)
            except (EOFError, zipfile.BadZipFile, gzip.BadGzipFile) as exc:
                raise ImportFormatError(self.name, f"truncated or corrupt ({exc})") from exc


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _root_tag(head: bytes) -> str | None:
    """First element name after the XML prolog, comments and doctype."""
    text = re.sub(rb"<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>", b"", head, flags=re.S)
    m = _ROOT_RE.search(text)
    return m.group(1).decode("ascii", "replace") if m else None


def _sniff(stream: IO[bytes], name: str) -> str | None:
    try:
        head = stream.read(_SNIFF_BYTES)
    except (EOFError, OSError, gzip.BadGzipFile) as exc:
        raise ImportFormatError(name, f"unreadable or corrupt ({exc})") from exc
    tag = _root_tag(head)
    return tag if tag in PARSERS else None


def _describe_known() -> str:
    return ", ".join(sorted(PARSERS))


def discover(paths: Iterable[Path]) -> list[DataFile]:
    """Recognise every data file in ``paths`` (files, .gz files, zips); refuse unknown ones."""
    found: list[DataFile] = []
    for path in paths:
        path = Path(path)
        if not path.is_file():
            raise ImportFormatError(str(path), "no such file")
        digest = sha256_of(path)
        if zipfile.is_zipfile(path):
            found.extend(_discover_zip(path, digest))
            continue
        gz = path.suffix.lower() == ".gz"
        with path.open("rb") as raw:
            stream = cast(IO[bytes], gzip.GzipFile(fileobj=raw) if gz else raw)
            tag = _sniff(stream, path.name)
        if tag is None:
            raise ImportFormatError(
                path.name, f"not a recognised data file (known XML roots: {_describe_known()})"
            )
        found.append(DataFile(path.name, path, None, gz, digest, tag))
    return found


def _discover_zip(path: Path, digest: str) -> list[DataFile]:
    out: list[DataFile] = []
    try:
        with zipfile.ZipFile(path) as zf:
            for info in zf.infolist():
                member = info.filename
                lower = member.lower()
                if info.is_dir() or not (lower.endswith(".xml") or lower.endswith(".xml.gz")):
                    continue
                gz = lower.endswith(".gz")
                name = f"{path.name}!{member}"
                with zf.open(member) as raw:
                    stream = cast(IO[bytes], gzip.GzipFile(fileobj=raw) if gz else raw)
                    tag = _sniff(stream, name)
                if tag is not None:
                    out.append(DataFile(name, path, member, gz, digest, tag))
    except zipfile.BadZipFile as exc:
        raise ImportFormatError(path.name, f"corrupt zip ({exc})") from exc
    if not out:
        raise ImportFormatError(path.name, "zip holds no recognised data file")
    return out


@dataclass(frozen=True, slots=True)
class ReleaseIdentity:
    """The release a file belongs to: its version label and the dates it is in force."""

    version: str
    title: str
    effective_from: date
    effective_to: date | None


_APRIL_RE = re.compile(r"april", re.I)


def fiscal_year_start(fy: int) -> date:
    """ICD-10 fiscal years start on 1 October of the previous calendar year.

    >>> fiscal_year_start(2026)
    datetime.date(2025, 10, 1)
    """
    return date(fy - 1, 10, 1)


def fiscal_year_of(day: date) -> int:
    """The fiscal year a date of service falls in.

    >>> fiscal_year_of(date(2025, 9, 30)), fiscal_year_of(date(2025, 10, 1))
    (2025, 2026)
    """
    return day.year + 1 if day.month >= 10 else day.year


def identify_release(header: FileHeader, source_name: str) -> ReleaseIdentity:
    """Release of an ICD-10 file from its <version> (the fiscal year) and its file name.

    CDC's mid-year ICD-10-CM update carries the same <version> as the October release; only
    the file name says "April 1": it is in force from 1 April to 30 September. A parser that
    knows its file's own dates (quarterly CMS files) puts them in the header, and they win.
    """
    if header.effective_from is not None:
        return ReleaseIdentity(
            header.version, header.title, header.effective_from, header.effective_to
        )
    try:
        fy = int(header.version[:4])
    except ValueError as exc:
        raise ImportFormatError(
            source_name, f"<version> {header.version!r} is not a fiscal year"
        ) from exc
    end = date(fy, 9, 30)
    if _APRIL_RE.search(source_name):
        return ReleaseIdentity(
            f"{fy}-04", f"{header.title} (April 1, {fy} update)", date(fy, 4, 1), end
        )
    return ReleaseIdentity(str(fy), f"{header.title} (FY{fy})", fiscal_year_start(fy), end)
