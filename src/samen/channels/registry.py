"""Channels by name; the ``Outbox`` that sends stored messages out on their own channel."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from samen.channels.base import ChannelError, OutboundChannel
from samen.conversations.models import Conversation, Message

log = logging.getLogger(__name__)


class ChannelRegistry:
    """Web chat needs no outbound half: its customers read the realtime stream and the API."""

    def __init__(self) -> None:
        self._outbound: dict[str, OutboundChannel] = {}

    def register(self, channel: OutboundChannel) -> None:
        self._outbound[channel.name] = channel

    def get(self, name: str) -> OutboundChannel | None:
        return self._outbound.get(name)

    async def deliver(self, conversation: Conversation, messages: Sequence[Message]) -> None:
        channel = self._outbound.get(conversation.channel)
        if channel is None:
            return
        try:
            await channel.send(conversation, messages)
        except ChannelError:
            # The messages are stored; the channel keeps its own retry queue and shows failures.
            log.exception("delivery on %s failed for %s", conversation.channel, conversation.id)
