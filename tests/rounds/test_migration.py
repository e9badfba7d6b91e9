"""Migration 0002 on a database that already has rounds: nothing lost going up, nothing lost coming down."""

from __future__ import annotations

from alembic import command

from store.db import _alembic_config, upgrade

ROWS = (
    "INSERT INTO plans (id, name, title, source_file, source_format, source_sha256, status_labels, columns, "
    "lead_key, created_at, updated_at) "
    "VALUES (1, 'p', 'P', '', '', '', '{}', '[]', '{}', '2026-01-01', '2026-01-01')",
    "INSERT INTO rounds (id, plan_id, kind, name, opened_at, created_at) VALUES "
    "(1, 1, 'baseline', 'Imported baseline', '2026-01-01', '2026-01-01'), "
    "(2, 1, 'collection', 'Spring', '2026-01-01', '2026-01-01')",
    "INSERT INTO people (id, name, created_at, updated_at) VALUES (1, 'Jo', '2026-01-01', '2026-01-01')",
    "INSERT INTO prompts (id, round_id, person_id, channel, token, created_at, sent_at) "
    "VALUES (1, 2, 1, 'email', 't', '2026-01-01', '2026-01-02')",
    "INSERT INTO actions (id, plan_id, ref, text, position, fields, created_at, updated_at) "
    "VALUES (1, 1, '1', 'a', 0, '{}', '2026-01-01', '2026-01-01')",
    "INSERT INTO prompt_actions (prompt_id, action_id) VALUES (1, 1)",
    "INSERT INTO updates (id, action_id, round_id, progress, evidence, via, created_at) "
    "VALUES (1, 1, 2, 'x', '[]', 'email', '2026-01-01')",
)


def _count(connection, table: str) -> int:
    return connection.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar()


def test_upgrading_keeps_every_row_and_marks_history_closed_and_sent_prompts_sent(blank_engine):
    upgrade(blank_engine, "0001")
    with blank_engine.begin() as connection:
        for row in ROWS:
            connection.exec_driver_sql(row)

    upgrade(blank_engine)

    with blank_engine.connect() as connection:
        states = connection.exec_driver_sql("SELECT id, state FROM rounds ORDER BY id").all()
        assert [tuple(r) for r in states] == [(1, "closed"), (2, "open")]
        assert connection.exec_driver_sql("SELECT status FROM prompts").scalar() == "sent"
        assert connection.exec_driver_sql("SELECT due_after_days, escalate_after_days FROM plans").one() == (
            14,
            3,
        )


def test_downgrading_drops_the_new_columns_without_losing_rows_that_point_at_them(blank_engine):
    upgrade(blank_engine, "0001")
    with blank_engine.begin() as connection:
        for row in ROWS:
            connection.exec_driver_sql(row)
    upgrade(blank_engine)

    config = _alembic_config()
    with blank_engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0001")

    with blank_engine.connect() as connection:
        assert [_count(connection, t) for t in ("rounds", "prompts", "prompt_actions", "updates")] == [
            2,
            1,
            1,
            1,
        ]
