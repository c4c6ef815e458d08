"""Mail stored but never handled (the server stopped between storing and handling it) is handled
at the next start, in the background, and once: of servers starting at the same time on one
database (``samen serve --workers 2``) one takes each mail, one a running server is still
handling is left to it, and one held by a server that stopped waits until its hold runs out."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta

import pytest
from mail_desk import ADDRESS, MailDesk, count, free_port, running, write

from samen.bootstrap import Container, build
from samen.channels.email.ports import InboxEntry
from samen.conversations.models import Sender
from samen.storage import tables
from samen.storage.mail import email_inbox

ORDERS = [
    ("Anna de Vries <anna.devries@example.nl>", "Waar blijft mijn bestelling ORD-2026-004512?"),
    ("Peter Bakker <p.bakker@example.nl>", "Mijn factuur is te hoog, ik betaal te veel."),
    ("Sanne Jansen <sanne.jansen@example.nl>", "Wat zijn jullie openingstijden?"),
]


async def a_mail_stored(mail: MailDesk, sender: str, question: str, ago: timedelta) -> str:
    """A mail as the receiver stores it first, ``ago``; nothing else happened to it yet (the
    server that stored it stopped, or is still at it). Its Message-ID."""
    raw, message_id = write(sender, question, f"Hallo,\n\n{question}\n\nGroet")
    entry = InboxEntry.received(
        raw, "smtp", mail.clock.now() - ago, envelope_from=sender, recipients=[ADDRESS]
    )
    await mail.channel.mail_log.add_inbound(entry)
    return message_id


@pytest.fixture
async def left(mail: MailDesk) -> MailDesk:
    """The demo with e-mail on, its own start-up recovery done (it found nothing)."""
    assert await mail.channel.recovered() == {}
    return mail


@pytest.fixture
async def another(
    left: MailDesk,
) -> AsyncIterator[Callable[[], Awaitable[Container]]]:
    """Other server processes on the same database, with e-mail on, each on its own SMTP port
    and sending through the same relay."""
    built: list[Container] = []

    async def server() -> Container:
        settings = left.container.settings.model_copy(update={"email_inbound_port": free_port()})
        container = await build(settings, clock=left.clock)
        container.extras["email"].inbound.look_again = 0.01  # the clock stands still
        built.append(container)
        return container

    yield server
    for container in built:
        await container.aclose()


async def customer_messages(mail: MailDesk, message_id: str) -> list[str]:
    conversation = await mail.conversation_of(message_id)
    return [m.text for m in await mail.messages(conversation.id) if m.sender is Sender.CUSTOMER]


def answers_to(mail: MailDesk, message_id: str) -> int:
    return sum(1 for sent in mail.relay.received if sent["In-Reply-To"] == message_id)


async def test_that_two_servers_recovering_at_once_handle_each_left_mail_once(left, another):
    stored = [
        await a_mail_stored(left, sender, question, timedelta(minutes=30 - 10 * i))
        for i, (sender, question) in enumerate(ORDERS)
    ]
    one, other = await another(), await another()
    async with running(one, other):
        handled = await one.extras["email"].recovered()
        handled += await other.extras["email"].recovered()
    assert handled.total() == 3 and "failed" not in handled
    assert await count(left, tables.conversations) == 3
    for (_, question), message_id in zip(ORDERS, stored, strict=True):
        [text] = await customer_messages(left, message_id)
        assert question in text
        assert answers_to(left, message_id) == 1  # an answer or acknowledgement, never two
    assert await count(left, email_inbox, email_inbox.c.status == "received") == 0


async def test_that_a_left_mail_is_answered_at_start_as_a_fresh_one_would_be(left, another):
    message_id = await a_mail_stored(left, *ORDERS[0], timedelta(hours=1))
    server = await another()
    async with running(server):
        assert await server.extras["email"].recovered() == {"answered": 1}
    [question] = await customer_messages(left, message_id)
    assert "ORD-2026-004512" in question
    [answer] = [sent for sent in left.relay.received if sent["In-Reply-To"] == message_id]
    assert answer["To"] == "anna.devries@example.nl"


async def test_that_a_mail_a_running_server_is_still_handling_is_left_to_it(left, another):
    message_id = await a_mail_stored(left, *ORDERS[0], timedelta(seconds=1))
    left.clock.advance(seconds=1)
    starting = await another()
    async with running(starting):
        # The running server finishes it while the other starts and waits for its hold.
        [entry] = await left.channel.mail_log.inbound_with_status("received")
        await left.channel.inbound.handle(entry)
        assert await starting.extras["email"].recovered() == {}
    assert await count(left, tables.conversations) == 1
    assert answers_to(left, message_id) == 1


async def test_that_one_held_by_a_server_that_stopped_is_handled_when_its_hold_runs_out(
    left, another
):
    message_id = await a_mail_stored(left, *ORDERS[0], timedelta(seconds=1))
    left.clock.advance(seconds=1)
    server = await another()
    async with running(server):
        await asyncio.sleep(0.05)  # looked at a few times: still held
        assert await count(left, tables.conversations) == 0
        left.clock.advance(minutes=5)
        assert await server.extras["email"].recovered() == {"answered": 1}
    [_] = await customer_messages(left, message_id)
