"""``Understanding.parse(text, context)``: everything the bot, router and assistant act on.

>>> understanding.parse("Mijn man is overleden, hoe zeg ik zijn abonnement op?").sensitive[0].kind
'bereavement'
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from samen.clock import Clock
from samen.errors import SamenError
from samen.nlu.entities import extract_entities
from samen.nlu.language import LanguageDetector
from samen.nlu.model import NluModel
from samen.nlu.models import OUT_OF_SCOPE, Entity, IntentScore, ParseResult
from samen.nlu.sensitive import detect_sensitive
from samen.nlu.sentiment import (
    conversation_trend,
    frustration_of,
    frustration_signals,
    score_sentiment,
)


class NoModel(SamenError):
    code = "no_model"
    http_status = 503

    def __init__(self) -> None:
        super().__init__(message="No understanding model is trained yet: run `samen train`.")


@dataclass(frozen=True, slots=True)
class ParseContext:
    """What the conversation knows already: its language, and the customer's earlier frustration."""

    language: str | None = None
    now: datetime | None = None
    earlier_frustration: Sequence[float] = field(default_factory=tuple)


class Understanding:
    def __init__(
        self,
        model: Callable[[], NluModel | None],
        detector: LanguageDetector,
        clock: Clock,
    ) -> None:
        self._model = model
        self.detector = detector
        self.clock = clock

    @property
    def model(self) -> NluModel:
        model = self._model()
        if model is None:
            raise NoModel()
        return model

    def parse(self, text: str, context: ParseContext | None = None) -> ParseResult:
        return self.parse_many([text], [context] if context else None)[0]

    def parse_many(
        self, texts: Sequence[str], contexts: Sequence[ParseContext | None] | None = None
    ) -> list[ParseResult]:
        """Parse a batch: the sentence encoder and classifier run once for all of them."""
        model = self.model
        contexts = contexts or [None] * len(texts)
        vectors = model.classifier.embed(texts)
        ranked = model.classifier.rank(texts, vectors)
        sentence_vectors = model.classifier.sentence_vectors(vectors)
        return [
            self._result(model, text, context or ParseContext(), best, ranking, vector)
            for text, context, (best, ranking), vector in zip(
                texts, contexts, ranked, sentence_vectors, strict=True
            )
        ]

    def _result(
        self,
        model: NluModel,
        text: str,
        context: ParseContext,
        best: IntentScore,
        ranking: tuple[IntentScore, ...],
        vector: np.ndarray,
    ) -> ParseResult:
        language = self.detector.detect(text, hint=context.language)
        now = context.now or self.clock.now()
        sentiment = score_sentiment(text, language)
        signals = frustration_signals(text, sentiment)
        frustration = frustration_of(signals, sentiment)
        trend = conversation_trend([*context.earlier_frustration, frustration])
        if language not in self.detector.preferred and best.name != OUT_OF_SCOPE:
            # A language we were not trained on: the ranking is a guess, and we say so.
            best = IntentScore(best.name, best.confidence * 0.5)
        return ParseResult(
            text=text,
            language=language,
            intent=best,
            ranking=ranking,
            entities=tuple(
                _merge(extract_entities(text, language, now), model.gazetteer.find(text))
            ),
            sentiment=sentiment,
            frustration=frustration,
            sensitive=tuple(detect_sensitive(text, language)),
            signals={
                "frustration": signals,
                "trend": {
                    "mean": round(trend.mean, 3),
                    "slope": round(trend.slope, 3),
                    "escalating": trend.escalating,
                },
                "model_version": model.version,
                "vector": vector,
            },
        )


def _merge(builtin: list[Entity], learned: list[Entity]) -> list[Entity]:
    taken = [(e.start, e.end) for e in builtin]
    extra = [e for e in learned if all(e.end <= s or e.start >= t for s, t in taken)]
    return sorted([*builtin, *extra], key=lambda e: e.start)
