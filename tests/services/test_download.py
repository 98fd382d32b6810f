"""download(): resumable, verified HTTP downloads, against a real local server (no outside network).

The server is ``http.server.ThreadingHTTPServer`` on 127.0.0.1, port 0, with a handler written
here that serves named files, honours ``Range: bytes=N-`` (206 + Content-Range) and ``If-Range``,
and can be told to fail, to ignore ranges, to cut a reply short, or to stall.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from chartcode.errors import FetchError
from chartcode.services.download import DownloadResult, download, part_path
from tests.conftest import shared_file

PCS_DEFS = "icd10/pcs/icd10pcs_definitions_2026.xml"
PCS_DEFS_SHA = "920d19c11639063bca0632e2dd230998b3137429702d0d6df143a285bb1167da"


# --- the local server -------------------------------------------------------------------------


@dataclass
class ServerState:
    files: dict[str, bytes] = field(default_factory=dict)
    requests: list[dict[str, str | None]] = field(default_factory=list)
    fail: int | None = None  # answer every request with this status
    ignore_range: bool = False  # answer 200 with the whole file even to a Range request
    cut_after: int | None = None  # one-shot: send only this many body bytes, then hang up
    stall: bool = False  # send headers and a few bytes, then wait until released
    release: threading.Event = field(default_factory=threading.Event)


class _Server(ThreadingHTTPServer):
    state: ServerState

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that hung up on a stalled reply is expected here; stay quiet."""


def etag_of(data: bytes) -> str:
    return '"' + hashlib.sha256(data).hexdigest()[:16] + '"'


class RangeHandler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def do_GET(self) -> None:  # noqa: N802
        st = self.server.state
        st.requests.append(
            {
                "path": self.path,
                "range": self.headers.get("Range"),
                "if_range": self.headers.get("If-Range"),
                "user_agent": self.headers.get("User-Agent"),
            }
        )
        if st.fail is not None:
            self.send_error(st.fail)
            return
        data = st.files.get(self.path)
        if data is None:
            self.send_error(404)
            return
        etag = etag_of(data)
        start, status = 0, 200
        rng = self.headers.get("Range")
        if rng and not st.ignore_range:
            if_range = self.headers.get("If-Range")
            m = re.fullmatch(r"bytes=(\d+)-", rng.strip())
            if m and (if_range is None or if_range == etag):
                start = int(m[1])
                if start >= len(data):
                    self.send_response(416)
                    self.send_header("Content-Range", f"bytes */{len(data)}")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                status = 206
        body = data[start:]
        self.send_response(status)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("ETag", etag)
        if status == 206:
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        self.end_headers()
        if st.stall:
            self.wfile.write(body[:10])
            self.wfile.flush()
            st.release.wait(5)
            return
        if st.cut_after is not None:
            body, st.cut_after = body[: st.cut_after], None
        self.wfile.write(body)


@dataclass
class Server:
    httpd: _Server

    @property
    def state(self) -> ServerState:
        return self.httpd.state

    def url(self, path: str) -> str:
        port = self.httpd.server_address[1]
        return f"http://127.0.0.1:{port}{path}"

    def serve(self, path: str, data: bytes) -> str:
        self.state.files[path] = data
        return self.url(path)


@pytest.fixture
def server() -> Iterator[Server]:
    httpd = _Server(("127.0.0.1", 0), RangeHandler)
    httpd.state = ServerState()
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield Server(httpd)
    finally:
        httpd.state.release.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=2)


@pytest.fixture(scope="module")
def generated() -> bytes:
    """~300 KB of deterministic bytes: several 64 KiB chunks, no shared data needed."""
    return random.Random(20260401).randbytes(300_000)


@dataclass(frozen=True)
class Payload:
    name: str
    data: bytes
    sha256: str


@pytest.fixture(params=["generated", "shared"])
def payload(request: pytest.FixtureRequest, generated: bytes) -> Payload:
    if request.param == "generated":
        return Payload("generated.bin", generated, hashlib.sha256(generated).hexdigest())
    data = shared_file(PCS_DEFS).read_bytes()
    return Payload("icd10pcs_definitions_2026.xml", data, PCS_DEFS_SHA)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- complete downloads -----------------------------------------------------------------------


def test_full_download_with_correct_sha(server: Server, payload: Payload, tmp_path: Path) -> None:
    url = server.serve("/" + payload.name, payload.data)
    dest = tmp_path / "dl" / payload.name
    result = download(url, dest, sha256=payload.sha256, size=len(payload.data))
    assert result == DownloadResult(dest, payload.sha256, len(payload.data), resumed=False)
    assert dest.read_bytes() == payload.data
    assert not part_path(dest).exists()
    assert [p.name for p in dest.parent.iterdir()] == [payload.name]  # no .part, no .meta
    (req,) = server.state.requests
    assert req["range"] is None
    assert (req["user_agent"] or "").startswith("chartcode/")


