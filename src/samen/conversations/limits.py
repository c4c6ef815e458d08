"""Rate limits over a tally that every server process shares (Redis) or this one keeps.

    limit = RateLimit(MemoryTally(), 20, 10.0, "rate_limited", "Too many messages")
    await limit.hit("conversation-id")   # raises RateLimited on the 21st hit within 10 s

With several ``samen serve`` workers the tally must be shared, or each worker would allow the
limit again: ``samen.realtime.redis.RedisTally`` counts in Redis when ``SAMEN_REDIS_URL`` is set.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from typing import Protocol

from samen.errors import RateLimited


class Tally(Protocol):
    """Counts per key within a window of seconds."""

    async def add(self, key: str, window: float) -> int:
        """Count one more for ``key``; the count within the window, this one included."""
        ...

    async def count(self, key: str, window: float) -> int: ...

    async def clear(self, key: str, window: float) -> None: ...


class MemoryTally:
    """A sliding window per key, in this process."""

    def __init__(self, now: Callable[[], float] = time.monotonic) -> None:
        self._now = now
        self._hits: dict[str, deque[float]] = {}

    async def add(self, key: str, window: float) -> int:
        now = self._now()
        hits = self._recent(key, window, now)
        hits.append(now)
        if len(self._hits) > 50_000:
            self._forget_idle(now, window)
        return len(hits)

    async def count(self, key: str, window: float) -> int:
        return len(self._recent(key, window, self._now()))

    async def clear(self, key: str, window: float) -> None:
        self._hits.pop(key, None)

    def _recent(self, key: str, window: float, now: float) -> deque[float]:
        hits = self._hits.setdefault(key, deque())
        while hits and now - hits[0] > window:
            hits.popleft()
        return hits

    def _forget_idle(self, now: float, window: float) -> None:
        for key in [k for k, v in self._hits.items() if not v or now - v[-1] > window]:
            del self._hits[key]


class RateLimit:
    """At most ``limit`` hits per ``window`` seconds for one key."""

    def __init__(self, tally: Tally, limit: int, window: float, code: str, message: str) -> None:
        self.tally = tally
        self.limit = limit
        self.window = window
        self.code = code
        self.message = message

    async def hit(self, key: str) -> None:
        if await self.tally.add(f"{self.code}:{key}", self.window) > self.limit:
            raise RateLimited(
                self.code,
                f"{self.message}; wait {int(self.window)} seconds and try again.",
                retry_after=self.window,
            )
