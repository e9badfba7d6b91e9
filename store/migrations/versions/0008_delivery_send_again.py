"""Deliveries: the message each send carries and a send id made once, so a claim left by a crash is re-sent.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03

At-least-once sending (collector/rounds/tick.py): a claim older than the lease is taken again and its message,
kept in `payload`, is sent again with the id derived from `send_id` (an email's Message-ID), so the copy is
the same message. Rows from before this revision have neither: a stale one is still abandoned (listed).
Only ADD COLUMN, nullable: no SQLite table rebuild (see 0002).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("deliveries", sa.Column("send_id", sa.String(length=64), nullable=True))
    op.add_column("deliveries", sa.Column("payload", sa.JSON(), nullable=True))


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite 3.35+), never a batch rebuild (see 0002).
    op.drop_column("deliveries", "payload")
    op.drop_column("deliveries", "send_id")
