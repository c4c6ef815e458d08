"""Corrections in SQL: written by the console, read by ``samen train``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from samen.nlu.training_data import Example, TrainingData
from samen.storage import tables as t


@dataclass(frozen=True, slots=True)
class Correction:
    id: str
    conversation_id: str
    message_id: str | None
    kind: str
    text: str
    language: str | None
    understood: str | None
    corrected: str | None
    comment: str | None
    agent_id: str | None
    status: str
    created_at: datetime


class SqlCorrections:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def add(self, correction: Correction) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(insert(t.corrections).values(**_row(correction)))

    async def list(self, status: str | None = None, limit: int = 200) -> list[Correction]:
        query = select(t.corrections).order_by(t.corrections.c.created_at.desc()).limit(limit)
        if status:
            query = query.where(t.corrections.c.status == status)
        async with self.engine.connect() as conn:
            return [Correction(**dict(row._mapping)) for row in await conn.execute(query)]

    async def review(self, correction_id: str, status: str) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(
                update(t.corrections)
                .where(t.corrections.c.id == correction_id)
                .values(status=status)
            )

    async def training_data(self) -> TrainingData:
        """Intent corrections not rejected by a supervisor, as training examples."""
        query = select(t.corrections).where(
            (t.corrections.c.kind == "intent") & (t.corrections.c.status != "rejected")
        )
        async with self.engine.connect() as conn:
            rows = list(await conn.execute(query))
        examples = [Example(row.text, row.corrected, row.language) for row in rows if row.corrected]
        return TrainingData(examples, sources=["corrections"] if examples else [])


def _row(c: Correction) -> dict[str, Any]:
    return {k: getattr(c, k) for k in Correction.__dataclass_fields__}
