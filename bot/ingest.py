"""Storing one Slack payload raw, under a unique id, before anything acts on it; and reading it back.

Accept fast, persist raw, decide later (docs/style.md 1). Slack redelivers: Events API retries carry the same
event_id (X-Slack-Retry-Num 1-3), a double-clicked button or a twice-pressed Save sends the same view again,
and bolt deduplicates nothing (reliability.md section 3). UNIQUE(channel, external_id) on inbound_messages
makes the second copy a "duplicate" here, and the caller does nothing more with it.

External ids, one per kind of payload:
  event:{event_id}                                   Events API (message.im)
  action:{team}:{user}:{action_id}:{action_ts}       a button or select that changes something
  view:{view id}:{view hash}                         a modal's submission
  command:{trigger_id}                               a slash command
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine

from collector.core.clock import Clock
from store.inbound import Stored, store_raw
from store.models.records import InboundMessage

log = logging.getLogger(__name__)

CHANNEL = "slack"
MAX_ID = 990
# Storing before an ack must give up in time for Slack's 3 seconds: SQLite's busy timeout (5 s, store/db.py)
# and PostgreSQL's default (wait for a lock forever) are both too long. Answering 503 after this makes Slack
# retry, so giving up early loses nothing.
ACK_BUDGET = 1.5  # seconds


def event_id(body: dict[str, Any]) -> str:
    return f"event:{body['event_id']}"


def action_id(body: dict[str, Any], action: dict[str, Any]) -> str:
    team = (body.get("team") or {}).get("id", "")
    user = (body.get("user") or {}).get("id", "")
    return f"action:{team}:{user}:{action.get('action_id', '')}:{action.get('action_ts', '')}"


def view_id(body: dict[str, Any]) -> str:
    view = body.get("view") or {}
    return f"view:{view.get('id', '')}:{view.get('hash', '')}"


def command_id(body: dict[str, Any]) -> str:
    return f"command:{body.get('trigger_id', '')}"


def store(
    engine: Engine,
    clock: Clock,
    external_id: str,
    body: dict[str, Any],
    *,
    kind: str,
    user: str | None,
    retry_num: str | None = None,
    timeout: float | None = None,
) -> Stored:
    """Insert the payload and commit, or find the copy stored before. Raises on a database error (the
    caller answers so Slack retries, or tells the user); with `timeout`, also when a lock is held longer."""
    external_id = external_id[:MAX_ID]
    raw = json.dumps(body, ensure_ascii=False, separators=(",", ":")).replace("\x00", "").encode("utf-8")
    envelope = {"kind": kind, "user": user, "retry_num": retry_num}
    if timeout is None:
        return store_raw(engine, CHANNEL, external_id, raw, envelope, clock.now())
    with bounded(engine, timeout) as connection:
        # store_raw opens its sessions on whatever it is given; on this connection they inherit the bound
        return store_raw(connection, CHANNEL, external_id, raw, envelope, clock.now())  # type: ignore[arg-type]


@contextmanager
def bounded(engine: Engine, seconds: float) -> Iterator[Connection]:
    """A pooled connection on which waiting for a lock gives up after `seconds` (OperationalError), put
    back as it was afterwards. Set on the DBAPI connection, so no transaction (and on SQLite, no BEGIN
    IMMEDIATE, which is where the wait happens) is begun to set it."""
    ms = max(1, int(seconds * 1000))
    with engine.connect() as connection:
        raw: Any = connection.connection.dbapi_connection
        sqlite = engine.dialect.name == "sqlite"
        if sqlite:
            before = raw.execute("PRAGMA busy_timeout").fetchone()[0]
            raw.execute(f"PRAGMA busy_timeout={ms}")
        else:
            with raw.cursor() as cursor:
                cursor.execute(f"SET lock_timeout = {ms}")
                cursor.execute(f"SET statement_timeout = {ms * 2}")
            raw.commit()
        try:
            yield connection
        finally:
            try:
                if sqlite:
                    raw.execute(f"PRAGMA busy_timeout={int(before)}")
                else:
                    raw.rollback()
                    with raw.cursor() as cursor:
                        cursor.execute("RESET lock_timeout")
                        cursor.execute("RESET statement_timeout")
                    raw.commit()
            except Exception:  # never hand the pool a connection with a short timeout
                log.warning("could not restore a connection's lock timeout; discarding it", exc_info=True)
                connection.invalidate()


def payload(message: InboundMessage) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(bytes(message.raw).decode("utf-8"))
    return data
