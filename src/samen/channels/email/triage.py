"""Triage of an e-mail: its topic, how urgent it is and why, and its language.

The topic is the understanding pipeline's intent; urgency is read from what routing and
understanding already found, plus what only e-mail has (an "urgent" subject, a high-importance
flag) and what only matters for mail (an auto-reply is never urgent):

- ``high``: routing gave priority (repeat contact, sensitive case, frustration, service down),
  sensitive signals, strong frustration, urgent wording ("spoed", "urgent"), a service that is
  down or an outage, or the sender's high-importance flag;
- ``low``: automatic mail, thanks and greetings, and general questions (opening hours, prices,
  products, delivery times) with nothing at stake;
- ``normal``: everything else, which needs an answer or an action.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

_URGENT = re.compile(
    r"\b(spoed|spoedeisend|dringend|urgent|urgently|asap|z\.s\.m\.?|zsm|zo snel mogelijk|"
    r"onmiddellijk|per direct|vandaag nog|immediately|right away|as soon as possible|emergency|"
    r"noodgeval|nood|critical|kritiek)\b",
    re.I,
)
_SERVICE_DOWN = re.compile(
    r"\b(geen (?:internet|verbinding|tv|televisie|beeld|bereik|wifi|signaal)|"
    r"(?:internet|wifi|tv|telefoon|verbinding) (?:doet|werkt) (?:het )?(?:niet|niks)|doet (?:het )?niks|"
    r"ligt (?:er )?(?:plat|eruit)|valt (?:steeds )?weg|storing|"
    r"no (?:internet|connection|signal|service|tv|wifi)|(?:internet|wifi|tv|connection) is (?:down|out)|"
    r"nothing works|(?:internet|wifi|tv|connection) (?:doesn't|does not|isn't|is not) work(?:ing)?|"
    r"keeps dropping|outage)\b",
    re.I,
)
HIGH_INTENTS = {
    "outage_check": "asks about an outage: the service is probably down",
    "bereavement": "a death in the family",
}
LOW_INTENTS = {
    "greeting": "only a greeting",
    "goodbye": "a thank-you or goodbye",
    "bot_identity": "a question about the assistant",
    "opening_hours": "a general question",
    "pricing": "a general question",
    "product_info": "a general question",
    "delivery_time": "a general question",
}


@dataclass(frozen=True, slots=True)
class Triage:
    topic: str | None
    urgency: str  # "high", "normal" or "low"
    reasons: list[str] = field(default_factory=list)
    language: str | None = None
    confidence: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "topic": self.topic,
            "urgency": self.urgency,
            "reasons": list(self.reasons),
            "language": self.language,
            "confidence": round(self.confidence, 3),
        }


def triage(
    understanding: dict[str, Any] | None,
    route: dict[str, Any] | None,
    *,
    subject: str = "",
    automatic: list[str] | None = None,
    headers: dict[str, str] | None = None,
    topic: str | None = None,
) -> Triage:
    """Urgency with its reasons, from the stored understanding and routing decision."""
    understanding = understanding or {}
    intent = (understanding.get("intent") or {}).get("name")
    confidence = float((understanding.get("intent") or {}).get("confidence", 0.0))
    language = understanding.get("language")
    topic = topic or intent
    if automatic:
        return Triage(topic, "low", [f"automatic e-mail ({automatic[0]})"], language, confidence)
    text = f"{subject}\n{understanding.get('text', '')}"
    high = _high_reasons(understanding, route, text, headers or {}, intent, confidence)
    if high:
        return Triage(topic, "high", high, language, confidence)
    if intent in LOW_INTENTS and confidence >= 0.5 and (route or {}).get("handler") != "human":
        return Triage(topic, "low", [LOW_INTENTS[intent]], language, confidence)
    return Triage(topic, "normal", ["needs an answer or an action"], language, confidence)


def _high_reasons(
    understanding: dict[str, Any],
    route: dict[str, Any] | None,
    text: str,
    headers: dict[str, str],
    intent: str | None,
    confidence: float,
) -> list[str]:
    reasons = []
    if route and route.get("priority") == "high":
        rules = ", ".join(route.get("rules", [])) or "policy"
        reasons.append(f"routing gave high priority ({rules})")
    sensitive = sorted({s.get("type", "") for s in understanding.get("sensitive", [])})
    if sensitive:
        reasons.append("sensitive: " + ", ".join(k.replace("_", " ") for k in sensitive))
    frustration = float(understanding.get("frustration", 0.0))
    if frustration >= 0.6:
        reasons.append(f"strong frustration ({frustration:.2f})")
    urgent = _URGENT.search(text)
    if urgent:
        reasons.append(f"urgent wording: '{urgent.group(0)}'")
    down = _SERVICE_DOWN.search(text)
    if down:
        reasons.append(f"service down: '{down.group(0)}'")
    elif intent in HIGH_INTENTS and confidence >= 0.5:
        reasons.append(HIGH_INTENTS[intent])
    importance = headers.get("importance", "").lower()
    if importance == "high" or headers.get("x-priority", "").strip()[:1] in ("1", "2"):
        reasons.append("the sender marked it as important")
    return reasons