def test_unpinned_download_reports_its_sha(
    server: Server, generated: bytes, tmp_path: Path
) -> None:
    url = server.serve("/g.bin", generated)
    result = download(url, tmp_path / "g.bin", sha256=None)
    assert result.sha256 == _sha(generated)
    assert result.bytes == len(generated)


def test_existing_dest_with_pinned_sha_is_not_downloaded_again(
    server: Server, generated: bytes, tmp_path: Path
) -> None:
    url = server.serve("/g.bin", generated)
    dest = tmp_path / "g.bin"
    dest.write_bytes(generated)
    result = download(url, dest, sha256=_sha(generated))
    assert result == DownloadResult(dest, _sha(generated), len(generated), resumed=False)
    assert server.state.requests == []


def test_existing_dest_with_wrong_content_is_replaced(
    server: Server, generated: bytes, tmp_path: Path
) -> None:
    url = server.serve("/g.bin", generated)
    dest = tmp_path / "g.bin"
    dest.write_bytes(b"stale")
    result = download(url, dest, sha256=_sha(generated))
    assert dest.read_bytes() == generated
    assert result.resumed is False
    assert len(server.state.requests) == 1


# --- resuming ---------------------------------------------------------------------------------


def test_resume_from_existing_part(server: Server, payload: Payload, tmp_path: Path) -> None:
    url = server.serve("/" + payload.name, payload.data)
    dest = tmp_path / payload.name
    part_path(dest).write_bytes(payload.data[:100_000])
    result = download(url, dest, sha256=payload.sha256)
    assert result.resumed is True
    assert result.bytes == len(payload.data)
    assert dest.read_bytes() == payload.data
    (req,) = server.state.requests
    assert req["range"] == "bytes=100000-"
    assert not part_path(dest).exists()


def test_server_ignoring_range_restarts_cleanly(
    server: Server, generated: bytes, tmp_path: Path
) -> None:
    url = server.serve("/g.bin", generated)
    server.state.ignore_range = True
    dest = tmp_path / "g.bin"
    # Wrong bytes in the .part: had they been kept, the result could not match.
    part_path(dest).write_bytes(b"\xff" * 70_000)
    seen: list[tuple[int, int | None]] = []
    result = download(url, dest, sha256=_sha(generated), progress=lambda d, t: seen.append((d, t)))
    assert result.resumed is False
    assert dest.read_bytes() == generated
    assert server.state.requests[0]["range"] == "bytes=70000-"
    assert seen[0] == (0, len(generated))  # counting restarted from zero


def test_cut_short_keeps_part_then_resumes(
    server: Server, payload: Payload, tmp_path: Path
) -> None:
    url = server.serve("/" + payload.name, payload.data)
    server.state.cut_after = 50_000
    dest = tmp_path / payload.name
    with pytest.raises(FetchError, match="run the fetch again to resume") as info:
        download(url, dest, sha256=payload.sha256)
    assert url in str(info.value)
    assert not dest.exists()
    assert part_path(dest).read_bytes() == payload.data[:50_000]

    result = download(url, dest, sha256=payload.sha256)
    assert result.resumed is True
    assert dest.read_bytes() == payload.data
    assert [r["range"] for r in server.state.requests] == [None, "bytes=50000-"]
    # The second request carried the validator recorded by the first.
    assert server.state.requests[1]["if_range"] == etag_of(payload.data)


def test_file_changed_upstream_is_fetched_whole(
    server: Server, generated: bytes, tmp_path: Path
) -> None:
    url = server.serve("/g.bin", generated)
    server.state.cut_after = 40_000
    dest = tmp_path / "g.bin"
    with pytest.raises(FetchError):
        download(url, dest, sha256=None)
    newer = generated[::-1]
    server.serve("/g.bin", newer)  # same URL, new content, new ETag
    result = download(url, dest, sha256=None)
    assert dest.read_bytes() == newer  # not old prefix + new tail
    assert result.resumed is False
    assert server.state.requests[1]["if_range"] == etag_of(generated)


def test_part_already_complete_needs_no_bytes(
    server: Server, generated: bytes, tmp_path: Path
) -> None:
    url = server.serve("/g.bin", generated)
    dest = tmp_path / "g.bin"
    part_path(dest).write_bytes(generated)
    result = download(url, dest, sha256=_sha(generated))
    assert result.resumed is True
    assert dest.read_bytes() == generated
    assert server.state.requests[0]["range"] == f"bytes={len(generated)}-"


def test_part_longer_than_the_file_is_discarded(
    server: Server, generated: bytes, tmp_path: Path
) -> None:
    url = server.serve("/g.bin", generated)
    dest = tmp_path / "g.bin"
    part_path(dest).write_bytes(generated + b"junk")
    result = download(url, dest, sha256=_sha(generated))
    assert result.resumed is False
    assert dest.read_bytes() == generated
    # 416 for the impossible range, then one clean request from zero.
    assert [r["range"] for r in server.state.requests] == [f"bytes={len(generated) + 4}-", None]


