"""SQLite tuning, BEGIN IMMEDIATE under contention (docs/reliability.md F8 and D1), and the session scope."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import event, func, select

from collector.core.errors import UserError
from store.db import describe_url, make_engine, session_scope, upgrade
from store.models.records import AuditEvent

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _event(name: str) -> AuditEvent:
    return AuditEvent(at=AT, actor="test", via="scheduler", entity="round", event=name, detail={})


@pytest.fixture
def sqlite_engine(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'nested' / 'var' / 'collector.db'}")
    upgrade(engine)
    yield engine
    engine.dispose()


def test_it_creates_the_directory_of_a_new_sqlite_file_and_tunes_it(sqlite_engine, tmp_path):
    assert (tmp_path / "nested" / "var" / "collector.db").exists()
    with sqlite_engine.connect() as connection:
        pragmas = {
            name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("journal_mode", "busy_timeout", "foreign_keys", "synchronous")
        }
    assert pragmas == {"journal_mode": "wal", "busy_timeout": 5000, "foreign_keys": 1, "synchronous": 2}


def test_it_begins_every_sqlite_transaction_immediate(sqlite_engine):
    statements: list[str] = []
    event.listen(sqlite_engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    with session_scope(sqlite_engine) as session:
        session.scalar(select(func.count(AuditEvent.id)))
    assert statements[0] == "BEGIN IMMEDIATE"


def test_a_read_then_write_waits_for_another_writer_instead_of_failing_locked(sqlite_engine):
    """A second process's read-then-write waits for the first writer's commit, then succeeds."""
    other = make_engine(str(sqlite_engine.url))
    outcome: dict[str, object] = {}

    def read_then_write() -> None:
        started = time.monotonic()
        try:
            with session_scope(other) as session:
                seen = session.scalar(select(func.count(AuditEvent.id)))
                session.add(_event(f"second saw {seen}"))
            outcome["ok"] = True
        except Exception as exc:  # reported to the main thread's asserts below
            outcome["error"] = exc
        outcome["waited"] = time.monotonic() - started

    try:
        with session_scope(sqlite_engine) as session:
            session.add(_event("first"))
            session.flush()  # the write lock is held from BEGIN IMMEDIATE until this scope commits
            worker = threading.Thread(target=read_then_write)
            worker.start()
            time.sleep(0.5)
            assert worker.is_alive(), f"the second writer did not wait: {outcome}"
        worker.join(timeout=10)
    finally:
        other.dispose()

    assert not worker.is_alive()
    assert outcome.get("ok") is True, outcome.get("error")
    assert 0.3 < outcome["waited"] < 5  # type: ignore[operator]
    with session_scope(sqlite_engine) as session:
        events = sorted(session.scalars(select(AuditEvent.event)))
    assert events == ["first", "second saw 1"]


def test_it_rolls_back_everything_when_the_scope_raises(engine):
    with pytest.raises(UserError), session_scope(engine) as session:
        session.add(_event("half done"))
        session.flush()
        raise UserError("the user changed their mind")
    with session_scope(engine) as session:
        assert session.scalar(select(func.count(AuditEvent.id))) == 0


def test_objects_stay_readable_after_the_scope_commits(engine):
    with session_scope(engine) as session:
        saved = _event("kept")
        session.add(saved)
    assert saved.id is not None and saved.event == "kept"


def test_a_plain_postgresql_url_means_psycopg_3():
    engine = make_engine("postgresql://collector:secret@db.example.org/collector")
    assert engine.url.drivername == "postgresql+psycopg"
    assert describe_url(engine.url) == "postgresql+psycopg://collector@db.example.org/collector"
    engine.dispose()


def test_a_read_only_session_reads_while_a_writer_holds_the_lock(engine):
    """Readers take no write lock on SQLite, so `plan show` never waits behind an import."""
    from store.models.plans import Plan

    with session_scope(engine) as writer:
        writer.add(Plan(name="busy", title="Busy", status_labels={}, created_at=_now(), updated_at=_now()))
        writer.flush()  # the writer now holds the write lock until it commits
        with session_scope(engine, read_only=True) as reader:
            assert reader.query(Plan).count() == 0  # the uncommitted plan is not visible, and no wait


def test_a_read_only_session_refuses_to_write(engine):
    from store.models.plans import Plan

    with (
        pytest.raises(RuntimeError, match="read-only session tried to write"),
        session_scope(engine, read_only=True) as reader,
    ):
        reader.add(Plan(name="x", title="X", status_labels={}, created_at=_now(), updated_at=_now()))
        reader.flush()


def _now() -> datetime:
    return datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
