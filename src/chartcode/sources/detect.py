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
import inspect
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
_SNIFF_BYTES = 65536
_SRC = "chartcode.sources."


@dataclass(frozen=True, slots=True)
class Format:
    """One recognisable file format: how to spot it and which parser reads it.

    XML families are spotted by their root element; the CMS text, CSV and xlsx files by the
    module's own ``sniff(name, head)``, which looks at the first 64 KB (and, for xlsx, the name).
    Modules are imported only when a file of theirs turns up.
    """

    id: str
    module: str
    parse: str
    extensions: tuple[str, ...]
    root_tag: str | None = None
    sniff: str | None = None

    def parser(self) -> Parser:
        parser: Parser = getattr(importlib.import_module(_SRC + self.module), self.parse)
        return parser

    def matches(self, name: str, head: bytes, root: str | None) -> bool:
        if self.root_tag is not None:
            return root == self.root_tag
        assert self.sniff is not None
        sniff = getattr(importlib.import_module(_SRC + self.module), self.sniff)
        return bool(sniff(name, head))


_XML = (".xml",)
_TEXT = (".txt", ".tsv", "")
# Order matters where two formats share an extension: the more specific sniff comes first.
FORMATS: tuple[Format, ...] = (
    Format("icd10cm_tabular", "icd10cm_tabular", "parse_icd10cm_tabular", _XML, "ICD10CM.tabular"),
    Format("icd10cm_index", "icd10cm_index", "parse_icd10cm_index", _XML, "ICD10CM.index"),
    Format("icd10pcs_tables", "icd10pcs_tables", "parse_icd10pcs_tables", _XML, "ICD10PCS.tabular"),
    Format(
        "icd10pcs_definitions",
        "icd10pcs_definitions",
        "parse_icd10pcs_definitions",
        _XML,
        "ICD10PCS.definitions",
    ),
    Format("icd10pcs_index", "icd10pcs_index", "parse_icd10pcs_index", _XML, "ICD10PCS.index"),
    Format("pfs_rvu_fixed", "pfs_rvu", "parse_pfs_rvu_fixed", _TEXT, sniff="sniff_fixed"),
    Format("pfs_rvu_csv", "pfs_rvu", "parse_pfs_rvu_csv", (".csv",), sniff="sniff_csv"),
    Format("pfs_gpci", "pfs_gpci", "parse_pfs_gpci", (".csv",), sniff="sniff"),
    Format("pfs_locality", "pfs_locality", "parse_pfs_locality", (".csv",), sniff="sniff"),
    Format("pfs_anesthesia", "pfs_anesthesia", "parse_pfs_anesthesia", (".csv",), sniff="sniff"),
    Format("opps_cap", "opps_cap", "parse_opps_cap", (".csv",), sniff="sniff"),
    Format("pfs_zip", "pfs_zip", "parse_pfs_zip", _TEXT, sniff="sniff"),
    Format("ncci_aoc", "ncci_addon", "parse_ncci_addon_xlsx", (".xlsx",), sniff="sniff"),
    Format("ncci_ptp_xlsx", "ncci_ptp", "parse_ncci_ptp_xlsx", (".xlsx",), sniff="sniff"),
    Format("ncci_ptp", "ncci_ptp", "parse_ncci_ptp", _TEXT, sniff="sniff"),
    Format("ncci_mue_xlsx", "ncci_mue", "parse_ncci_mue_xlsx", (".xlsx",), sniff="sniff"),
    Format("ncci_mue", "ncci_mue", "parse_ncci_mue", (".csv", ".txt"), sniff="sniff"),
    Format("hcpcs_alpha", "hcpcs_alpha", "parse_hcpcs_alpha", _TEXT, sniff="sniff"),
    Format(
        "hcpcs_alpha_xlsx", "hcpcs_alpha", "parse_hcpcs_alpha_xlsx", (".xlsx",), sniff="sniff_xlsx"
    ),
    Format(
        "cpt_licensed",
        "cpt_licensed",
        "parse_cpt_licensed",
        (".txt", ".csv", ".tsv"),
        sniff="sniff",
    ),
    Format("guidelines_pdf", "icd10cm_guidelines", "parse_guidelines", (".pdf",), sniff="sniff"),
)


def known_formats() -> tuple[Format, ...]:
    return FORMATS


DATA_EXTENSIONS = (".xml", ".txt", ".csv", ".tsv", ".xlsx", ".pdf")


def _extension(name: str) -> str:
    """Lower-case extension of a file or member name, ignoring a trailing .gz."""
    base = name.lower().removesuffix(".gz").rsplit("/", 1)[-1]
    return "." + base.rsplit(".", 1)[1] if "." in base else ""


def format_by_id(format_id: str) -> Format:
    return next(f for f in known_formats() if f.id == format_id)


