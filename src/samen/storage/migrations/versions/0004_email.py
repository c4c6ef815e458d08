"""The e-mail channel: every received mail as it arrived, and every send with its attempts.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

from samen.storage.tables import UtcDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "email_inbox",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("received_at", UtcDateTime, nullable=False),
        sa.Column("source", sa.String(10), nullable=False),
        sa.Column("envelope_from", sa.String(320)),
        sa.Column("recipients", sa.JSON, nullable=False),
        sa.Column("sender", sa.String(320)),
        sa.Column("message_id", sa.String(500)),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("raw", sa.LargeBinary, nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("conversation_id", sa.String(32)),
        sa.Column("samen_message_id", sa.String(32)),
        sa.Column("error", sa.Text),
    )
    op.create_index("ix_email_inbox_sender", "email_inbox", ["sender", "received_at"])
    op.create_index("ix_email_inbox_status", "email_inbox", ["status", "received_at"])
    op.create_table(
        "email_deliveries",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("conversation_id", sa.String(32), nullable=False),
        sa.Column("message_ids", sa.JSON, nullable=False),
        sa.Column("message_id", sa.String(500), nullable=False),
        sa.Column("recipient", sa.String(320), nullable=False),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("raw", sa.Text, nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("last_error", sa.Text),
        sa.Column("next_attempt_at", UtcDateTime),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("sent_at", UtcDateTime),
    )
    op.create_index("ix_email_deliveries_due", "email_deliveries", ["status", "next_attempt_at"])
    op.create_index(
        "ix_email_deliveries_conversation", "email_deliveries", ["conversation_id", "created_at"]
    )


def downgrade() -> None:
    op.drop_table("email_deliveries")
    op.drop_table("email_inbox")
