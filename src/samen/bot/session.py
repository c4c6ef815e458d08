"""What the bot keeps between a customer's messages, and what one bot turn sees and returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from samen.conversations.models import Reply
from samen.nlu.models import ParseResult


@dataclass(slots=True)
class BotTurn:
    parse: ParseResult
    language: str
    state: dict[str, Any]  # the bot's own part of the conversation's context; changed in place
    channel: str = "web"
    email: str | None = None
    phone: str | None = None
    escalation_queue: str | None = None  # for bot-first intents: who takes over if unresolved
    # The customer number the company's site vouched for with a signed identity token.
    identified: str | None = None

    @property
    def text(self) -> str:
        return self.parse.text

    def flow(self) -> dict[str, Any] | None:
        flow: dict[str, Any] | None = self.state.get("flow")
        return flow

    def remember(self, key: str, value: Any) -> None:
        self.state.setdefault("memory", {})[key] = value

    def recall(self, key: str) -> Any:
        return self.state.get("memory", {}).get(key)

    def entity(self, type_: str) -> str | None:
        found = self.parse.entity(type_)
        return str(found.value) if found else None


@dataclass(slots=True)
class BotResult:
    replies: list[Reply] = field(default_factory=list)
    handover: str | None = None  # the queue the bot hands over to
    handover_reason: str | None = None
    fallback: bool = False
    resolved: bool | None = None
    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def say(self, text: str, **metadata: Any) -> None:
        self.replies.append(Reply(text, metadata=metadata))
