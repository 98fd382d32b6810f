"""Resumable, checksummed HTTP downloads for ``chartcode data fetch`` (standard library only).

Contract: ``download(url, dest, sha256=..., size=...)`` leaves either the complete, verified file
at ``dest`` or ``dest`` untouched, and returns a ``DownloadResult``; every failure is a
``FetchError``.

* Bytes go to ``<dest>.part``; ``dest`` only appears by an atomic rename once the file is
  complete and verified, so a file at ``dest`` is never a torn download.
* A ``.part`` left by an earlier attempt is resumed with ``Range: bytes=N-``. A ``206`` reply is
  appended; a ``200`` reply (the server ignored the range, or the file changed) restarts from
  zero. Beside the ``.part`` a small ``.part.meta`` file records the URL and the server's
  validator (a strong ETag, else Last-Modified), sent back as ``If-Range`` so a server whose file
  changed sends it whole rather than a tail that does not fit; a ``.part`` from another URL is
  discarded.
* On completion the sha256 is computed over the whole file. With a pinned ``sha256`` (or
  ``size``) a mismatch deletes the ``.part`` and raises, naming the URL and both values. Without
  a pin the file is accepted and its sha256 returned for the caller to record; the importer's
  format checks are then what guard against a wrong file.
* A ``dest`` that already exists is reused without network access when it matches the pinned
  sha256 (or, unpinned, the pinned size if any): it can only have got there complete.
* Network failures (unreachable host, timeout, HTTP 4xx/5xx, a reply cut short) raise
  ``FetchError`` and keep the ``.part`` for the next attempt to resume.
* Services never print: progress is reported only through the ``progress(done, total)``
  callback (``total`` is None while unknown; ``done`` restarts at 0 if the server restarts).
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import json
import os
import re
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from chartcode import __version__
from chartcode.errors import FetchError

Progress = Callable[[int, int | None], None]

CHUNK_SIZE = 64 * 1024
USER_AGENT = f"chartcode/{__version__} (Python urllib)"

# Errors that mean "the network let us down", as opposed to a bug: socket errors and timeouts
# (OSError, which covers URLError, TimeoutError, ConnectionResetError) and malformed or
# truncated HTTP (http.client.HTTPException, which covers IncompleteRead).
_NETWORK_ERRORS = (OSError, http.client.HTTPException)

_CONTENT_RANGE_RE = re.compile(r"^\s*bytes\s+(\d+)-(\d+)/(\d+|\*)\s*$", re.IGNORECASE)
_UNSATISFIED_RANGE_RE = re.compile(r"^\s*bytes\s+\*/(\d+)\s*$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class DownloadResult:
    """The verified file on disk.

    ``resumed`` is True when bytes from an earlier attempt's ``.part`` were kept, False for a
    fresh download and for a ``dest`` reused without network access.
    """

    path: Path
    sha256: str
    bytes: int
    resumed: bool


def part_path(dest: Path) -> Path:
    """Where the incomplete download of ``dest`` lives (``name.zip`` -> ``name.zip.part``)."""
    return dest.with_suffix(dest.suffix + ".part")


def _meta_path(dest: Path) -> Path:
    return dest.with_suffix(dest.suffix + ".part.meta")


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def download(
    url: str,
    dest: Path,
    *,
    sha256: str | None,
    size: int | None = None,
    progress: Progress | None = None,
    timeout: float = 30,
) -> DownloadResult:
    """Fetch ``url`` into ``dest``, resuming a previous attempt and verifying pinned values.

    Args:
        url: An http or https URL.
        dest: The final path; its folder is created if needed.
        sha256: The expected hex digest, or None when the publisher gives none (the digest is
            then only reported, not checked).
        size: The expected size in bytes, or None. Checked like ``sha256``, and used as the
            progress total when the server does not say.
        progress: Called as ``progress(done, total)`` after each chunk; never required.
        timeout: Seconds to wait for the connection and for each read.

    Returns:
        The path, digest and size of the complete file, and whether a ``.part`` was resumed.

    Raises:
        FetchError: The URL is not http(s), the network failed (``.part`` kept), or the bytes
            do not match the pinned sha256 or size (``.part`` deleted).
    """
    if urlsplit(url).scheme not in ("http", "https"):
        raise FetchError(f"cannot download {url!r}: only http and https URLs are supported")
    expected = sha256.lower() if sha256 else None
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FetchError(f"cannot create download folder {dest.parent}: {exc}") from exc

    reused = _reuse_existing(dest, expected, size)
    if reused is not None:
        return reused

    part, meta = part_path(dest), _meta_path(dest)
    validator = _prepare_part(part, meta, url, size)
    resumed = _transfer(url, part, meta, validator, size, progress, timeout)
    return _finish(url, dest, part, meta, expected, size, resumed)


def _reuse_existing(dest: Path, expected: str | None, size: int | None) -> DownloadResult | None:
    """The existing ``dest`` if it matches what is pinned, so a repeated fetch stays offline.

    Unpinned, an existing file is trusted as far as ``size`` allows: it only ever appears by
    rename after a complete download. Delete it to force a fresh copy.
    """
    if not dest.is_file():
        return None
    n = dest.stat().st_size
    if size is not None and n != size:
        return None
    digest = sha256_file(dest)
    if expected is not None and digest != expected:
        return None
    return DownloadResult(dest, digest, n, resumed=False)


def _prepare_part(part: Path, meta: Path, url: str, size: int | None) -> str | None:
    """Discard a ``.part`` that cannot be the start of this URL's file; return its validator."""
    recorded = _read_meta(meta)
    if not part.exists():
        meta.unlink(missing_ok=True)
        return None
    if recorded is not None and recorded.get("url") != url:
        _discard(part, meta)
        return None
    if size is not None and part.stat().st_size > size:
        _discard(part, meta)
        return None
    validator = recorded.get("validator") if recorded else None
    return validator if isinstance(validator, str) else None


