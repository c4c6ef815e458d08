"""Queues seen from the customer's side: position, and an honest expected wait.

The estimate is the median time people took for this queue's recent conversations (from being
queued to being closed), times the customers ahead, divided over the people available. With no
history yet it says so by falling back to a stated default rather than inventing precision.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

from samen.clock import Clock
from samen.conversations.ports import Store

DEFAULT_HANDLING_MINUTES = 6.0
# The median handling time covers two weeks of closed conversations; one more closing in the
# meantime barely moves it, so it is read again after this long rather than at every hand-over
# (the heavier of a hand-over's two queue reads). What waits is counted every time.
HANDLING_REMEMBERED = timedelta(seconds=10)


@dataclass(frozen=True, slots=True)
class QueueFigures:
    queue: str
    waiting: int
    oldest_wait_minutes: float
    median_handling_minutes: float
    available_agents: int
    expected_wait_minutes: int
    over_capacity: bool


class QueueEstimator:
    def __init__(self, store: Store, clock: Clock, capacities: dict[str, int]) -> None:
        self.store = store
        self.clock = clock
        self.capacities = capacities
        self.available: dict[str, int] = {}  # filled by the people side (presence)
        self._handling: dict[str, tuple[datetime, float]] = {}  # queue: (read at, median)
        self._figures: dict[str, tuple[datetime, QueueFigures]] = {}  # queue: (read at, them)

    async def figures(self, queue: str, *, max_age: timedelta = timedelta(0)) -> QueueFigures:
        """The queue's figures now; with ``max_age``, figures read that recently will do."""
        now = self.clock.now()
        seen = self._figures.get(queue)
        if max_age and seen is not None and timedelta(0) <= now - seen[0] <= max_age:
            return seen[1]
        figures = await self._read(queue, now)
        self._figures[queue] = (now, figures)
        return figures

    async def _read(self, queue: str, now: datetime) -> QueueFigures:
        remembered = self._handling.get(queue)
        fresh = remembered is not None and timedelta(0) <= now - remembered[0] < HANDLING_REMEMBERED
        async with self.store.reading() as tx:
            stats = await tx.queue_statistics(
                queue, closed_since=None if fresh else now - timedelta(days=14)
            )
        if remembered is not None and fresh:
            median = remembered[1]
        else:
            median = _median_minutes(stats.handled)
            self._handling[queue] = (now, median)
        agents = max(1, self.available.get(queue, 1))
        oldest = (
            (now - stats.oldest_queued_at).total_seconds() / 60 if stats.oldest_queued_at else 0.0
        )
        expected = max(1, round(median * (stats.waiting + 1) / agents))
        return QueueFigures(
            queue=queue,
            waiting=stats.waiting,
            oldest_wait_minutes=round(max(oldest, 0.0), 1),
            median_handling_minutes=round(median, 1),
            available_agents=self.available.get(queue, 0),
            expected_wait_minutes=expected,
            over_capacity=stats.waiting >= self.capacities.get(queue, 10_000),
        )


def _median_minutes(handled: list[tuple[datetime, datetime]]) -> float:
    """The median minutes from queued to closed; the default until there are three."""
    durations = [
        (closed - queued).total_seconds() / 60 for queued, closed in handled if closed > queued
    ]
    return statistics.median(durations) if len(durations) >= 3 else DEFAULT_HANDLING_MINUTES
