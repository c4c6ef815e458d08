"""The pub/sub port.

Channels are plain strings (``conversation:<id>``, ``console``); events are JSON-able dicts::

    async with broker.subscribe("conversation:abc") as events:
        async for event in events:
            ...
    await broker.publish("conversation:abc", {"type": "message", ...})

Publishers call it only after their write is committed (``ConversationService`` does).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from typing import Any, Protocol


class Broker(Protocol):
    async def publish(self, channel: str, event: dict[str, Any]) -> None: ...

    def subscribe(
        self, *channels: str
    ) -> AbstractAsyncContextManager[AsyncIterator[dict[str, Any]]]: ...

    async def close(self) -> None: ...


def conversation_channel(conversation_id: str) -> str:
    return f"conversation:{conversation_id}"


CONSOLE_CHANNEL = "console"
