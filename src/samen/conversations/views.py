"""The JSON shapes of the public contract for messages and conversations (plain dicts)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from samen.conversations.models import Conversation, Event, Message

_PUBLIC_META = ("source", "sources", "buttons", "kind", "typing")


def message_view(message: Message) -> dict[str, Any]:
    view: dict[str, Any] = {
        "id": message.id,
        "conversation_id": message.conversation_id,
        "sender": str(message.sender),
        "text": message.text,
        "created_at": message.created_at.isoformat(),
        "language": message.language,
    }
    if message.author_name:
        view["author"] = {"name": message.author_name}
    if message.client_id:
        view["client_id"] = message.client_id
    for key in _PUBLIC_META:
        if key in message.metadata:
            view[key] = message.metadata[key]
    return view


def conversation_view(
    conversation: Conversation, messages: Sequence[Message] | None = None
) -> dict[str, Any]:
    view: dict[str, Any] = {
        "id": conversation.id,
        "channel": conversation.channel,
        "state": str(conversation.state),
        "queue": conversation.queue,
        "priority": str(conversation.priority),
        "route": conversation.route,
        "language": conversation.language,
        "created_at": conversation.created_at.isoformat(),
        "updated_at": conversation.updated_at.isoformat(),
    }
    if conversation.state.value == "queued" and "wait" in conversation.context:
        view["expected_wait_minutes"] = conversation.context["wait"]
    if messages is not None:
        view["messages"] = [message_view(m) for m in messages]
    return view


def event_view(event: Event) -> dict[str, Any]:
    return {
        "id": event.id,
        "conversation_id": event.conversation_id,
        "kind": event.kind,
        "data": event.data,
        "actor": event.actor,
        "created_at": event.created_at.isoformat(),
    }
