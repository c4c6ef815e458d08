"""Building the understanding pipeline from settings: the model store, detector, clock."""

from __future__ import annotations

from samen.clock import Clock, SystemClock
from samen.nlu.language import LanguageDetector
from samen.nlu.pipeline import Understanding
from samen.nlu.store import ModelStore
from samen.nlu.training_data import TrainingData
from samen.settings import Settings


def model_store(settings: Settings) -> ModelStore:
    return ModelStore(settings.effective_models_dir)


def build_understanding(
    settings: Settings,
    store: ModelStore | None = None,
    clock: Clock | None = None,
    languages: tuple[str, ...] = ("nl", "en"),
) -> Understanding:
    store = store or model_store(settings)
    return Understanding(store.current, LanguageDetector(languages), clock or SystemClock())


def corrections_data(settings: Settings) -> TrainingData:
    """Agents' corrections stored in the database, as training examples."""
    import asyncio

    from samen.agents.corrections import load_corrections

    return asyncio.run(load_corrections(settings))
