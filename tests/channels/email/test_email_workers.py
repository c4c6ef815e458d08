"""Several server processes on one database (``samen serve --workers N``, or several hosts):
each receives mail on the one SMTP port, a port another program holds stops the start, mail
that they all read from one IMAP mailbox is stored and answered once, and an answer that they
all find due for a retry is sent once.

The servers here share the test's process (two containers, each with its own connections, as
``test_email_recovery`` does); tests/web/test_realtime.py runs ``samen serve --workers 2``.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from mail_desk import MailDesk, count, free_port, running, write

from samen.bootstrap import Container, build
from samen.channels.email.imap import MailboxPoller
from samen.channels.leftovers import HOLD
from samen.sockets import PortTaken
from samen.storage import tables
from samen.storage.mail import email_inbox

CUSTOMERS = [
    ("Anna de Vries <anna.devries@example.nl>", "Waar blijft mijn bestelling ORD-2026-004512?"),
    ("Peter Bakker <p.bakker@example.nl>", "Mijn factuur is te hoog, ik betaal te veel."),
    ("Sanne Jansen <sanne.jansen@example.nl>", "Wat zijn jullie openingstijden?"),
    ("Joost Smit <joost.smit@example.nl>", "Hoe wijzig ik mijn adres?"),
    ("Fatima el Amrani <f.elamrani@example.nl>", "Wanneer komt de monteur?"),
    ("Kees Visser <kees.visser@example.nl>", "Mijn internet valt steeds weg."),
]


@pytest.fixture
async def servers(mail: MailDesk) -> AsyncIterator[Callable[..., Awaitable[Container]]]:
    """More server processes on the database of ``mail``, sending through the same relay."""
    built: list[Container] = []

    async def server(**settings: Any) -> Container:
        container = await build(
            mail.container.settings.model_copy(update=settings), clock=mail.clock
        )
        built.append(container)
        return container

    yield server
    for container in built:
        await container.aclose()


def answers_to(mail: MailDesk, message_id: str) -> int:
    return sum(1 for sent in mail.relay.received if sent["In-Reply-To"] == message_id)


async def test_that_two_servers_receive_on_one_smtp_port_and_store_each_mail_once(mail, servers):
    port = free_port()
    one = await servers(email_inbound_port=port, shared_ports=True)
    other = await servers(email_inbound_port=port, shared_ports=True)
    async with running(one, other):
        receivers = [s.extras["email"].receiver for s in (one, other)]
        assert [r.bound_port for r in receivers] == [port, port]  # both listen on it
        sent = []
        for sender, question in CUSTOMERS:  # a connection each: the kernel picks the server
            raw, message_id = write(sender, question, f"Hallo,\n\n{question}\n\nGroet")
            await MailDesk(one, port, mail.relay, mail.clock).send(raw)
            sent.append(message_id)
    assert await count(mail, email_inbox) == len(CUSTOMERS)
    assert await count(mail, email_inbox, email_inbox.c.status == "received") == 0
    assert await count(mail, tables.conversations) == len(CUSTOMERS)
    for message_id in sent:
        assert answers_to(mail, message_id) == 1  # an answer or acknowledgement, never two


@pytest.mark.parametrize("shared", [False, True])
async def test_that_an_smtp_port_another_program_holds_stops_the_start(mail, servers, shared):
    with socket.socket() as other_program:
        other_program.bind(("127.0.0.1", 0))
        other_program.listen()
        port = other_program.getsockname()[1]
        server = await servers(email_inbound_port=port, shared_ports=shared)
        with pytest.raises(PortTaken) as refused:
            async with running(server):
                pass
    assert f"Port {port}" in refused.value.message
    assert "SAMEN_EMAIL_INBOUND_PORT" in refused.value.message


class SharedMailbox:
    """One IMAP mailbox that several servers poll, each over its own connection. Every
    connection reads the unseen mail before any marks a mail seen: two polls at the same moment,
    the moment that could store a mail twice."""

    def __init__(self, mails: dict[str, bytes], readers: int) -> None:
        self.mails = mails
        self.seen: set[str] = set()
        self.all_read = threading.Barrier(readers, timeout=30)
        self.lock = threading.Lock()

    def connection(self) -> Connection:
        return Connection(self)


class Connection:
    def __init__(self, box: SharedMailbox) -> None:
        self.box = box

    def open(self) -> None:
        return None

    def unseen(self, limit: int) -> list[tuple[str, bytes]]:
        with self.box.lock:
            found = [(uid, raw) for uid, raw in self.box.mails.items() if uid not in self.box.seen]
        self.box.all_read.wait()
        return found[:limit]

    def mark_seen(self, uid: str) -> None:
        with self.box.lock:
            self.box.seen.add(uid)

    def close(self) -> None:
        return None


async def test_that_mail_two_servers_read_from_one_imap_mailbox_at_once_is_stored_once(
    mail, servers
):
    written = [write(sender, question, f"Hallo,\n\n{question}") for sender, question in CUSTOMERS]
    box = SharedMailbox({str(uid): raw for uid, (raw, _) in enumerate(written, 100)}, readers=2)
    other = await servers()
    pollers = [
        MailboxPoller(box.connection(), inbound)
        for inbound in (mail.channel.inbound, other.extras["email"].inbound)
    ]
    stored = await asyncio.gather(*(poller.poll_once() for poller in pollers))
    assert sum(stored) == len(CUSTOMERS)  # each stored by one of them …
    assert box.seen == set(box.mails)  # … and marked seen by both
    assert await count(mail, email_inbox) == len(CUSTOMERS)
    assert await count(mail, tables.conversations) == len(CUSTOMERS)
    for _, message_id in written:
        assert answers_to(mail, message_id) == 1


async def test_that_a_polled_mail_already_stored_is_only_marked_seen(mail):
    # The server stopped after storing it and before marking it seen: the next poll finds it.
    raw, message_id = write(*CUSTOMERS[0], "Hallo,\n\nWaar blijft ORD-2026-004512?")
    box = SharedMailbox({"7": raw}, readers=1)
    poller = MailboxPoller(box.connection(), mail.channel.inbound)
    assert await poller.poll_once() == 1
    box.seen.clear()
    assert await poller.poll_once() == 0
    assert box.seen == {"7"}
    assert await count(mail, email_inbox) == 1
    assert answers_to(mail, message_id) == 1


async def test_that_an_answer_two_servers_find_due_for_a_retry_is_sent_once(mail, servers):
    mail.relay.refuse = ["451 4.3.0 Mailbox busy, try later"]
    raw, message_id = write(*CUSTOMERS[0], "Hallo,\n\nWaar blijft ORD-2026-004512?")
    await mail.send(raw)
    assert mail.relay.received == []  # refused: waiting for its retry
    other = await servers()
    mail.clock.advance(minutes=2)
    tried = await asyncio.gather(
        mail.channel.outbound.retry_due(), other.extras["email"].outbound.retry_due()
    )
    assert sorted(tried) == [0, 1]
    assert answers_to(mail, message_id) == 1
    [delivery] = await mail.channel.mail_log.deliveries(statuses=["sent"])
    assert delivery.attempts == 2


async def test_that_a_retry_whose_server_stopped_during_it_is_due_again_after_the_hold(mail):
    mail.relay.refuse = ["451 4.3.0 Mailbox busy, try later"]
    raw, message_id = write(*CUSTOMERS[0], "Hallo,\n\nWaar blijft ORD-2026-004512?")
    await mail.send(raw)
    mail.clock.advance(minutes=2)
    log, now = mail.channel.mail_log, mail.clock.now()
    [due] = await log.due_deliveries(now)
    assert await log.claim_delivery(due.id, now, until=now + HOLD)  # … and then it stopped
    assert await mail.channel.outbound.retry_due() == 0
    mail.clock.advance(seconds=HOLD.total_seconds())
    assert await mail.channel.outbound.retry_due() == 1
    assert answers_to(mail, message_id) == 1
