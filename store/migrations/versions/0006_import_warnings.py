"""Plans: what the last import noted for a person to check (skipped rows, guessed columns, skipped sheets).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24

Kept with the plan so `collector plan warnings` can list them after the import's output has scrolled away.
Only ADD COLUMN with a server default (as 0002): no SQLite table rebuild, so nothing cascades.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "plans", sa.Column("import_warnings", sa.JSON(), server_default=sa.text("'[]'"), nullable=False)
    )


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite 3.35+), never a batch rebuild: recreating plans would cascade (see 0002).
    op.drop_column("plans", "import_warnings")
