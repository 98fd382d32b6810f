"""Where the official releases are published: the registry ``chartcode data fetch`` reads.

Contract:

* ``REGISTRY`` is plain data: one frozen ``KnownRelease`` per official zip (ICD-10-CM from CMS
  and the CDC NCHS FTP site, ICD-10-PCS from CMS), with the file name it is saved under in the
  downloads folder and the date the release takes effect.
* ``load_registry(path)`` returns the registry to use: the JSON file at ``path``, else the file
  named by ``$CHARTCODE_FETCH_REGISTRY``, else the built-in ``REGISTRY``. A JSON registry holds
  the same fields (a list of objects, or ``{"releases": [...]}``); a malformed one is an
  ``InvalidInput`` naming the file and the entry. Tests and private mirrors use it to point the
  downloader somewhere else (a local server, an intranet copy).
* ``select(registry, wanted)`` picks entries by release id or by system name (``icd10cm``,
  ``icd10pcs``); an empty list means all of them; an unknown name is an ``InvalidInput`` that
  lists the known ids.

Checksums: CMS and CDC publish no checksums for these zips, and they were not downloaded on the
machine where this registry was written, so every built-in entry has ``sha256=None`` and
``size=None``. An unpinned download is not trusted blindly: the importer checks the file's
format (``chartcode.sources.detect`` refuses a zip with no recognised data member, and each
parser refuses damaged XML), and the sha256 of the downloaded file is recorded with the release
in the store, so a later fetch can be compared with it. To pin a release, put its sha256 (and
size) in the entry; the downloader then refuses any other bytes.

The URLs follow the publishers' patterns (``https://www.cms.gov/files/zip/...`` and
``https://ftp.cdc.gov/pub/Health_Statistics/NCHS/Publications/ICD10CM/...``). CMS sometimes
re-issues a zip under a new name (``...-updated-MM/DD/YYYY.zip``); when a URL stops working,
the fix is an updated entry here or an override registry, never a code change.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, fields
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from chartcode.errors import InvalidInput

REGISTRY_ENV = "CHARTCODE_FETCH_REGISTRY"
SYSTEMS = frozenset({"icd10cm", "icd10pcs", "pfs", "hcpcs", "ncci"})

_SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True, slots=True)
class KnownRelease:
    """One official download: where it lives and what it should be.

    ``kind_hint`` says which file families the download holds (``tabular+index`` for a CM
    code-tables zip); it is for people and listings only, since the importer recognises each
    file by its content. ``effective_from`` is an ISO date string so the entry round-trips
    through JSON unchanged.
    """

    id: str
    system: str
    kind_hint: str
    version: str
    title: str
    url: str
    filename: str
    sha256: str | None
    size: int | None
    effective_from: str
    notes: str = ""


_CMS = "https://www.cms.gov/files/zip"
_CDC = "https://ftp.cdc.gov/pub/Health_Statistics/NCHS/Publications/ICD10CM"

REGISTRY: tuple[KnownRelease, ...] = (
    KnownRelease(
        id="icd10cm-fy2025",
        system="icd10cm",
        kind_hint="tabular+index",
        version="2025",
        title="ICD-10-CM FY2025 Code Tables, Tabular and Index (XML)",
        url=f"{_CMS}/2025-code-tables-tabular-and-index.zip",
        filename="icd10cm-fy2025-code-tables-tabular-and-index.zip",
        sha256=None,
        size=None,
        effective_from="2024-10-01",
        notes=(
            "CMS ICD-10 Files page, '2025 Code Tables, Tabular and Index'. The same XML is on "
            f"the CDC NCHS FTP site as {_CDC}/2025/icd10cm-table-index-2025.zip. "
            "Holds the tabular list, alphabetic index, neoplasm table, drug table and "
            "external cause index."
        ),
    ),
    KnownRelease(
        id="icd10cm-fy2026",
        system="icd10cm",
        kind_hint="tabular+index",
        version="2026",
        title="ICD-10-CM FY2026 Code Tables, Tabular and Index (XML)",
        url=f"{_CMS}/2026-code-tables-tabular-and-index.zip",
        filename="icd10cm-fy2026-code-tables-tabular-and-index.zip",
        sha256=None,
        size=None,
        effective_from="2025-10-01",
        notes=(
            "CMS ICD-10 Files page, '2026 Code Tables, Tabular and Index'; superseded on "
            "2026-04-01 by the April 1, 2026 update (icd10cm-fy2026-apr)."
        ),
    ),
    KnownRelease(
        id="icd10cm-fy2026-apr",
        system="icd10cm",
        kind_hint="tabular+index",
        version="2026-04-01",
        title="ICD-10-CM April 1, 2026 update (XML)",
        url=f"{_CDC}/2026-update/icd10cm-April-1-2026-XML.zip",
        filename="icd10cm-April-1-2026-XML.zip",
        sha256=None,
        size=None,
        effective_from="2026-04-01",
        notes=(
            "CDC NCHS mid-year update, effective 2026-04-01 to 2026-09-30. Its tabular member "
            "is icd10c-tabular-April-1-2026.xml, the file simple-icd-10-cm 1.5.0 embeds. CMS "
            f"posts the same release as {_CMS}/april-1-2026-code-tables-tabular-index.zip."
        ),
    ),
    KnownRelease(
        id="icd10pcs-fy2025",
        system="icd10pcs",
        kind_hint="tables+index+definitions",
        version="2025",
        title="ICD-10-PCS FY2025 Code Tables and Index (XML)",
        url=f"{_CMS}/2025-icd-10-pcs-code-tables-and-index.zip",
        filename="icd10pcs-fy2025-code-tables-and-index.zip",
        sha256=None,
        size=None,
        effective_from="2024-10-01",
        notes=(
            "CMS ICD-10 Files page, '2025 ICD-10-PCS Code Tables and Index'. CMS re-issued "
            f"it as {_CMS}/2025-icd-10-pcs-code-tables-and-index-updated-07/09/2024.zip; use "
            "an override registry if the original name is withdrawn."
        ),
    ),
    KnownRelease(
        id="icd10pcs-fy2026",
        system="icd10pcs",
        kind_hint="tables+index+definitions",
        version="2026",
        title="ICD-10-PCS FY2026 Code Tables and Index (XML)",
        url=f"{_CMS}/2026-icd-10-pcs-code-tables-and-index.zip",
        filename="icd10pcs-fy2026-code-tables-and-index.zip",
        sha256=None,
        size=None,
        effective_from="2025-10-01",
        notes="CMS ICD-10 Files page, '2026 ICD-10-PCS Code Tables and Index'.",
    ),
    # Medicare files (quarterly). CMS names these zips by quarter; the names below follow the
    # pattern of the quarters published before this registry was written and were not
    # downloaded from here: when CMS renames one, an override registry or an updated entry
    # fixes it. Each zip's members are recognised by content, so extra members are harmless.
    KnownRelease(
        id="pfs-rvu26b",
        system="pfs",
        kind_hint="rvu+gpci+locality+anesthesia+oppscap",
        version="2026B",
        title="Medicare PFS Relative Value Files, April 2026 (RVU26B)",
        url=f"{_CMS}/rvu26b.zip",
        filename="rvu26b.zip",
        sha256=None,
        size=None,
        effective_from="2026-04-01",
        notes=(
            "CMS 'PFS Relative Value Files' page. Holds PPRRVU2026_Apr (QPP and non-QPP copies), "
            "GPCI2026, 26LOCCO, ANES2026 and OPPSCAP_Apr."
        ),
    ),
    KnownRelease(
        id="pfs-zip-2026q2",
        system="pfs",
        kind_hint="zip",
        version="2026-04",
        title="Medicare ZIP code to carrier locality file, April 2026",
        url=f"{_CMS}/zip-code-carrier-locality-file-revised-04/2026.zip",
        filename="zip-code-carrier-locality-2026-04.zip",
        sha256=None,
        size=None,
        effective_from="2026-04-01",
        notes="CMS 'Fee Schedules - General Information' page; holds ZIP5_APR2026.txt.",
    ),
    KnownRelease(
        id="hcpcs-2026-04",
        system="hcpcs",
        kind_hint="alpha",
        version="2026-04",
        title="HCPCS Level II Alpha-Numeric file, April 2026 update",
        url=f"{_CMS}/april-2026-alpha-numeric-hcpcs-file.zip",
        filename="april-2026-alpha-numeric-hcpcs-file.zip",
        sha256=None,
        size=None,
        effective_from="2026-04-01",
        notes="CMS 'HCPCS Quarterly Update' page.",
    ),
    KnownRelease(
        id="ncci-aoc-2026q2",
        system="ncci",
        kind_hint="aoc",
        version="2026Q2",
        title="Medicare NCCI add-on code edits, 2026 Q2",
        url=f"{_CMS}/medicare-ncci-2026q2-add-code-edits.zip",
        filename="medicare-ncci-2026q2-add-on-code-edits.zip",
        sha256=None,
        size=None,
        effective_from="2026-04-01",
        notes="CMS 'Medicare NCCI Add-on Code Edits' page; holds AOC_V2026Q2-MCR.xlsx.",
    ),
    KnownRelease(
        id="ncci-ptp-practitioner-2026q2",
        system="ncci",
        kind_hint="ptp_practitioner",
        version="32.1",
        title="Medicare NCCI PTP edits, practitioner services, 2026 Q2 (v32.1)",
        url=f"{_CMS}/medicare-ncci-2026q2-practitioner-ptp-edits-ccipra-v321r0-f1.zip",
        filename="ccipra-v321r0-f1.zip",
        sha256=None,
        size=None,
        effective_from="2026-04-01",
        notes="CMS 'Medicare NCCI Procedure to Procedure (PTP) Edits' page; four part files.",
    ),
    KnownRelease(
        id="ncci-ptp-hospital-2026q2",
        system="ncci",
        kind_hint="ptp_hospital",
        version="32.1",
        title="Medicare NCCI PTP edits, hospital outpatient services, 2026 Q2 (v32.1)",
        url=f"{_CMS}/medicare-ncci-2026q2-hospital-ptp-edits-ccioph-v321r0-f1.zip",
        filename="ccioph-v321r0-f1.zip",
        sha256=None,
        size=None,
        effective_from="2026-04-01",
        notes="CMS 'Medicare NCCI Procedure to Procedure (PTP) Edits' page.",
    ),
    KnownRelease(
        id="ncci-mue-practitioner-2026q2",
        system="ncci",
        kind_hint="mue_practitioner",
        version="2026Q2",
        title="Medicare NCCI MUE table, practitioner services, 2026 Q2",
        url=f"{_CMS}/medicare-ncci-2026-q2-practitioner-services-mue-table.zip",
        filename="medicare-ncci-2026q2-practitioner-mue.zip",
        sha256=None,
        size=None,
        effective_from="2026-04-01",
        notes="CMS 'Medicare NCCI Medically Unlikely Edits (MUEs)' page.",
    ),
    KnownRelease(
        id="ncci-mue-outpatient-2026q2",
        system="ncci",
        kind_hint="mue_outpatient",
        version="2026Q2",
        title="Medicare NCCI MUE table, outpatient hospital services, 2026 Q2",
        url=f"{_CMS}/medicare-ncci-2026-q2-outpatient-hospital-services-mue-table.zip",
        filename="medicare-ncci-2026q2-outpatient-mue.zip",
        sha256=None,
        size=None,
        effective_from="2026-04-01",
        notes="CMS 'Medicare NCCI Medically Unlikely Edits (MUEs)' page.",
    ),
    KnownRelease(
        id="ncci-mue-dme-2026q2",
        system="ncci",
        kind_hint="mue_dme",
        version="2026Q2",
        title="Medicare NCCI MUE table, DME supplier services, 2026 Q2",
        url=f"{_CMS}/medicare-ncci-2026-q2-dme-supplier-services-mue-table.zip",
        filename="medicare-ncci-2026q2-dme-mue.zip",
        sha256=None,
        size=None,
        effective_from="2026-04-01",
        notes="CMS 'Medicare NCCI Medically Unlikely Edits (MUEs)' page.",
    ),
)


def load_registry(path: Path | None = None) -> list[KnownRelease]:
    """The registry to fetch from: ``path``, else ``$CHARTCODE_FETCH_REGISTRY``, else built-in.

    The override exists so that tests can point ``data fetch`` at a local server and so that a
    site without internet access can serve the zips from its own mirror, without editing code.

    Args:
        path: A JSON registry file, or None to use the environment variable or the built-in.

    Returns:
        The entries, in file order (or built-in order).

    Raises:
        InvalidInput: The file is missing, is not JSON, or holds a malformed entry.
    """
    if path is None:
        env = os.environ.get(REGISTRY_ENV)
        if not env:
            return list(REGISTRY)
        path = Path(env).expanduser()
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InvalidInput(f"cannot read fetch registry {path}: {exc.strerror or exc}") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"fetch registry {path} is not valid JSON: {exc}") from exc
    if isinstance(raw, dict) and "releases" in raw:
        raw = raw["releases"]
    if not isinstance(raw, list):
        raise InvalidInput(
            f'fetch registry {path} must be a JSON list of releases or {{"releases": [...]}}'
        )
    entries = [_from_json(item, path, i) for i, item in enumerate(raw)]
    _check_unique(entries, str(path))
    return entries


def select(registry: list[KnownRelease], wanted: list[str]) -> list[KnownRelease]:
    """The entries named by ``wanted`` (release ids or system names), in registry order.

    Registry order rather than argument order, so that one fetch imports releases in the order
    the registry lists them whatever the user typed; duplicates collapse.

    Args:
        registry: The entries to choose from (see ``load_registry``).
        wanted: Release ids (``icd10cm-fy2026``) or systems (``icd10pcs``); empty means all.

    Raises:
        InvalidInput: A name is neither a known id nor a system in the registry.
    """
    if not wanted:
        return list(registry)
    ids = {k.id for k in registry}
    systems = {k.system for k in registry}
    names = [w.strip().lower() for w in wanted]
    unknown = [w for w, n in zip(wanted, names, strict=True) if n not in ids and n not in systems]
    if unknown:
        known = ", ".join(k.id for k in registry) or "(none)"
        raise InvalidInput(
            f"unknown release {', '.join(repr(u) for u in unknown)}; known ids: {known}; "
            f"or a system: {', '.join(sorted(systems)) or '(none)'}"
        )
    chosen = set(names)
    return [k for k in registry if k.id in chosen or k.system in chosen]


_FIELDS = {f.name for f in fields(KnownRelease)}
_REQUIRED = {"id", "system", "url", "filename", "effective_from"}


def _from_json(item: Any, path: Path, index: int) -> KnownRelease:
    """One JSON object -> a checked ``KnownRelease``; optional text fields default to ""."""
    where = f"fetch registry {path}, entry {index}"
    if not isinstance(item, dict):
        raise InvalidInput(f"{where}: expected an object, got {type(item).__name__}")
    extra = set(item) - _FIELDS
    if extra:
        raise InvalidInput(f"{where}: unknown field(s) {', '.join(sorted(extra))}")
    missing = _REQUIRED - set(item)
    if missing:
        raise InvalidInput(f"{where}: missing field(s) {', '.join(sorted(missing))}")
    texts = {"id", "system", "kind_hint", "version", "title", "url", "filename"}
    texts |= {"effective_from", "notes"}
    for name in texts:
        if name in item and not isinstance(item[name], str):
            raise InvalidInput(f"{where}: {name} must be a string")
    sha = item.get("sha256")
    if sha is not None and not isinstance(sha, str):
        raise InvalidInput(f"{where}: sha256 must be a string or null")
    size = item.get("size")
    if size is not None and (not isinstance(size, int) or isinstance(size, bool)):
        raise InvalidInput(f"{where}: size must be an integer or null")
    entry = KnownRelease(
        id=item["id"],
        system=item["system"],
        kind_hint=item.get("kind_hint", ""),
        version=item.get("version", ""),
        title=item.get("title") or item["id"],
        url=item["url"],
        filename=item["filename"],
        sha256=sha.lower() if sha else None,
        size=size,
        effective_from=item["effective_from"],
        notes=item.get("notes", ""),
    )
    # An override may use plain http (a local test server, an intranet mirror).
    problem = check_entry(entry, schemes=("http", "https"))
    if problem:
        raise InvalidInput(f"{where} ({entry.id!r}): {problem}")
    return entry


def check_entry(entry: KnownRelease, schemes: tuple[str, ...] = ("https",)) -> str | None:
    """What is wrong with an entry, or None: the one rule set for built-in and override entries.

    The file name becomes a path under the downloads folder, so it must be a bare name; the
    checksum, when pinned, must be a sha256 hex digest so that a typo cannot silently disable
    verification.
    """
    if not _ID_RE.match(entry.id):
        return "id must be lowercase letters, digits, '.', '_' or '-'"
    if entry.system not in SYSTEMS:
        return f"system must be one of {', '.join(sorted(SYSTEMS))}, not {entry.system!r}"
    parts = urlsplit(entry.url)
    if parts.scheme not in schemes or not parts.netloc:
        return f"url must be an absolute {'/'.join(schemes)} URL, not {entry.url!r}"
    name = entry.filename
    if not name or name in (".", "..") or "/" in name or "\\" in name or "\x00" in name:
        return f"filename must be a bare file name, not {name!r}"
    if entry.sha256 is not None and not _SHA256_RE.match(entry.sha256):
        return "sha256 must be 64 lowercase hex digits or null"
    if entry.size is not None and entry.size < 0:
        return "size must not be negative"
    try:
        if not _DATE_RE.match(entry.effective_from):
            raise ValueError(entry.effective_from)
        date.fromisoformat(entry.effective_from)
    except ValueError:
        return f"effective_from must be an ISO date (YYYY-MM-DD), not {entry.effective_from!r}"
    return None


def _check_unique(entries: list[KnownRelease], where: str) -> None:
    """Ids select entries and file names are paths on disk, so neither may repeat."""
    for attr in ("id", "filename"):
        seen: set[str] = set()
        for e in entries:
            value = getattr(e, attr)
            if value in seen:
                raise InvalidInput(f"{where}: duplicate {attr} {value!r}")
            seen.add(value)
