"""``SqlCustomerRecords``: the ``CustomerRecords`` port (conversations/privacy.py) in SQL.

Which tables hold a customer's data, and why the others do not, is written down in
``samen.conversations.privacy``. Rows are found the same way for the export and the erasure
(``_Selection``), so what an export shows is what an erasure deletes.
"""

from __future__ import annotations

import base64
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, delete, func, or_, select, union
from sqlalchemy.ext.asyncio import AsyncConnection

from samen.channels.identity import normalise_phone
from samen.conversations.models import CustomerId, Identity
from samen.conversations.privacy import ERASED_KINDS
from samen.storage import tables as t
from samen.storage.mail import email_deliveries, email_inbox
from samen.storage.repositories import SqlStore
from samen.storage.voicemails import voicemails


class _DryRun(Exception):
    """Raised inside the erasing transaction to roll it back after counting."""

    def __init__(self, counts: dict[str, int]) -> None:
        super().__init__("dry run")
        self.counts = counts


@dataclass(frozen=True, slots=True)
class _Selection:
    """Where-clauses for each table's rows of one customer."""

    customer_id: str
    emails: list[str]
    voicemail_ids: list[str]

    @property
    def conversation_ids(self) -> Select[Any]:
        c = t.conversations.c
        return select(c.id).where(c.customer_id == self.customer_id)

    def of(self, kind: str) -> ColumnElement[bool]:
        in_theirs = self.conversation_ids
        if kind == "customers":
            return t.customers.c.id == self.customer_id
        if kind == "identities":
            return t.identities.c.customer_id == self.customer_id
        if kind == "conversations":
            return t.conversations.c.customer_id == self.customer_id
        if kind == "conversation_refs":
            return t.conversation_refs.c.conversation_id.in_(in_theirs)
        if kind == "messages":
            return t.messages.c.conversation_id.in_(in_theirs)
        if kind == "events":
            e = t.events.c
            return or_(e.conversation_id.in_(in_theirs), e.customer_id == self.customer_id)
        if kind == "corrections":
            k, m = t.corrections.c, t.messages.c
            their_messages = select(m.id).where(m.conversation_id.in_(in_theirs))
            return or_(k.conversation_id.in_(in_theirs), k.message_id.in_(their_messages))
        if kind == "email_inbox":
            i = email_inbox.c
            return or_(i.conversation_id.in_(in_theirs), func.lower(i.sender).in_(self.emails))
        if kind == "email_deliveries":
            d = email_deliveries.c
            return or_(d.conversation_id.in_(in_theirs), func.lower(d.recipient).in_(self.emails))
        if kind == "voicemails":
            return voicemails.c.id.in_(self.voicemail_ids)
        raise ValueError(f"unknown kind of row: {kind}")


TABLES = {
    "customers": t.customers,
    "identities": t.identities,
    "conversations": t.conversations,
    "conversation_refs": t.conversation_refs,
    "messages": t.messages,
    "events": t.events,
    "corrections": t.corrections,
    "email_inbox": email_inbox,
    "email_deliveries": email_deliveries,
    "voicemails": voicemails,
}


class SqlCustomerRecords:
    def __init__(self, store: SqlStore) -> None:
        self.store = store

    async def find(self, key: str, identities: Sequence[Identity]) -> list[CustomerId]:
        c, i = t.customers.c, t.identities.c
        wanted = [i.value == key, *((i.kind == x.kind) & (i.value == x.value) for x in identities)]
        query = union(select(c.id).where(c.id == key), select(i.customer_id).where(or_(*wanted)))
        async with self.store.reading() as tx:
            return sorted(CustomerId(row[0]) for row in await tx.conn.execute(query))

    async def export(self, customer_id: CustomerId, *, include_raw: bool) -> dict[str, Any] | None:
        async with self.store.engine.connect() as conn:
            if conn.dialect.name == "postgresql":  # one snapshot for every read below
                conn = await conn.execution_options(isolation_level="REPEATABLE READ")
            async with conn.begin():
                return await _export(conn, customer_id, include_raw)

    async def erase(
        self, customer_id: CustomerId, *, dry_run: bool = False
    ) -> dict[str, int] | None:
        try:
            async with self.store.transaction() as tx:
                counts = await _erase(tx.conn, customer_id)
                if counts is not None and dry_run:
                    raise _DryRun(counts)
                return counts
        except _DryRun as rolled_back:
            return rolled_back.counts