def _transfer(
    url: str,
    part: Path,
    meta: Path,
    validator: str | None,
    size: int | None,
    progress: Progress | None,
    timeout: float,
) -> bool:
    """Bring ``part`` to the server's full length; True if earlier bytes were kept.

    At most two requests: the second only when the first showed the ``.part`` unusable (a
    ``416`` for a length the server does not have, or a ``206`` for another range).
    """
    for _attempt in range(2):
        offset = part.stat().st_size if part.exists() else 0
        headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "identity"}
        if offset:
            headers["Range"] = f"bytes={offset}-"
            if validator:
                headers["If-Range"] = validator
        request = urllib.request.Request(url, headers=headers)
        try:
            response = urllib.request.urlopen(request, timeout=timeout)
        except urllib.error.HTTPError as exc:
            with contextlib.closing(exc):
                if exc.code == 416 and offset:
                    if _already_complete(exc.headers.get("Content-Range"), offset, size):
                        return True
                    _discard(part, meta)
                    validator = None
                    continue
                raise FetchError(_http_error_message(url, exc)) from exc
        except _NETWORK_ERRORS as exc:
            raise FetchError(_network_message(url, exc, part if offset else None)) from exc
        with response:
            status = response.status
            if status == 206:
                span = _parse_content_range(response.headers.get("Content-Range"))
                if span is None or span[0] != offset:
                    # A range we did not ask for cannot be appended; start again cleanly.
                    _discard(part, meta)
                    validator = None
                    continue
                total = span[1]
                append = True
            elif status == 200:
                total = _content_length(response)
                append = False
            else:
                raise FetchError(f"{url}: unexpected HTTP status {status} {response.reason}")
            if total is not None and size is not None and total != size:
                raise FetchError(
                    f"{url}: the server offers {total} bytes but {size} are expected; "
                    "the file may have been replaced upstream"
                )
            _write_meta(meta, url, _validator_of(response))
            _stream(url, response, part, append, offset, total or size, progress)
            return append and offset > 0
    raise FetchError(f"{url}: the server does not honour byte ranges consistently; try again")


