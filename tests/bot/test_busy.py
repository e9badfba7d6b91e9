"""docs/reliability.md S4, the 3-second rule under database contention: while another connection holds the
database locked, Slack still gets its answer in time, and nothing is lost once the lock goes.

  * a click (or any interaction) is acked before anything touches the database; its lazy listener waits
    the lock out (bot/answers.patiently) and records it once;
  * a DM is stored before the ack (bot/app.py), so it cannot wait: after ingest.ACK_BUDGET it answers 503,
    inside the 3 seconds, and Slack's retry (X-Slack-Retry-Num) stores and handles it once.

The lock: on SQLite a plain sqlite3 connection in BEGIN EXCLUSIVE on the same file; on PostgreSQL another
connection holding LOCK TABLE inbound_messages IN ACCESS EXCLUSIVE MODE (readers wait too).
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, select

from bot import ingest
from store.db import session_scope
from store.models.records import InboundMessage
from store.models.updates import Update
from tests.bot import slack
from tests.bot.conftest import ALEX, PRIYA, SAM, wait_for


@contextmanager
def locked(engine: Engine) -> Iterator[None]:
    """Another connection holds the lock until the block ends."""
    if engine.dialect.name == "sqlite":
        other = sqlite3.connect(engine.url.database or "", isolation_level=None)
        other.execute("BEGIN EXCLUSIVE")
        try:
            yield
        finally:
            other.rollback()
            other.close()
    else:
        with engine.connect() as other:
            other.exec_driver_sql("LOCK TABLE inbound_messages IN ACCESS EXCLUSIVE MODE")
            try:
                yield
            finally:
                other.rollback()


def _start(h) -> dict:
    h.command(PRIYA, "start harbourside 2027-03-31")
    wait_for(lambda: any("Sent" in r.get("text", "") for r in h.api.state.responses))
    return wait_for(lambda: h.api.posts_to(SAM))[0]


def _updates(engine) -> list[str | None]:
    with session_scope(engine, read_only=True) as s:
        return list(s.scalars(select(Update.status).where(Update.via == "slack").order_by(Update.id)))


def _stored(engine, pattern: str) -> list[str]:
    with session_scope(engine, read_only=True) as s:
        query = select(InboundMessage.state).where(InboundMessage.external_id.like(pattern))
        return list(s.scalars(query))


def test_a_click_while_the_database_is_locked_is_acked_in_time_and_recorded_once_after(
    harness, world, engine
):
    message = _start(harness)
    section = next(
        b for b in message["blocks"] if b["type"] == "section" and b["text"]["text"][:5] == "*1.2*"
    )
    payload = slack.block_action(
        SAM, slack.select_status(section, "at_risk"), harness.api.url + "/response", message=message
    )
    with locked(engine):
        first = harness.send(payload)
        again = harness.send(payload)  # a double click, or Slack's own redelivery
        assert (first.status, again.status) == (200, 200)
        assert first.seconds < 3 and again.seconds < 3
        time.sleep(1.0)  # the listener is waiting the lock out meanwhile
        assert _updates(engine) == []
    wait_for(lambda: _updates(engine))
    wait_for(lambda: harness.api.calls("chat.update"))
    assert _updates(engine) == ["at_risk"]
    assert _stored(engine, "action:%") == ["applied"]
    said = [r.get("text", "") for r in harness.api.state.responses]
    assert not any("could not be saved" in t for t in said)


def test_a_dm_while_the_database_is_locked_gets_a_503_in_time_and_slacks_retry_lands_once(
    harness, world, engine
):
    _start(harness)
    payload = slack.event(slack.dm(ALEX, "Sorry, I'm on leave until next week, will reply then"), "Ev0BUSY01")
    with locked(engine):
        refused = harness.event(payload)
        assert refused.status == 503 and refused.seconds < 3  # Slack retries a 5xx (no X-Slack-No-Retry)
    assert _stored(engine, "event:%") == []
    retried = harness.event(payload, **{"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_error"})
    assert retried.status == 200 and retried.seconds < 3
    wait_for(lambda: [m for m in harness.api.posts_to(ALEX) if "coordinator will look" in m["text"]])
    harness.event(payload, **{"X-Slack-Retry-Num": "2", "X-Slack-Retry-Reason": "http_timeout"})
    assert _stored(engine, "event:%") == ["needs_review"]
    answered = [m for m in harness.api.posts_to(ALEX) if "coordinator will look" in m["text"]]
    assert len(answered) == 1


def test_a_short_lock_is_waited_out_and_the_connection_goes_back_to_the_pool_as_it_was(
    harness, world, engine
):
    """A lock shorter than the budget costs a little time, not a retry; and the bounded timeout does not
    leak into the pool (other work there still waits as long as ever)."""
    _start(harness)
    payload = slack.event(slack.dm(ALEX, "Sorry, I'm on leave until next week, will reply then"), "Ev0BUSY02")
    result: list[slack.Answer] = []
    with locked(engine):
        sender = threading.Thread(target=lambda: result.append(harness.event(payload)))
        sender.start()
        time.sleep(0.5)
    sender.join(timeout=5)
    assert result and result[0].status == 200 and 0.4 < result[0].seconds < 3
    wait_for(lambda: _stored(engine, "event:Ev0BUSY02") == ["needs_review"])

    with ingest.bounded(engine, 0.2) as connection:
        raw = connection.connection.dbapi_connection
        assert _timeout(raw, engine) in (200, "200ms")
    assert _timeout(raw, engine) in (5000, "0")


def _timeout(raw, engine: Engine) -> object:
    """The lock wait of a DBAPI connection: SQLite's busy_timeout (ms), PostgreSQL's lock_timeout."""
    if engine.dialect.name == "sqlite":
        return raw.execute("PRAGMA busy_timeout").fetchone()[0]
    with raw.cursor() as cursor:
        cursor.execute("SHOW lock_timeout")
        value = cursor.fetchone()[0]
    raw.rollback()
    return value
