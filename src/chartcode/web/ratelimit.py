"""In-process rate limits for login and registration (a sliding window per key).

Each worker keeps its own counts, so with N workers an address gets at most N times the limit;
that still turns password guessing from thousands of tries a minute into a handful.
"""

from __future__ import annotations

import threading
import time
from collections import deque


class RateLimiter:
    def __init__(self, limit: int, window_seconds: float) -> None:
        self.limit = limit
        self.window = window_seconds
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        """Count one attempt for ``key``; False when it is over the limit in the window."""
        if self.limit <= 0:
            return True
        moment = time.monotonic()
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and moment - hits[0] > self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                return False
            hits.append(moment)
            if len(self._hits) > 10_000:  # forget idle keys so memory stays bounded
                for k in [k for k, v in self._hits.items() if not v]:
                    del self._hits[k]
            return True

    def retry_after(self, key: str) -> int:
        with self._lock:
            hits = self._hits.get(key)
            if not hits:
                return 0
            return max(1, int(self.window - (time.monotonic() - hits[0])) + 1)

    def reset(self) -> None:
        with self._lock:
            self._hits.clear()
