"""Updates: corrections that say what they changed, and withdrawal that keeps the row.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03

A coordinator's correction is a newer update that points at the one it corrects (corrects_id) and names the
fields it changed (corrected); who typed it in is entered_by. A withdrawn update keeps its row, with when,
by whom and why (withdrawn_at, withdrawn_by, withdrawn_reason); queries skip it. Only ADD COLUMN, and the
foreign key as an inline REFERENCES clause on SQLite (as 0002): no table rebuild, so nothing cascades.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FK_NAME = "fk_updates_corrects_id_updates"


def upgrade() -> None:
    op.add_column("updates", sa.Column("entered_by", sa.String(length=200), nullable=True))
    if op.get_bind().dialect.name == "sqlite":
        # SQLite has no ADD CONSTRAINT, but ADD COLUMN takes a REFERENCES clause for a NULL-default column.
        op.execute(
            f"ALTER TABLE updates ADD COLUMN corrects_id INTEGER CONSTRAINT {FK_NAME} REFERENCES updates (id)"
        )
    else:
        op.add_column("updates", sa.Column("corrects_id", sa.Integer(), nullable=True))
        op.create_foreign_key(FK_NAME, "updates", "updates", ["corrects_id"], ["id"])
    op.add_column(
        "updates", sa.Column("corrected", sa.JSON(), server_default=sa.text("'[]'"), nullable=False)
    )
    op.add_column("updates", sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("updates", sa.Column("withdrawn_by", sa.String(length=200), nullable=True))
    op.add_column("updates", sa.Column("withdrawn_reason", sa.Text(), nullable=True))


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite 3.35+), never a batch rebuild: recreating updates could cascade (see 0002).
    for column in ("withdrawn_reason", "withdrawn_by", "withdrawn_at", "corrected"):
        op.drop_column("updates", column)
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(FK_NAME, "updates", type_="foreignkey")
    op.drop_column("updates", "corrects_id")
    op.drop_column("updates", "entered_by")
