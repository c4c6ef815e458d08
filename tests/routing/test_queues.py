"""Queue figures: what waits is counted at every hand-over; the median handling time, which
covers two weeks, is read again only after ``HANDLING_REMEMBERED``."""

from __future__ import annotations

from datetime import timedelta

from samen.clock import FixedClock
from samen.conversations.models import (
    Conversation,
    ConversationId,
    Customer,
    CustomerId,
    State,
    new_id,
)
from samen.routing.queues import DEFAULT_HANDLING_MINUTES, HANDLING_REMEMBERED, QueueEstimator
from samen.storage.repositories import SqlStore


async def handled_in(store: SqlStore, clock: FixedClock, minutes: float) -> None:
    """A billing conversation queued now and closed ``minutes`` later."""
    now = clock.now()
    customer = Customer(CustomerId(new_id()), "Anna", [], now)
    conversation = Conversation(ConversationId(new_id()), customer.id, "web", State.BOT, now, now)
    conversation.transition(State.QUEUED, "billing", now)
    conversation.transition(State.ASSIGNED, "billing", now)
    conversation.transition(State.CLOSED, "billing", now + timedelta(minutes=minutes))
    async with store.transaction() as tx:
        await tx.add_customer(customer)
        await tx.add_conversation(conversation)


async def waiting_in(store: SqlStore, clock: FixedClock) -> None:
    now = clock.now()
    customer = Customer(CustomerId(new_id()), "Bram", [], now)
    conversation = Conversation(ConversationId(new_id()), customer.id, "web", State.BOT, now, now)
    conversation.transition(State.QUEUED, "billing", now)
    async with store.transaction() as tx:
        await tx.add_customer(customer)
        await tx.add_conversation(conversation)


async def test_that_the_handling_time_is_remembered_a_while_and_the_waiting_counted_each_time(
    store: SqlStore, clock: FixedClock
) -> None:
    estimator = QueueEstimator(store, clock, {"billing": 10})
    first = await estimator.figures("billing")
    assert (first.waiting, first.median_handling_minutes) == (0, DEFAULT_HANDLING_MINUTES)

    for minutes in (10, 20, 30):
        await handled_in(store, clock, minutes)
    await waiting_in(store, clock)
    clock.advance(seconds=1)
    meanwhile = await estimator.figures("billing")
    assert meanwhile.waiting == 1  # counted again
    assert meanwhile.median_handling_minutes == DEFAULT_HANDLING_MINUTES  # remembered

    clock.advance(seconds=HANDLING_REMEMBERED.total_seconds())
    later = await estimator.figures("billing")
    assert (later.waiting, later.median_handling_minutes) == (1, 20.0)


async def test_that_figures_a_moment_old_do_when_asked_for_and_are_read_fresh_otherwise(
    store: SqlStore, clock: FixedClock
) -> None:
    estimator = QueueEstimator(store, clock, {"billing": 10})
    await estimator.figures("billing")
    await waiting_in(store, clock)
    clock.advance(seconds=1)
    recent = await estimator.figures("billing", max_age=timedelta(seconds=2))
    fresh = await estimator.figures("billing")
    assert (recent.waiting, fresh.waiting) == (0, 1)
    await waiting_in(store, clock)
    clock.advance(seconds=3)
    too_old = await estimator.figures("billing", max_age=timedelta(seconds=2))
    assert too_old.waiting == 2
