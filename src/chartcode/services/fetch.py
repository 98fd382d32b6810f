"""``chartcode data fetch``: download official releases, then import them atomically.

Contract: ``fetch(store_path, wanted)`` downloads each selected release from the registry into
the downloads folder (resuming partial files, checking pinned checksums), then imports all of
them in one build. A failed download or a file that is not what it should be leaves the store
as it was.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

from chartcode.paths import downloads_dir
from chartcode.services.data import import_paths
from chartcode.services.download import download
from chartcode.sources.registry import KnownRelease, load_registry, select
from chartcode.store.build import ImportedFile, Progress


class _Known:
    """A registry entry with ``to_dict`` for the front ends."""

    def __init__(self, k: KnownRelease) -> None:
        self.k = k
        self.id, self.title, self.url = k.id, k.title, k.url

    def to_dict(self) -> dict[str, Any]:
        return asdict(self.k)


def known_releases(registry: Path | None, wanted: list[str]) -> list[_Known]:
    return [_Known(k) for k in select(load_registry(registry), wanted)]


def fetch(
    store_path: Path,
    wanted: list[str],
    *,
    registry: Path | None = None,
    progress: Progress | None = None,
) -> list[ImportedFile]:
    chosen = select(load_registry(registry), wanted)
    folder = downloads_dir()
    folder.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for i, k in enumerate(chosen):

        def bytes_done(done: int, total: int | None, _k: KnownRelease = k) -> None:
            if progress:
                progress(f"downloading {_k.filename}", done, total or max(done, 1))

        result = download(
            k.url, folder / k.filename, sha256=k.sha256, size=k.size, progress=bytes_done
        )
        paths.append(result.path)
        if progress:
            progress(f"downloaded {i + 1}/{len(chosen)}", i + 1, len(chosen))
    return import_paths(store_path, paths, progress=progress)
