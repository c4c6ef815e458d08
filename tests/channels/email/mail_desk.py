"""Helpers for the e-mail tests: the relay that records sent mail, and a customer's mail desk."""

from __future__ import annotations

import asyncio
import smtplib
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from sqlalchemy import Table, func, select

from samen.bootstrap import Container
from samen.channels.email.adapter import EmailChannel
from samen.clock import FixedClock
from samen.conversations.models import Conversation, Message

ADDRESS = "klantenservice@polderlink.example"


@asynccontextmanager
async def running(*servers: Container) -> AsyncIterator[None]:
    """Started at the same time, each as the web app starts it; those that started are stopped
    at the end (a start that fails, say on a taken port, raises here)."""
    started: list[Container] = []

    async def start(container: Container) -> None:
        for begin in container.extras["startups"]:
            await begin()
        started.append(container)

    try:
        await asyncio.gather(*(start(container) for container in servers))
        yield
    finally:
        for container in started:
            for stop in reversed(container.extras["shutdowns"]):
                await stop()


async def count(mail: MailDesk, table: Table, *where: Any) -> int:
    """Rows of ``table`` in the database of ``mail`` (that match ``where``)."""
    query = select(func.count()).select_from(table).where(*where)
    async with mail.container.store.reading() as tx:
        return int((await tx.conn.execute(query)).scalar_one())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Relay:
    """The company's outgoing mail server: records every mail; can be told to refuse some."""

    port: int = 0
    received: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    refuse: list[str] = field(default_factory=list)  # answers for the next DATA commands
    logins: list[str] = field(default_factory=list)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.refuse:
            return self.refuse.pop(0)
        raw = envelope.original_content or b""
        self.received.append(message_from_bytes(raw, policy=policy.default))  # type: ignore[arg-type]
        self.envelopes.append((envelope.mail_from or "", list(envelope.rcpt_tos)))
        return "250 2.0.0 Queued"

    def authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        ok = (
            isinstance(data, LoginPassword)
            and data.login == b"samen"
            and data.password == b"geheim"
        )
        if ok:
            self.logins.append(mechanism)
        return AuthResult(success=ok)


@dataclass
class MailDesk:
    """The demo with e-mail on, and a way to write to it as a customer would."""

    container: Container
    port: int
    relay: Relay
    clock: FixedClock

    @property
    def channel(self) -> EmailChannel:
        channel: EmailChannel = self.container.extras["email"]
        return channel

    async def send(
        self, raw: bytes, sender: str | None = None, recipients: tuple[str, ...] = (ADDRESS,)
    ) -> None:
        """Deliver over SMTP; ``sender=""`` is the null envelope sender of bounces."""

        def deliver() -> None:
            with smtplib.SMTP("127.0.0.1", self.port, timeout=60) as client:
                client.sendmail(_from(raw) if sender is None else sender, list(recipients), raw)

        await asyncio.to_thread(deliver)

    async def conversation_of(self, message_id: str) -> Conversation:
        async with self.container.store.transaction() as tx:
            found = await tx.find_conversation_by_reference("email_message_id", message_id)
        assert found is not None, f"no conversation for {message_id}"
        return found

    async def messages(self, conversation_id: str) -> list[Message]:
        return await self.container.conversations.messages(conversation_id)

    async def events(self, conversation_id: str, *kinds: str) -> list[Any]:
        async with self.container.store.transaction() as tx:
            return await tx.list_events(conversation_id=conversation_id, kinds=list(kinds) or None)


def _from(raw: bytes) -> str:
    found = message_from_bytes(raw, policy=policy.default)
    sender = found.get("From")
    return (
        sender.addresses[0].addr_spec if sender is not None and sender.addresses else "x@example.nl"
    )


def write(
    sender: str,
    subject: str,
    body: str,
    *,
    html: str | None = None,
    in_reply_to: str | None = None,
    references: list[str] | None = None,
    headers: dict[str, str] | None = None,
    message_id: str | None = None,
) -> tuple[bytes, str]:
    """A customer's e-mail as their mail program would send it; returns it and its Message-ID."""
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = f"Polderlink <{ADDRESS}>"
    mail["Subject"] = subject
    mail["Date"] = format_datetime(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    mail["Message-ID"] = message_id or make_msgid(domain="mail.example.nl")
    if in_reply_to:
        mail["In-Reply-To"] = in_reply_to
    if references:
        mail["References"] = " ".join(references)
    for name, value in (headers or {}).items():
        mail[name] = value
    mail.set_content(body)
    if html is not None:
        mail.add_alternative(html, subtype="html")
    return mail.as_bytes(policy=policy.SMTP), str(mail["Message-ID"])


def text_of(mail: EmailMessage) -> str:
    part = mail.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def html_of(mail: EmailMessage) -> str:
    part = mail.get_body(preferencelist=("html",))
    assert part is not None
    return str(part.get_content())
