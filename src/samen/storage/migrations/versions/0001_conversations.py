"""Customers, identities, conversations, references, messages and the event log.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

from samen.storage.tables import UtcDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "customers",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("name", sa.String(200)),
        sa.Column("profile", sa.JSON, nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
    )
    op.create_table(
        "identities",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "customer_id",
            sa.String(32),
            sa.ForeignKey("customers.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("value", sa.String(320), nullable=False),
        sa.UniqueConstraint("kind", "value", name="uq_identity"),
    )
    op.create_table(
        "conversations",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column(
            "customer_id",
            sa.String(32),
            sa.ForeignKey("customers.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("locale", sa.String(16)),
        sa.Column("language", sa.String(8)),
        sa.Column("subject", sa.String(300)),
        sa.Column("topic", sa.String(60)),
        sa.Column("queue", sa.String(60)),
        sa.Column("priority", sa.String(10), nullable=False),
        sa.Column("agent_id", sa.String(32)),
        sa.Column("route", sa.JSON),
        sa.Column("outcome", sa.JSON),
        sa.Column("context", sa.JSON, nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
        sa.Column("queued_at", UtcDateTime),
        sa.Column("closed_at", UtcDateTime),
    )
    op.create_index("ix_conversations_customer", "conversations", ["customer_id", "created_at"])
    op.create_index("ix_conversations_state_queue", "conversations", ["state", "queue"])
    op.create_table(
        "conversation_refs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "conversation_id",
            sa.String(32),
            sa.ForeignKey("conversations.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("value", sa.String(500), nullable=False),
        sa.UniqueConstraint("kind", "value", name="uq_conversation_ref"),
    )
    op.create_table(
        "messages",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column(
            "conversation_id",
            sa.String(32),
            sa.ForeignKey("conversations.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("sender", sa.String(10), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("language", sa.String(8)),
        sa.Column("author_id", sa.String(32)),
        sa.Column("author_name", sa.String(200)),
        sa.Column("client_id", sa.String(100)),
        sa.Column("channel_message_id", sa.String(500)),
        sa.Column("metadata", sa.JSON, nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.UniqueConstraint("conversation_id", "client_id", name="uq_message_client_id"),
        sa.UniqueConstraint("conversation_id", "seq", name="uq_message_seq"),
    )
    op.create_table(
        "events",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column(
            "conversation_id",
            sa.String(32),
            sa.ForeignKey("conversations.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("customer_id", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("actor", sa.String(100)),
        sa.Column("created_at", UtcDateTime, nullable=False),
    )
    op.create_index("ix_events_conversation", "events", ["conversation_id", "created_at"])
    op.create_index("ix_events_customer", "events", ["customer_id", "created_at"])


def downgrade() -> None:
    for table in ("events", "messages", "conversation_refs", "conversations", "identities"):
        op.drop_table(table)
    op.drop_table("customers")
