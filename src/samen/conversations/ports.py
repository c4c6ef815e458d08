"""The storage port of the conversation domain.

A ``Store`` hands out transactions; everything written inside one ``async with`` block is
committed together or not at all::

    async with store.transaction() as tx:
        conversation = await tx.get_conversation(conversation_id, for_update=True)
        await tx.add_message(message)

``storage.repositories.SqlStore`` implements it on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from samen.conversations.models import (
    Conversation,
    ConversationId,
    Customer,
    CustomerId,
    Event,
    Identity,
    Message,
    State,
)


@dataclass(frozen=True, slots=True)
class QueueStatistics:
    """A queue's load, counted by the database: how many wait, since when, and recent handling
    times as (queued_at, closed_at) pairs."""

    waiting: int = 0
    oldest_queued_at: datetime | None = None
    handled: list[tuple[datetime, datetime]] = field(default_factory=list)


class Transaction(Protocol):
    # customers
    async def get_customer(self, customer_id: CustomerId) -> Customer | None: ...
    async def find_customer(self, identity: Identity) -> Customer | None: ...
    async def add_customer(self, customer: Customer) -> None: ...
    async def add_identity(self, customer_id: CustomerId, identity: Identity) -> None: ...
    async def save_customer(self, customer: Customer) -> None: ...

    # conversations
    async def add_conversation(self, conversation: Conversation) -> None: ...
    async def get_conversation(
        self, conversation_id: ConversationId, *, for_update: bool = False
    ) -> Conversation | None: ...
    async def get_conversation_and_customer(
        self, conversation_id: ConversationId, *, for_update: bool = False
    ) -> tuple[Conversation, Customer] | None:
        """The conversation with its customer, in one read (``for_update`` locks the
        conversation only)."""

    async def save_conversation(self, conversation: Conversation) -> None:
        """Write it back (read it ``for_update`` first) and raise its revision."""

    async def save_conversation_if_unchanged(self, conversation: Conversation) -> bool:
        """Write it back only if nobody saved it since it was read (its revision is the stored
        one), and then hold it as ``for_update`` would; False, nothing written, otherwise::

            if not await tx.save_conversation_if_unchanged(conversation):
                conversation = await tx.get_conversation(conversation.id, for_update=True)
        """

    async def list_conversations(
        self,
        *,
        customer_id: CustomerId | None = None,
        states: Sequence[State] | None = None,
        queues: Sequence[str] | None = None,
        agent_id: str | None = None,
        since: datetime | None = None,
        limit: int = 100,
    ) -> list[Conversation]: ...
    async def earlier_contacts(
        self, customer_id: CustomerId, *, limit: int = 50
    ) -> list[Conversation]:
        """The customer's latest ``limit`` conversations, newest first, as routing sees them:
        without their context (left empty), the largest column and one routing never reads."""

    async def queue_statistics(self, queue: str, closed_since: datetime | None) -> QueueStatistics:
        """With ``closed_since`` None, only what waits: ``handled`` is left empty, unread."""

    async def add_reference(self, conversation_id: ConversationId, kind: str, value: str) -> None:
        """Remember a channel's own handle for a conversation (a Message-ID, a CallSid)."""

    async def find_conversation_by_reference(
        self, kind: str, value: str
    ) -> Conversation | None: ...

    # messages
    async def add_message(self, message: Message) -> None: ...
    async def add_messages(self, messages: Sequence[Message]) -> None:
        """Several messages of one conversation, numbered in the order given."""

    async def add_message_once(self, message: Message) -> bool:
        """Store it unless its conversation already has a message with its ``client_id``
        (a resend); False then, and nothing is written."""

    async def update_message_metadata(self, message: Message) -> None: ...
    async def find_message_by_client_id(
        self, conversation_id: ConversationId, client_id: str
    ) -> Message | None: ...
    async def list_messages(
        self, conversation_id: ConversationId, *, after: datetime | None = None, limit: int = 500
    ) -> list[Message]: ...
    async def history_and_contacts(
        self, conversation_id: ConversationId, customer_id: CustomerId, *, limit: int = 50
    ) -> tuple[list[Message], list[Conversation]]:
        """In one read: the conversation's latest ``limit`` messages, oldest first (as
        ``list_messages``), and its customer's latest ``limit`` conversations, newest first,
        without their context (as ``earlier_contacts``)."""

    # the event log
    async def add_event(self, event: Event) -> None: ...
    async def add_events(self, events: Sequence[Event]) -> None: ...
    async def list_events(
        self,
        *,
        conversation_id: ConversationId | None = None,
        customer_id: CustomerId | None = None,
        kinds: Sequence[str] | None = None,
        since: datetime | None = None,
        limit: int = 500,
    ) -> list[Event]: ...


class Store(Protocol):
    def transaction(self) -> AbstractAsyncContextManager[Transaction]: ...

    def reading(self) -> AbstractAsyncContextManager[Transaction]:
        """A transaction for reads only (writes in it are rolled back); it does not queue
        behind writers where the database would let it read meanwhile."""
        ...


class Outbox(Protocol):
    """Where stored bot and agent messages leave on the conversation's own channel.

    ``channels.registry.ChannelRegistry`` implements it: web chat needs nothing beyond the
    realtime event, e-mail sends a threaded mail, voice speaks on the next webhook.
    """

    async def deliver(self, conversation: Conversation, messages: Sequence[Message]) -> None: ...
