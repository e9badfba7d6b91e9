"""A withdrawn update is kept but invisible: every ORM query skips it unless it asks for the history
(store/models/updates.py hide_withdrawn); migration 0007 adds the columns and leaves old rows be."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from sqlalchemy import exists, func, inspect, select

from store.db import _alembic_config, session_scope, upgrade
from store.models.plans import Action, Plan
from store.models.rounds import Round
from store.models.updates import INCLUDE_WITHDRAWN, Update
from store.queries import latest_in_round, update_history

NOW = datetime(2027, 3, 1, 9, 30, tzinfo=UTC)


def _two_updates(session) -> tuple[int, int, int, int]:
    """An action with two updates in one round, the later one withdrawn: (action, round, kept, withdrawn)."""
    plan = Plan(name="p", title="P", created_at=NOW, updated_at=NOW)
    session.add(plan)
    session.flush()
    action = Action(plan_id=plan.id, ref="1", text="Do it", position=1, created_at=NOW, updated_at=NOW)
    round_ = Round(plan_id=plan.id, kind="collection", name="Spring", opened_at=NOW, created_at=NOW)
    session.add_all([action, round_])
    session.flush()
    kept = Update(action_id=action.id, round_id=round_.id, status="on_track", via="cli", created_at=NOW)
    gone = Update(
        action_id=action.id,
        round_id=round_.id,
        status="off_track",
        via="cli",
        created_at=NOW,
        withdrawn_at=NOW,
        withdrawn_by="cli:sam",
        withdrawn_reason="typed against the wrong action",
    )
    session.add_all([kept, gone])
    session.flush()
    return action.id, round_.id, kept.id, gone.id


def test_every_kind_of_query_skips_a_withdrawn_update(engine):
    with session_scope(engine) as s:
        action_id, round_id, kept, gone = _two_updates(s)
    with session_scope(engine, read_only=True) as s:
        assert s.scalars(select(Update.status)).all() == ["on_track"]
        assert s.scalar(select(func.count(Update.id))) == 1
        assert s.scalar(select(exists().where(Update.status == "off_track"))) is False
        worst = select(Update.action_id).where(Update.status == "off_track").scalar_subquery()
        assert s.scalars(select(Action.id).where(Action.id.in_(worst))).all() == []
        assert s.get(Update, gone) is None
        assert latest_in_round(s, action_id, round_id).id == kept  # the one before counts again


def test_the_history_and_an_explicit_request_still_see_it(engine):
    with session_scope(engine) as s:
        _, _, kept, gone = _two_updates(s)
    with session_scope(engine, read_only=True) as s:
        everything = select(Update.id).order_by(Update.id).execution_options(**{INCLUDE_WITHDRAWN: True})
        assert s.scalars(everything).all() == [kept, gone]
        assert s.get(Update, gone, execution_options={INCLUDE_WITHDRAWN: True}).withdrawn_by == "cli:sam"
        plan_id = s.scalar(select(Plan.id))
        assert [u.id for u, _, _ in update_history(s, plan_id)] == [kept, gone]


def test_an_update_already_loaded_can_still_be_read_after_it_is_withdrawn(engine):
    """Withdrawing in the same session must not hide the object from itself (its refresh is not filtered)."""
    with session_scope(engine) as s:
        _, _, kept, _ = _two_updates(s)
    with session_scope(engine) as s:
        update = s.get(Update, kept)
        update.withdrawn_at = NOW
        s.flush()
        s.expire(update)
        assert update.status == "on_track"


UPDATE_ROWS = (
    "INSERT INTO plans (id, name, title, source_file, source_format, source_sha256, status_labels, columns, "
    "lead_key, created_at, updated_at) "
    "VALUES (1, 'p', 'P', '', '', '', '{}', '[]', '{}', '2026-01-01', '2026-01-01')",
    "INSERT INTO actions (id, plan_id, ref, text, position, fields, created_at, updated_at) "
    "VALUES (1, 1, '1', 'Do it', 1, '{}', '2026-01-01', '2026-01-01')",
    "INSERT INTO rounds (id, plan_id, kind, name, opened_at, created_at) "
    "VALUES (1, 1, 'collection', 'Spring', '2026-01-01', '2026-01-01')",
    "INSERT INTO updates (id, action_id, round_id, status, progress, evidence, via, created_at) "
    "VALUES (1, 1, 1, 'on_track', 'Going well', '[]', 'email', '2026-01-02')",
)


def test_upgrading_keeps_every_existing_update_on_the_record(blank_engine):
    upgrade(blank_engine, "0006")
    with blank_engine.begin() as connection:
        for row in UPDATE_ROWS:
            connection.exec_driver_sql(row)

    upgrade(blank_engine)

    with session_scope(blank_engine, read_only=True) as s:
        (update,) = s.scalars(select(Update)).all()
        assert (update.progress, update.corrected, update.corrects_id, update.withdrawn_at) == (
            "Going well",
            [],
            None,
            None,
        )


def test_downgrading_drops_the_new_columns_and_keeps_the_updates(blank_engine):
    upgrade(blank_engine, "0006")
    with blank_engine.begin() as connection:
        for row in UPDATE_ROWS:
            connection.exec_driver_sql(row)
    upgrade(blank_engine)

    config = _alembic_config()
    with blank_engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0006")

    with blank_engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM updates").scalar() == 1
        columns = {c["name"] for c in inspect(connection).get_columns("updates")}
    assert not columns & {"entered_by", "corrects_id", "corrected", "withdrawn_at", "withdrawn_by"}
