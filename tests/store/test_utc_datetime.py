"""Instants stay instants on both backends (docs/reliability.md F12, test D8)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.exc import StatementError

from store.db import session_scope
from store.models.records import AuditEvent

BST = timezone(timedelta(hours=1))


def _event(at: datetime, event: str) -> AuditEvent:
    return AuditEvent(at=at, actor="test", via="cli", entity="round", event=event, detail={})


def test_it_keeps_two_instants_that_share_a_wall_clock_time_apart(engine):
    summer = datetime(2025, 10, 26, 1, 30, tzinfo=BST)
    winter = datetime(2025, 10, 26, 1, 30, tzinfo=UTC)
    with session_scope(engine) as session:
        session.add_all([_event(summer, "summer"), _event(winter, "winter")])

    with session_scope(engine) as session:
        read = {e.event: e.at for e in session.scalars(select(AuditEvent))}

    assert read["summer"] == summer
    assert read["winter"] == winter
    assert read["summer"] != read["winter"]
    assert read["summer"].tzinfo == UTC and read["winter"].tzinfo == UTC
    assert read["summer"] == datetime(2025, 10, 26, 0, 30, tzinfo=UTC)


def test_it_compares_stored_instants_in_queries_across_offsets(engine):
    with session_scope(engine) as session:
        session.add(_event(datetime(2025, 10, 26, 1, 30, tzinfo=BST), "reminder"))

    with session_scope(engine) as session:
        before = session.scalar(
            select(AuditEvent).where(AuditEvent.at < datetime(2025, 10, 26, 0, 31, tzinfo=UTC))
        )
        after = session.scalar(
            select(AuditEvent).where(AuditEvent.at > datetime(2025, 10, 26, 0, 31, tzinfo=UTC))
        )

    assert before is not None and before.event == "reminder"
    assert after is None


def test_it_refuses_a_naive_datetime(engine):
    with pytest.raises(StatementError) as raised, session_scope(engine) as session:
        session.add(_event(datetime(2025, 10, 26, 1, 30), "naive"))
        session.flush()
    assert isinstance(raised.value.orig, ValueError)
    assert "naive datetime" in str(raised.value.orig)
