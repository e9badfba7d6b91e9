"""The console's sign-in links: one row per link mailed, holding only the token's SHA-256.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "signin_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signin_tokens")),
        sa.UniqueConstraint("token_sha256", name=op.f("uq_signin_tokens_token_sha256")),
    )
    op.create_index(op.f("ix_signin_tokens_email"), "signin_tokens", ["email"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_signin_tokens_email"), table_name="signin_tokens")
    op.drop_table("signin_tokens")
