"""The channel adapter protocol: inbound and outbound halves, capabilities, one error type.

An adapter turns its wire format into calls on ``ConversationService`` (inbound) and stored
messages into its wire format (outbound)::

    class SmtpOutbound:
        name = "email"
        capabilities = Capabilities(buttons=False, attachments=True)
        async def send(self, conversation, messages) -> None: ...
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from samen.conversations.models import Conversation, Message
from samen.errors import SamenError


class ChannelError(SamenError):
    """A channel's library failed (SMTP refused, provider unreachable); raised ``from`` its cause."""

    code = "channel_error"
    http_status = 502


@dataclass(frozen=True, slots=True)
class Capabilities:
    buttons: bool = False
    attachments: bool = False
    audio: bool = False
    markdown: bool = False


class OutboundChannel(Protocol):
    name: str
    capabilities: Capabilities

    async def send(self, conversation: Conversation, messages: Sequence[Message]) -> None: ...
