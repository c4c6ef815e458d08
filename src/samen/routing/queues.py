"""Queues seen from the customer's side: position, and an honest expected wait.

The estimate is the median time people took for this queue's recent conversations (from being
queued to being closed), times the customers ahead, divided over the people available. With no
history yet it says so by falling back to a stated default rather than inventing precision.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import timedelta

from samen.clock import Clock
from samen.conversations.models import State
from samen.conversations.ports import Store

DEFAULT_HANDLING_MINUTES = 6.0


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

    async def figures(self, queue: str) -> QueueFigures:
        now = self.clock.now()
        async with self.store.transaction() as tx:
            waiting = await tx.list_conversations(states=[State.QUEUED], queues=[queue], limit=1000)
            recent = await tx.list_conversations(
                states=[State.CLOSED], queues=[queue], since=now - timedelta(days=14), limit=200
            )
        durations = [
            (c.closed_at - c.queued_at).total_seconds() / 60
            for c in recent
            if c.closed_at and c.queued_at and c.closed_at > c.queued_at
        ]
        median = statistics.median(durations) if len(durations) >= 3 else DEFAULT_HANDLING_MINUTES
        agents = max(1, self.available.get(queue, 1))
        oldest = max(
            ((now - c.queued_at).total_seconds() / 60 for c in waiting if c.queued_at), default=0.0
        )
        expected = max(1, round(median * (len(waiting) + 1) / agents))
        return QueueFigures(
            queue=queue,
            waiting=len(waiting),
            oldest_wait_minutes=round(oldest, 1),
            median_handling_minutes=round(median, 1),
            available_agents=self.available.get(queue, 0),
            expected_wait_minutes=expected,
            over_capacity=len(waiting) >= self.capacities.get(queue, 10_000),
        )
