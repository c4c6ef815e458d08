"""Agents' corrections of the bot.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

from samen.storage.tables import UtcDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "corrections",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("conversation_id", sa.String(32), nullable=False),
        sa.Column("message_id", sa.String(32)),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("language", sa.String(8)),
        sa.Column("understood", sa.String(60)),
        sa.Column("corrected", sa.String(60)),
        sa.Column("comment", sa.Text),
        sa.Column("agent_id", sa.String(32)),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
    )
    op.create_index("ix_corrections_status", "corrections", ["status", "created_at"])


def downgrade() -> None:
    op.drop_table("corrections")
