"""Reports: a plan's committee (email addresses, a Slack channel), and what each built report was.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23

Only ADD COLUMN with server defaults (as 0002): no SQLite table rebuild, so nothing cascades.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "plans", sa.Column("committee_emails", sa.JSON(), server_default=sa.text("'[]'"), nullable=False)
    )
    op.add_column("plans", sa.Column("committee_slack_channel", sa.String(length=100), nullable=True))
    op.add_column(
        "reports", sa.Column("variant", sa.String(length=20), server_default="full", nullable=False)
    )
    op.add_column("reports", sa.Column("actor", sa.String(length=200), server_default="", nullable=False))


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite 3.35+), never a batch rebuild: dropping and recreating plans would cascade
    # into every row that points at a plan (see 0002).
    for column in ("actor", "variant"):
        op.drop_column("reports", column)
    for column in ("committee_slack_channel", "committee_emails"):
        op.drop_column("plans", column)
