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


# Messages that reach every part loaded on first use (dateparser's languages and time zones,
# both sentiment lexicons, the lemma dictionaries, phone numbers, amounts, sensitive cues), so
# that the first customers after a start do not wait for them.
WARM_UP_MESSAGES = (
    "Hoi, m'n factuur van €45,50 klopt echt niet!! Kan iemand volgende week dinsdag om 14:00 "
    "bellen op 06-12345678? Mijn vader is overleden en ik zit krap bij kas.",
    "Ik wil op 3 december om 10 uur een afspraak, of morgen of 12-01-2027.",
    "Can we meet on 3 December at 10 am, or tomorrow, or on 01/12/2027?",
    "Hi, my order ORD-2026-004512 still hasn't arrived, I've called three times already. "
    "Could you call me next Friday at 3pm CET on +31 20 123 4567? I'll take legal action.",
)


def warm_up(understanding: Understanding) -> None:
    understanding.parse_many(WARM_UP_MESSAGES)


def corrections_data(settings: Settings) -> TrainingData:
    """Agents' corrections stored in the database, as training examples."""
    import asyncio

    from samen.agents.corrections import load_corrections

    return asyncio.run(load_corrections(settings))
