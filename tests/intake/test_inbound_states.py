"""The moves of a received message between its states (store.inbound): stored as the plain values the
column always held, and a move the table does not allow refused as a bug rather than written."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from collector.core.vocabulary import InboundState
from store.inbound import (
    MOVES,
    StateError,
    mark_applied,
    mark_bounce,
    mark_for_review,
    mark_rejected,
    store_raw,
)
from store.models.records import InboundMessage

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _stored(session, engine) -> InboundMessage:
    kept = store_raw(engine, "email", "<m1@example.org>", b"Subject: hi\r\n\r\n1.1 done", {}, NOW)
    return session.get_one(InboundMessage, kept.id)


def test_a_move_writes_the_plain_value_the_column_always_held(engine, session):
    msg = _stored(session, engine)
    assert msg.state == "new"
    mark_for_review(msg, at=NOW, reason="which action?")
    session.flush()
    raw = session.execute(
        text("SELECT state, reason FROM inbound_messages WHERE id = :i"), {"i": msg.id}
    ).one()
    assert tuple(raw) == ("needs_review", "which action?")
    assert type(msg.state) is str
    mark_applied(msg, at=NOW)
    assert (msg.state, msg.reason, msg.processed_at) == ("applied", None, NOW)


def test_a_held_reading_keeps_the_time_it_was_read():
    msg = InboundMessage(state="new", processed_at=NOW)
    mark_applied(msg, at=None, reason="edited by the lead")
    assert (msg.state, msg.processed_at) == (InboundState.APPLIED, NOW)


def test_a_final_state_is_never_left():
    msg = InboundMessage(state="new")
    mark_bounce(msg, at=NOW, reason="bounce")
    with pytest.raises(StateError):
        mark_applied(msg, at=NOW)
    with pytest.raises(StateError):
        mark_rejected(msg, at=NOW, reason="no")
    assert msg.state == "bounce"


def test_review_may_reject_what_was_applied_but_nothing_returns_to_new():
    msg = InboundMessage(state="applied")
    mark_rejected(msg, at=NOW, reason="wrong lead")
    assert msg.state == "rejected"
    assert InboundState.NEW not in MOVES


def test_the_column_accepts_exactly_the_states_the_enum_names():
    checks = [
        str(c.sqltext)
        for c in InboundMessage.__table__.constraints
        if "state IN" in str(getattr(c, "sqltext", ""))
    ]
    named = set(checks[0].split("(", 1)[1].rstrip(")").replace("'", "").replace(" ", "").split(","))
    assert named == {s.value for s in InboundState}
