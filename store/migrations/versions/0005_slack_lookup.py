"""Slack: when a person's email address was last looked up in the workspace and not found.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23

users.lookupByEmail is rate limited (Tier 3); a miss is recorded so the bot does not ask again about the same
person on every round (bot/people.py). Only ADD COLUMN (as 0002): no SQLite table rebuild.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("people", sa.Column("slack_lookup_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.drop_column("people", "slack_lookup_at")
