"""What the understanding pipeline says about one message, in plain dataclasses.

The shape mirrors ``POST /api/v1/nlu/parse`` of the public contract::

    {"language", "intent": {"name", "confidence"}, "ranking": [...], "entities": [...],
     "sentiment": {"score", "label"}, "frustration": float, "sensitive": [...]}
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

OUT_OF_SCOPE = "out_of_scope"


@dataclass(frozen=True, slots=True)
class Entity:
    """One thing found in a message, with character offsets into the original text.

    ``value`` is the normalised form (``+31612345678`` for ``06-12345678``, ``3511 AB`` for
    ``3511ab``, an ISO 8601 string for a date); ``text`` is the exact slice ``text[start:end]``.
    """

    type: str
    value: Any
    text: str
    start: int
    end: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "value": self.value,
            "text": self.text,
            "start": self.start,
            "end": self.end,
        }


@dataclass(frozen=True, slots=True)
class IntentScore:
    name: str
    confidence: float

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "confidence": round(self.confidence, 4)}


@dataclass(frozen=True, slots=True)
class Sentiment:
    """``score`` in [-1, 1]; ``label`` is ``negative``, ``neutral`` or ``positive``."""

    score: float
    label: str

    def as_dict(self) -> dict[str, Any]:
        return {"score": round(self.score, 3), "label": self.label}


@dataclass(frozen=True, slots=True)
class SensitiveSignal:
    """A sign that a person should handle this: ``bereavement``, ``legal_threat``,
    ``distress``, ``vulnerability`` or ``financial_hardship``; ``cue`` is the words that showed it.
    """

    kind: str
    cue: str

    def as_dict(self) -> dict[str, Any]:
        return {"type": self.kind, "cue": self.cue}


@dataclass(frozen=True, slots=True)
class ParseResult:
    text: str
    language: str
    intent: IntentScore
    ranking: tuple[IntentScore, ...]
    entities: tuple[Entity, ...]
    sentiment: Sentiment
    frustration: float
    sensitive: tuple[SensitiveSignal, ...]
    signals: dict[str, Any] = field(default_factory=dict)

    @property
    def is_out_of_scope(self) -> bool:
        return self.intent.name == OUT_OF_SCOPE

    def entity(self, type_: str) -> Entity | None:
        return next((e for e in self.entities if e.type == type_), None)

    def as_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "language": self.language,
            "intent": self.intent.as_dict(),
            "ranking": [r.as_dict() for r in self.ranking],
            "entities": [e.as_dict() for e in self.entities],
            "sentiment": self.sentiment.as_dict(),
            "frustration": round(self.frustration, 3),
            "sensitive": [s.as_dict() for s in self.sensitive],
        }