async def _select(conn: AsyncConnection, customer_id: str) -> _Selection:
    i = t.identities.c
    rows = list(await conn.execute(select(i.kind, i.value).where(i.customer_id == customer_id)))
    emails = sorted({value.lower() for kind, value in rows if kind == "email"})
    phones = {value for kind, value in rows if kind == "phone"}
    # A voicemail never put in a conversation is theirs by its caller's number, normalised as
    # the voice channel normalises it (Twilio's caller field is not always E.164).
    v = voicemails.c
    theirs = _Selection(customer_id, emails, []).conversation_ids
    candidates = await conn.execute(
        select(v.id, v.caller, v.conversation_id).where(
            v.conversation_id.in_(theirs) | v.conversation_id.is_(None)
        )
    )
    ids = [
        row.id
        for row in candidates
        if row.conversation_id is not None or (row.caller and normalise_phone(row.caller) in phones)
    ]
    return _Selection(customer_id, emails, ids)


async def _erase(conn: AsyncConnection, customer_id: str) -> dict[str, int] | None:
    # Lock the customer and their conversations first: a conversation being started or a
    # message being added for them waits, and then finds them gone, instead of leaving a
    # row behind that this erasure did not see.
    c = t.conversations.c
    customer = select(t.customers.c.id).where(t.customers.c.id == customer_id).with_for_update()
    if (await conn.execute(customer)).first() is None:
        return None
    await conn.execute(select(c.id).where(c.customer_id == customer_id).with_for_update())
    selection = await _select(conn, customer_id)
    counts = {}
    for kind in ERASED_KINDS:  # children first, so no count depends on ON DELETE CASCADE
        result = await conn.execute(delete(TABLES[kind]).where(selection.of(kind)))
        counts[kind] = result.rowcount
    return counts


async def _export(conn: AsyncConnection, customer_id: str, raw: bool) -> dict[str, Any] | None:
    found = await _all(conn, select(t.customers).where(t.customers.c.id == customer_id))
    if not found:
        return None
    s = await _select(conn, customer_id)
    customer = found[0]
    customer["identities"] = await _all(
        conn,
        select(t.identities.c.kind, t.identities.c.value)
        .where(s.of("identities"))
        .order_by(t.identities.c.id),
    )
    conversations, other_events = await _conversations(conn, s)
    return {
        "customer": customer,
        "conversations": conversations,
        "events_outside_their_conversations": other_events,
        "corrections": await _all(
            conn, select(t.corrections).where(s.of("corrections")).order_by("created_at")
        ),
        "emails_received": [
            _original(row, "raw", raw)
            for row in await _all(
                conn, select(email_inbox).where(s.of("email_inbox")).order_by("received_at")
            )
        ],
        "emails_sent": [
            _original(row, "raw", raw)
            for row in await _all(
                conn,
                select(email_deliveries).where(s.of("email_deliveries")).order_by("created_at"),
            )
        ],
        "voicemails": [
            _original(row, "audio", raw)
            for row in await _all(
                conn, select(voicemails).where(s.of("voicemails")).order_by("received_at")
            )
        ],
    }


async def _conversations(
    conn: AsyncConnection, s: _Selection
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Their conversations, each with its references, messages and events; and the events
    about them in no conversation of theirs (none, unless written by hand)."""
    query = select(t.conversations).where(s.of("conversations")).order_by("created_at")
    conversations = await _all(conn, query)
    refs: dict[str, list[dict[str, Any]]] = defaultdict(list)
    messages: dict[str, list[dict[str, Any]]] = defaultdict(list)
    events: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for ref in await _all(conn, select(t.conversation_refs).where(s.of("conversation_refs"))):
        refs[ref.pop("conversation_id")].append({"kind": ref["kind"], "value": ref["value"]})
    m, e = t.messages.c, t.events.c
    for message in await _all(conn, select(t.messages).where(s.of("messages")).order_by(m.seq)):
        messages[message.pop("conversation_id")].append(message)
    query = select(t.events).where(s.of("events")).order_by(e.created_at, e.id)
    for event in await _all(conn, query):
        event.pop("customer_id")
        events[event.pop("conversation_id")].append(event)
    for conversation in conversations:
        conversation.pop("token_hash")  # a hash of their secret: means nothing to them
        conversation.pop("customer_id")
        cid = conversation["id"]
        conversation.update(
            references=refs[cid], messages=messages[cid], events=events.pop(cid, [])
        )
    others = [{"conversation_id": cid, **event} for cid, found in events.items() for event in found]
    return conversations, others


def _original(row: dict[str, Any], column: str, include: bool) -> dict[str, Any]:
    """A row with its original bytes as base64, or only their size."""
    value = row.pop(column)
    data = value.encode("utf-8") if isinstance(value, str) else bytes(value)
    row["size"] = len(data)
    if include:
        row[f"{column}_base64"] = base64.b64encode(data).decode("ascii")
    return row


async def _all(conn: AsyncConnection, query: Any) -> list[dict[str, Any]]:
    return [
        {key: _plain(value) for key, value in row._mapping.items()}
        for row in await conn.execute(query)
    ]


def _plain(value: Any) -> Any:
    """JSON-ready: times as ISO 8601 (UTC, with the zone), bytes left for ``_original``."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value
