"""The lead page's drafts (saved part-done) and evidence files (stored on disk, referenced here).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03

Two new tables; nothing existing changes. Evidence rows point at the raw submission they came with and,
when one was recorded, the update; their bytes live under var/evidence, not in the database.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "lead_drafts",
        sa.Column("prompt_id", sa.Integer(), nullable=False),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["prompt_id"], ["prompts.id"], name=op.f("fk_lead_drafts_prompt_id_prompts"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("prompt_id", name=op.f("pk_lead_drafts")),
    )
    op.create_table(
        "evidence_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inbound_message_id", sa.Integer(), nullable=False),
        sa.Column("update_id", sa.Integer(), nullable=True),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("prompt_id", sa.Integer(), nullable=False),
        sa.Column("original_name", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("stored_path", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["inbound_message_id"],
            ["inbound_messages.id"],
            name=op.f("fk_evidence_files_inbound_message_id_inbound_messages"),
        ),
        sa.ForeignKeyConstraint(
            ["update_id"], ["updates.id"], name=op.f("fk_evidence_files_update_id_updates")
        ),
        sa.ForeignKeyConstraint(
            ["action_id"], ["actions.id"], name=op.f("fk_evidence_files_action_id_actions")
        ),
        sa.ForeignKeyConstraint(
            ["prompt_id"], ["prompts.id"], name=op.f("fk_evidence_files_prompt_id_prompts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_files")),
    )
    op.create_index(
        op.f("ix_evidence_files_inbound_message_id"), "evidence_files", ["inbound_message_id"], unique=False
    )
    op.create_index(op.f("ix_evidence_files_action_id"), "evidence_files", ["action_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_evidence_files_action_id"), table_name="evidence_files")
    op.drop_index(op.f("ix_evidence_files_inbound_message_id"), table_name="evidence_files")
    op.drop_table("evidence_files")
    op.drop_table("lead_drafts")
