"""A voicemail keeps its upload's form fields as they came (a refused upload is stored too), and
since when a process holds it, so that one left half-way is taken at start by one process.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

from samen.storage.tables import UtcDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Rows from before keep NULL in both: their two fields were in caller and language (and
    # checked on upload), and nobody holds them, so the next start takes any left "received".
    op.add_column("voicemails", sa.Column("fields", sa.JSON))
    op.add_column("voicemails", sa.Column("claimed_at", UtcDateTime))


def downgrade() -> None:
    with op.batch_alter_table("voicemails") as batch:
        batch.drop_column("claimed_at")
        batch.drop_column("fields")
