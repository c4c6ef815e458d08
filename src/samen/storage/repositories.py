"""``SqlStore``: the conversation storage port on SQLAlchemy Core (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import datetime
from operator import itemgetter
from typing import Any, TypeVar

from sqlalchemy import (
    Insert,
    and_,
    bindparam,
    func,
    insert,
    literal,
    null,
    select,
    type_coerce,
    union_all,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from samen.conversations.models import (
    Conversation,
    ConversationId,
    Customer,
    CustomerId,
    Event,
    EventId,
    Identity,
    Message,
    MessageId,
    Priority,
    Sender,
    State,
)
from samen.conversations.ports import QueueStatistics
from samen.storage import tables as t

# The statements of every message, built once: building one (and its cache key) costs more
# than running it.
_CUSTOMER = (
    select(t.customers, t.identities.c.kind, t.identities.c.value)
    .outerjoin(t.identities, t.identities.c.customer_id == t.customers.c.id)
    .where(t.customers.c.id == bindparam("wanted_id"))
    .order_by(t.identities.c.id)
)
_CONVERSATION = select(t.conversations).where(t.conversations.c.id == bindparam("wanted_id"))
_CONVERSATION_FOR_UPDATE = _CONVERSATION.with_for_update()
# A conversation with its customer and their identities (a row per identity, at least one).
_CONVERSATION_AND_CUSTOMER = (
    select(
        t.conversations,
        t.customers.c.name.label("customer_name"),
        t.customers.c.profile.label("customer_profile"),
        t.customers.c.created_at.label("customer_created_at"),
        t.identities.c.kind.label("identity_kind"),
        t.identities.c.value.label("identity_value"),
    )
    .join(t.customers, t.customers.c.id == t.conversations.c.customer_id)
    .outerjoin(t.identities, t.identities.c.customer_id == t.customers.c.id)
    .where(t.conversations.c.id == bindparam("wanted_id"))
    .order_by(t.identities.c.id)
)
_CONVERSATION_AND_CUSTOMER_FOR_UPDATE = _CONVERSATION_AND_CUSTOMER.with_for_update(
    of=t.conversations
)
# A customer's conversations as earlier contacts: without the context, the largest column and
# one a routing decision about another conversation never reads.
_CONTACTS = (
    select(*(c for c in t.conversations.c if c.name != "context"))
    .where(t.conversations.c.customer_id == bindparam("customer_id"))
    .order_by(t.conversations.c.created_at.desc())
    .limit(bindparam("most_contacts"))
)
_LATEST_MESSAGES = (
    select(t.messages)
    .where(t.messages.c.conversation_id == bindparam("conversation_id"))
    .order_by(t.messages.c.seq.desc())
    .limit(bindparam("most_messages"))
)


def _history_and_contacts() -> Any:
    """A conversation's latest messages (``_LATEST_MESSAGES``) and its customer's conversations
    (``_CONTACTS``), in one statement: a row per message or contact, the other's columns NULL (typed, so each
    column is read back as its own)."""
    latest, contacts = _LATEST_MESSAGES.subquery(), _CONTACTS.subquery()
    both = [*(("m_", c) for c in latest.c), *(("c_", c) for c in contacts.c)]

    def row(kind: str, source: Any) -> Any:
        return select(
            literal(kind).label("row_kind"),
            *(
                (column if column.table is source else type_coerce(null(), column.type)).label(
                    prefix + column.name
                )
                for prefix, column in both
            ),
        ).select_from(source)

    return union_all(row("message", latest), row("contact", contacts))


_SAVE_CONVERSATION = (
    update(t.conversations)
    .where(t.conversations.c.id == bindparam("wanted_id"))
    .values(revision=t.conversations.c.revision + 1)
)
_SAVE_CONVERSATION_IF_UNCHANGED = _SAVE_CONVERSATION.where(
    t.conversations.c.revision == bindparam("seen_revision")
)
_UPDATE_MESSAGE = update(t.messages).where(t.messages.c.id == bindparam("wanted_id"))
_HISTORY_AND_CONTACTS = _history_and_contacts()
_HISTORY_NAMES = [c.name[2:] for c in _HISTORY_AND_CONTACTS.selected_columns if c.name[:2] == "m_"]
_CONTACT_NAMES = [c.name[2:] for c in _HISTORY_AND_CONTACTS.selected_columns if c.name[:2] == "c_"]
_HISTORY = slice(1, 1 + len(_HISTORY_NAMES))  # after row_kind, the message's columns
_CONTACTS_AT = slice(1 + len(_HISTORY_NAMES), None)  # then the contact's
_MESSAGE_BY_CLIENT_ID = select(t.messages).where(
    and_(
        t.messages.c.conversation_id == bindparam("wanted_id"),
        t.messages.c.client_id == bindparam("wanted_client_id"),
    )
)
_INSERT_EVENTS = insert(t.events)
_QUEUE_WAITING = select(func.count(), func.min(t.conversations.c.queued_at)).where(
    and_(
        t.conversations.c.state == str(State.QUEUED),
        t.conversations.c.queue == bindparam("wanted_queue"),
    )
)
_QUEUE_HANDLED = (
    select(t.conversations.c.queued_at, t.conversations.c.closed_at)
    .where(
        and_(
            t.conversations.c.state == str(State.CLOSED),
            t.conversations.c.queue == bindparam("wanted_queue"),
            t.conversations.c.created_at >= bindparam("wanted_since"),
        )
    )
    .order_by(t.conversations.c.created_at.desc())
    .limit(200)
)


_Insert = TypeVar("_Insert", bound=Insert)


def _numbered(statement: _Insert) -> _Insert:
    """An insert of a message whose ``seq`` the database numbers: one after the conversation's
    last. Run for several rows at once (executemany), each row sees the one before it."""
    return statement.values(
        seq=select(func.coalesce(func.max(t.messages.c.seq), 0) + 1)
        .where(t.messages.c.conversation_id == bindparam("seq_of"))
        .scalar_subquery()
    )


_INSERT_NEXT_MESSAGE = _numbered(insert(t.messages))
# The same, storing nothing when the conversation has a message with this client_id (a resend):
# the unique constraint answers in the insert itself, so a new message needs no lookup first.
_RESEND = ["conversation_id", "client_id"]
_INSERT_NEXT_MESSAGE_ONCE = t.insert_once(t.messages, _RESEND, shape=_numbered)


class SqlTransaction:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    # customers -----------------------------------------------------------------------------
    async def get_customer(self, customer_id: CustomerId) -> Customer | None:
        # One query: the customer with their identities (an outer join; no identities is fine).
        rows = list(await self.conn.execute(_CUSTOMER, {"wanted_id": customer_id}))
        if not rows:
            return None
        row = rows[0]
        return Customer(
            id=CustomerId(row.id),
            name=row.name,
            identities=[Identity(r.kind, r.value) for r in rows if r.kind is not None],
            created_at=row.created_at,
            profile=dict(row.profile or {}),
        )

    async def find_customer(self, identity: Identity) -> Customer | None:
        customer_id = (
            await self.conn.execute(
                select(t.identities.c.customer_id).where(
                    and_(
                        t.identities.c.kind == identity.kind, t.identities.c.value == identity.value
                    )
                )
            )
        ).scalar()
        return await self.get_customer(CustomerId(customer_id)) if customer_id else None

    async def add_customer(self, customer: Customer) -> None:
        await self.conn.execute(
            insert(t.customers).values(
                id=customer.id,
                name=customer.name,
                profile=customer.profile,
                created_at=customer.created_at,
            )
        )
        for identity in customer.identities:
            await self.add_identity(customer.id, identity)

    async def add_identity(self, customer_id: CustomerId, identity: Identity) -> None:
        await self.conn.execute(
            insert(t.identities).values(
                customer_id=customer_id, kind=identity.kind, value=identity.value
            )
        )

    async def save_customer(self, customer: Customer) -> None:
        await self.conn.execute(
            update(t.customers)
            .where(t.customers.c.id == customer.id)
            .values(name=customer.name, profile=customer.profile)
        )

    # conversations -------------------------------------------------------------------------
    async def add_conversation(self, conversation: Conversation) -> None:
        await self.conn.execute(insert(t.conversations).values(**_conversation_row(conversation)))

    async def get_conversation(
        self, conversation_id: ConversationId, *, for_update: bool = False
    ) -> Conversation | None:
        locking = for_update and self.conn.dialect.name == "postgresql"
        query = _CONVERSATION_FOR_UPDATE if locking else _CONVERSATION
        row = (await self.conn.execute(query, {"wanted_id": conversation_id})).first()
        return _conversation(row._mapping) if row else None

    async def get_conversation_and_customer(
        self, conversation_id: ConversationId, *, for_update: bool = False
    ) -> tuple[Conversation, Customer] | None:
        locking = for_update and self.conn.dialect.name == "postgresql"
        query = _CONVERSATION_AND_CUSTOMER_FOR_UPDATE if locking else _CONVERSATION_AND_CUSTOMER
        rows = [r._mapping for r in await self.conn.execute(query, {"wanted_id": conversation_id})]
        if not rows:
            return None
        row = rows[0]
        customer = Customer(
            id=CustomerId(row["customer_id"]),
            name=row["customer_name"],
            identities=[
                Identity(r["identity_kind"], r["identity_value"])
                for r in rows
                if r["identity_kind"] is not None
            ],
            created_at=row["customer_created_at"],
            profile=dict(row["customer_profile"] or {}),
        )
        return _conversation(row), customer

    async def save_conversation(self, conversation: Conversation) -> None:
        await self.conn.execute(_SAVE_CONVERSATION, _saved_row(conversation))
        conversation.revision += 1

    async def save_conversation_if_unchanged(self, conversation: Conversation) -> bool:
        values = _saved_row(conversation)
        values["seen_revision"] = conversation.revision
        # On PostgreSQL the update locks the row when it matches, as SELECT … FOR UPDATE would.
        saved = (await self.conn.execute(_SAVE_CONVERSATION_IF_UNCHANGED, values)).rowcount == 1
        if saved:
            conversation.revision += 1
        return saved

    async def list_conversations(
        self,
        *,
        customer_id: CustomerId | None = None,
        states: Sequence[State] | None = None,
        queues: Sequence[str] | None = None,
        agent_id: str | None = None,
        since: datetime | None = None,
        limit: int = 100,
    ) -> list[Conversation]:
        c = t.conversations.c
        query = select(t.conversations)
        if customer_id is not None:
            query = query.where(c.customer_id == customer_id)
        if states is not None:
            query = query.where(c.state.in_([str(s) for s in states]))
        if queues is not None:
            query = query.where(c.queue.in_(list(queues)))
        if agent_id is not None:
            query = query.where(c.agent_id == agent_id)
        if since is not None:
            query = query.where(c.created_at >= since)
        query = query.order_by(c.created_at.desc()).limit(limit)
        return [_conversation(row._mapping) for row in await self.conn.execute(query)]

    async def earlier_contacts(
        self, customer_id: CustomerId, *, limit: int = 50
    ) -> list[Conversation]:
        rows = await self.conn.execute(
            _CONTACTS, {"customer_id": customer_id, "most_contacts": limit}
        )
        return [_conversation(row._mapping) for row in rows]

    async def queue_statistics(self, queue: str, closed_since: datetime | None) -> QueueStatistics:
        waiting, oldest = (await self.conn.execute(_QUEUE_WAITING, {"wanted_queue": queue})).one()
        if closed_since is None:
            return QueueStatistics(waiting=int(waiting or 0), oldest_queued_at=oldest)
        handled = await self.conn.execute(
            _QUEUE_HANDLED, {"wanted_queue": queue, "wanted_since": closed_since}
        )
        return QueueStatistics(
            waiting=int(waiting or 0),
            oldest_queued_at=oldest,
            handled=[(q, e) for q, e in handled if q and e],
        )

    async def add_reference(self, conversation_id: ConversationId, kind: str, value: str) -> None:
        existing = await self.conn.execute(
            select(t.conversation_refs.c.id).where(
                and_(t.conversation_refs.c.kind == kind, t.conversation_refs.c.value == value)
            )
        )
        if existing.first() is None:
            await self.conn.execute(
                insert(t.conversation_refs).values(
                    conversation_id=conversation_id, kind=kind, value=value
                )
            )

    async def find_conversation_by_reference(self, kind: str, value: str) -> Conversation | None:
        conversation_id = (
            await self.conn.execute(
                select(t.conversation_refs.c.conversation_id).where(
                    and_(t.conversation_refs.c.kind == kind, t.conversation_refs.c.value == value)
                )
            )
        ).scalar()
        return (
            await self.get_conversation(ConversationId(conversation_id))
            if conversation_id
            else None
        )

    # messages ------------------------------------------------------------------------------
    async def add_message(self, message: Message) -> None:
        await self.add_messages([message])

    async def add_messages(self, messages: Sequence[Message]) -> None:
        """Append messages to their conversations in order (one conversation per call)."""
        if not messages:
            return
        conversation_ids = {m.conversation_id for m in messages}
        assert len(conversation_ids) == 1, "messages of one conversation at a time"
        rows = [_numbered_row(m) for m in messages]
        await self.conn.execute(_INSERT_NEXT_MESSAGE, rows[0] if len(rows) == 1 else rows)

    async def add_message_once(self, message: Message) -> bool:
        if message.client_id is None:
            await self.add_messages([message])
            return True
        statement = _INSERT_NEXT_MESSAGE_ONCE[self.conn.dialect.name]
        result = await self.conn.execute(statement, _numbered_row(message))
        return bool(result.rowcount)

    async def update_message_metadata(self, message: Message) -> None:
        await self.conn.execute(
            _UPDATE_MESSAGE,
            {"wanted_id": message.id, "metadata": message.metadata, "language": message.language},
        )

    async def history_and_contacts(
        self, conversation_id: ConversationId, customer_id: CustomerId, *, limit: int = 50
    ) -> tuple[list[Message], list[Conversation]]:
        found = await self.conn.execute(
            _HISTORY_AND_CONTACTS,
            {
                "conversation_id": conversation_id,
                "most_messages": limit,
                "customer_id": customer_id,
                "most_contacts": limit,
            },
        )
        messages, contacts = [], []
        # By position: a row's mapping view costs more than the rest of reading it.
        for row in found:
            if row[0] == "message":
                messages.append(dict(zip(_HISTORY_NAMES, row[_HISTORY], strict=True)))
            else:
                contacts.append(dict(zip(_CONTACT_NAMES, row[_CONTACTS_AT], strict=True)))
        # A union keeps no order: oldest message first, newest contact first, as the two
        # reads it replaces return them.
        messages.sort(key=itemgetter("seq"))
        contacts.sort(key=itemgetter("created_at"), reverse=True)
        return [_message(r) for r in messages], [_conversation(r) for r in contacts]

    async def find_message_by_client_id(
        self, conversation_id: ConversationId, client_id: str
    ) -> Message | None:
        row = (
            await self.conn.execute(
                _MESSAGE_BY_CLIENT_ID,
                {"wanted_id": conversation_id, "wanted_client_id": client_id},
            )
        ).first()
        return _message(row._mapping) if row else None

    async def list_messages(
        self, conversation_id: ConversationId, *, after: datetime | None = None, limit: int = 500
    ) -> list[Message]:
        # The newest `limit` messages, oldest first.
        if after is None:
            rows = list(
                await self.conn.execute(
                    _LATEST_MESSAGES, {"conversation_id": conversation_id, "most_messages": limit}
                )
            )
        else:
            query = (
                select(t.messages)
                .where(t.messages.c.conversation_id == conversation_id)
                .where(t.messages.c.created_at > after)
                .order_by(t.messages.c.seq.desc())
                .limit(limit)
            )
            rows = list(await self.conn.execute(query))
        return [_message(row._mapping) for row in reversed(rows)]

    # events --------------------------------------------------------------------------------
    async def add_event(self, event: Event) -> None:
        await self.add_events([event])

    async def add_events(self, events: Sequence[Event]) -> None:
        if not events:
            return
        await self.conn.execute(
            _INSERT_EVENTS,
            [
                {
                    "id": e.id,
                    "conversation_id": e.conversation_id,
                    "customer_id": e.customer_id,
                    "kind": e.kind,
                    "data": e.data,
                    "actor": e.actor,
                    "created_at": e.created_at,
                }
                for e in events
            ],
        )

    async def list_events(
        self,
        *,
        conversation_id: ConversationId | None = None,
        customer_id: CustomerId | None = None,
        kinds: Sequence[str] | None = None,
        since: datetime | None = None,
        limit: int = 500,
    ) -> list[Event]:
        c = t.events.c
        query = select(t.events)
        if conversation_id is not None:
            query = query.where(c.conversation_id == conversation_id)
        if customer_id is not None:
            query = query.where(c.customer_id == customer_id)
        if kinds is not None:
            query = query.where(c.kind.in_(list(kinds)))
        if since is not None:
            query = query.where(c.created_at >= since)
        query = query.order_by(c.created_at, c.id).limit(limit)
        return [
            Event(
                id=EventId(row.id),
                conversation_id=ConversationId(row.conversation_id),
                customer_id=CustomerId(row.customer_id),
                kind=row.kind,
                data=dict(row.data or {}),
                created_at=row.created_at,
                actor=row.actor,
            )
            for row in await self.conn.execute(query)
        ]


class SqlStore:
    """Transactions over one engine.

    SQLite allows one writer at a time; rather than retrying "database is locked", writers on
    SQLite take turns through a lock (the embedded database serves one process). Readers do
    not wait for it: in WAL mode they read the last commit while the writer works.
    """

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._sqlite_lock = asyncio.Lock() if engine.dialect.name == "sqlite" else None

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[SqlTransaction]:
        if self._sqlite_lock is None:
            async with self.engine.begin() as conn:
                yield SqlTransaction(conn)
            return
        async with self._sqlite_lock, self.engine.begin() as conn:
            yield SqlTransaction(conn)

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[SqlTransaction]:
        """Reads outside a transaction: each sees the last commit. On PostgreSQL that saves the
        BEGIN and ROLLBACK round trips; SQLite's driver never begins one for a SELECT."""
        async with self.engine.connect() as conn:
            if self._sqlite_lock is None:
                conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            yield SqlTransaction(conn)


