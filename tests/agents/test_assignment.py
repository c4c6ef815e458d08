"""Automatic assignment by skill, free capacity and presence."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

from samen.agents.assignment import Assigner
from samen.agents.models import Presence
from samen.conversations.models import Priority, State


async def test_that_a_waiting_conversation_goes_to_an_available_agent_who_works_its_queue(
    agents, person, waiting
):
    daan, sanne = await person("daan"), await person("sanne")
    await agents.desk.set_presence(daan, Presence.AVAILABLE)  # tech only
    conversation_id = await waiting()  # care
    assert await agents.assigner.sweep() == 0
    await agents.desk.set_presence(sanne, Presence.AVAILABLE)  # presence change sweeps
    conversation = await agents.desk.get(sanne, conversation_id)
    assert (conversation.state, conversation.agent_id) == (State.ASSIGNED, sanne.id)


async def test_that_nobody_away_or_long_silent_is_given_a_conversation(
    agents, person, waiting, clock
):
    sanne = await person("sanne")
    await agents.desk.set_presence(sanne, Presence.AWAY)
    conversation_id = await waiting()
    assert await agents.assigner.sweep() == 0
    await agents.desk.set_presence(sanne, Presence.AVAILABLE)
    clock.advance(minutes=5)  # her console stopped pinging
    second = await waiting(email="tweede@example.nl")
    assert await agents.assigner.sweep() == 0
    assert (await agents.desk.get(sanne, second)).state is State.QUEUED
    assert (
        await agents.desk.get(sanne, conversation_id)
    ).agent_id == sanne.id  # before she went quiet


async def test_that_no_one_is_given_more_than_their_capacity(agents, person, waiting):
    sanne = await person("sanne")
    ids = [await waiting(email=f"k{n}@example.nl") for n in range(sanne.capacity + 1)]
    await agents.desk.set_presence(sanne, Presence.AVAILABLE)
    states = [(await agents.desk.get(sanne, i)).state for i in ids]
    assert states.count(State.ASSIGNED) == sanne.capacity
    assert states[-1] is State.QUEUED  # the last to arrive waits
    await agents.desk.close(sanne, ids[0], resolved=True, reason="Answered")  # frees a place
    assert (await agents.desk.get(sanne, ids[-1])).agent_id == sanne.id


async def test_that_the_least_loaded_colleague_gets_the_next_conversation(agents, person, waiting):
    sanne, noor, eva = await person("sanne"), await person("noor"), await person("eva")

    async def billing(email: str) -> str:
        conversation_id = await waiting(email=email)
        await agents.desk.transfer(eva, conversation_id, queue="billing")  # transfers sweep
        return conversation_id

    await agents.desk.set_presence(noor, Presence.AVAILABLE)
    first = await billing("een@example.nl")
    assert (await agents.desk.get(noor, first)).agent_id == noor.id
    await agents.desk.set_presence(sanne, Presence.AVAILABLE)
    second = await billing("twee@example.nl")
    assert (await agents.desk.get(sanne, second)).agent_id == sanne.id


async def test_that_high_priority_is_assigned_before_those_who_waited_longer(
    agents, person, waiting, container, clock
):
    eva = await person("eva")  # care, capacity 2
    ids = [await waiting(email=f"k{n}@example.nl") for n in range(3)]
    clock.advance(minutes=1)

    async def urgent(tx, c):
        c.priority = Priority.HIGH
        return []

    await container.conversations.change(ids[2], urgent)
    await agents.desk.set_presence(eva, Presence.AVAILABLE)
    states = {i: (await agents.desk.get(eva, i)).state for i in ids}
    assert states == {ids[0]: State.ASSIGNED, ids[1]: State.QUEUED, ids[2]: State.ASSIGNED}


async def test_that_take_next_gives_the_most_urgent_conversation_of_your_queues(
    agents, person, waiting
):
    sanne = await person("sanne")
    first = await waiting()
    await waiting(email="later@example.nl")
    conversation = await agents.desk.next(sanne)
    assert conversation is not None and conversation.id == first
    assert conversation.agent_id == sanne.id


async def test_that_presence_tells_the_wait_estimate_how_many_people_are_here(agents, person):
    sanne, noor = await person("sanne"), await person("noor")
    await agents.desk.set_presence(sanne, Presence.AVAILABLE)
    await agents.desk.set_presence(noor, Presence.AVAILABLE)
    counts = await agents.assigner.refresh()
    assert counts == {"billing": 2, "tech": 0, "care": 1, "sales": 1}


class GatedPeople:
    """The real people store, holding each question of who is here until it is let through."""

    def __init__(self, people: object) -> None:
        self.people = people
        self.asked = 0
        self._let_through = asyncio.Semaphore(0)
        self._was_asked = asyncio.Event()

    async def list_users(self, *, available_since: datetime) -> list:
        self.asked += 1
        self._was_asked.set()
        await self._let_through.acquire()
        return await self.people.list_users(available_since=available_since)  # type: ignore[attr-defined]

    async def load(self) -> dict[str, int]:
        return await self.people.load()  # type: ignore[attr-defined]

    def let_through(self) -> None:
        self._let_through.release()

    async def asked_times(self, times: int) -> None:
        while self.asked < times:
            self._was_asked.clear()
            await self._was_asked.wait()


class QueuedBroker:
    """A broker whose one subscription reads from a queue the test can see."""

    def __init__(self) -> None:
        self.events: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

    @asynccontextmanager
    async def subscribe(self, *channels: str) -> AsyncIterator[AsyncIterator[dict[str, Any]]]:
        async def events() -> AsyncIterator[dict[str, Any]]:
            while True:
                yield await self.events.get()

        yield events()


async def test_that_a_burst_of_console_events_costs_one_sweep(agents, clock):
    broker, people = QueuedBroker(), GatedPeople(agents.people)
    assigner = Assigner(agents.desk, people, broker, clock)  # type: ignore[arg-type]
    waiting = {"type": "conversation", "conversation": {"state": "queued"}}
    await assigner.start()
    try:
        broker.events.put_nowait(waiting)
        await people.asked_times(1)  # that sweep waits
        for _ in range(5):  # meanwhile five hand-overs
            broker.events.put_nowait(waiting)
        people.let_through()
        await people.asked_times(2)
        assert broker.events.empty()  # the second sweep is for all five
    finally:
        for _ in range(10):
            people.let_through()
        await assigner.stop()


async def test_that_a_new_message_in_a_conversation_that_waits_already_costs_no_sweep(
    agents, clock
):
    broker, people = QueuedBroker(), GatedPeople(agents.people)
    assigner = Assigner(agents.desk, people, broker, clock)  # type: ignore[arg-type]
    queued = {"state": "queued"}
    await assigner.start()
    try:
        broker.events.put_nowait(
            {"type": "conversation", "conversation": queued, "state_changed": False}
        )
        while not broker.events.empty():  # taken by the assigner
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.05)
        assert people.asked == 0
        broker.events.put_nowait(
            {"type": "conversation", "conversation": queued, "state_changed": True}
        )
        await people.asked_times(1)  # a hand-over sweeps
    finally:
        for _ in range(10):
            people.let_through()
        await assigner.stop()
