"""The e-mail channel's tables and ``SqlMailLog`` (the ``MailLog`` port of channels/email).

The tables live on the shared ``tables.metadata``; migration 0004 creates them (0009 adds
``email_inbox.claimed_at``, 0010 ``email_inbox.source_key``). Writes run
inside ``SqlStore`` transactions, so on SQLite they take turns with conversation writes.
"""

from __future__ import annotations

from collections.abc import Sequence
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
    func,
    insert,
    select,
    update,
)

from samen.channels.email.ports import Delivery, InboxEntry
from samen.channels.leftovers import Unfinished
from samen.storage import claims
from samen.storage.repositories import SqlStore
from samen.storage.tables import UtcDateTime, insert_once, metadata

email_inbox = Table(
    "email_inbox",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("received_at", UtcDateTime, nullable=False),
    Column("source", String(10), nullable=False),
    Column("envelope_from", String(320)),
    Column("recipients", JSON, nullable=False, default=list),
    Column("sender", String(320)),
    Column("message_id", String(500)),
    Column("size", Integer, nullable=False),
    Column("raw", LargeBinary, nullable=False),
    Column("status", String(12), nullable=False),
    Column("conversation_id", String(32)),
    Column("samen_message_id", String(32)),
    Column("error", Text),
    Column("claimed_at", UtcDateTime),  # since when a process holds it (while "received")
    Column("source_key", String(100)),  # IMAP: the mail's UID and digest (NULL from SMTP)
    Index("ix_email_inbox_sender", "sender", "received_at"),
    Index("ix_email_inbox_status", "status", "received_at"),
    Index("ux_email_inbox_source_key", "source_key", unique=True),
)

email_deliveries = Table(
    "email_deliveries",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("conversation_id", String(32), nullable=False),
    Column("message_ids", JSON, nullable=False, default=list),
    Column("message_id", String(500), nullable=False),
    Column("recipient", String(320), nullable=False),
    Column("subject", String(300), nullable=False),
    Column("raw", Text, nullable=False),
    Column("status", String(12), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", Text),
    Column("next_attempt_at", UtcDateTime),
    Column("created_at", UtcDateTime, nullable=False),
    Column("sent_at", UtcDateTime),
    Index("ix_email_deliveries_due", "status", "next_attempt_at"),
    Index("ix_email_deliveries_conversation", "conversation_id", "created_at"),
)

# A mail whose source_key is stored already (another process read it too) is not stored again:
# the unique index answers in the insert itself. Rows without a key (SMTP) never conflict.
_INSERT_INBOUND = insert_once(email_inbox, ["source_key"])

_ENTRY_UPDATES = ("sender", "message_id", "status", "conversation_id", "samen_message_id", "error")
_DELIVERY_UPDATES = ("status", "attempts", "last_error", "next_attempt_at", "sent_at")


class SqlMailLog:
    def __init__(self, store: SqlStore) -> None:
        self.store = store

    async def _rows(self, statement: Any) -> list[Any]:
        async with self.store.transaction() as tx:
            return list(await tx.conn.execute(statement))

    async def _run(self, statement: Any) -> None:
        async with self.store.transaction() as tx:
            await tx.conn.execute(statement)

    # received mail --------------------------------------------------------------------------
    async def add_inbound(self, entry: InboxEntry) -> bool:
        values = {k: getattr(entry, k) for k in InboxEntry.__dataclass_fields__}
        async with self.store.transaction() as tx:
            result = await tx.conn.execute(
                _INSERT_INBOUND[tx.conn.dialect.name].values(
                    **values, size=len(entry.raw), claimed_at=entry.received_at
                )
            )
        return bool(result.rowcount)

    async def update_inbound(self, entry: InboxEntry) -> bool:
        c = email_inbox.c
        values = {k: getattr(entry, k) for k in _ENTRY_UPDATES}
        values["error"] = (entry.error or "")[:4000] or None
        async with self.store.transaction() as tx:
            result = await tx.conn.execute(
                update(email_inbox)
                .where((c.id == entry.id) & (c.status == "received"))
                .values(**values)
            )
        return bool(result.rowcount)

    async def unfinished_inbound(self, received_before: datetime) -> list[Unfinished]:
        rows = await self._rows(claims.left_before(email_inbox, received_before))
        return [Unfinished(row.id, row.claimed_at) for row in rows]

    async def claim_inbound(
        self, entry_id: str, held_before: datetime, now: datetime
    ) -> InboxEntry | None:
        async with self.store.transaction() as tx:
            result = await tx.conn.execute(claims.claim(email_inbox, entry_id, held_before, now))
        return await self.get_inbound(entry_id) if result.rowcount == 1 else None

    async def get_inbound(self, entry_id: str) -> InboxEntry | None:
        rows = await self._rows(select(email_inbox).where(email_inbox.c.id == entry_id))
        return _entry(rows[0]) if rows else None

    async def inbound_with_status(self, status: str, limit: int = 100) -> list[InboxEntry]:
        c = email_inbox.c
        query = select(email_inbox).where(c.status == status).order_by(c.received_at).limit(limit)
        return [_entry(row) for row in await self._rows(query)]

    async def count_inbound_from(self, sender: str, since: datetime) -> int:
        c = email_inbox.c
        rows = await self._rows(
            select(func.count()).where((c.sender == sender) & (c.received_at >= since))
        )
        return int(rows[0][0])

    # sent mail ------------------------------------------------------------------------------
    async def add_delivery(self, delivery: Delivery) -> None:
        values = {k: getattr(delivery, k) for k in Delivery.__dataclass_fields__}
        await self._run(insert(email_deliveries).values(**values))

    async def update_delivery(self, delivery: Delivery) -> None:
        values = {k: getattr(delivery, k) for k in _DELIVERY_UPDATES}
        await self._run(
            update(email_deliveries).where(email_deliveries.c.id == delivery.id).values(**values)
        )

    async def due_deliveries(self, now: datetime, limit: int = 50) -> list[Delivery]:
        c = email_deliveries.c
        query = (
            select(email_deliveries)
            .where((c.status == "retrying") & (c.next_attempt_at <= now))
            .order_by(c.next_attempt_at)
            .limit(limit)
        )
        return [_delivery(row) for row in await self._rows(query)]

    async def claim_delivery(self, delivery_id: str, now: datetime, until: datetime) -> bool:
        c = email_deliveries.c
        async with self.store.transaction() as tx:
            result = await tx.conn.execute(
                update(email_deliveries)
                .where(
                    (c.id == delivery_id) & (c.status == "retrying") & (c.next_attempt_at <= now)
                )
                .values(next_attempt_at=until)
            )
        return bool(result.rowcount)

    async def deliveries(
        self,
        *,
        conversation_id: str | None = None,
        statuses: Sequence[str] | None = None,
        limit: int = 100,
    ) -> list[Delivery]:
        c = email_deliveries.c
        query = select(email_deliveries).order_by(c.created_at.desc()).limit(limit)
        if conversation_id is not None:
            query = query.where(c.conversation_id == conversation_id)
        if statuses is not None:
            query = query.where(c.status.in_(list(statuses)))
        return [_delivery(row) for row in await self._rows(query)]


def _entry(row: Any) -> InboxEntry:
    values = dict(row._mapping)
    values.pop("size")
    values.pop("claimed_at")
    values["raw"] = bytes(values["raw"])
    return InboxEntry(**values)


def _delivery(row: Any) -> Delivery:
    return Delivery(**dict(row._mapping))
