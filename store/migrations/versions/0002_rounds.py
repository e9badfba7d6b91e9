"""Rounds: the cadence on plans, coordinators, round state, one prompt per person, deliveries, the lease.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22

Only ADD COLUMN, CREATE TABLE and CREATE (UNIQUE) INDEX, never a SQLite table rebuild: the rebuild drops the
old table, and with foreign keys on that drop cascades into the rows that point at it (prompt_actions,
updates...). New uniqueness rules on existing tables are therefore unique indexes, and new foreign keys on
existing tables are inline REFERENCES clauses, which SQLite's ADD COLUMN accepts for a NULL-default column.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _add_fk_column(table: str, column: str, target: str) -> None:
    referred, name = target.split(".")[0], f"fk_{table}_{column}_{target.split('.')[0]}"
    if op.get_bind().dialect.name == "sqlite":
        # SQLite has no ALTER ... ADD CONSTRAINT, but ADD COLUMN takes a REFERENCES clause (alembic's
        # add_column would try the former, or rebuild the table in batch mode: see the docstring). No ON
        # DELETE action: SQLite cannot reflect one on a column added this way (see store/models/).
        op.execute(
            f"ALTER TABLE {table} ADD COLUMN {column} INTEGER CONSTRAINT {name} REFERENCES {referred} (id)"
        )
        return
    op.add_column(table, sa.Column(column, sa.Integer(), nullable=True))
    op.create_foreign_key(name, table, referred, [column], ["id"])


def upgrade() -> None:
    op.add_column(
        "plans", sa.Column("due_after_days", sa.Integer(), server_default=sa.text("14"), nullable=False)
    )
    op.add_column("plans", sa.Column("close_after_days", sa.Integer(), nullable=True))
    op.add_column(
        "plans", sa.Column("reminder_days", sa.JSON(), server_default=sa.text("'[7, 2, 0]'"), nullable=False)
    )
    op.add_column(
        "plans", sa.Column("escalate_after_days", sa.Integer(), server_default=sa.text("3"), nullable=False)
    )
    op.add_column("plans", sa.Column("next_opening_at", sa.DateTime(timezone=True), nullable=True))

    op.create_table(
        "plan_coordinators",
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_plan_coordinators_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans.id"], name=op.f("fk_plan_coordinators_plan_id_plans"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("plan_id", "person_id", name=op.f("pk_plan_coordinators")),
    )
    op.create_index(op.f("ix_plan_coordinators_person_id"), "plan_coordinators", ["person_id"], unique=False)

    op.add_column("rounds", sa.Column("state", sa.String(length=10), server_default="open", nullable=False))
    op.add_column("rounds", sa.Column("subset", sa.JSON(), nullable=True))
    op.add_column("rounds", sa.Column("scheduled_for", sa.DateTime(timezone=True), nullable=True))
    op.add_column("rounds", sa.Column("opened_by", sa.Text(), server_default="", nullable=False))
    op.add_column("rounds", sa.Column("reopened_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column(
        "rounds", sa.Column("unreachable", sa.JSON(), server_default=sa.text("'[]'"), nullable=False)
    )
    # Rounds already in the database: the imported baselines and anything closed are history.
    op.execute("UPDATE rounds SET state = 'closed' WHERE kind = 'baseline' OR closed_at IS NOT NULL")
    op.create_index("uq_rounds_plan_id_scheduled_for", "rounds", ["plan_id", "scheduled_for"], unique=True)

    op.add_column("prompts", sa.Column("lead_label", sa.Text(), server_default="", nullable=False))
    op.add_column(
        "prompts", sa.Column("status", sa.String(length=10), server_default="pending", nullable=False)
    )
    op.add_column("prompts", sa.Column("failure", sa.Text(), nullable=True))
    op.execute("UPDATE prompts SET status = 'sent' WHERE sent_at IS NOT NULL")
    op.create_index("uq_prompts_round_id_person_id", "prompts", ["round_id", "person_id"], unique=True)

    _add_fk_column("inbound_messages", "prompt_id", "prompts.id")
    _add_fk_column("inbound_messages", "person_id", "people.id")
    _add_fk_column("inbound_messages", "round_id", "rounds.id")
    op.add_column("inbound_messages", sa.Column("parsed", sa.JSON(), nullable=True))
    op.create_index(op.f("ix_inbound_messages_prompt_id"), "inbound_messages", ["prompt_id"], unique=False)

    _add_fk_column("updates", "submitted_for_id", "people.id")

    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=True),
        sa.Column("prompt_id", sa.Integer(), nullable=True),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("idempotency_key", sa.String(length=200), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("external_id", sa.String(length=998), nullable=True),
        sa.CheckConstraint(
            "kind IN ('prompt', 'reminder', 'escalation', 'receipt')", name=op.f("ck_deliveries_kind")
        ),
        sa.CheckConstraint(
            "state IN ('claimed', 'sent', 'retry', 'failed', 'abandoned')", name=op.f("ck_deliveries_state")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_deliveries_person_id_people"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["prompt_id"], ["prompts.id"], name=op.f("fk_deliveries_prompt_id_prompts"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["round_id"], ["rounds.id"], name=op.f("fk_deliveries_round_id_rounds"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deliveries")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_deliveries_idempotency_key")),
    )
    op.create_index(op.f("ix_deliveries_prompt_id"), "deliveries", ["prompt_id"], unique=False)
    op.create_index(op.f("ix_deliveries_round_id"), "deliveries", ["round_id"], unique=False)
    op.create_index("ix_deliveries_state_claimed_at", "deliveries", ["state", "claimed_at"], unique=False)

    op.create_table(
        "scheduler_leases",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("holder", sa.String(length=200), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_scheduler_leases")),
    )


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite 3.35+ has it), never a batch rebuild: a rebuild's DROP TABLE would cascade
    # into the rows that point at the table (prompts, prompt_actions, updates) and lose them.
    op.drop_table("scheduler_leases")
    op.drop_index("ix_deliveries_state_claimed_at", table_name="deliveries")
    op.drop_index(op.f("ix_deliveries_round_id"), table_name="deliveries")
    op.drop_index(op.f("ix_deliveries_prompt_id"), table_name="deliveries")
    op.drop_table("deliveries")
    op.drop_column("updates", "submitted_for_id")
    op.drop_index(op.f("ix_inbound_messages_prompt_id"), table_name="inbound_messages")
    for column in ("parsed", "round_id", "person_id", "prompt_id"):
        op.drop_column("inbound_messages", column)
    op.drop_index("uq_prompts_round_id_person_id", table_name="prompts")
    for column in ("failure", "status", "lead_label"):
        op.drop_column("prompts", column)
    op.drop_index("uq_rounds_plan_id_scheduled_for", table_name="rounds")
    for column in ("unreachable", "reopened_at", "opened_by", "scheduled_for", "subset", "state"):
        op.drop_column("rounds", column)
    op.drop_index(op.f("ix_plan_coordinators_person_id"), table_name="plan_coordinators")
    op.drop_table("plan_coordinators")
    for column in (
        "next_opening_at",
        "escalate_after_days",
        "reminder_days",
        "close_after_days",
        "due_after_days",
    ):
        op.drop_column("plans", column)
