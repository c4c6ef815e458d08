"""A received e-mail records since when a process holds it, so that mail a stopped server left
unhandled is handled at the next start by one process, not by each of them.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

from samen.storage.tables import UtcDateTime

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Rows from before hold NULL: nobody holds them, so the next start handles any left
    # "received" at once.
    op.add_column("email_inbox", sa.Column("claimed_at", UtcDateTime))


def downgrade() -> None:
    with op.batch_alter_table("email_inbox") as batch:
        batch.drop_column("claimed_at")
