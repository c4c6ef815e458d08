"""A voicemail stored but never taken (the server stopped between storing and transcribing it)
is taken at the next start, in the background, into a conversation as a fresh upload would be;
once, even when two servers start on the same database or one of them is still at it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from recordings import FixedTranscriber, SlowTranscriber, spoken
from sqlalchemy import func, select, update

from samen.bootstrap import Container, build
from samen.channels.voice.ports import Recording
from samen.channels.voice.voicemail import take
from samen.clock import FixedClock
from samen.conversations.models import Sender
from samen.settings import Settings
from samen.storage import tables
from samen.storage.voicemails import voicemails

HEARD = "Bel me terug over mijn factuur."


@pytest.fixture
def said(tmp_path: Path) -> bytes:
    return spoken("Met Anna, bel me terug over mijn factuur.", tmp_path)


async def an_upload_stored(
    container: Container, audio: bytes, ago: timedelta, **fields: str
) -> Recording:
    """A voicemail as an upload stores it first, ``ago``; nothing else happened to it yet (the
    server that stored it stopped, or is still at it)."""
    recording = Recording.received(
        audio,
        "voicemail.wav",
        "audio/wav",
        container.clock.now() - ago,
        caller=fields.get("from", ""),
        language=fields.get("language", ""),
        fields=list(fields.items()),
    )
    await container.extras["voice"].voicemails.add(recording)
    return recording


@pytest.fixture
async def another(
    settings: Settings, clock: FixedClock, echo
) -> AsyncIterator[Callable[[object], Awaitable[Container]]]:
    """Other server processes on the same database, each with its recogniser."""
    built: list[Container] = []

    async def server(transcriber: object) -> Container:
        container = await build(settings, handler=echo, clock=clock)
        channel = container.extras["voice"]
        channel.transcriber = transcriber
        channel.recovery.look_again = 0.01  # the clock stands still: held ones are looked at again
        built.append(container)
        return container

    yield server
    for container in built:
        await container.aclose()


@asynccontextmanager
async def running(*servers: Container) -> AsyncIterator[None]:
    """Started at the same time, each as the web app starts it; stopped at the end."""

    async def start(container: Container) -> None:
        for begin in container.extras["startups"]:
            await begin()

    await asyncio.gather(*(start(container) for container in servers))
    try:
        yield
    finally:
        for container in servers:
            for stop in reversed(container.extras["shutdowns"]):
                await stop()


async def count(container: Container, table, *where) -> int:
    query = select(func.count()).select_from(table).where(*where)
    async with container.store.reading() as tx:
        return int((await tx.conn.execute(query)).scalar_one())


async def the_message_of(container: Container, recording_id: str):
    recording = await container.extras["voice"].voicemails.get(recording_id)
    assert recording is not None and recording.conversation_id is not None
    [message] = [
        m
        for m in await container.conversations.messages(recording.conversation_id)
        if m.sender is Sender.CUSTOMER
    ]
    return recording, message


async def test_that_a_voicemail_an_upload_stored_is_taken_into_a_conversation_at_start(
    container, another, echo, said
):
    left = await an_upload_stored(
        container, said, timedelta(hours=1), **{"from": "06-12345678", "language": "nl"}
    )
    server = await another(FixedTranscriber(HEARD))
    async with running(server):
        assert await server.extras["voice"].recovery.finished() == {"taken": 1}
        recording, message = await the_message_of(server, left.id)
    assert recording.status == "taken" and recording.message_id == message.id
    assert recording.audio == said
    assert message.text == HEARD
    assert message.metadata["voicemail"]["recording"] == left.id
    assert message.metadata["voicemail"]["caller"] == "+31612345678"
    conversation = await container.conversations.get(recording.conversation_id)
    assert conversation.channel == "voice"
    assert [t.message.text for t in echo.turns] == [HEARD]  # understood and routed as any


async def test_that_two_servers_starting_at_once_take_each_left_voicemail_once(
    container, another, said
):
    left = [
        await an_upload_stored(container, said, timedelta(minutes=m), **{"from": "0612"})
        for m in (30, 20, 10)
    ]
    one = await another(FixedTranscriber(HEARD))
    other = await another(FixedTranscriber(HEARD))
    async with running(one, other):
        taken = await one.extras["voice"].recovery.finished()
        taken += await other.extras["voice"].recovery.finished()
    assert taken == {"taken": 3}
    assert await count(container, tables.conversations) == 3
    customer = tables.messages.c.sender == Sender.CUSTOMER.value
    assert await count(container, tables.messages, customer) == 3
    for recording in left:
        await the_message_of(container, recording.id)


async def test_that_the_server_starts_without_waiting_for_the_speech_to_text_of_left_voicemails(
    container, another, said
):
    left = await an_upload_stored(container, said, timedelta(hours=1))
    slow = SlowTranscriber(HEARD)
    server = await another(slow)
    async with running(server):
        await slow.busy.wait()  # started, and the recording is with the speech-to-text
        assert await count(server, voicemails, voicemails.c.status == "received") == 1
        slow.done.set()
        assert await server.extras["voice"].recovery.finished() == {"taken": 1}
    await the_message_of(container, left.id)


async def test_that_a_server_stopping_half_way_leaves_the_voicemail_for_the_next_start(
    container, another, clock, said
):
    left = await an_upload_stored(container, said, timedelta(hours=1))
    slow = SlowTranscriber(HEARD)
    async with running(await another(slow)):
        await slow.busy.wait()
    # stopped while the speech-to-text was at it: still received, held by the stopped one
    clock.advance(minutes=6)
    server = await another(FixedTranscriber(HEARD))
    async with running(server):
        assert await server.extras["voice"].recovery.finished() == {"taken": 1}
    await the_message_of(container, left.id)


async def test_that_a_voicemail_a_running_server_is_still_taking_is_left_to_it(
    container, another, clock, said
):
    busy = container.extras["voice"]
    busy.transcriber = FixedTranscriber(HEARD)
    fresh = await an_upload_stored(container, said, timedelta(seconds=1))
    clock.advance(seconds=1)
    starting = await another(FixedTranscriber("Iets anders."))
    async with running(starting):
        await take(busy, fresh)  # the running server finishes it while the other starts
        assert await starting.extras["voice"].recovery.finished() == {}
    _, message = await the_message_of(container, fresh.id)
    assert message.text == HEARD
    assert await count(container, tables.conversations) == 1


async def test_that_one_held_by_a_server_that_stopped_is_taken_when_its_hold_runs_out(
    container, another, clock, said
):
    left = await an_upload_stored(container, said, timedelta(seconds=1))
    clock.advance(seconds=1)
    server = await another(FixedTranscriber(HEARD))
    async with running(server):
        recovery = server.extras["voice"].recovery
        assert await count(server, voicemails, voicemails.c.status == "taken") == 0
        clock.advance(minutes=5)
        assert await recovery.finished() == {"taken": 1}
    await the_message_of(container, left.id)


async def test_that_a_voicemail_half_taken_before_a_stop_gets_no_second_conversation(
    container, another, said
):
    """Stopped after its conversation and message were written, before it was marked taken."""
    container.extras["voice"].transcriber = FixedTranscriber(HEARD)
    left = await an_upload_stored(container, said, timedelta(hours=1))
    await take(container.extras["voice"], left)
    first, message = await the_message_of(container, left.id)
    async with container.store.transaction() as tx:
        await tx.conn.execute(
            update(voicemails)
            .where(voicemails.c.id == left.id)
            .values(status="received", conversation_id=None, message_id=None)
        )
    server = await another(FixedTranscriber(HEARD))
    async with running(server):
        assert await server.extras["voice"].recovery.finished() == {"taken": 1}
    again, same = await the_message_of(container, left.id)
    assert (again.conversation_id, again.message_id) == (first.conversation_id, message.id)
    assert same.id == message.id
    assert await count(container, tables.conversations) == 1


async def test_that_a_left_voicemail_with_a_wrong_field_is_kept_as_rejected_not_taken(
    container, another, said
):
    left = await an_upload_stored(container, said, timedelta(hours=1), language="de")
    server = await another(FixedTranscriber(HEARD))
    async with running(server):
        assert await server.extras["voice"].recovery.finished() == {"rejected": 1}
    kept = await container.extras["voice"].voicemails.get(left.id)
    assert kept is not None and kept.status == "rejected"
    assert kept.error == "language: must be one of nl, en"
    assert await count(container, tables.conversations) == 0


@pytest.mark.slow
async def test_that_a_left_voicemail_is_heard_by_whisper_and_queued_for_a_person_at_start(
    demo, whisper, tmp_path
):
    said = spoken("My internet is down, please call me back.", tmp_path, voice="en-us")
    left = await an_upload_stored(
        demo, said, timedelta(hours=1), **{"from": "06-87654321", "language": "en"}
    )
    demo.extras["voice"].transcriber = whisper
    async with running(demo):
        assert await demo.extras["voice"].recovery.finished() == {"taken": 1}
    recording, message = await the_message_of(demo, left.id)
    assert "internet" in message.text.lower()
    conversation = await demo.conversations.get(recording.conversation_id)
    assert (conversation.channel, conversation.state.value) == ("voice", "queued")