@dataclass(frozen=True, slots=True)
class DataFile:
    """One recognised data file, possibly a member of a zip or compressed with gzip."""

    name: str  # as shown to users: "codes.zip!icd10cm_tabular_2026.xml"
    path: Path  # the file on disk (the zip, for a member)
    member: str | None
    gzipped: bool
    sha256: str  # of the file on disk
    format_id: str

    def open(self) -> IO[bytes]:
        if self.member is not None:
            zf = zipfile.ZipFile(self.path)
            raw: IO[bytes] = zf.open(self.member)
        else:
            raw = self.path.open("rb")
        return cast(IO[bytes], gzip.GzipFile(fileobj=raw)) if self.gzipped else raw

    def parse(self, version: str | None = None, effective_from: date | None = None) -> ParsedFile:
        """Parse the file; release overrides go to parsers that date files themselves."""
        parser = format_by_id(self.format_id).parser()
        kwargs: dict[str, object] = {}
        if version is not None or effective_from is not None:
            accepted = inspect.signature(parser).parameters
            if "version" in accepted:
                kwargs = {"version": version, "effective_from": effective_from}
        with self.open() as stream:
            try:
                return parser(stream, self.name, **kwargs)
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
    if head.lstrip()[:1] != b"<":
        return None
    text = re.sub(rb"<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>", b"", head, flags=re.S)
    m = _ROOT_RE.search(text)
    return m.group(1).decode("ascii", "replace") if m else None


def _recognise(stream: IO[bytes], name: str) -> str | None:
    """The id of the format of ``stream`` (named ``name``), or None when none matches."""
    try:
        head = stream.read(_SNIFF_BYTES)
    except (EOFError, OSError, gzip.BadGzipFile, zipfile.BadZipFile) as exc:
        raise ImportFormatError(name, f"unreadable or corrupt ({exc})") from exc
    ext = _extension(name)
    root = _root_tag(head.lstrip(b"\xef\xbb\xbf"))
    for fmt in known_formats():
        candidate = ext in fmt.extensions or (root is not None and fmt.root_tag is not None)
        if candidate and fmt.matches(name, head, root):
            return fmt.id
    return None


def _describe_known() -> str:
    return ", ".join(f.id for f in known_formats())


def discover(paths: Iterable[Path], skipped: list[str] | None = None) -> list[DataFile]:
    """Recognise every data file in ``paths`` (files, .gz files, zips, folders).

    A file named on its own that is not recognised is refused (with the whole import). A
    folder is searched recursively and what it holds besides data files (read-mes, PDFs,
    record layouts) is passed over and named in ``skipped``.
    """
    found: list[DataFile] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            for inner in sorted(p for p in path.rglob("*") if p.is_file()):
                # The folder names travel with the file: "rvu25d/OPPSCAP_Oct.csv" dates it.
                name = f"{path.name}/{inner.relative_to(path).as_posix()}"
                try:
                    found.extend(_discover_file(inner, name))
                except ImportFormatError:
                    if skipped is not None:
                        skipped.append(str(inner))
            continue
        if not path.is_file():
            raise ImportFormatError(str(path), "no such file")
        found.extend(_discover_file(path, path.name))
    return found


def _discover_file(path: Path, name: str) -> list[DataFile]:
    digest = sha256_of(path)
    # An xlsx is itself a zip: only a zip that is not a workbook is opened as a bundle.
    if zipfile.is_zipfile(path) and _extension(path.name) != ".xlsx":
        return _discover_zip(path, digest)
    if _extension(path.name) not in DATA_EXTENSIONS:
        raise ImportFormatError(
            path.name, f"not a data file (expected {', '.join(DATA_EXTENSIONS)} or .zip)"
        )
    gz = path.suffix.lower() == ".gz"
    with path.open("rb") as raw:
        stream = cast(IO[bytes], gzip.GzipFile(fileobj=raw) if gz else raw)
        fmt = _recognise(stream, name)
    if fmt is None:
        raise ImportFormatError(
            path.name, f"not a recognised data file (known formats: {_describe_known()})"
        )
    return [DataFile(name, path, None, gz, digest, fmt)]


def _discover_zip(path: Path, digest: str) -> list[DataFile]:
    out: list[DataFile] = []
    try:
        with zipfile.ZipFile(path) as zf:
            for info in zf.infolist():
                member = info.filename
                if info.is_dir() or _extension(member) not in DATA_EXTENSIONS:
                    continue
                gz = member.lower().endswith(".gz")
                name = f"{path.name}!{member}"
                with zf.open(member) as raw:
                    stream = cast(IO[bytes], gzip.GzipFile(fileobj=raw) if gz else raw)
                    fmt = _recognise(stream, name)
                if fmt is not None:
                    out.append(DataFile(name, path, member, gz, digest, fmt))
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
