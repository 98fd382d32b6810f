"""Keeping reference data current: status, import of files, the embedded default, fetch.

Contract: every function takes the store path and returns plain results; the store is only
ever changed through ``chartcode.store.build.import_files`` (atomic, all or nothing).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from chartcode.sources.detect import discover
from chartcode.store.build import ImportedFile, Progress, import_files
from chartcode.store.reference import ReferenceStore, ReleaseRow

# The embedded default: the CDC tabular XML shipped inside the simple-icd-10-cm wheel.
EMBEDDED_PACKAGE = "simple_icd_10_cm.data"
EMBEDDED_MEMBER = "icd10c-tabular-April-1-2026.xml"


@dataclass(frozen=True, slots=True)
class ReleaseStatus:
    system: str
    kind: str
    version: str
    title: str
    effective_from: str
    effective_to: str | None
    rows: int
    source: str
    sha256: str
    imported_at: str

    @classmethod
    def of(cls, r: ReleaseRow) -> ReleaseStatus:
        return cls(
            r.system,
            r.kind,
            r.version,
            r.title,
            r.effective_from,
            r.effective_to,
            r.row_count,
            r.source_name,
            r.sha256,
            r.imported_at,
        )

    def to_dict(self) -> dict[str, object]:
        return {k: getattr(self, k) for k in self.__slots__}


def status(store_path: Path) -> list[ReleaseStatus]:
    if not store_path.exists():
        return []
    store = ReferenceStore(store_path)
    try:
        return [ReleaseStatus.of(r) for r in store.releases()]
    finally:
        store.close()


def import_paths(
    store_path: Path,
    paths: list[Path],
    *,
    progress: Progress | None = None,
    version: str | None = None,
    effective_from: date | None = None,
) -> list[ImportedFile]:
    """Recognise and import files, zips or folders; refuse the whole set if any file is bad.

    Files a folder holds besides data (read-mes, PDFs) come back with status ``skipped``.
    """
    skipped: list[str] = []
    files = discover(paths, skipped)
    report = import_files(
        store_path, files, progress=progress, version=version, effective_from=effective_from
    )
    return report + [
        ImportedFile(Path(s).name, "-", "-", "-", "-", None, "skipped: not recognised", 0)
        for s in skipped
    ]


def embedded_tabular() -> Path:
    """Path of the ICD-10-CM tabular XML inside the simple-icd-10-cm package.

    Found through the import system's spec rather than by importing the package, whose
    ``__init__`` loads its whole code set (about a second) on import.
    """
    spec = importlib.util.find_spec(EMBEDDED_PACKAGE.partition(".")[0])
    if spec is None or spec.origin is None:  # pragma: no cover - dependency missing
        raise FileNotFoundError("the simple-icd-10-cm package is not installed")
    path = Path(spec.origin).parent / "data" / EMBEDDED_MEMBER
    if not path.is_file():  # pragma: no cover - only if the dependency changes its layout
        raise FileNotFoundError(f"embedded ICD-10-CM tabular not found at {path}")
    return path


def needs_default(store_path: Path) -> bool:
    """True when no ICD-10-CM tabular release is loaded yet."""
    return not any(s.system == "icd10cm" and s.kind == "tabular" for s in status(store_path))


def ensure_default(store_path: Path, progress: Progress | None = None) -> list[ImportedFile]:
    """Load the embedded ICD-10-CM tabular on first use, so a fresh install works offline."""
    if not needs_default(store_path):
        return []
    return import_paths(store_path, [embedded_tabular()], progress=progress)


ProgressBytes = Callable[[int, int | None], None]
