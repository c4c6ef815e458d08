"""``SmtpOutbound``: the e-mail channel's outbound half, registered as ``email``.

Bot answers and agents' replies leave as one e-mail per turn, threaded under the customer's
mail (``In-Reply-To``/``References``, the subject with the conversation token). Every send is
recorded first and kept whole; a temporary failure is retried with growing pauses, and every
attempt, recovery and final failure is written to the conversation's timeline. When an answer
of the bot cannot be delivered at all, the conversation is queued so a person follows it up.

Every server process retries (``samen serve --workers N``): of those finding a delivery due, one
claims it (one conditional update) and tries it, so an answer is not sent twice. The claim holds
for ``HOLD``: a delivery whose process stopped during its try is due again after that.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, formataddr
from typing import Any

from samen.channels.base import Capabilities, ChannelError
from samen.channels.email.compose import Composer, Letter, Quote
from samen.channels.email.links import ResumeLinks
from samen.channels.email.loops import answerable_address
from samen.channels.email.plaintext import split_reply
from samen.channels.email.ports import Delivery, MailLog
from samen.channels.email.threads import MESSAGE_ID_REF, reply_subject
from samen.channels.email.transport import SmtpTransport
from samen.channels.leftovers import HOLD
from samen.clock import Clock
from samen.conversations.models import Conversation, Message, Sender, State, new_id
from samen.conversations.ports import Transaction
from samen.conversations.service import ConversationService

log = logging.getLogger(__name__)

RETRY_DELAYS = (60.0, 300.0, 900.0, 3600.0, 4 * 3600.0)  # then it has failed for good
NameLookup = Callable[[str], Awaitable[str | None]]


class SmtpOutbound:
    name = "email"
    capabilities = Capabilities(buttons=False, attachments=False, markdown=False)

    def __init__(
        self,
        service: ConversationService,
        mail_log: MailLog,
        composer: Composer,
        transport: SmtpTransport | None,
        clock: Clock,
        *,
        address: str,
        sender_name: str,
        links: ResumeLinks | None = None,
        find_name: NameLookup | None = None,
        queue_for: Callable[[str | None], str] = lambda topic: "care",
        retry_delays: Sequence[float] = RETRY_DELAYS,
        retry_interval: float = 15.0,
    ) -> None:
        self.service = service
        self.mail_log = mail_log
        self.composer = composer
        self.transport = transport
        self.clock = clock
        self.address = address
        self.sender_name = sender_name
        self.links = links
        self.find_name = find_name
        self.queue_for = queue_for
        self.retry_delays = tuple(retry_delays)
        self.retry_interval = retry_interval
        self._task: asyncio.Task[None] | None = None

    # the OutboundChannel port ---------------------------------------------------------------
    async def send(self, conversation: Conversation, messages: Sequence[Message]) -> None:
        try:
            await self._send(conversation, messages)
        except ChannelError:
            raise
        except Exception as exc:  # the registry expects one error type from a channel
            raise ChannelError(
                "email_send_failed", f"Could not prepare or record the e-mail: {exc}"
            ) from exc

    async def _send(self, conversation: Conversation, messages: Sequence[Message]) -> None:
        async with self.service.store.transaction() as tx:
            history = await tx.list_messages(conversation.id, limit=200)
            customer = await tx.get_customer(conversation.customer_id)
        outgoing = _by_email(messages, history)
        if not outgoing:
            return
        mails = [m for m in history if m.sender is Sender.CUSTOMER and "email" in m.metadata]
        parent: dict[str, Any] = mails[-1].metadata["email"] if mails else {}
        token = next((t for m in reversed(mails) if (t := m.metadata["email"].get("token"))), None)
        recipient = parent.get("from") or (customer.identity("email") if customer else None)
        language = self.composer.texts.language(conversation.language)
        name = customer.name if customer else None
        if name is None and recipient and self.find_name is not None:
            name = await self.find_name(recipient)
        letter = self.composer.letter(
            outgoing,
            language=language,
            customer_name=name,
            resume_link=self._resume_link(conversation, token, outgoing, language),
            quote=Quote(split_reply(parent.get("body") or "")[0], mails[-1].created_at)
            if mails
            else None,
        )
        subject = reply_subject(
            conversation.subject or parent.get("subject"),
            token,
            fallback=self.composer.say("email_no_subject", language),
        )
        message_id = f"<{new_id()}@{self.address.rpartition('@')[2] or 'samen.local'}>"
        delivery = Delivery(
            id=new_id(),
            conversation_id=conversation.id,
            message_ids=[m.id for m in outgoing],
            message_id=message_id,
            recipient=recipient or "",
            subject=subject[:300],
            raw=self._mime(letter, recipient or "", subject, message_id, parent),
            created_at=self.clock.now(),
        )
        await self.mail_log.add_delivery(delivery)
        async with self.service.store.transaction() as tx:
            await tx.add_reference(conversation.id, MESSAGE_ID_REF, message_id)
        if not answerable_address(recipient, {self.address}):
            await self._fail(delivery, f"No address to answer: '{recipient or ''}'.")
            return
        await self.attempt(delivery)

    # delivering -----------------------------------------------------------------------------
    async def attempt(self, delivery: Delivery) -> bool:
        """One try; afterwards the delivery is sent, waiting for its next try, or failed."""
        delivery.attempts += 1
        try:
            if self.transport is None:
                raise ChannelError(
                    "email_not_configured",
                    "No outbound mail server is set (SAMEN_EMAIL_OUTBOUND_URL).",
                    temporary=False,
                )
            await self.transport.transmit(self.address, [delivery.recipient], delivery.raw)
        except ChannelError as exc:
            delivery.last_error = exc.message
            if exc.fields.get("temporary", True) and delivery.attempts <= len(self.retry_delays):
                pause = self.retry_delays[delivery.attempts - 1]
                delivery.status = "retrying"
                delivery.next_attempt_at = self.clock.now() + timedelta(seconds=pause)
                await self.mail_log.update_delivery(delivery)
                await self._note(
                    delivery, "email_retrying", next_attempt_at=delivery.next_attempt_at.isoformat()
                )
                log.warning(
                    "e-mail %s to %s failed (%s); retry in %ss",
                    delivery.message_id,
                    delivery.recipient,
                    exc.message,
                    pause,
                )
            else:
                await self._fail(delivery, exc.message)
            return False
        delivery.status = "sent"
        delivery.sent_at = self.clock.now()
        delivery.next_attempt_at = None
        await self.mail_log.update_delivery(delivery)
        await self._note(delivery, "email_sent")
        return True

    async def retry_due(self) -> int:
        """Try every delivery whose pause is over and no other process took first; how many
        this process tried. The background loop calls this."""
        now = self.clock.now()
        tried = 0
        for delivery in await self.mail_log.due_deliveries(now):
            if await self.mail_log.claim_delivery(delivery.id, now, until=now + HOLD):
                await self.attempt(delivery)
                tried += 1
        return tried

    async def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._retry_loop(), name="samen-email-retries")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _retry_loop(self) -> None:
        while True:
            await asyncio.sleep(self.retry_interval)
            try:
                await self.retry_due()
            except Exception:  # keep retrying later; a database hiccup must not end the loop
                log.exception("retrying e-mail deliveries failed")

    # what people see ------------------------------------------------------------------------
    async def _fail(self, delivery: Delivery, error: str) -> None:
        delivery.status = "failed"
        delivery.last_error = error
        delivery.next_attempt_at = None
        await self.mail_log.update_delivery(delivery)
        log.error(
            "e-mail %s to %s failed for good: %s", delivery.message_id, delivery.recipient, error
        )
        await self._note(delivery, "email_failed", follow_up=True)

    async def _note(
        self, delivery: Delivery, kind: str, follow_up: bool = False, **extra: Any
    ) -> None:
        data = {
            "delivery_id": delivery.id,
            "message_id": delivery.message_id,
            "recipient": delivery.recipient,
            "attempts": delivery.attempts,
            "error": delivery.last_error,
            "messages": delivery.message_ids,
            **extra,
        }

        async def mutate(
            tx: Transaction, conversation: Conversation
        ) -> list[tuple[str, dict[str, Any]]]:
            events: list[tuple[str, dict[str, Any]]] = [(kind, data)]
            if follow_up and conversation.state is State.BOT:
                # The customer never got the bot's answer: a person must follow it up.
                queue = self.queue_for(conversation.topic)
                conversation.transition(State.QUEUED, queue, self.clock.now())
                events.append(
                    (
                        "state_changed",
                        {
                            "state": "queued",
                            "queue": queue,
                            "reason": "The e-mail answer could not be delivered.",
                        },
                    )
                )
            return events

        await self.service.change(delivery.conversation_id, mutate, actor="email")

    # building the mail ----------------------------------------------------------------------
    def _resume_link(
        self, conversation: Conversation, token: str | None, outgoing: list[Message], language: str
    ) -> str | None:
        """When the bot still waits for details, offer to finish in the chat instead."""
        if self.links is None or token is None or any(m.sender is Sender.AGENT for m in outgoing):
            return None
        flow = (conversation.context.get("bot") or {}).get("flow") or {}
        if conversation.state is not State.BOT or not flow.get("await"):
            return None
        return self.links.link(conversation.id, token, language)

    def _mime(
        self, letter: Letter, recipient: str, subject: str, message_id: str, parent: dict[str, Any]
    ) -> str:
        mail = EmailMessage(policy=SMTP)
        shown = f"{letter.author} ({self.sender_name})" if letter.author else self.sender_name
        mail["From"] = formataddr((shown, self.address))
        mail["To"] = recipient
        mail["Subject"] = subject
        mail["Date"] = format_datetime(self.clock.now())
        mail["Message-ID"] = message_id
        if parent.get("message_id"):
            mail["In-Reply-To"] = parent["message_id"]
            mail["References"] = " ".join(
                [*parent.get("references", [])[-9:], parent["message_id"]]
            )
        if letter.automatic:
            mail["Auto-Submitted"] = "auto-replied"  # RFC 3834: other robots must not answer
            mail["X-Auto-Response-Suppress"] = "All"  # and Exchange sends no out-of-office back
        mail.set_content(letter.text)
        mail.add_alternative(letter.html, subtype="html")
        return mail.as_string()


def _by_email(messages: Sequence[Message], history: Sequence[Message]) -> list[Message]:
    """What of this turn goes out by e-mail: agents' replies, and the bot's answers to e-mails
    (not its answers in the web chat, nor chat notices such as "you're back with the bot")."""
    by_id = {m.id: m for m in history}
    chosen = []
    for message in messages:
        if message.sender is Sender.AGENT:
            chosen.append(message)
        elif message.sender is Sender.BOT:
            asked = by_id.get(message.metadata.get("in_reply_to", ""))
            if asked is not None and "email" in asked.metadata:
                chosen.append(message)
    return chosen
