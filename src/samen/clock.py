"""Time in Samen is timezone-aware UTC; the clock is a port so tests can fix 'now'."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that stands still until moved: ``FixedClock(datetime(2026, 11, 23, tzinfo=UTC))``."""

    def __init__(self, at: datetime) -> None:
        self._at = at

    def now(self) -> datetime:
        return self._at

    def advance(self, **delta: float) -> None:
        from datetime import timedelta

        self._at = self._at + timedelta(**delta)

    def set(self, at: datetime) -> None:
        self._at = at
