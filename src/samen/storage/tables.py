"""The SQL schema. Alembic migrations in ``migrations/versions`` create exactly this."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Insert,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect

_Insert = TypeVar("_Insert", bound=Insert)


def insert_once(
    table: Table, unique: Sequence[str], shape: Callable[[_Insert], _Insert] | None = None
) -> dict[str, Insert]:
    """An insert that stores nothing when ``table`` has a row with the same ``unique`` columns,
    per database (SQL has no common spelling): the unique index answers in the insert itself,
    and ``rowcount`` says whether it stored. ``shape`` adds to the plain insert first::

        result = await conn.execute(insert_once(t, ["key"])[conn.dialect.name].values(...))
    """
    statements: dict[str, Insert] = {}
    for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite)):
        statement: Any = dialect.insert(table)
        if shape is not None:
            statement = shape(statement)
        statements[name] = statement.on_conflict_do_nothing(index_elements=list(unique))
    return statements


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC in and out, also on SQLite, which forgets the zone."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; Samen stores aware UTC")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


metadata = MetaData()

customers = Table(
    "customers",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("name", String(200)),
    Column("profile", JSON, nullable=False, default=dict),
    Column("created_at", UtcDateTime, nullable=False),
)

identities = Table(
    "identities",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "customer_id", String(32), ForeignKey("customers.id", ondelete="CASCADE"), nullable=False
    ),
    Column("kind", String(40), nullable=False),
    Column("value", String(320), nullable=False),
    UniqueConstraint("kind", "value", name="uq_identity"),
)

conversations = Table(
    "conversations",
    metadata,
    Column("id", String(32), primary_key=True),
    Column(
        "customer_id", String(32), ForeignKey("customers.id", ondelete="CASCADE"), nullable=False
    ),
    Column("channel", String(20), nullable=False),
    Column("state", String(12), nullable=False),
    Column("token_hash", String(64), nullable=False, default=""),
    Column("locale", String(16)),
    Column("language", String(8)),
    Column("subject", String(300)),
    Column("topic", String(60)),
    Column("queue", String(60)),
    Column("priority", String(10), nullable=False, default="normal"),
    Column("agent_id", String(32)),
    Column("route", JSON),
    Column("outcome", JSON),
    Column("context", JSON, nullable=False, default=dict),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("queued_at", UtcDateTime),
    Column("closed_at", UtcDateTime),
    # Raised by every save (migration 0006): a write that read revision 4 and finds 5 knows
    # someone else saved the conversation in between.
    Column("revision", Integer, nullable=False, default=0, server_default="0"),
    Index("ix_conversations_customer", "customer_id", "created_at"),
    Index("ix_conversations_state_queue", "state", "queue"),
)

conversation_refs = Table(
    "conversation_refs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "conversation_id",
        String(32),
        ForeignKey("conversations.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("kind", String(40), nullable=False),
    Column("value", String(500), nullable=False),
    UniqueConstraint("kind", "value", name="uq_conversation_ref"),
)

messages = Table(
    "messages",
    metadata,
    Column("id", String(32), primary_key=True),
    Column(
        "conversation_id",
        String(32),
        ForeignKey("conversations.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("seq", Integer, nullable=False),
    Column("sender", String(10), nullable=False),
    Column("text", Text, nullable=False),
    Column("language", String(8)),
    Column("author_id", String(32)),
    Column("author_name", String(200)),
    Column("client_id", String(100)),
    Column("channel_message_id", String(500)),
    Column("metadata", JSON, nullable=False, default=dict),
    Column("created_at", UtcDateTime, nullable=False),
    UniqueConstraint("conversation_id", "client_id", name="uq_message_client_id"),
    UniqueConstraint("conversation_id", "seq", name="uq_message_seq"),
)

events = Table(
    "events",
    metadata,
    Column("id", String(32), primary_key=True),
    Column(
        "conversation_id",
        String(32),
        ForeignKey("conversations.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("customer_id", String(32), nullable=False),
    Column("kind", String(30), nullable=False),
    Column("data", JSON, nullable=False, default=dict),
    Column("actor", String(100)),
    Column("created_at", UtcDateTime, nullable=False),
    Index("ix_events_conversation", "conversation_id", "created_at"),
    Index("ix_events_customer", "customer_id", "created_at"),
)

corrections = Table(
    "corrections",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("conversation_id", String(32), nullable=False),
    Column("message_id", String(32)),
    Column("kind", String(20), nullable=False),  # "intent" or "answer"
    Column("text", Text, nullable=False),
    Column("language", String(8)),
    Column("understood", String(60)),
    Column("corrected", String(60)),
    Column("comment", Text),
    Column("agent_id", String(32)),
    Column("status", String(12), nullable=False, default="new"),  # new, accepted, rejected
    Column("created_at", UtcDateTime, nullable=False),
    Index("ix_corrections_status", "status", "created_at"),
)

# People: agents, supervisors and admins; their login sessions and API keys (migration 0003).
users = Table(
    "users",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("email", String(320), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("role", String(20), nullable=False),
    Column("queues", JSON, nullable=False, default=list),
    Column("capacity", Integer, nullable=False, default=3),
    Column("password_hash", String(255), nullable=False),
    Column("presence", String(12), nullable=False, default="offline"),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("last_seen_at", UtcDateTime),
)

agent_sessions = Table(
    "agent_sessions",
    metadata,
    Column("id", String(64), primary_key=True),  # sha256 of the cookie's token
    Column("user_id", String(32), ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Index("ix_agent_sessions_user", "user_id"),
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("user_id", String(32), ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(100), nullable=False),
    Column("prefix", String(16), nullable=False, unique=True),
    Column("key_hash", String(64), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("last_used_at", UtcDateTime),
    Column("revoked_at", UtcDateTime),
)
