"""The conversation domain in plain dataclasses: no framework, no database."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, NewType

from samen.errors import IllegalTransition

CustomerId = NewType("CustomerId", str)
ConversationId = NewType("ConversationId", str)
MessageId = NewType("MessageId", str)
EventId = NewType("EventId", str)


def new_id() -> str:
    return uuid.uuid4().hex


class State(StrEnum):
    BOT = "bot"
    QUEUED = "queued"
    ASSIGNED = "assigned"
    CLOSED = "closed"


# Which state may follow which. Staying in QUEUED/ASSIGNED is a transfer (another queue or agent).
TRANSITIONS: dict[State, frozenset[State]] = {
    State.BOT: frozenset({State.QUEUED, State.ASSIGNED, State.CLOSED}),
    State.QUEUED: frozenset({State.QUEUED, State.ASSIGNED, State.BOT, State.CLOSED}),
    State.ASSIGNED: frozenset({State.ASSIGNED, State.QUEUED, State.BOT, State.CLOSED}),
    State.CLOSED: frozenset({State.BOT, State.QUEUED}),
}


class Sender(StrEnum):
    CUSTOMER = "customer"
    BOT = "bot"
    AGENT = "agent"
    SYSTEM = "system"


class Priority(StrEnum):
    NORMAL = "normal"
    HIGH = "high"


@dataclass(frozen=True, slots=True)
class Identity:
    """One way we know a customer: ``email``, ``phone`` (E.164), ``customer_number``,
    ``external_id`` or a channel handle such as ``web_session``."""

    kind: str
    value: str


@dataclass(slots=True)
class Customer:
    id: CustomerId
    name: str | None
    identities: list[Identity]
    created_at: datetime
    profile: dict[str, Any] = field(default_factory=dict)

    def identity(self, kind: str) -> str | None:
        return next((i.value for i in self.identities if i.kind == kind), None)


@dataclass(slots=True)
class Conversation:
    id: ConversationId
    customer_id: CustomerId
    channel: str
    state: State
    created_at: datetime
    updated_at: datetime
    token_hash: str = ""
    locale: str | None = None
    language: str | None = None
    subject: str | None = None
    queue: str | None = None
    priority: Priority = Priority.NORMAL
    agent_id: str | None = None
    queued_at: datetime | None = None
    closed_at: datetime | None = None
    outcome: dict[str, Any] | None = None
    route: dict[str, Any] | None = None
    topic: str | None = None
    context: dict[str, Any] = field(default_factory=dict)
    # How many times it was saved: the store tells by it whether it changed since it was read.
    revision: int = 0

    def move_to(self, target: State) -> None:
        """Change state, refusing what the state machine does not allow."""
        if target not in TRANSITIONS[self.state]:
            raise IllegalTransition(
                message=f"A conversation cannot go from {self.state} to {target}.",
                current=str(self.state),
                target=str(target),
            )
        self.state = target

    def transition(self, target: State, queue: str | None, now: datetime) -> None:
        """Move to ``target`` and keep queue, agent and timestamps consistent with it."""
        self.move_to(target)
        if target is State.QUEUED:
            self.queue = queue or self.queue
            self.queued_at = now
            self.agent_id = None
        elif target is State.BOT:
            self.queue = None
            self.agent_id = None
            self.priority = Priority.NORMAL
        elif target is State.CLOSED:
            self.closed_at = now
        elif target is State.ASSIGNED and queue:
            self.queue = queue


@dataclass(slots=True)
class Message:
    id: MessageId
    conversation_id: ConversationId
    sender: Sender
    text: str
    created_at: datetime
    language: str | None = None
    author_id: str | None = None
    author_name: str | None = None
    client_id: str | None = None
    channel_message_id: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Event:
    """An entry of the append-only log that forms a customer's timeline.

    ``kind`` is one of: ``conversation_started``, ``state_changed``, ``routed``, ``assigned``,
    ``transferred``, ``note``, ``closed``, ``reopened``, ``action``, ``correction``.
    """

    id: EventId
    conversation_id: ConversationId
    customer_id: CustomerId
    kind: str
    data: dict[str, Any]
    created_at: datetime
    actor: str | None = None


@dataclass(frozen=True, slots=True)
class Reply:
    """What a handler wants said back: text, optional quick replies, and where it came from."""

    text: str
    sender: Sender = Sender.BOT
    buttons: tuple[str, ...] = ()
    metadata: dict[str, Any] = field(default_factory=dict)
