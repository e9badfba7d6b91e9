"""Mailbox reading: how far each IMAP folder has been read (UIDVALIDITY and the last UID looked at).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03

A new table only: nothing existing is rebuilt. The mailbox reader (mailin/inbound/imap_reader.py) records
here after
each message it took is stored and marked in the mailbox, so a restart resumes where it stopped.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "mailbox_states",
        sa.Column("mailbox", sa.String(length=500), nullable=False),
        sa.Column("uidvalidity", sa.BigInteger(), nullable=False),
        sa.Column("last_uid", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("mailbox", name=op.f("pk_mailbox_states")),
    )


def downgrade() -> None:
    op.drop_table("mailbox_states")
