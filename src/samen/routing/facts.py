"""Everything a routing decision may look at, gathered before the policy is applied."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from samen.nlu.models import ParseResult


@dataclass(frozen=True, slots=True)
class EarlierContact:
    """Another conversation of the same customer, on any channel."""

    conversation_id: str
    channel: str
    started_at: datetime
    topic: str | None
    queue: str | None
    with_person: bool
    resolved: bool | None
    state: str


@dataclass(frozen=True, slots=True)
class ConversationFacts:
    state: str = "bot"
    channel: str = "web"
    customer_messages: int = 1
    fallbacks_in_row: int = 0
    rephrasings: int = 0
    offered_person: bool = False
    frustration_history: tuple[float, ...] = ()
    escalating: bool = False
    bot_minutes: float = 0.0
    topic: str | None = None
    service_down: bool = False
    answer: str | None = None  # "yes" / "no" when the customer answers a question of the bot
    continues_flow: str | None = None  # the bot's flow this message answers, if it does

    @property
    def first_message(self) -> bool:
        return self.customer_messages <= 1


@dataclass(frozen=True, slots=True)
class RoutingFacts:
    parse: ParseResult
    conversation: ConversationFacts
    history: tuple[EarlierContact, ...] = ()
    now: datetime | None = None
    open_now: bool = True
    next_opening: datetime | None = None
    available: dict[str, int] = field(default_factory=dict)  # queue → agents available
