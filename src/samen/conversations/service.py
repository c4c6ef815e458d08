"""``ConversationService``: the one writer of conversation state.

Every inbound message is committed before anything else happens to it; then the handler
(understanding + routing + bot) decides; then its replies and state changes are committed
together; only then are realtime events published and replies delivered on the channel.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import logging
import secrets
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from samen.clock import Clock
from samen.conversations.handler import ConversationHandler, Outcome, Turn
from samen.conversations.limits import MemoryTally, RateLimit, Tally
from samen.conversations.models import (
    Conversation,
    ConversationId,
    Customer,
    CustomerId,
    Event,
    EventId,
    Identity,
    Message,
    MessageId,
    Reply,
    Sender,
    State,
    new_id,
)
from samen.conversations.ports import Outbox, Store, Transaction
from samen.conversations.views import conversation_view, message_view
from samen.errors import BadRequest, Conflict, IllegalTransition, NotFound, RateLimited
from samen.realtime.ports import CONSOLE_CHANNEL, Broker, conversation_channel
from samen.tenant import language_of

log = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 4000


@dataclass(slots=True)
class TurnResult:
    message: Message
    replies: list[Message]
    conversation: Conversation
    duplicate: bool = False


@dataclass(slots=True)
class _Changes:
    """What one transaction wrote, so it can be announced after the commit."""

    messages: list[Message] = field(default_factory=list)
    conversation: Conversation | None = None
    state_changed: bool = False


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ConversationService:
    def __init__(
        self,
        store: Store,
        handler: ConversationHandler,
        broker: Broker,
        outbox: Outbox,
        clock: Clock,
        *,
        message_rate: tuple[int, float] = (20, 10.0),
        tally: Tally | None = None,
    ) -> None:
        self.store = store
        self.handler = handler
        self.broker = broker
        self.outbox = outbox
        self.clock = clock
        self._limit = RateLimit(
            tally or MemoryTally(), *message_rate, "rate_limited", "Too many messages"
        )

    # customers ------------------------------------------------------------------------------
    async def resolve_customer(
        self, tx: Transaction, identities: Sequence[Identity], name: str | None = None
    ) -> Customer:
        """The one customer behind these identities, created if we have never met them."""
        customer = None
        for identity in identities:
            customer = await tx.find_customer(identity)
            if customer:
                break
        if customer is None:
            customer = Customer(
                id=CustomerId(new_id()), name=name, identities=[], created_at=self.clock.now()
            )
            await tx.add_customer(customer)
        elif name and not customer.name:
            customer.name = name
            await tx.save_customer(customer)
        for identity in identities:
            if identity not in customer.identities and not await tx.find_customer(identity):
                await tx.add_identity(customer.id, identity)
                customer.identities.append(identity)
        return customer

    # conversations --------------------------------------------------------------------------
    async def start(
        self,
        channel: str,
        identities: Sequence[Identity],
        *,
        name: str | None = None,
        locale: str | None = None,
        subject: str | None = None,
        references: Sequence[tuple[str, str]] = (),
        greet: bool = True,
        token: str | None = None,
        context: dict[str, Any] | None = None,
    ) -> tuple[Conversation, str, list[Message]]:
        """Open a conversation; returns it, the customer's secret token and the opening messages.

        A channel may bring its own ``token`` (e-mail derives one it can put in a link later),
        and a starting ``context`` (a signed identity: ``{"identity": {...}}``).
        """
        token = token or secrets.token_urlsafe(24)
        now = self.clock.now()
        async with self.store.transaction() as tx:
            customer = await self.resolve_customer(tx, identities, name)
            conversation = Conversation(
                id=ConversationId(new_id()),
                customer_id=customer.id,
                channel=channel,
                state=State.BOT,
                created_at=now,
                updated_at=now,
                token_hash=hash_token(token),
                locale=locale,
                language=language_of(locale) if locale else None,
                subject=subject,
                context=dict(context or {}),
            )
            await tx.add_conversation(conversation)
            for kind, value in references:
                await tx.add_reference(conversation.id, kind, value)
            await self._log(tx, conversation, "conversation_started", {"channel": channel})
            opening: list[Message] = []
            if greet:
                for reply in await self.handler.opening(conversation, customer):
                    opening.append(await self._add_reply(tx, conversation, reply))
        await self._announce(_Changes(opening, conversation, state_changed=True))
        return conversation, token, opening

    async def authorise(self, conversation_id: str, token: str) -> Conversation:
        """The conversation this token opens; the same error whether it is absent or the token wrong."""
        async with self.store.reading() as tx:
            conversation = await tx.get_conversation(ConversationId(conversation_id))
        return _opened_by(conversation, token)

    async def get(self, conversation_id: str) -> Conversation:
        async with self.store.reading() as tx:
            conversation = await tx.get_conversation(ConversationId(conversation_id))
        if conversation is None:
            raise NotFound("conversation_not_found", "No such conversation.")
        return conversation

    async def messages(self, conversation_id: str, limit: int = 500) -> list[Message]:
        async with self.store.reading() as tx:
            return await tx.list_messages(ConversationId(conversation_id), limit=limit)

    # the message road -----------------------------------------------------------------------
    async def receive(
        self,
        conversation_id: str,
        text: str,
        *,
        token: str | None = None,
        client_id: str | None = None,
        channel_message_id: str | None = None,
        metadata: dict[str, Any] | None = None,
        same_text_per_client_id: bool = False,
    ) -> TurnResult:
        """A customer's message: store it, let the handler decide, store and send the answer.

        With ``token`` (the web chat) the customer's token is checked in the same transaction.
        A ``client_id`` seen before answers with that earlier message (a resend); with
        ``same_text_per_client_id`` a different text under it is refused rather than dropped.
        """
        text = _clean(text)
        async with self.store.transaction() as tx:
            found = await tx.get_conversation_and_customer(
                ConversationId(conversation_id), for_update=True
            )
            conversation, customer = found if found is not None else (None, None)
            if token is not None:
                conversation = _opened_by(conversation, token)
            elif conversation is None:
                raise NotFound("conversation_not_found", "No such conversation.")
            assert customer is not None
            await self._limit.hit(conversation_id)
            message = Message(
                id=MessageId(new_id()),
                conversation_id=conversation.id,
                sender=Sender.CUSTOMER,
                text=text,
                created_at=self.clock.now(),
                client_id=client_id,
                channel_message_id=channel_message_id,
                metadata=dict(metadata or {}),
            )
            if not await tx.add_message_once(message):
                assert client_id is not None  # only a client_id makes a message a resend
                return await self._resent(
                    tx, conversation, client_id, text, same_text_per_client_id
                )
            reopened = conversation.state is State.CLOSED
            if reopened:
                conversation.move_to(State.BOT)
                conversation.agent_id = None
                conversation.queue = None
                await self._log(tx, conversation, "reopened", {})
                conversation.updated_at = message.created_at
                await tx.save_conversation(conversation)
            # What the handler needs to know, read in this transaction (the new message among
            # it): a read of its own after the commit would cost a connection of its own.
            history, others = await tx.history_and_contacts(
                conversation.id, conversation.customer_id, limit=50
            )
        await self._announce(_Changes([message], conversation, state_changed=reopened))
        turn = Turn(
            conversation,
            customer,
            message,
            history,
            earlier=[c for c in others if c.id != conversation.id],
        )

        try:
            outcome = await self.handler.handle(turn)
        except Exception:
            # The message is safe in the database; a person must see it even if the bot broke.
            log.exception("handler failed on message %s", message.id)
            outcome = Outcome(events=[("handler_failed", {"message_id": message.id})])

        changes = await self._apply(conversation, message, outcome)
        return TurnResult(message, changes.messages, changes.conversation or conversation)

    async def _apply(
        self, conversation: Conversation, message: Message, outcome: Outcome
    ) -> _Changes:
        """Store what the handler decided about ``message``.

        ``conversation`` is the one the turn was decided on. If nobody saved it since, the
        outcome is written onto it without reading it again; if someone did (an agent claimed
        it, another message's turn finished first), it is read again, locked, and the outcome
        applied to what is there now, as every other change does.
        """
        async with self.store.transaction() as tx:
            try:
                decided_on = dataclasses.replace(conversation)
                changes, events = self._decided(decided_on, message, outcome)
                saved = await tx.save_conversation_if_unchanged(decided_on)
            except IllegalTransition:
                saved = False  # refused on what may be an old copy: the current one decides
            if not saved:
                current = await self._locked(tx, conversation.id)
                changes, events = self._decided(current, message, outcome)
                await tx.save_conversation(current)
            if outcome.understanding is not None or outcome.language:
                message.metadata["understanding"] = outcome.understanding
                message.language = outcome.language or message.language
                await tx.update_message_metadata(message)
            await tx.add_events(events)
            await tx.add_messages(changes.messages)
        await self._announce(changes)
        await self._deliver(changes.conversation or conversation, changes.messages)
        return changes

    def _decided(
        self, conversation: Conversation, message: Message, outcome: Outcome
    ) -> tuple[_Changes, list[Event]]:
        """The outcome applied to ``conversation`` (changed in place): the replies to store and
        the events to log. Refuses an illegal state change (``IllegalTransition``)."""
        changes = _Changes(conversation=conversation)
        events = [self._event(conversation, kind, data) for kind, data in outcome.events]
        if outcome.route is not None:
            conversation.route = outcome.route
            events.append(self._event(conversation, "routed", outcome.route))
        if outcome.language:
            conversation.language = outcome.language
        if outcome.topic:
            conversation.topic = outcome.topic
        if outcome.priority is not None:
            conversation.priority = outcome.priority
        if outcome.context is not None:
            conversation.context = outcome.context
        if outcome.state is not None and outcome.state is not conversation.state:
            conversation.transition(outcome.state, outcome.queue, self.clock.now())
            events.append(
                self._event(
                    conversation,
                    "state_changed",
                    {"state": str(conversation.state), "queue": conversation.queue},
                )
            )
            changes.state_changed = True
        elif outcome.queue and outcome.queue != conversation.queue:
            conversation.queue = outcome.queue
            changes.state_changed = True
        changes.messages = [
            self._reply_message(conversation, reply, message) for reply in outcome.replies
        ]
        conversation.updated_at = self.clock.now()
        return changes, events

    # what people do -------------------------------------------------------------------------
    async def post(
        self,
        conversation_id: str,
        text: str,
        *,
        sender: Sender,
        author_id: str | None = None,
        author_name: str | None = None,
        metadata: dict[str, Any] | None = None,
        deliver: bool = True,
    ) -> Message:
        """A message from an agent or the system (a bot reply goes through ``receive``)."""
        text = _clean(text)
        async with self.store.transaction() as tx:
            conversation = await self._locked(tx, conversation_id)
            message = Message(
                id=MessageId(new_id()),
                conversation_id=conversation.id,
                sender=sender,
                text=text,
                created_at=self.clock.now(),
                language=conversation.language,
                author_id=author_id,
                author_name=author_name,
                metadata=dict(metadata or {}),
            )
            await tx.add_message(message)
            conversation.updated_at = message.created_at
            await tx.save_conversation(conversation)
        await self._announce(_Changes([message], conversation))
        if deliver:
            await self._deliver(conversation, [message])
        return message

    async def change(
        self,
        conversation_id: str,
        mutate: Callable[[Transaction, Conversation], Awaitable[list[tuple[str, dict[str, Any]]]]],
        *,
        actor: str | None = None,
        notice: Reply | None = None,
    ) -> Conversation:
        """Apply a person's change (claim, transfer, close, return to bot) in one transaction.

        ``mutate`` changes the conversation and returns the events to log; ``notice`` is an
        optional system message to the customer about it.
        """
        async with self.store.transaction() as tx:
            conversation = await self._locked(tx, conversation_id)
            before = conversation.state, conversation.queue, conversation.agent_id
            events = await mutate(tx, conversation)
            for kind, data in events:
                await self._log(tx, conversation, kind, data, actor=actor)
            changes = _Changes(conversation=conversation)
            if notice is not None:
                changes.messages.append(await self._add_reply(tx, conversation, notice))
            conversation.updated_at = self.clock.now()
            await tx.save_conversation(conversation)
            changes.state_changed = before != (
                conversation.state,
                conversation.queue,
                conversation.agent_id,
            )
        await self._announce(changes)
        await self._deliver(conversation, changes.messages)
        return conversation

    async def typing(
        self, conversation_id: str, sender: Sender, typing: bool, name: str = ""
    ) -> None:
        await self.broker.publish(
            conversation_channel(conversation_id),
            {"type": "typing", "sender": str(sender), "typing": typing, "name": name or None},
        )

    # internals ------------------------------------------------------------------------------
    async def _locked(self, tx: Transaction, conversation_id: str) -> Conversation:
        conversation = await tx.get_conversation(ConversationId(conversation_id), for_update=True)
        if conversation is None:
            raise NotFound("conversation_not_found", "No such conversation.")
        return conversation

    async def _add_reply(
        self,
        tx: Transaction,
        conversation: Conversation,
        reply: Reply,
        in_reply_to: Message | None = None,
    ) -> Message:
        message = self._reply_message(conversation, reply, in_reply_to)
        await tx.add_message(message)
        return message

    def _reply_message(
        self, conversation: Conversation, reply: Reply, in_reply_to: Message | None = None
    ) -> Message:
        metadata = dict(reply.metadata)
        if reply.buttons:
            metadata["buttons"] = list(reply.buttons)
        if in_reply_to is not None:
            metadata["in_reply_to"] = in_reply_to.id
        return Message(
            id=MessageId(new_id()),
            conversation_id=conversation.id,
            sender=reply.sender,
            text=reply.text,
            created_at=self.clock.now(),
            language=conversation.language,
            author_name=metadata.pop("author_name", None),
            metadata=metadata,
        )

    async def _resent(
        self,
        tx: Transaction,
        conversation: Conversation,
        client_id: str,
        text: str,
        same_text_per_client_id: bool,
    ) -> TurnResult:
        """The answer to a resend: the message stored the first time, with its replies."""
        earlier = await tx.find_message_by_client_id(conversation.id, client_id)
        assert earlier is not None, "the insert found it a moment ago"
        if same_text_per_client_id and earlier.text != text:
            raise Conflict(
                "client_id_reused",
                "This client_id was already used for a message with another text.",
                client_id=client_id,
            )
        replies = await self._replies_to(tx, earlier)
        return TurnResult(earlier, replies, conversation, duplicate=True)

    async def _replies_to(self, tx: Transaction, message: Message) -> list[Message]:
        later = await tx.list_messages(message.conversation_id)
        return [m for m in later if m.metadata.get("in_reply_to") == message.id]

    async def _log(
        self,
        tx: Transaction,
        conversation: Conversation,
        kind: str,
        data: dict[str, Any],
        actor: str | None = None,
    ) -> None:
        await tx.add_event(self._event(conversation, kind, data, actor))

    def _event(
        self, conversation: Conversation, kind: str, data: dict[str, Any], actor: str | None = None
    ) -> Event:
        return Event(
            id=EventId(new_id()),
            conversation_id=conversation.id,
            customer_id=conversation.customer_id,
            kind=kind,
            data=data,
            created_at=self.clock.now(),
            actor=actor,
        )

    async def _announce(self, changes: _Changes) -> None:
        """Publish what a committed transaction wrote. Never before the commit."""
        conversation = changes.conversation
        if conversation is None:
            return
        channel = conversation_channel(conversation.id)
        for message in changes.messages:
            await self.broker.publish(
                channel, {"type": "message", "message": message_view(message)}
            )
        if changes.state_changed:
            await self.broker.publish(
                channel, {"type": "conversation", "conversation": conversation_view(conversation)}
            )
        if changes.state_changed or (changes.messages and conversation.state is not State.BOT):
            await self.broker.publish(
                CONSOLE_CHANNEL,
                {
                    "type": "conversation",
                    "conversation": conversation_view(conversation),
                    "state_changed": changes.state_changed,
                },
            )

    async def _deliver(self, conversation: Conversation, messages: Sequence[Message]) -> None:
        outgoing = [m for m in messages if m.sender is not Sender.CUSTOMER]
        if outgoing:
            await self.outbox.deliver(conversation, outgoing)


def _opened_by(conversation: Conversation | None, token: str) -> Conversation:
    """The conversation if ``token`` is its customer's; one error for absent and wrong alike."""
    if conversation is None or not hmac.compare_digest(
        conversation.token_hash, hash_token(token or "")
    ):
        raise NotFound("conversation_not_found", "No conversation with this id for this token.")
    return conversation


# C0 controls but tab, newline and return; DEL; C1 controls. A terminal escape or a bell in a
# message is nothing a person wrote to be read, and would reach agents' screens and mails.
_CONTROLS = dict.fromkeys([*(c for c in range(0x20) if chr(c) not in "\t\n\r"), *range(0x7F, 0xA0)])


def without_controls(text: str) -> str:
    """``text`` without control characters, keeping tab, newline and carriage return.

    >>> without_controls("hal\\x07lo\\x1b\\tdaar\\r\\n")
    'hallo\\tdaar\\r\\n'
    """
    return text.translate(_CONTROLS)


def _clean(text: str) -> str:
    if not isinstance(text, str):
        raise BadRequest("invalid_message", "A message needs a text.")
    text = without_controls(text).strip()
    if not text:
        raise BadRequest("empty_message", "A message cannot be empty.")
    if len(text) > MAX_MESSAGE_CHARS:
        raise BadRequest(
            "message_too_long",
            f"A message can be at most {MAX_MESSAGE_CHARS} characters.",
            limit=MAX_MESSAGE_CHARS,
        )
    return text


__all__ = [
    "ConversationService",
    "RateLimited",
    "TurnResult",
    "hash_token",
    "without_controls",
]
