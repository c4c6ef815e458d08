"""The voicemail recordings table and ``SqlVoicemails`` (the ``Voicemails`` port of
channels/voice). The table lives on the shared ``tables.metadata``; migration 0007 creates it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Column,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    insert,
    select,
    update,
)

from samen.channels.voice.ports import Recording
from samen.storage.repositories import SqlStore
from samen.storage.tables import UtcDateTime, metadata

voicemails = Table(
    "voicemails",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("received_at", UtcDateTime, nullable=False),
    Column("caller", String(40), nullable=False),
    Column("language", String(8), nullable=False),
    Column("filename", String(255), nullable=False),
    Column("content_type", String(100), nullable=False),
    Column("size", Integer, nullable=False),
    Column("audio", LargeBinary, nullable=False),
    Column("status", String(12), nullable=False),
    Column("conversation_id", String(32)),
    Column("message_id", String(32)),
    Column("error", Text),
    Index("ix_voicemails_status", "status", "received_at"),
    Index("ix_voicemails_conversation", "conversation_id"),
)

_UPDATES = ("status", "conversation_id", "message_id", "error")


class SqlVoicemails:
    def __init__(self, store: SqlStore) -> None:
        self.store = store

    async def add(self, recording: Recording) -> None:
        values = {k: getattr(recording, k) for k in Recording.__dataclass_fields__}
        values["filename"] = recording.filename[:255]
        values["content_type"] = recording.content_type[:100]
        async with self.store.transaction() as tx:
            await tx.conn.execute(insert(voicemails).values(**values, size=len(recording.audio)))

    async def update(self, recording: Recording) -> None:
        values = {k: getattr(recording, k) for k in _UPDATES}
        values["error"] = (recording.error or "")[:4000] or None
        async with self.store.transaction() as tx:
            await tx.conn.execute(
                update(voicemails).where(voicemails.c.id == recording.id).values(**values)
            )

    async def get(self, recording_id: str) -> Recording | None:
        async with self.store.reading() as tx:
            rows = list(
                await tx.conn.execute(select(voicemails).where(voicemails.c.id == recording_id))
            )
        return _recording(rows[0]) if rows else None


def _recording(row: Any) -> Recording:
    values = dict(row._mapping)
    values.pop("size")
    values["audio"] = bytes(values["audio"])
    return Recording(**values)
