"""The hand-over packet: what a person needs to take over without reading the transcript."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from samen.conversations.models import Conversation, Customer, Message, Sender
from samen.routing.facts import EarlierContact

_TRIVIAL = {"greeting", "goodbye", "bot_identity", "human_handoff", "out_of_scope"}


def build_packet(
    conversation: Conversation,
    customer: Customer,
    messages: Sequence[Message],
    route: dict[str, Any],
    history: Sequence[EarlierContact],
    bot_state: dict[str, Any],
    profile: dict[str, Any] | None = None,
) -> dict[str, Any]:
    customer_messages = [m for m in messages if m.sender is Sender.CUSTOMER]
    understood = [m.metadata.get("understanding") or {} for m in customer_messages]
    substantive = [
        m.text
        for m, u in zip(customer_messages, understood, strict=True)
        if (u.get("intent") or {}).get("name") not in _TRIVIAL
    ] or [m.text for m in customer_messages]
    intents = [u["intent"]["name"] for u in understood if u.get("intent")]
    main_intent = next(
        (i for i in reversed(intents) if i not in _TRIVIAL), intents[-1] if intents else None
    )
    entities: dict[str, Any] = {}
    for u in understood:
        for entity in u.get("entities", []):
            entities.setdefault(entity["type"], entity["value"])
    frustration = [round(float(u.get("frustration", 0.0)), 2) for u in understood]
    sentiment = [round(float((u.get("sentiment") or {}).get("score", 0.0)), 2) for u in understood]
    sensitive = sorted({s["type"] for u in understood for s in u.get("sensitive", [])})
    bot_did = [
        m.metadata.get("action_summary") or m.text[:160]
        for m in messages
        if m.sender is Sender.BOT and m.metadata.get("kind") != "notice"
    ][-6:]
    return {
        "reason": route.get("reason"),
        "rules": route.get("rules", []),
        "queue": route.get("queue"),
        "priority": route.get("priority"),
        "problem": _problem(substantive),
        "customer_words": substantive[-3:],
        "intent": main_intent,
        "intents": intents,
        "entities": entities,
        "sensitive": sensitive,
        "bot_tried": list(bot_state.get("tried", [])),
        "bot_did": bot_did,
        "verified_customer_number": bot_state.get("verified"),
        "sentiment": {
            "scores": sentiment,
            "frustration": frustration,
            "trend": _trend(frustration),
        },
        "earlier_contacts": [
            {
                "conversation_id": h.conversation_id,
                "channel": h.channel,
                "started_at": h.started_at.isoformat(),
                "topic": h.topic,
                "queue": h.queue,
                "outcome": "resolved"
                if h.resolved
                else "not resolved"
                if h.resolved is False
                else ("with a person" if h.with_person else "bot only"),
            }
            for h in history[:5]
        ],
        "linked": route.get("linked", []),
        "customer": {
            "id": customer.id,
            "name": customer.name,
            "identities": {i.kind: i.value for i in customer.identities},
            **(profile or {}),
        },
        "channel": conversation.channel,
        "language": conversation.language,
    }


def _problem(texts: Sequence[str]) -> str:
    """The customer's problem in their own words: their first substantive message, and the last."""
    if not texts:
        return ""
    if len(texts) == 1 or texts[0] == texts[-1]:
        return texts[0]
    return f"{texts[0]} … {texts[-1]}"


def _trend(values: Sequence[float]) -> str:
    if len(values) < 2:
        return "steady"
    delta = values[-1] - values[0]
    return "rising" if delta >= 0.15 else "falling" if delta <= -0.15 else "steady"
