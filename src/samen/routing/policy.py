"""The tenant's routing policy, read from YAML and checked before it is used.

Conditions (all must hold; ``any: [..]`` holds when one of its conditions does):

    intent: [names]                 confidence_at_least: 0.x      confidence_below: 0.x
    intent_handled_by: bot|person   entity: [types]               sentiment_below: -0.x
    frustration_at_least: 0.x       escalating: true              sensitive: [kinds]
    fallbacks_in_row_at_least: N    rephrasings_at_least: N       offered_person: true
    answer: "yes"|"no"              bot_minutes_at_least: N       bot_turns_at_least: N
    first_message: true             channel: [names]              open: true|false
    service_down: true              queue_available: true|false   repeat_contact: {within_days: N}
    continues_flow: true            (the message answers the bot's question in a flow)

Actions: ``{bot: true}``, ``{offer: Q}``, ``{handover: Q}``, ``{by_intent: true}``, with an
optional ``priority``; Q is a queue or ``topic``, ``intent``, ``earlier_topic``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from samen.errors import ConfigError

CONDITIONS = {
    "intent",
    "confidence_at_least",
    "confidence_below",
    "intent_handled_by",
    "entity",
    "sentiment_below",
    "frustration_at_least",
    "escalating",
    "sensitive",
    "fallbacks_in_row_at_least",
    "rephrasings_at_least",
    "offered_person",
    "answer",
    "bot_minutes_at_least",
    "bot_turns_at_least",
    "first_message",
    "channel",
    "open",
    "service_down",
    "queue_available",
    "repeat_contact",
    "continues_flow",
    "any",
}
TARGETS = {"topic", "intent", "earlier_topic"}
ACTIONS = {"bot", "offer", "handover", "by_intent"}


@dataclass(frozen=True, slots=True)
class IntentHandling:
    mode: str  # "bot", "bot_first" or "person"
    queue: str | None = None
    priority: str = "normal"


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    when: dict[str, Any]
    then: dict[str, Any]
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class Policy:
    default_queue: str
    topics: dict[str, str]
    intents: dict[str, IntentHandling]
    rules: tuple[Rule, ...]
    adjustments: tuple[Rule, ...] = ()
    source: str = "policy"
    queues: frozenset[str] = field(default_factory=frozenset)

    def handling(self, intent: str) -> IntentHandling:
        return self.intents.get(intent, IntentHandling("bot"))

    def topic_queue(self, topic: str | None) -> str | None:
        return self.topics.get(topic) if topic else None

    @classmethod
    def load(cls, path: Path, queues: set[str]) -> Policy:
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except FileNotFoundError as exc:
            raise ConfigError("invalid_policy", f"No routing policy at {path}.") from exc
        except yaml.YAMLError as exc:
            raise ConfigError("invalid_policy", f"{path} is not valid YAML: {exc}") from exc
        return parse_policy(raw, queues, str(path))


def parse_policy(raw: dict[str, Any], queues: set[str], source: str = "policy") -> Policy:
    problems: list[str] = []

    def check_queue(value: Any, where: str, targets: bool = True) -> None:
        allowed = queues | (TARGETS if targets else set())
        if value not in allowed:
            problems.append(
                f"{where}: unknown queue '{value}' (known: {', '.join(sorted(allowed))})"
            )

    if not isinstance(raw, dict):
        raise ConfigError("invalid_policy", f"{source}: expected a mapping at the top.")
    default_queue = str(raw.get("default_queue", ""))
    check_queue(default_queue, "default_queue", targets=False)
    topics = {str(k): str(v) for k, v in (raw.get("topics") or {}).items()}
    for topic, queue in topics.items():
        check_queue(queue, f"topics.{topic}", targets=False)
    intents: dict[str, IntentHandling] = {}
    for intent, spec in (raw.get("intents") or {}).items():
        if spec == "bot":
            intents[intent] = IntentHandling("bot")
        elif isinstance(spec, dict) and ("person" in spec or "bot_first" in spec):
            mode = "person" if "person" in spec else "bot_first"
            queue = spec[mode]
            check_queue(queue, f"intents.{intent}")
            priority = str(spec.get("priority", "normal"))
            if priority not in ("normal", "high"):
                problems.append(f"intents.{intent}: priority must be normal or high")
            intents[intent] = IntentHandling(mode, str(queue), priority)
        else:
            problems.append(
                f"intents.{intent}: use 'bot', {{person: QUEUE}} or {{bot_first: QUEUE}}"
            )
    rules = tuple(_rules(raw.get("rules"), "rules", problems, check_queue))
    adjustments = tuple(_rules(raw.get("adjustments"), "adjustments", problems, check_queue))
    if not rules:
        problems.append("rules: a policy needs at least one rule")
    if problems:
        raise ConfigError(
            "invalid_policy",
            f"{source} has {len(problems)} problem(s): " + "; ".join(problems),
            problems=problems,
        )
    return Policy(default_queue, topics, intents, rules, adjustments, source, frozenset(queues))


def _rules(items: Any, section: str, problems: list[str], check_queue: Any) -> list[Rule]:
    rules: list[Rule] = []
    for i, item in enumerate(items or []):
        where = f"{section}[{i}]"
        if not isinstance(item, dict) or "name" not in item or "then" not in item:
            problems.append(f"{where}: a rule needs 'name' and 'then'")
            continue
        where = f"{section}[{i}] ({item['name']})"
        when = item.get("when") or {}
        _check_conditions(when, where, problems)
        then = item["then"]
        if not isinstance(then, dict):
            problems.append(f"{where}: 'then' must be a mapping")
            continue
        if section == "rules" and not ACTIONS & set(then):
            problems.append(f"{where}: 'then' needs one of {', '.join(sorted(ACTIONS))}")
        for key in ("offer", "handover"):
            if key in then:
                check_queue(then[key], f"{where}.then.{key}")
        if then.get("priority", "normal") not in ("normal", "high"):
            problems.append(f"{where}: priority must be normal or high")
        unknown = set(then) - ACTIONS - {"priority", "tell_opening"}
        if unknown:
            problems.append(f"{where}: unknown action(s) {', '.join(sorted(unknown))}")
        rules.append(Rule(str(item["name"]), dict(when), dict(then), item.get("reason")))
    return rules


def _check_conditions(when: Any, where: str, problems: list[str]) -> None:
    if not isinstance(when, dict):
        problems.append(f"{where}: 'when' must be a mapping")
        return
    for key, value in when.items():
        if key not in CONDITIONS:
            problems.append(f"{where}: unknown condition '{key}'")
        elif key == "any":
            if not isinstance(value, list) or not value:
                problems.append(f"{where}: 'any' needs a list of conditions")
            else:
                for sub in value:
                    _check_conditions(sub, where, problems)
        elif key == "repeat_contact" and not (isinstance(value, dict) and "within_days" in value):
            problems.append(f"{where}: repeat_contact needs {{within_days: N}}")
