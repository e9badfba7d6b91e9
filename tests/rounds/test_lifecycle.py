"""Closing and reopening a round, by hand and when its closing day ends."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from collector.core.errors import UserError
from collector.rounds.lifecycle import close_round, find_round, reopen_round
from store.db import session_scope
from store.models.records import AuditEvent
from store.models.rounds import Round
from tests.rounds.helpers import open_harbourside, run
from tests.rounds.personas import plan_of


def _round(engine, round_id: int) -> Round:
    with session_scope(engine, read_only=True) as s:
        r = s.get_one(Round, round_id)
        s.expunge(r)
        return r


def test_a_round_closes_at_the_end_of_its_closing_day_in_local_time(engine, world, clock, channels):
    opened = open_harbourside(engine, world, clock, closes=date(2027, 4, 9))
    assert opened.round.closes_at == datetime(2027, 4, 9, 23, tzinfo=UTC)  # midnight BST

    assert run(engine, channels, clock, at=datetime(2027, 4, 9, 22, 59, tzinfo=UTC)).closed == 0
    assert run(engine, channels, clock, at=datetime(2027, 4, 9, 23, 0, tzinfo=UTC)).closed == 1

    closed = _round(engine, opened.round.id)
    assert (closed.state, closed.closed_at) == ("closed", clock.now())
    assert run(engine, channels, clock).closed == 0


def test_a_closed_round_can_be_reopened_and_its_old_closing_day_no_longer_applies(
    engine, world, clock, channels
):
    opened = open_harbourside(engine, world, clock, closes=date(2027, 4, 9))
    run(engine, channels, clock, at=datetime(2027, 4, 10, 9, tzinfo=UTC))
    with session_scope(engine) as s:
        reopen_round(s, s.get_one(Round, opened.round.id), clock=clock, actor="cli:test")

    reopened = _round(engine, opened.round.id)
    assert (reopened.state, reopened.closed_at, reopened.closes_at) == ("open", None, None)
    assert reopened.reopened_at == clock.now()
    assert run(engine, channels, clock).closed == 0
    with session_scope(engine, read_only=True) as s:
        events = s.scalars(
            select(AuditEvent.event).where(AuditEvent.event.like("round.%")).order_by(AuditEvent.id)
        )
        assert list(events) == ["round.opened", "round.closed", "round.reopened"]


def test_closing_and_reopening_refuse_what_makes_no_sense(engine, world, clock):
    opened = open_harbourside(engine, world, clock)
    with session_scope(engine) as s:
        round_ = s.get_one(Round, opened.round.id)
        with pytest.raises(UserError, match="already open"):
            reopen_round(s, round_, clock=clock, actor="t")
        close_round(s, round_, clock=clock, actor="t")
        with pytest.raises(UserError, match="already closed"):
            close_round(s, round_, clock=clock, actor="t")
    second = open_harbourside(engine, world, clock)
    with (
        session_scope(engine) as s,
        pytest.raises(UserError, match=rf"already has an open round: #{second.round.id}"),
    ):
        reopen_round(s, s.get_one(Round, opened.round.id), clock=clock, actor="t")


def test_a_round_is_found_by_id_or_as_the_plans_open_one(engine, world, clock):
    opened = open_harbourside(engine, world, clock)
    with session_scope(engine, read_only=True) as s:
        plan = plan_of(s, world)
        assert find_round(s, plan=plan).id == opened.round.id
        assert find_round(s, round_id=opened.round.id).id == opened.round.id
        with pytest.raises(UserError, match="has no closed round"):
            find_round(s, plan=plan, state="closed")
        with pytest.raises(UserError, match="no round 99"):
            find_round(s, round_id=99)
