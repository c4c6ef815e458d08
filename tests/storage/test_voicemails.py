"""The voicemail store's contract on SQLite and PostgreSQL: a recording is kept with its fields
as they came, what became of it is decided once, and of processes claiming one left
``received`` at the same moment, one gets it."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from samen.channels.voice.ports import Recording
from samen.storage.database import create_engine
from samen.storage.repositories import SqlStore
from samen.storage.voicemails import SqlVoicemails, voicemails

NOW = datetime(2026, 11, 23, 10, tzinfo=UTC)
HOLD = timedelta(minutes=5)


def a_recording(at: datetime = NOW, **values: object) -> Recording:
    return Recording.received(b"RIFF-stem", "voicemail.wav", "audio/wav", at, **values)


async def test_that_a_recording_keeps_its_fields_as_they_came_and_the_columns_what_fits(store):
    fields = [("from", "x" * 60), ("language", "Nederlands"), ("from", "06-1234 5678")]
    recording = a_recording(caller="x" * 60, language="Nederlands", fields=fields)
    await SqlVoicemails(store).add(recording)
    kept = await SqlVoicemails(store).get(recording.id)
    assert kept is not None
    assert kept.fields == fields
    assert (kept.caller, kept.language) == ("x" * 40, "Nederlan")
    assert (kept.audio, kept.status) == (b"RIFF-stem", "received")


async def test_that_a_recording_stored_before_fields_were_kept_reads_them_from_its_columns(store):
    recording = a_recording(caller="06-12345678", language="en")
    await SqlVoicemails(store).add(recording)
    async with store.transaction() as tx:
        await tx.conn.execute(
            update(voicemails).where(voicemails.c.id == recording.id).values(fields=None)
        )
    kept = await SqlVoicemails(store).get(recording.id)
    assert kept is not None and kept.fields == [("from", "06-12345678"), ("language", "en")]


async def test_that_what_became_of_a_recording_is_decided_once(store):
    kept = SqlVoicemails(store)
    recording = a_recording()
    await kept.add(recording)
    recording.status, recording.conversation_id, recording.message_id = "taken", "c1", "m1"
    assert await kept.update(recording) is True
    late = a_recording()
    late.id, late.status, late.error = recording.id, "received", "RuntimeError: too late"
    assert await kept.update(late) is False
    stored = await kept.get(recording.id)
    assert stored is not None
    assert (stored.status, stored.conversation_id, stored.error) == ("taken", "c1", None)


async def test_that_unfinished_lists_the_received_ones_from_before_then_oldest_first(store):
    kept = SqlVoicemails(store)
    older, old, new = (a_recording(NOW - timedelta(minutes=m)) for m in (20, 10, 0))
    taken = a_recording(NOW - timedelta(minutes=30))
    for recording in (new, old, older, taken):
        await kept.add(recording)
    taken.status = "taken"
    await kept.update(taken)
    left = await kept.unfinished(received_before=NOW)
    assert [(u.id, u.held_since) for u in left] == [
        (older.id, older.received_at),
        (old.id, old.received_at),
    ]


async def test_that_a_recording_held_within_the_hold_is_not_claimed(store):
    kept = SqlVoicemails(store)
    recording = a_recording(NOW - timedelta(minutes=2))
    await kept.add(recording)
    assert await kept.claim(recording.id, NOW - HOLD, NOW) is None
    later = NOW + timedelta(minutes=4)
    claimed = await kept.claim(recording.id, later - HOLD, later)
    assert claimed is not None and claimed.id == recording.id
    # now held anew: a process starting a minute after does not get it
    assert await kept.claim(recording.id, later + timedelta(minutes=1) - HOLD, later) is None


async def test_that_a_recording_no_longer_received_is_not_claimed(store):
    kept = SqlVoicemails(store)
    recording = a_recording(NOW - timedelta(hours=1))
    await kept.add(recording)
    recording.status = "unreadable"
    await kept.update(recording)
    assert await kept.claim(recording.id, NOW - HOLD, NOW) is None


async def test_that_of_processes_claiming_a_left_recording_at_once_one_gets_it(store, database_url):
    recording = a_recording(NOW - timedelta(hours=1))
    await SqlVoicemails(store).add(recording)
    engines = [create_engine(database_url) for _ in range(4)]
    try:
        claims = await asyncio.gather(
            *(SqlVoicemails(SqlStore(e)).claim(recording.id, NOW - HOLD, NOW) for e in engines)
        )
    finally:
        for engine in engines:
            await engine.dispose()
    assert [c.id for c in claims if c is not None] == [recording.id]


async def test_that_the_recordings_in_no_conversation_are_listed_newest_first_without_audio(
    store,
):
    kept = SqlVoicemails(store)
    rejected, unreadable, taken = (a_recording(NOW - timedelta(minutes=m)) for m in (1, 2, 3))
    for recording, status in ((rejected, "rejected"), (unreadable, "unreadable"), (taken, "taken")):
        await kept.add(recording)
        recording.status, recording.error = status, f"{status}, and why"
        recording.conversation_id = "c1" if status == "taken" else None
        await kept.update(recording)
    listed = await kept.unplaced()
    assert [(u.id, u.status, u.error, u.size) for u in listed] == [
        (rejected.id, "rejected", "rejected, and why", len(b"RIFF-stem")),
        (unreadable.id, "unreadable", "unreadable, and why", len(b"RIFF-stem")),
    ]
    assert [u.id for u in await kept.unplaced(limit=1)] == [rejected.id]
