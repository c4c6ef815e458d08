"""A received e-mail read from an IMAP mailbox records what names it there (its UID and a digest
of the mail), unique, so that of several processes polling the same mailbox one stores each mail.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Rows from before hold NULL, as mail received over SMTP does: NULLs never conflict.
    op.add_column("email_inbox", sa.Column("source_key", sa.String(100)))
    op.create_index("ux_email_inbox_source_key", "email_inbox", ["source_key"], unique=True)


def downgrade() -> None:
    op.drop_index("ux_email_inbox_source_key", table_name="email_inbox")
    with op.batch_alter_table("email_inbox") as batch:
        batch.drop_column("source_key")
