"""Per-key rate limits: a sliding window in memory (each server process keeps its own)."""

from __future__ import annotations

import time
from collections import deque

from samen.errors import RateLimited


class SlidingWindowLimiter:
    """At most ``limit`` hits per ``window`` seconds for one key::

    limiter = SlidingWindowLimiter(20, 10.0)
    limiter.hit("conversation-id")   # raises RateLimited on the 21st hit within 10 s
    """

    def __init__(self, limit: int, window: float) -> None:
        self.limit = limit
        self.window = window
        self._hits: dict[str, deque[float]] = {}

    def hit(self, key: str) -> None:
        now = time.monotonic()
        hits = self._hits.setdefault(key, deque())
        while hits and now - hits[0] > self.window:
            hits.popleft()
        if len(hits) >= self.limit:
            raise RateLimited(
                "rate_limited",
                f"Too many messages; wait {int(self.window)} seconds and try again.",
                retry_after=self.window,
            )
        hits.append(now)
        if len(self._hits) > 50_000:
            self._forget_idle(now)

    def _forget_idle(self, now: float) -> None:
        for key in [k for k, v in self._hits.items() if not v or now - v[-1] > self.window]:
            del self._hits[key]
