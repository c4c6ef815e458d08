"""Automatic assignment: waiting conversations go to people who are here, work that queue and
have room, the most urgent first, each to whoever is least loaded.

``Assigner.sweep()`` runs after anything that frees or needs a person (a transfer, a close, a
presence change) and, in the server, whenever the console channel says a conversation started
waiting: once for all the events that came meanwhile, not once each. Two processes sweeping at
once cannot give one conversation twice: ``Desk.assign`` re-checks inside the locked
transaction that it is still waiting.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Sequence
from datetime import datetime, timedelta
from typing import Any

from samen.agents.desk import Desk, urgency
from samen.agents.models import User
from samen.agents.ports import People
from samen.clock import Clock
from samen.conversations.models import State
from samen.errors import Conflict, NotFound
from samen.realtime.ports import CONSOLE_CHANNEL, Broker
from samen.routing.queues import QueueEstimator

log = logging.getLogger(__name__)

PRESENCE_TIMEOUT = timedelta(minutes=2)  # a console pings every 25 s; silence means gone
SWEEP_EVERY = 15.0


class Assigner:
    def __init__(
        self,
        desk: Desk,
        people: People,
        broker: Broker,
        clock: Clock,
        estimator: QueueEstimator | None = None,
    ) -> None:
        self.desk = desk
        self.people = people
        self.broker = broker
        self.clock = clock
        self.estimator = estimator
        self._lock = asyncio.Lock()
        self._last_given: dict[str, datetime] = {}
        self._task: asyncio.Task[None] | None = None

    async def here(self) -> list[User]:
        """People who are available and whose console was heard from lately."""
        return await self.people.list_users(available_since=self.clock.now() - PRESENCE_TIMEOUT)

    async def refresh(self, here: Sequence[User] | None = None) -> dict[str, int]:
        """People available per queue, shared with the wait estimate customers are told."""
        here = await self.here() if here is None else here
        counts = {q: sum(1 for u in here if q in u.queues) for q in self.desk.tenant.queues}
        if self.estimator is not None:
            self.estimator.available.clear()
            self.estimator.available.update(counts)
        return counts

    async def sweep(self) -> int:
        """Give every waiting conversation that someone can take to that someone."""
        async with self._lock:
            here = await self.here()
            await self.refresh(here)
            if not here:
                return 0
            load = await self.people.load()
            async with self.desk.conversations.store.transaction() as tx:
                waiting = await tx.list_conversations(states=[State.QUEUED], limit=1000)
            given = 0
            for conversation in sorted(waiting, key=urgency):
                agent = self.pick(here, load, conversation.queue)
                if agent is None:
                    continue
                try:
                    await self.desk.assign(conversation.id, agent, how="auto")
                except (Conflict, NotFound):
                    continue
                load[agent.id] = load.get(agent.id, 0) + 1
                self._last_given[agent.id] = self.clock.now()
                given += 1
            return given

    def pick(self, here: Sequence[User], load: dict[str, int], queue: str | None) -> User | None:
        """The person with this skill and the most room; on a tie, who got one longest ago."""
        free = [u for u in here if queue in u.queues and load.get(u.id, 0) < u.capacity]
        if not free:
            return None
        never = datetime.min.replace(tzinfo=self.clock.now().tzinfo)
        return min(
            free,
            key=lambda u: (
                load.get(u.id, 0) / u.capacity,
                self._last_given.get(u.id, never),
                u.name,
            ),
        )

    # in the server -------------------------------------------------------------------------
    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="samen-assigner")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        async with self.broker.subscribe(CONSOLE_CHANNEL) as events:
            pending: asyncio.Future[dict[str, Any]] | None = None
            stream: AsyncIterator[dict[str, Any]] = aiter(events)
            try:
                while True:
                    if pending is None:
                        pending = asyncio.ensure_future(anext(stream))
                    done, _ = await asyncio.wait({pending}, timeout=SWEEP_EVERY)
                    if pending in done:
                        wanted, pending = await _burst(stream, pending.result())
                        if not wanted:
                            continue
                    try:
                        await self.sweep()
                    except Exception:
                        # A failed sweep must not end assignment; the next event or tick retries.
                        log.exception("assignment sweep failed")
            finally:
                if pending is not None:
                    pending.cancel()


async def _burst(
    stream: AsyncIterator[dict[str, Any]], event: dict[str, Any]
) -> tuple[bool, asyncio.Future[dict[str, Any]] | None]:
    """Whether ``event`` or any event already waiting behind it needs a sweep; one sweep
    serves them all (under load, hand-overs come faster than sweeps). Returns the wait for
    the next event, if one was started."""
    wanted = _needs_sweep(event)
    for _ in range(_BURST):
        pending = asyncio.ensure_future(anext(stream))
        await asyncio.sleep(0)  # an event already delivered is taken in this one step
        if not pending.done():
            return wanted, pending
        wanted = _needs_sweep(pending.result()) or wanted
    return wanted, None


_BURST = 100  # events taken into one sweep at most, so that a steady stream still sweeps


def _needs_sweep(event: dict[str, Any]) -> bool:
    """Whether the event may change who can take what: someone's presence, or a conversation
    that started waiting, was closed or went back to the bot (freeing a person's room). A new
    message in a conversation that was waiting already changes neither."""
    if event.get("type") == "presence":
        return True
    if event.get("type") != "conversation" or not event.get("state_changed", True):
        return False
    return str((event.get("conversation") or {}).get("state")) != "assigned"
