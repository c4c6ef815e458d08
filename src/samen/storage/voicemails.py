"""The voicemail recordings table and ``SqlVoicemails`` (the ``Voicemails`` port of
channels/voice). The table lives on the shared ``tables.metadata``; migrations 0007 and 0008
create it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
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

from samen.channels.leftovers import Unfinished
from samen.channels.voice.ports import Recording, Unplaced
from samen.storage import claims
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
    Column("fields", JSON),  # [[name, value], ...] as uploaded; NULL before migration 0008
    Column("claimed_at", UtcDateTime),  # since when a process holds it (while "received")
    Index("ix_voicemails_status", "status", "received_at"),
    Index("ix_voicemails_conversation", "conversation_id"),
)

_UPDATES = ("status", "conversation_id", "message_id")


class SqlVoicemails:
    def __init__(self, store: SqlStore) -> None:
        self.store = store

    async def add(self, recording: Recording) -> None:
        values = {k: getattr(recording, k) for k in Recording.__dataclass_fields__}
        values.update(_summary(recording))
        values["fields"] = [list(pair) for pair in recording.fields]
        values["filename"] = recording.filename[:255]
        values["content_type"] = recording.content_type[:100]
        async with self.store.transaction() as tx:
            await tx.conn.execute(
                insert(voicemails).values(
                    **values, size=len(recording.audio), claimed_at=recording.received_at
                )
            )

    async def update(self, recording: Recording) -> bool:
        values = {k: getattr(recording, k) for k in _UPDATES}
        values.update(_summary(recording))
        values["error"] = (recording.error or "")[:4000] or None
        async with self.store.transaction() as tx:
            result = await tx.conn.execute(
                update(voicemails)
                .where((voicemails.c.id == recording.id) & (voicemails.c.status == "received"))
                .values(**values)
            )
        return bool(result.rowcount)

    async def get(self, recording_id: str) -> Recording | None:
        async with self.store.reading() as tx:
            rows = list(
                await tx.conn.execute(select(voicemails).where(voicemails.c.id == recording_id))
            )
        return _recording(rows[0]) if rows else None

    async def unplaced(self, limit: int = 100) -> list[Unplaced]:
        v = voicemails.c
        query = (
            select(v.id, v.received_at, v.status, v.caller, v.language, v.fields, v.error, v.size)
            .where(v.conversation_id.is_(None))
            .order_by(v.received_at.desc(), v.id)
            .limit(limit)
        )
        async with self.store.reading() as tx:
            rows = list(await tx.conn.execute(query))
        return [
            Unplaced(r.id, r.received_at, r.status, r.caller, _fields(r), r.error, r.size)
            for r in rows
        ]

    async def unfinished(self, received_before: datetime) -> list[Unfinished]:
        async with self.store.reading() as tx:
            rows = await tx.conn.execute(claims.left_before(voicemails, received_before))
            return [Unfinished(row.id, row.claimed_at) for row in rows]

    async def claim(
        self, recording_id: str, held_before: datetime, now: datetime
    ) -> Recording | None:
        async with self.store.transaction() as tx:
            result = await tx.conn.execute(claims.claim(voicemails, recording_id, held_before, now))
        return await self.get(recording_id) if result.rowcount == 1 else None


def _summary(recording: Recording) -> dict[str, str]:
    """Caller and language as the columns hold them (a refused upload's may be longer: its
    ``fields`` keep them whole)."""
    return {"caller": recording.caller[:40], "language": recording.language[:8]}


def _recording(row: Any) -> Recording:
    values = dict(row._mapping)
    values.pop("size")
    values.pop("claimed_at")
    values["audio"] = bytes(values["audio"])
    values["fields"] = _fields(row)
    return Recording(**values)


def _fields(row: Any) -> list[tuple[str, str]]:
    fields = row.fields
    if fields is None:  # stored before the fields were kept: the two there were, checked then
        fields = [["from", row.caller], ["language", row.language]]
    return [(str(name), str(value)) for name, value in fields]
