"""Turn training data into a stored, versioned ``NluModel``."""

from __future__ import annotations

import time
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from samen.nlu.embeddings import Encoder
from samen.nlu.intents import IntentClassifier, IntentModelConfig, Progress
from samen.nlu.model import Gazetteer, NluModel
from samen.nlu.training_data import TrainingData


def train_model(
    data: TrainingData,
    encoder: Encoder,
    *,
    tune: TrainingData | None = None,
    config: IntentModelConfig | None = None,
    progress: Progress | None = None,
) -> NluModel:
    started = time.perf_counter()
    classifier = IntentClassifier(encoder, config)
    classifier.fit(
        data.texts(),
        data.labels(),
        languages=[e.language for e in data.examples],
        tune=(tune.texts(), tune.labels()) if tune is not None else None,
        progress=progress,
    )
    gazetteer = Gazetteer()
    for example in data.examples:
        for annotation in example.entities:
            value = data.synonyms.get(annotation.text.lower(), annotation.value)
            gazetteer.add(annotation.type, annotation.text, value)
    meta: dict[str, Any] = {
        "created_at": datetime.now(UTC).isoformat(),
        "data_hash": data.digest(),
        "sources": data.sources,
        "examples": len(data.examples),
        "intents": dict(sorted(data.counts().items())),
        "languages": sorted({e.language for e in data.examples if e.language}),
        "config": asdict(classifier.config),
        "calibration": {
            "temperature": classifier.calibration.temperature,
            "oos_threshold": classifier.calibration.threshold,
            "held_out": classifier.calibration.held_out,
        },
        "training_seconds": round(time.perf_counter() - started, 1),
    }
    return NluModel(classifier, gazetteer, meta)
