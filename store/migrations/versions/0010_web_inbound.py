"""Inbound messages may come from the web: a lead's update page stores each submission raw (channel "web").

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03

Only the channel CHECK widens. PostgreSQL drops and re-adds it. SQLite cannot alter a CHECK, and rebuilding
inbound_messages in batch mode is refused while updates and review items reference its rows (foreign keys
are on, inside a transaction), so the table's stored CREATE statement is edited in place: SQLite's own
documented way for changes that leave the stored data valid (ALTER TABLE, "other kinds of table schema
changes"), with the schema version bumped so every connection reloads it. Widening a CHECK keeps every
existing row valid, so nothing on disk changes.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD = "channel IN ('email', 'slack')"
NEW = "channel IN ('email', 'slack', 'web')"


def _replace(old: str, new: str) -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        version = bind.exec_driver_sql("PRAGMA schema_version").scalar_one()
        bind.exec_driver_sql("PRAGMA writable_schema=ON")
        bind.exec_driver_sql(
            "UPDATE sqlite_master SET sql = replace(sql, ?, ?)"
            " WHERE type = 'table' AND name = 'inbound_messages'",
            (old, new),
        )
        bind.exec_driver_sql(f"PRAGMA schema_version={int(version) + 1}")
        bind.exec_driver_sql("PRAGMA writable_schema=OFF")
        return
    op.drop_constraint(op.f("ck_inbound_messages_channel"), "inbound_messages", type_="check")
    op.create_check_constraint(op.f("ck_inbound_messages_channel"), "inbound_messages", new)


def upgrade() -> None:
    _replace(OLD, NEW)


def downgrade() -> None:
    op.execute(
        "DELETE FROM inbound_messages WHERE channel = 'web' AND id NOT IN "
        "(SELECT inbound_message_id FROM updates WHERE inbound_message_id IS NOT NULL)"
    )
    _replace(NEW, OLD)