def _stream(
    url: str,
    response: http.client.HTTPResponse,
    part: Path,
    append: bool,
    offset: int,
    total: int | None,
    progress: Progress | None,
) -> None:
    """Copy the response body into ``part``, detecting a body shorter than announced."""
    announced = _content_length(response)
    done = offset if append else 0
    received = 0
    try:
        out = part.open("ab" if append else "wb")
    except OSError as exc:
        raise FetchError(f"cannot write {part}: {exc}") from exc
    with out:
        if progress:
            progress(done, total)
        while True:
            try:
                # read1: at most one socket read, so bytes that arrived before a stall or a
                # timeout reach the .part instead of dying in a half-filled buffer.
                chunk = response.read1(CHUNK_SIZE)
            except _NETWORK_ERRORS as exc:
                out.flush()
                raise FetchError(_network_message(url, exc, part, done)) from exc
            if not chunk:
                break
            try:
                out.write(chunk)
            except OSError as exc:
                raise FetchError(f"cannot write {part}: {exc}") from exc
            received += len(chunk)
            done += len(chunk)
            if progress:
                progress(done, total)
        try:
            out.flush()
            os.fsync(out.fileno())
        except OSError as exc:
            raise FetchError(f"cannot write {part}: {exc}") from exc
    if announced is not None and received < announced:
        # http.client returns b"" rather than raising when a sized body ends early.
        raise FetchError(
            _network_message(url, ConnectionError("connection closed early"), part, done)
            + f" ({received} of {announced} bytes of this response)"
        )


def _finish(
    url: str,
    dest: Path,
    part: Path,
    meta: Path,
    expected: str | None,
    size: int | None,
    resumed: bool,
) -> DownloadResult:
    """Verify the complete ``.part`` and rename it into place, or delete it and raise."""
    n = part.stat().st_size
    if size is not None and n != size:
        _discard(part, meta)
        raise FetchError(f"{url}: size mismatch, expected {size} bytes, got {n}; file discarded")
    digest = sha256_file(part)
    if expected is not None and digest != expected:
        _discard(part, meta)
        raise FetchError(
            f"{url}: sha256 mismatch, expected {expected}, got {digest}; file discarded"
        )
    try:
        os.replace(part, dest)
    except OSError as exc:
        raise FetchError(f"cannot move {part} to {dest}: {exc}") from exc
    meta.unlink(missing_ok=True)
    return DownloadResult(dest, digest, n, resumed=resumed)


def _discard(part: Path, meta: Path) -> None:
    part.unlink(missing_ok=True)
    meta.unlink(missing_ok=True)


def _read_meta(meta: Path) -> dict[str, object] | None:
    """The recorded origin of a ``.part``; None if absent or unreadable (then resume blindly)."""
    try:
        data = json.loads(meta.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _write_meta(meta: Path, url: str, validator: str | None) -> None:
    try:
        meta.write_text(json.dumps({"url": url, "validator": validator}), encoding="utf-8")
    except OSError as exc:
        raise FetchError(f"cannot write {meta}: {exc}") from exc


def _validator_of(response: http.client.HTTPResponse) -> str | None:
    """A validator usable in If-Range: a strong ETag, else Last-Modified (RFC 9110 13.1.5)."""
    etag = response.headers.get("ETag")
    if etag and not etag.startswith("W/"):
        return str(etag)
    modified = response.headers.get("Last-Modified")
    return str(modified) if modified else None


def _content_length(response: http.client.HTTPResponse) -> int | None:
    value = response.headers.get("Content-Length")
    try:
        n = int(value) if value is not None else None
    except ValueError:
        return None
    return n if n is not None and n >= 0 else None


def _parse_content_range(value: str | None) -> tuple[int, int | None] | None:
    """``bytes 100-199/200`` -> (100, 200); the total is None when the server sends ``*``."""
    m = _CONTENT_RANGE_RE.match(value or "")
    if not m:
        return None
    return int(m[1]), None if m[3] == "*" else int(m[3])


def _already_complete(content_range: str | None, offset: int, size: int | None) -> bool:
    """After a 416: does the ``.part`` already hold the whole file (``bytes */N``, N = offset)?"""
    m = _UNSATISFIED_RANGE_RE.match(content_range or "")
    if m:
        return int(m[1]) == offset
    return size is not None and size == offset


def _http_error_message(url: str, exc: urllib.error.HTTPError) -> str:
    msg = f"{url}: HTTP {exc.code} {exc.reason}"
    if exc.code in (404, 410):
        msg += " (the publisher may have moved the file; a registry override can point elsewhere)"
    return msg


def _network_message(url: str, exc: BaseException, part: Path | None, done: int = 0) -> str:
    reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(reason, TimeoutError) or "timed out" in str(reason):
        what = "timed out"
    else:
        what = f"failed ({reason or type(exc).__name__})"
    msg = f"download of {url} {what}"
    if part is not None and part.exists():
        kept = done or part.stat().st_size
        msg += f"; {kept} bytes kept in {part}, run the fetch again to resume"
    return msg
