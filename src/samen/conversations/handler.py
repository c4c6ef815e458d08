"""The port through which understanding, routing and the bot plug into the message road.

``ConversationService`` stores a customer's message, then asks the handler what should happen::

    class MyHandler:
        async def opening(self, conversation, customer) -> list[Reply]: ...
        async def handle(self, turn: Turn) -> Outcome: ...

and stores and sends what the ``Outcome`` says. ``samen.brain.Brain`` is the real handler.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from samen.conversations.models import (
    Conversation,
    Customer,
    Message,
    Priority,
    Reply,
    State,
)

# Message metadata a channel may set: the reasons (a list of sentences) why this message must
# get no automatic answer, such as an auto-reply or a bounce (mail loops). The handler still
# understands and routes it, and queues it for a person instead of letting the bot answer.
NO_AUTOMATIC_ANSWER = "no_automatic_answer"


@dataclass(frozen=True, slots=True)
class Turn:
    conversation: Conversation
    customer: Customer
    message: Message
    history: list[Message]
    # The customer's other conversations, newest first (None: not looked up).
    earlier: list[Conversation] | None = None


@dataclass(slots=True)
class Outcome:
    replies: list[Reply] = field(default_factory=list)
    state: State | None = None
    queue: str | None = None
    priority: Priority | None = None
    route: dict[str, Any] | None = None
    topic: str | None = None
    language: str | None = None
    context: dict[str, Any] | None = None
    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    understanding: dict[str, Any] | None = None


class ConversationHandler(Protocol):
    async def opening(self, conversation: Conversation, customer: Customer) -> list[Reply]: ...

    async def handle(self, turn: Turn) -> Outcome: ...
