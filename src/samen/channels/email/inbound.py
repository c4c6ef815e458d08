"""``EmailInbound``: one received e-mail onto the message road, and nothing ever lost.

    raw mail → stored as received → parsed → loop checks → thread → ConversationService.receive
             → triage written to the message, the conversation and the hand-over packet

The raw original is committed before anything else happens to it. Mail that cannot be parsed,
or that breaks something further on, is still put in a conversation and queued for a person;
mail that must not get an automatic answer (auto-replies, bounces, lists, a sender writing too
often) goes the normal road with a flag that silences the bot.

A process holds a mail while it handles it: from the moment it stores it, or from when it
claims one a stopped process left ``received`` (``recover``, at start), with one conditional
update on its row, so that of several processes starting on one database one handles each. A
hold older than ``HOLD`` is that of a process that stopped: handling a mail takes well under a
second, and five minutes leave room for a slow database. Should a slow process still be at it,
the second handling finds the first's conversation by the mail's Message-ID and its message by
its client_id (``duplicate``), and what became of a mail is written once. A mail that several
processes read from one mailbox is stored by one of them (``accept_once``).
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from samen.channels.email.links import ResumeLinks
from samen.channels.email.loops import automatic_reasons
from samen.channels.email.parsing import ParsedEmail, parse_email
from samen.channels.email.plaintext import (
    MAX_TEXT,
    clean_subject,
    message_text,
    person_name,
    understood_text,
)
from samen.channels.email.ports import InboxEntry, MailLog
from samen.channels.email.threads import (
    MESSAGE_ID_REF,
    TOKEN_REF,
    find_thread,
    unused_token,
)
from samen.channels.email.triage import Triage, triage
from samen.channels.identity import normalise_email
from samen.channels.leftovers import HOLD, LOOK_AGAIN_SECONDS, finish_left
from samen.clock import Clock
from samen.conversations.handler import NO_AUTOMATIC_ANSWER
from samen.conversations.models import (
    Conversation,
    Identity,
    Priority,
    Sender,
    State,
)
from samen.conversations.ports import Transaction
from samen.conversations.service import ConversationService, TurnResult

log = logging.getLogger(__name__)

_NO_TOPIC = {"greeting", "goodbye", "bot_identity", "human_handoff", "out_of_scope"}


@dataclass(frozen=True, slots=True)
class Received:
    """What became of one e-mail: ``answered``, ``queued``, ``stored``, ``duplicate``,
    ``unreadable`` or ``failed`` (the last two are queued for a person too)."""

    inbox_id: str
    status: str
    conversation_id: str | None = None
    message_id: str | None = None
    automatic: list[str] = field(default_factory=list)
    triage: Triage | None = None


class EmailInbound:
    def __init__(
        self,
        service: ConversationService,
        mail_log: MailLog,
        clock: Clock,
        *,
        own_addresses: Sequence[str],
        default_queue: str,
        links: ResumeLinks | None = None,
        per_sender_per_hour: int = 10,
        hold: timedelta = HOLD,
        look_again: float = LOOK_AGAIN_SECONDS,
    ) -> None:
        self.service = service
        self.mail_log = mail_log
        self.clock = clock
        self.own_addresses = {a.lower() for a in own_addresses}
        self.default_queue = default_queue
        self.links = links
        self.per_sender_per_hour = per_sender_per_hour
        self.hold, self.look_again = hold, look_again

    async def accept(
        self,
        raw: bytes,
        *,
        source: str = "smtp",
        envelope_from: str | None = None,
        recipients: Sequence[str] = (),
    ) -> Received:
        """Store the mail as received (errors here reach the sender, who will try again),
        then handle it; from here on a failure ends with a person, never with a lost mail."""
        entry = InboxEntry.received(
            raw, source, self.clock.now(), envelope_from=envelope_from, recipients=list(recipients)
        )
        await self.mail_log.add_inbound(entry)
        return await self._handle_stored(entry)

    async def accept_once(self, raw: bytes, key: str, *, source: str = "imap") -> Received | None:
        """``accept`` a mail that other processes may be reading too (a mailbox they all poll):
        ``key`` names it at its source, and of the processes accepting it one stores and
        handles it; the others get ``None``."""
        entry = InboxEntry.received(raw, source, self.clock.now(), source_key=key)
        if not await self.mail_log.add_inbound(entry):
            return None
        return await self._handle_stored(entry)

    async def _handle_stored(self, entry: InboxEntry) -> Received:
        try:
            return await self.handle(entry)
        except Exception:  # even the way to a person failed (database gone): ``recover`` retries
            log.exception(
                "e-mail %s is stored but not handled; it is retried at the next start", entry.id
            )
            return Received(entry.id, "received")

    async def recover(self, started: datetime) -> Counter[str]:
        """Handle the mail stored before ``started`` and never handled (a server stopped
        half-way), each once among the processes doing so: claimed first, and one held by
        another process looked at again when its hold runs out (handled by then, it is left
        alone). Each is tried once; what became of them, by status (``failed``: still
        ``received``, for the next start)."""
        return await finish_left(
            lambda: self.mail_log.unfinished_inbound(received_before=started),
            self._recover_one,
            self.clock,
            hold=self.hold,
            look_again=self.look_again,
        )

    async def _recover_one(self, entry_id: str) -> str | None:
        now = self.clock.now()
        entry = await self.mail_log.claim_inbound(entry_id, now - self.hold, now)
        if entry is None:  # another process was quicker
            return None
        try:
            return (await self.handle(entry)).status
        except Exception:  # even the way to a person failed: it stays for the next start
            log.exception("e-mail %s left by the last stop could not be handled", entry_id)
            return "failed"

    async def handle(self, entry: InboxEntry) -> Received:
        try:
            return await self._handle(entry)
        except Exception as exc:  # the mail is stored; whatever broke, a person must see it
            log.exception("e-mail %s could not be handled automatically", entry.id)
            entry.error = f"{type(exc).__name__}: {exc}"
            return await self._to_people(
                entry, parse_email(entry.raw), "Samen could not handle it automatically.", "failed"
            )

    async def _handle(self, entry: InboxEntry) -> Received:
        email = parse_email(entry.raw)
        entry.sender = email.sender or _address(entry.envelope_from)
        entry.message_id = email.message_id
        if email.unreadable:
            return await self._to_people(entry, email, email.unreadable, "unreadable")
        reasons = automatic_reasons(email, self.own_addresses, entry.envelope_from)
        text = message_text(email, new=True)
        if email.incomplete:
            reasons.append("parts of it could not be read; a person should read the original")
        if not reasons and not understood_text(email.body).strip() and email.attachments:
            reasons.append("only attachments, no text to answer")
        if not reasons and entry.sender:
            since = self.clock.now() - timedelta(hours=1)
            if (
                await self.mail_log.count_inbound_from(entry.sender, since)
                >= self.per_sender_per_hour
            ):
                reasons.append(
                    f"more than {self.per_sender_per_hour} e-mails from this sender in an hour"
                )
        conversation = await find_thread(self.service.store, email)
        metadata: dict[str, Any] = {"email": {**email.summary(), "inbox_id": entry.id}}
        if reasons:
            metadata[NO_AUTOMATIC_ANSWER] = reasons
        if conversation is None:
            conversation = await self._start(entry, email, metadata)
        else:
            text = message_text(email, new=False)
            if email.message_id:
                async with self.service.store.transaction() as tx:
                    await tx.add_reference(conversation.id, MESSAGE_ID_REF, email.message_id)
        result = await self.service.receive(
            conversation.id,
            text,
            client_id=_client_id(email, entry),
            channel_message_id=(email.message_id or "")[:500] or None,
            metadata=metadata,
        )
        if result.duplicate:
            return await self._done(
                entry, "duplicate", result.conversation, result.message.id, reasons
            )
        verdict = await self._triage(result, email, reasons)
        waiting = result.conversation.state in (State.QUEUED, State.ASSIGNED)
        status = "queued" if waiting else "answered" if result.replies else "stored"
        return await self._done(
            entry, status, result.conversation, result.message.id, reasons, verdict
        )

    async def _start(
        self, entry: InboxEntry, email: ParsedEmail, metadata: dict[str, Any]
    ) -> Conversation:
        token = await unused_token(self.service.store)
        metadata["email"]["token"] = token
        references = [(TOKEN_REF, token)]
        if email.message_id:
            references.append((MESSAGE_ID_REF, email.message_id))
        name = person_name(email.sender_name)
        conversation, _, _ = await self.service.start(
            "email",
            [Identity("email", entry.sender)] if entry.sender else [],
            name=name,
            subject=clean_subject(email.subject)[:300] or None,
            references=references,
            greet=False,
            token=self.links.token(token) if self.links else None,
        )
        return conversation

    async def _triage(self, result: TurnResult, email: ParsedEmail, reasons: list[str]) -> Triage:
        message, conversation = result.message, result.conversation
        understanding = message.metadata.get("understanding") or {}
        intent = understanding.get("intent") or {}
        confident = (
            intent.get("name") not in _NO_TOPIC and float(intent.get("confidence", 0)) >= 0.5
        )
        verdict = triage(
            understanding,
            conversation.route,
            subject=email.subject,
            automatic=reasons,
            headers=email.headers,
            topic=intent.get("name") if confident else conversation.topic,
        )

        async def mutate(tx: Transaction, conv: Conversation) -> list[tuple[str, dict[str, Any]]]:
            message.metadata["triage"] = verdict.as_dict()
            await tx.update_message_metadata(message)
            conv.context["triage"] = verdict.as_dict()
            if isinstance(conv.context.get("handover"), dict):
                conv.context["handover"]["urgency"] = {
                    "level": verdict.urgency,
                    "reasons": verdict.reasons,
                }
            events: list[tuple[str, dict[str, Any]]] = [("email_triaged", verdict.as_dict())]
            waiting = conv.state in (State.QUEUED, State.ASSIGNED)
            if verdict.urgency == "high" and waiting and conv.priority is Priority.NORMAL:
                conv.priority = Priority.HIGH
                events.append(
                    ("priority_raised", {"reason": "urgent e-mail", "reasons": verdict.reasons})
                )
            return events

        await self.service.change(conversation.id, mutate, actor="email")
        return verdict

    async def _to_people(
        self, entry: InboxEntry, email: ParsedEmail, reason: str, status: str
    ) -> Received:
        """Keep what could be read in a conversation and queue it; the original stays stored."""
        conversation = None if email.unreadable else await find_thread(self.service.store, email)
        metadata: dict[str, Any] = {
            "email": {**email.summary(), "inbox_id": entry.id, "unreadable": reason},
            NO_AUTOMATIC_ANSWER: [reason],
        }
        if conversation is None:
            entry.sender = entry.sender or _address(entry.envelope_from)
            conversation = await self._start(entry, email, metadata)
        note = (
            f"[An e-mail that could not be handled automatically: {reason} "
            f"The original is kept (inbox {entry.id}).]"
        )
        readable = understood_text(email.body) or email.body
        text = f"{note}\n\n{readable}"[:MAX_TEXT] if readable.strip() else note
        message = await self.service.post(
            conversation.id, text, sender=Sender.CUSTOMER, metadata=metadata, deliver=False
        )
        queue = self.default_queue
        route = {
            "handler": "human",
            "queue": queue,
            "priority": "normal",
            "rules": [],
            "reason": f"An e-mail Samen could not handle automatically ({reason}); a person reads it.",
        }

        async def mutate(tx: Transaction, conv: Conversation) -> list[tuple[str, dict[str, Any]]]:
            if conv.state not in (State.BOT, State.CLOSED):
                return [("email_unreadable", {"inbox_id": entry.id, "reason": reason})]
            conv.transition(State.QUEUED, conv.queue or queue, self.clock.now())
            conv.route = route
            return [
                ("email_unreadable", {"inbox_id": entry.id, "reason": reason}),
                ("routed", route),
                ("state_changed", {"state": "queued", "queue": conv.queue}),
            ]

        conversation = await self.service.change(conversation.id, mutate, actor="email")
        return await self._done(entry, status, conversation, message.id, [reason])

    async def _done(
        self,
        entry: InboxEntry,
        status: str,
        conversation: Conversation,
        message_id: str,
        reasons: list[str],
        verdict: Triage | None = None,
    ) -> Received:
        entry.status, entry.conversation_id, entry.samen_message_id = (
            status,
            conversation.id,
            message_id,
        )
        await self.mail_log.update_inbound(entry)
        return Received(entry.id, status, conversation.id, message_id, reasons, verdict)


def _client_id(email: ParsedEmail, entry: InboxEntry) -> str:
    basis = email.message_id or entry.id
    return "email:" + hashlib.sha256(basis.encode("utf-8", "replace")).hexdigest()[:40]


def _address(raw: str | None) -> str | None:
    value = (raw or "").strip().strip("<>")
    return normalise_email(value) if "@" in value else None