def _conversation_row(c: Conversation) -> dict[str, Any]:
    return {
        "id": c.id,
        "customer_id": c.customer_id,
        "channel": c.channel,
        "state": str(c.state),
        "token_hash": c.token_hash,
        "locale": c.locale,
        "language": c.language,
        "subject": c.subject,
        "topic": c.topic,
        "queue": c.queue,
        "priority": str(c.priority),
        "agent_id": c.agent_id,
        "route": c.route,
        "outcome": c.outcome,
        "context": c.context,
        "created_at": c.created_at,
        "updated_at": c.updated_at,
        "queued_at": c.queued_at,
        "closed_at": c.closed_at,
        "revision": c.revision,
    }


def _saved_row(c: Conversation) -> dict[str, Any]:
    """The values a save writes; the database raises the revision itself."""
    values = _conversation_row(c)
    values["wanted_id"] = values.pop("id")
    del values["revision"]
    return values


def _conversation(row: Any) -> Conversation:
    return Conversation(
        id=ConversationId(row["id"]),
        customer_id=CustomerId(row["customer_id"]),
        channel=row["channel"],
        state=State(row["state"]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        token_hash=row["token_hash"],
        locale=row["locale"],
        language=row["language"],
        subject=row["subject"],
        topic=row["topic"],
        queue=row["queue"],
        priority=Priority(row["priority"]),
        agent_id=row["agent_id"],
        queued_at=row["queued_at"],
        closed_at=row["closed_at"],
        outcome=row["outcome"],
        route=row["route"],
        context=dict(row.get("context") or {}),  # not read for earlier contacts
        revision=row["revision"],
    )


def _message_row(m: Message, seq: Any) -> dict[str, Any]:
    return {
        "id": m.id,
        "conversation_id": m.conversation_id,
        "seq": seq,
        "sender": str(m.sender),
        "text": m.text,
        "language": m.language,
        "author_id": m.author_id,
        "author_name": m.author_name,
        "client_id": m.client_id,
        "channel_message_id": m.channel_message_id,
        "metadata": m.metadata,
        "created_at": m.created_at,
    }


def _numbered_row(m: Message) -> dict[str, Any]:
    """The row for ``_INSERT_NEXT_MESSAGE``: the database numbers it in its conversation."""
    row = _message_row(m, None)
    del row["seq"]
    row["seq_of"] = m.conversation_id
    return row


def _message(row: Any) -> Message:
    return Message(
        id=MessageId(row["id"]),
        conversation_id=ConversationId(row["conversation_id"]),
        sender=Sender(row["sender"]),
        text=row["text"],
        created_at=row["created_at"],
        language=row["language"],
        author_id=row["author_id"],
        author_name=row["author_name"],
        client_id=row["client_id"],
        channel_message_id=row["channel_message_id"],
        metadata=dict(row["metadata"] or {}),
    )
