"""Building the e-mail channel from the settings, and starting and stopping it with the server.

``attach_email(container)`` registers the outbound half as ``email`` in the channel registry
and adds the channel's start and stop to ``container.extras["startups"]``/``["shutdowns"]``,
which the web app's lifespan runs (so ``samen demo`` and ``samen serve`` run it too)::

    SAMEN_EMAIL_ADDRESS=klantenservice@polderlink.example
    SAMEN_EMAIL_INBOUND_PORT=2525                       # Samen's own SMTP receiver
    SAMEN_EMAIL_IMAP_URL=imaps://user:pass@imap.example/INBOX   # and/or a mailbox to poll
    SAMEN_EMAIL_OUTBOUND_URL=smtp://user:pass@smtp.example:587
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from samen.bot.texts import Texts
from samen.channels.email.compose import Composer
from samen.channels.email.imap import ImapMailbox, MailboxPoller
from samen.channels.email.inbound import EmailInbound
from samen.channels.email.links import ResumeLinks
from samen.channels.email.outbound import SmtpOutbound
from samen.channels.email.receiver import SmtpReceiver
from samen.channels.email.transport import SmtpTransport
from samen.errors import ConfigError
from samen.settings import Settings
from samen.storage.mail import SqlMailLog

if TYPE_CHECKING:
    from samen.bootstrap import Container

log = logging.getLogger(__name__)


@dataclass
class EmailChannel:
    inbound: EmailInbound
    outbound: SmtpOutbound
    mail_log: SqlMailLog
    receiver: SmtpReceiver | None = None
    poller: MailboxPoller | None = None
    recovering: asyncio.Task[Counter[str]] | None = None

    async def start(self) -> None:
        started = self.inbound.clock.now()
        if self.receiver is not None:
            await self.receiver.start()
        if self.poller is not None:
            await self.poller.start()
        await self.outbound.start()
        # Mail a stopped server left unhandled, in the background: one held by a process that
        # stopped waits for its hold to run out, and new mail need not wait for any of it.
        # Last, so that a process whose start fails has claimed none of it.
        self.recovering = asyncio.create_task(self._recover(started), name="email-recovery")

    async def recovered(self) -> Counter[str]:
        """Wait until the mail left before the start is handled or tried; what became of it."""
        assert self.recovering is not None, "start() first"
        return await asyncio.shield(self.recovering)

    async def stop(self) -> None:
        if self.recovering is not None and not self.recovering.done():
            self.recovering.cancel()  # a mail being handled stays held, for a later start
            with contextlib.suppress(asyncio.CancelledError):
                await self.recovering
        await self.outbound.stop()
        if self.poller is not None:
            await self.poller.stop()
        if self.receiver is not None:
            await self.receiver.stop()

    async def _recover(self, started: datetime) -> Counter[str]:
        outcomes: Counter[str] = Counter()
        try:
            outcomes = await self.inbound.recover(started)
        except Exception:  # the database, most likely: the mail stays for the next start
            log.exception("e-mail: the mail left by the last stop could not be read")
        if outcomes:
            log.warning("e-mail: mail stored before the last stop: %s", dict(outcomes))
        return outcomes


def email_configured(settings: Settings) -> bool:
    return bool(
        settings.email_inbound_port or settings.email_imap_url or settings.email_outbound_url
    )


def attach_email(container: Container) -> EmailChannel:
    settings, tenant = container.settings, container.tenant
    if not settings.email_address or "@" not in settings.email_address:
        raise ConfigError(
            "email_address_missing",
            "E-mail is configured but SAMEN_EMAIL_ADDRESS (the address customers write to) is not.",
        )
    brain: Any = container.extras.get("brain")
    texts = (
        brain.texts
        if brain is not None
        else Texts.load(tenant.path("texts.yml"), tenant.default_language)
    )
    composer = Composer(texts, tenant.zone)
    composer.check()
    mail_log = SqlMailLog(container.store)
    links = ResumeLinks(settings.resolved_secret_key(), settings.base_url)
    default_queue = (
        brain.engine.policy.default_queue
        if brain is not None
        else next(iter(tenant.queues), "care")
    )

    def queue_for(topic: str | None) -> str:
        if brain is None:
            return str(default_queue)
        return str(brain.engine.policy.topic_queue(topic) or default_queue)

    async def find_name(address: str) -> str | None:
        record = await brain.bot.kit.backend.find_customer(email=address)
        return str(record.name) if record is not None else None

    outbound = SmtpOutbound(
        container.conversations,
        mail_log,
        composer,
        SmtpTransport(settings.email_outbound_url) if settings.email_outbound_url else None,
        container.clock,
        address=settings.email_address.strip().lower(),
        sender_name=tenant.name,
        links=links,
        find_name=find_name if brain is not None else None,
        queue_for=queue_for,
    )
    if settings.email_outbound_url is None:
        log.warning(
            "e-mail: no SAMEN_EMAIL_OUTBOUND_URL; answers are stored and marked undelivered"
        )
    container.channels.register(outbound)
    inbound = EmailInbound(
        container.conversations,
        mail_log,
        container.clock,
        own_addresses=[settings.email_address],
        default_queue=str(default_queue),
        links=links,
    )
    channel = EmailChannel(inbound, outbound, mail_log)
    if settings.email_inbound_port:
        domain = settings.email_address.rpartition("@")[2].strip().lower()
        channel.receiver = SmtpReceiver(
            inbound,
            settings.email_inbound_port,
            host=settings.host,
            domains={domain},
            shared=settings.shared_ports,
        )
    if settings.email_imap_url:
        channel.poller = MailboxPoller(ImapMailbox(settings.email_imap_url), inbound)
    container.extras["email"] = channel
    container.extras.setdefault("startups", []).append(channel.start)
    container.extras.setdefault("shutdowns", []).append(channel.stop)
    return channel
