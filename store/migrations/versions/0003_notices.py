"""Deliveries may be notices: an address that bounces, told to the plan's coordinators.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22

SQLite cannot alter a CHECK constraint, so the deliveries table is rebuilt in batch mode; unlike the tables
0002 avoided rebuilding, nothing references deliveries, so the rebuild cascades into nothing.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD = "kind IN ('prompt', 'reminder', 'escalation', 'receipt')"
NEW = "kind IN ('prompt', 'reminder', 'escalation', 'receipt', 'notice')"


def _replace(condition: str) -> None:
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_constraint(op.f("ck_deliveries_kind"), type_="check")
        batch.create_check_constraint("kind", condition)


def upgrade() -> None:
    _replace(NEW)


def downgrade() -> None:
    op.execute("DELETE FROM deliveries WHERE kind = 'notice'")
    _replace(OLD)
