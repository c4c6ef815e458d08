"""Agents' corrections of the bot, as training examples for the next model."""

from __future__ import annotations

from samen.nlu.training_data import TrainingData
from samen.settings import Settings


async def load_corrections(settings: Settings) -> TrainingData:
    """Every intent correction agents made, as examples (none until agents have corrected)."""
    from samen.storage.corrections import SqlCorrections
    from samen.storage.database import create_engine, upgrade

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = create_engine(settings.effective_database_url)
    try:
        await upgrade(engine)
        return await SqlCorrections(engine).training_data()
    finally:
        await engine.dispose()
