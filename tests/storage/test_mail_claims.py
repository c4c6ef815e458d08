"""The received-mail store's contract on SQLite and PostgreSQL: a stored mail is held by the
process that stored it, one left ``received`` is claimed by one process at a time (of processes
claiming at the same moment, one gets it), and what became of a mail is decided once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from samen.channels.email.ports import InboxEntry
from samen.storage.database import create_engine
from samen.storage.mail import SqlMailLog
from samen.storage.repositories import SqlStore

NOW = datetime(2026, 11, 23, 10, tzinfo=UTC)
HOLD = timedelta(minutes=5)


def a_mail(at: datetime = NOW) -> InboxEntry:
    return InboxEntry.received(b"From: a@example.nl\r\n\r\nHallo", "smtp", at)


async def test_that_unfinished_lists_the_received_mail_from_before_then_oldest_first(store):
    log = SqlMailLog(store)
    older, old, new = (a_mail(NOW - timedelta(minutes=m)) for m in (20, 10, 0))
    handled = a_mail(NOW - timedelta(minutes=30))
    for entry in (new, old, older, handled):
        await log.add_inbound(entry)
    handled.status = "answered"
    await log.update_inbound(handled)
    left = await log.unfinished_inbound(received_before=NOW)
    assert [(u.id, u.held_since) for u in left] == [
        (older.id, older.received_at),
        (old.id, old.received_at),
    ]


async def test_that_a_mail_held_within_the_hold_is_not_claimed_and_one_after_it_once(store):
    log = SqlMailLog(store)
    entry = a_mail(NOW - timedelta(minutes=2))
    await log.add_inbound(entry)
    assert await log.claim_inbound(entry.id, NOW - HOLD, NOW) is None
    later = NOW + timedelta(minutes=4)
    claimed = await log.claim_inbound(entry.id, later - HOLD, later)
    assert claimed is not None and (claimed.id, claimed.raw) == (entry.id, entry.raw)
    # now held anew: a process starting a minute after does not get it
    assert await log.claim_inbound(entry.id, later + timedelta(minutes=1) - HOLD, later) is None


async def test_that_a_mail_no_longer_received_is_not_claimed(store):
    log = SqlMailLog(store)
    entry = a_mail(NOW - timedelta(hours=1))
    await log.add_inbound(entry)
    entry.status = "queued"
    await log.update_inbound(entry)
    assert await log.claim_inbound(entry.id, NOW - HOLD, NOW) is None


async def test_that_of_processes_claiming_a_left_mail_at_once_one_gets_it(store, database_url):
    entry = a_mail(NOW - timedelta(hours=1))
    await SqlMailLog(store).add_inbound(entry)
    engines = [create_engine(database_url) for _ in range(4)]
    try:
        claims = await asyncio.gather(
            *(SqlMailLog(SqlStore(e)).claim_inbound(entry.id, NOW - HOLD, NOW) for e in engines)
        )
    finally:
        for engine in engines:
            await engine.dispose()
    assert [c.id for c in claims if c is not None] == [entry.id]


async def test_that_what_became_of_a_mail_is_decided_once(store):
    log = SqlMailLog(store)
    entry = a_mail()
    await log.add_inbound(entry)
    entry.status, entry.conversation_id = "answered", "c1"
    assert await log.update_inbound(entry) is True
    late = a_mail()
    late.id, late.status, late.conversation_id = entry.id, "duplicate", "c2"
    assert await log.update_inbound(late) is False
    kept = await log.get_inbound(entry.id)
    assert kept is not None and (kept.status, kept.conversation_id) == ("answered", "c1")
