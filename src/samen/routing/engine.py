"""The routing engine: apply the policy's rules in order to the facts, and explain the result.

>>> decision = RoutingEngine(policy).decide(facts)
>>> decision.route()
{"handler": "human", "queue": "billing", "priority": "high", "reason": "...", "rules": [...]}
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from samen.routing.facts import EarlierContact, RoutingFacts
from samen.routing.policy import Policy, Rule

_NO_TOPIC = {"greeting", "goodbye", "bot_identity", "out_of_scope", "human_handoff"}


@dataclass(slots=True)
class Decision:
    action: str  # "bot", "offer" or "handover"
    queue: str | None
    priority: str
    reason: str
    rules: list[str]
    bot_first: str | None = None
    linked: list[str] = field(default_factory=list)
    out_of_hours: bool = False

    @property
    def to_person(self) -> bool:
        return self.action == "handover"

    def route(self) -> dict[str, Any]:
        route: dict[str, Any] = {
            "handler": "human" if self.to_person else "bot",
            "queue": self.queue if self.action != "bot" else None,
            "priority": self.priority,
            "reason": self.reason,
            "rules": list(self.rules),
        }
        if self.action == "offer":
            route["offer"] = True
        if self.linked:
            route["linked"] = list(self.linked)
        return route


@dataclass(slots=True)
class _Scratch:
    """What conditions found while being checked, for the action and the reason."""

    earlier: EarlierContact | None = None
    sensitive: list[str] = field(default_factory=list)


class RoutingEngine:
    def __init__(self, policy: Policy) -> None:
        self.policy = policy

    def decide(self, facts: RoutingFacts) -> Decision:
        for rule in self.policy.rules:
            scratch = _Scratch()
            if self._holds(rule.when, facts, scratch):
                decision = self._act(rule, facts, scratch)
                if decision is not None:
                    return self.adjust(decision, facts)
        return Decision("bot", None, "normal", "No rule applied; the bot carries on.", [])

    # conditions ---------------------------------------------------------------------------
    def _holds(self, when: dict[str, Any], facts: RoutingFacts, scratch: _Scratch) -> bool:
        return all(self._condition(k, v, facts, scratch) for k, v in when.items())

    def _condition(self, key: str, value: Any, facts: RoutingFacts, s: _Scratch) -> bool:
        p, c = facts.parse, facts.conversation
        match key:
            case "any":
                return any(self._holds(sub, facts, s) for sub in value)
            case "intent":
                return p.intent.name in _names(value)
            case "confidence_at_least":
                return p.intent.confidence >= float(value)
            case "confidence_below":
                return p.intent.confidence < float(value)
            case "intent_handled_by":
                name = self._best_real_intent(facts)
                mode = self.policy.handling(name).mode if name else "bot"
                return (mode == "person") == (value == "person")
            case "entity":
                return any(e.type in _names(value) for e in p.entities)
            case "sentiment_below":
                return p.sentiment.score < float(value)
            case "frustration_at_least":
                return p.frustration >= float(value)
            case "escalating":
                return c.escalating == bool(value)
            case "sensitive":
                s.sensitive = [x.kind for x in p.sensitive if x.kind in _names(value)]
                return bool(s.sensitive)
            case "fallbacks_in_row_at_least":
                return c.fallbacks_in_row >= int(value)
            case "rephrasings_at_least":
                return c.rephrasings >= int(value)
            case "offered_person":
                return c.offered_person == bool(value)
            case "answer":
                return c.answer == str(value)
            case "bot_minutes_at_least":
                return c.bot_minutes >= float(value)
            case "bot_turns_at_least":
                return c.customer_messages >= int(value)
            case "first_message":
                return c.first_message == bool(value)
            case "channel":
                return c.channel in _names(value)
            case "open":
                return facts.open_now == bool(value)
            case "service_down":
                return c.service_down == bool(value)
            case "queue_available":
                return (sum(facts.available.values()) > 0) == bool(value)
            case "continues_flow":
                return bool(c.continues_flow) == bool(value)
            case "repeat_contact":
                s.earlier = self._repeat(facts, int(value["within_days"]))
                return s.earlier is not None
        raise ValueError(f"unknown condition {key}")  # the policy loader refuses these

    def _repeat(self, facts: RoutingFacts, days: int) -> EarlierContact | None:
        if facts.now is None:
            return None
        since = facts.now - timedelta(days=days)
        for contact in sorted(facts.history, key=lambda h: h.started_at, reverse=True):
            if contact.started_at < since:
                continue
            queue = contact.queue or self.policy.topic_queue(contact.topic)
            if queue and (contact.with_person or contact.resolved is False):
                return contact
        return None

    def _best_real_intent(self, facts: RoutingFacts) -> str | None:
        """The top intent, or under out-of-scope the best guess of the ranking."""
        if facts.parse.intent.name != "out_of_scope":
            return facts.parse.intent.name
        return next((r.name for r in facts.parse.ranking if r.name != "out_of_scope"), None)

    # actions ------------------------------------------------------------------------------
    def _act(self, rule: Rule, facts: RoutingFacts, s: _Scratch) -> Decision | None:
        then = rule.then
        priority = str(then.get("priority", "normal"))
        if then.get("by_intent"):
            return self._by_intent(rule, facts)
        if then.get("bot"):
            return Decision(
                "bot",
                None,
                priority,
                self._reason(rule, facts, s, None, "the bot handles it"),
                [rule.name],
            )
        action = "handover" if "handover" in then else "offer"
        queue = self._queue(str(then[action]), facts, s)
        decision = Decision(action, queue, priority, "", [rule.name])
        if s.earlier is not None:
            decision.linked.append(s.earlier.conversation_id)
        decision.reason = self._reason(rule, facts, s, queue, "")
        return decision

    def _by_intent(self, rule: Rule, facts: RoutingFacts) -> Decision:
        intent = facts.parse.intent.name
        handling = self.policy.handling(intent)
        if handling.mode == "person":
            queue = self._queue(handling.queue or "topic", facts, _Scratch())
            reason = self._reason(
                rule, facts, _Scratch(), queue, f"a person in {queue} handles this"
            )
            return Decision("handover", queue, handling.priority, reason, [rule.name])
        bot_first = None
        if handling.mode == "bot_first":
            bot_first = self._queue(handling.queue or "topic", facts, _Scratch())
            handled_by = f"the bot tries first, {bot_first} if it cannot resolve it"
        else:
            handled_by = "the bot handles this"
        reason = self._reason(rule, facts, _Scratch(), None, handled_by)
        return Decision("bot", None, handling.priority, reason, [rule.name], bot_first=bot_first)

    def _queue(self, target: str, facts: RoutingFacts, s: _Scratch) -> str:
        policy = self.policy
        if target == "earlier_topic" and s.earlier is not None:
            return s.earlier.queue or policy.topic_queue(s.earlier.topic) or policy.default_queue
        if target == "intent":
            name = self._best_real_intent(facts)
            handling = policy.handling(name) if name else None
            if handling and handling.queue and handling.queue not in ("topic", "intent"):
                return handling.queue
            return policy.topic_queue(name) or policy.default_queue
        if target in ("topic", "earlier_topic", "intent"):
            intent = facts.parse.intent.name
            topic = intent if intent not in _NO_TOPIC else facts.conversation.topic
            return policy.topic_queue(topic) or policy.default_queue
        return target

    def adjust(self, decision: Decision, facts: RoutingFacts) -> Decision:
        """Apply the policy's adjustments (priority, opening hours) to a decision for a person."""
        if decision.action != "handover":
            return decision
        for rule in self.policy.adjustments:
            if not self._holds(rule.when, facts, _Scratch()):
                continue
            if rule.name not in decision.rules:
                decision.rules.append(rule.name)
            if rule.then.get("priority") == "high" and decision.priority != "high":
                decision.priority = "high"
                decision.reason += f" Priority raised ({_adjustment_note(rule.name, facts)})."
            if rule.then.get("tell_opening"):
                decision.out_of_hours = True
                decision.reason += (
                    " It is outside opening hours: the customer is told when a person answers."
                )
        return decision

    def _reason(
        self, rule: Rule, facts: RoutingFacts, s: _Scratch, queue: str | None, handled_by: str
    ) -> str:
        p = facts.parse
        earlier = s.earlier
        if p.intent.name == "out_of_scope":
            guess = self._best_real_intent(facts)
            guess_score = next((r.confidence for r in p.ranking if r.name == guess), 0.0)
            intent = (
                f"out of scope (closest: {guess} at {guess_score:.0%})" if guess else "out of scope"
            )
            confidence = f"{p.intent.confidence:.0%} sure it is out of scope"
        else:
            intent, confidence = p.intent.name, f"{p.intent.confidence:.0%} sure"
        values = {
            "intent": intent,
            "confidence": confidence,
            "queue": queue or "",
            "sensitive": " and ".join(k.replace("_", " ") for k in s.sensitive)
            or "a sensitive situation",
            "frustration": f"{p.frustration:.2f}",
            "fallbacks": str(facts.conversation.fallbacks_in_row),
            "handled_by": handled_by,
            "flow": (facts.conversation.continues_flow or "").replace("_", " "),
            "earlier_topic": (earlier.topic or "an earlier matter").replace("_", " ")
            if earlier
            else "",
            "earlier_channel": _channel_name(earlier.channel) if earlier else "",
            "earlier_outcome": _outcome(earlier) if earlier else "",
            "earlier_when": _when(earlier, facts) if earlier else "",
        }
        template = rule.reason or (
            f"Rule {rule.name}: " + ("to " + queue if queue else handled_by or "the bot carries on")
        )
        try:
            return template.format(**values)
        except (KeyError, IndexError):
            return template


def _names(value: Any) -> set[str]:
    return {str(v) for v in value} if isinstance(value, list | tuple | set) else {str(value)}


def _channel_name(channel: str) -> str:
    return {"web": "chat", "email": "e-mail", "voice": "phone"}.get(channel, channel)


def _outcome(contact: EarlierContact) -> str:
    if contact.resolved is False:
        return "not resolved"
    if contact.with_person and contact.state in ("queued", "assigned"):
        return "still with a person"
    if contact.with_person:
        return "handled by a person"
    return "unresolved"


def _when(contact: EarlierContact, facts: RoutingFacts) -> str:
    if facts.now is None:
        return "recently"
    days = (facts.now - contact.started_at).days
    return "earlier today" if days == 0 else "yesterday" if days == 1 else f"{days} days ago"


def _adjustment_note(name: str, facts: RoutingFacts) -> str:
    if name == "frustration":
        return f"strong frustration {facts.parse.frustration:.2f}"
    if name == "intent":
        return "the customer's service is down"
    return name.replace("_", " ")
