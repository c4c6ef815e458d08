"""The voice channel keeps every uploaded voicemail recording, stored before it is decoded.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

from samen.storage.tables import UtcDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "voicemails",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("received_at", UtcDateTime, nullable=False),
        sa.Column("caller", sa.String(40), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("content_type", sa.String(100), nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("audio", sa.LargeBinary, nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("conversation_id", sa.String(32)),
        sa.Column("message_id", sa.String(32)),
        sa.Column("error", sa.Text),
    )
    op.create_index("ix_voicemails_status", "voicemails", ["status", "received_at"])
    op.create_index("ix_voicemails_conversation", "voicemails", ["conversation_id"])


def downgrade() -> None:
    op.drop_table("voicemails")