def test_part_from_another_url_is_discarded(
    server: Server, generated: bytes, tmp_path: Path
) -> None:
    url = server.serve("/g.bin", generated)
    dest = tmp_path / "g.bin"
    part_path(dest).write_bytes(b"\x00" * 1000)
    meta = dest.with_suffix(".bin.part.meta")
    meta.write_text(json.dumps({"url": server.url("/old.bin"), "validator": None}))
    result = download(url, dest, sha256=_sha(generated))
    assert result.resumed is False
    assert server.state.requests[0]["range"] is None
    assert not meta.exists()


# --- failures ---------------------------------------------------------------------------------


def test_checksum_mismatch_raises_and_leaves_nothing(
    server: Server, generated: bytes, tmp_path: Path
) -> None:
    url = server.serve("/g.bin", generated)
    dest = tmp_path / "g.bin"
    wrong = "0" * 64
    with pytest.raises(FetchError) as info:
        download(url, dest, sha256=wrong)
    msg = str(info.value)
    assert url in msg and wrong in msg and _sha(generated) in msg
    assert info.value.code == "fetch_error"
    assert not dest.exists()
    assert list(tmp_path.iterdir()) == []  # no .part, no .meta


def test_pinned_size_mismatch_is_refused_before_writing(
    server: Server, generated: bytes, tmp_path: Path
) -> None:
    url = server.serve("/g.bin", generated)
    dest = tmp_path / "g.bin"
    with pytest.raises(FetchError, match="300000 bytes but 12 are expected"):
        download(url, dest, sha256=None, size=12)
    assert list(tmp_path.iterdir()) == []


def test_http_404_is_fetch_error(server: Server, tmp_path: Path) -> None:
    url = server.url("/missing.zip")
    with pytest.raises(FetchError, match="HTTP 404") as info:
        download(url, tmp_path / "missing.zip", sha256=None)
    assert url in str(info.value)
    assert list(tmp_path.iterdir()) == []


def test_http_500_keeps_the_part(server: Server, generated: bytes, tmp_path: Path) -> None:
    url = server.serve("/g.bin", generated)
    server.state.fail = 503
    dest = tmp_path / "g.bin"
    part_path(dest).write_bytes(generated[:1000])
    with pytest.raises(FetchError, match="HTTP 503"):
        download(url, dest, sha256=None)
    assert part_path(dest).read_bytes() == generated[:1000]
    assert not dest.exists()


def test_timeout_is_fetch_error_and_keeps_part(
    server: Server, generated: bytes, tmp_path: Path
) -> None:
    url = server.serve("/g.bin", generated)
    server.state.stall = True
    dest = tmp_path / "g.bin"
    with pytest.raises(FetchError, match="timed out"):
        download(url, dest, sha256=None, timeout=0.2)
    assert part_path(dest).read_bytes() == generated[:10]
    assert not dest.exists()


def test_unreachable_server_is_fetch_error(tmp_path: Path) -> None:
    with socket.socket() as s:  # a port that was free a moment ago: nothing listens there
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/x.zip"
    with pytest.raises(FetchError, match=f"download of {re.escape(url)} failed"):
        download(url, tmp_path / "x.zip", sha256=None, timeout=1)


@pytest.mark.parametrize("url", ["ftp://example.org/a.zip", "file:///etc/passwd", "a.zip"])
def test_only_http_urls(url: str, tmp_path: Path) -> None:
    with pytest.raises(FetchError, match="only http and https"):
        download(url, tmp_path / "a.zip", sha256=None)


# --- progress ---------------------------------------------------------------------------------


def test_progress_counts_increase_to_the_total(
    server: Server, generated: bytes, tmp_path: Path
) -> None:
    url = server.serve("/g.bin", generated)
    seen: list[tuple[int, int | None]] = []
    download(url, tmp_path / "g.bin", sha256=None, progress=lambda d, t: seen.append((d, t)))
    done = [d for d, _ in seen]
    assert len(seen) >= 5  # 300 KB in 64 KiB chunks
    assert done[0] == 0 and done[-1] == len(generated)
    assert all(a < b for a, b in zip(done, done[1:], strict=False))
    assert {t for _, t in seen} == {len(generated)}


def test_progress_on_resume_starts_at_the_kept_bytes(
    server: Server, generated: bytes, tmp_path: Path
) -> None:
    url = server.serve("/g.bin", generated)
    dest = tmp_path / "g.bin"
    part_path(dest).write_bytes(generated[:200_000])
    seen: list[tuple[int, int | None]] = []
    download(url, dest, sha256=None, progress=lambda d, t: seen.append((d, t)))
    assert seen[0] == (200_000, len(generated))
    assert seen[-1] == (len(generated), len(generated))
