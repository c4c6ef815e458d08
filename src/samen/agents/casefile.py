"""The case file a person opens: the conversation, its hand-over packet, the customer's whole
cross-channel timeline, and their profile (Samen's and the company's own record).

The timeline holds every conversation of the customer the reader may open, and those that never
reached a queue (only the customer and the bot spoke); conversations of queues the reader does
not work appear as one line (channel, date, topic, outcome) without their messages.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from samen.agents import access
from samen.agents.desk import Desk
from samen.agents.models import User
from samen.bot.connectors import Backend, BackendError, CustomerRecord
from samen.conversations.models import Conversation, Customer, Event, Message, State
from samen.conversations.views import conversation_view

SHOWN_EVENTS = {
    "conversation_started", "handover", "assigned", "transferred", "note", "returned_to_bot",
    "closed", "reopened", "action", "correction", "priority_raised", "handler_failed",
}  # fmt: skip


@dataclass(slots=True)
class CaseFile:
    conversation: Conversation
    customer: Customer
    messages: list[Message]
    timeline: list[dict[str, Any]]
    contacts: list[dict[str, Any]]
    record: CustomerRecord | None = None
    agent_name: str | None = None
    packet: dict[str, Any] = field(default_factory=dict)

    @property
    def customer_number(self) -> str | None:
        if self.record is not None:
            return self.record.customer_number
        return self.packet.get("verified_customer_number") or self.customer.identity(
            "customer_number"
        )

    def view(self) -> dict[str, Any]:
        c = self.conversation
        return {
            "conversation": {
                **conversation_view(c),
                "agent_id": c.agent_id,
                "agent_name": self.agent_name,
                "outcome": c.outcome,
                "topic": c.topic,
                "queued_at": _iso(c.queued_at),
                "closed_at": _iso(c.closed_at),
            },
            "handover": self.packet or None,
            "transfer": c.context.get("transfer"),
            "profile": self.profile(),
            "contacts": self.contacts,
            "timeline": [{**item, "at": item["at"].isoformat()} for item in self.timeline],
        }

    def profile(self) -> dict[str, Any]:
        record = dataclasses.asdict(self.record) if self.record else None
        if record is not None:
            record["address"] = self.record.address.line() if self.record else None
        return {
            "id": self.customer.id,
            "name": self.customer.name or (self.record.name if self.record else None),
            "identities": {i.kind: i.value for i in self.customer.identities},
            "since": self.customer.created_at.isoformat(),
            "attributes": self.customer.profile,
            "customer_number": self.customer_number,
            "record": record,
        }


class CaseFiles:
    def __init__(self, desk: Desk, backend: Backend | None = None) -> None:
        self.desk = desk
        self.backend = backend

    async def open(self, user: User, conversation_id: str) -> CaseFile:
        conversation = await self.desk.get(user, conversation_id)
        store = self.desk.conversations.store
        async with store.transaction() as tx:
            customer = await tx.get_customer(conversation.customer_id)
            all_of_them = await tx.list_conversations(
                customer_id=conversation.customer_id, limit=50
            )
            events = await tx.list_events(customer_id=conversation.customer_id, limit=3000)
            shown = [c for c in all_of_them if _in_history(user, c, conversation)]
            messages = {str(c.id): await tx.list_messages(c.id, limit=300) for c in shown}
        assert customer is not None
        packet = dict(conversation.context.get("handover") or {})
        case = CaseFile(
            conversation, customer, messages.get(conversation.id, []), [], [], packet=packet
        )
        case.timeline = _timeline(conversation, shown, messages, events)
        case.contacts = [
            _contact(c, c.id in messages) for c in all_of_them if c.id != conversation.id
        ]
        case.record = await self._record(customer, packet)
        if conversation.agent_id:
            agent = await self.desk.people.get_user(conversation.agent_id)
            case.agent_name = agent.name if agent else None
        return case

    async def _record(self, customer: Customer, packet: dict[str, Any]) -> CustomerRecord | None:
        if self.backend is None:
            return None
        number = packet.get("verified_customer_number") or customer.identity("customer_number")
        try:
            if number:
                return await self.backend.find_customer(customer_number=number)
            email, phone = customer.identity("email"), customer.identity("phone")
            if email or phone:
                return await self.backend.find_customer(email=email, phone=phone)
        except BackendError:
            return None  # the company's system is down: the console works without the record
        return None


def _in_history(user: User, c: Conversation, current: Conversation) -> bool:
    if c.id == current.id or access.can_read(user, c):
        return True
    return c.queue is None and c.queued_at is None  # only the customer and the bot spoke


def _timeline(
    current: Conversation,
    shown: list[Conversation],
    messages: dict[str, list[Message]],
    events: list[Event],
) -> list[dict[str, Any]]:
    channels: dict[str, str] = {c.id: c.channel for c in shown}
    items: list[dict[str, Any]] = []
    for conversation_id, found in messages.items():
        for m in found:
            understood = m.metadata.get("understanding") or {}
            source = m.metadata.get("source")
            items.append({
                "type": "message", "at": m.created_at, "id": m.id, "conversation_id": conversation_id,
                "channel": channels[conversation_id], "current": conversation_id == current.id,
                "sender": str(m.sender), "text": m.text, "author": m.author_name,
                "kind": m.metadata.get("kind"), "intent": understood.get("intent"),
                "ranking": (understood.get("ranking") or [])[:5], "correction": m.metadata.get("correction"),
                "sources": m.metadata.get("sources") or ([source] if source else []),
                "recording": (m.metadata.get("voicemail") or {}).get("recording"),
            })  # fmt: skip
    for e in events:
        if e.kind in SHOWN_EVENTS and e.conversation_id in channels:
            items.append({
                "type": "event", "at": e.created_at, "id": e.id, "conversation_id": e.conversation_id,
                "channel": channels[e.conversation_id], "current": e.conversation_id == current.id,
                "kind": e.kind, "data": e.data, "actor": e.actor, "summary": summarise(e),
            })  # fmt: skip
    # Stable: messages keep their order within one instant, events follow what caused them.
    return sorted(items, key=lambda item: (item["at"], item["type"] == "event"))


def _contact(c: Conversation, readable: bool) -> dict[str, Any]:
    return {
        "id": c.id, "channel": c.channel, "started_at": c.created_at.isoformat(), "topic": c.topic,
        "queue": c.queue, "state": str(c.state), "outcome": c.outcome, "readable": readable,
        "with_person": c.queued_at is not None or c.state is State.ASSIGNED,
    }  # fmt: skip


def summarise(event: Event) -> str:
    """One line a colleague reads in the timeline."""
    d = event.data
    match event.kind:
        case "conversation_started":
            return f"Conversation started ({d.get('channel', 'web')})"
        case "handover":
            return f"Handed over to {d.get('queue')}: {d.get('reason') or ''}".strip()
        case "assigned":
            how = {"claimed": "took it", "auto": "was assigned it", "next": "took it as next"}
            return f"{d.get('agent_name')} {how.get(str(d.get('how')), 'was assigned it')}"
        case "transferred":
            target = d.get("to_agent_name") or d.get("to_queue")
            return f"{d.get('by') or 'Someone'} transferred it to {target}"
        case "note":
            return f"Note by {d.get('author_name')}"
        case "returned_to_bot":
            return f"{d.get('by')} returned it to the bot"
        case "closed":
            verdict = "resolved" if d.get("resolved") else "not resolved"
            return f"Closed by {d.get('closed_by_name')}, {verdict}: {d.get('reason')}"
        case "action":
            what = d.get("summary") or str(d.get("action") or d.get("name")).replace("_", " ")
            return f"{d.get('by') or 'Bot'}: {what}"
        case "correction":
            if d.get("kind") == "intent":
                return f"{d.get('by')} corrected the intent {d.get('understood')} → {d.get('corrected')}"
            return f"{d.get('by')} marked a bot answer as wrong"
        case "priority_raised":
            return "Priority raised to high (sensitive)"
        case _:
            return event.kind.replace("_", " ").capitalize()


def _iso(at: datetime | None) -> str | None:
    return at.isoformat() if at else None
