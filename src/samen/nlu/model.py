"""A trained understanding model: the intent classifier plus what the data taught about entities."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from samen.nlu.intents import IntentClassifier
from samen.nlu.models import Entity


@dataclass
class Gazetteer:
    """Entity values annotated in training data (Rasa ``[Glas 1000](plan)``), found again in text.

    Synonyms map what customers write to the value a backend understands.
    """

    entries: dict[str, tuple[str, str]] = field(
        default_factory=dict
    )  # lowered text → (type, value)
    _pattern: re.Pattern[str] | None = field(default=None, repr=False)

    def add(self, entity_type: str, text: str, value: str) -> None:
        if len(text.strip()) >= 2:
            self.entries[text.strip().lower()] = (entity_type, value)
            self._pattern = None

    def find(self, text: str) -> list[Entity]:
        if not self.entries:
            return []
        if self._pattern is None:
            alternatives = sorted(self.entries, key=len, reverse=True)
            self._pattern = re.compile(
                r"(?<!\w)(" + "|".join(re.escape(a) for a in alternatives) + r")(?!\w)",
                re.IGNORECASE,
            )
        found = []
        for match in self._pattern.finditer(text):
            entity_type, value = self.entries[match.group(0).lower()]
            found.append(Entity(entity_type, value, match.group(0), match.start(), match.end()))
        return found


@dataclass
class NluModel:
    classifier: IntentClassifier
    gazetteer: Gazetteer
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def version(self) -> str:
        return str(self.meta.get("version", "unversioned"))
