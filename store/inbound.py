"""Keeping a received message raw, once, and moving it between its states: the one way Slack payloads and
emails enter the store before anything acts on them (accept fast, persist raw, decide later), and the one
place that says which state may follow which.

UNIQUE(channel, external_id) on inbound_messages recognises a redelivery (the same Message-ID, the same Slack
event id): the second copy is answered as a duplicate of the first row and nothing new is written.

The states are collector.core.vocabulary.InboundState. A message is decided once, from NEW; the review queue
may then apply or reject what waits for review (or replay it back into review), and reject what was applied
and later found wrong. Every other state is final. A move the table does not allow is a bug (StateError).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from collector.core.vocabulary import InboundState
from store.db import session_scope
from store.models.records import InboundMessage

NEW, APPLIED, NEEDS_REVIEW, REJECTED = (
    InboundState.NEW,
    InboundState.APPLIED,
    InboundState.NEEDS_REVIEW,
    InboundState.REJECTED,
)

# state -> the states it may come from
MOVES: dict[InboundState, frozenset[InboundState]] = {
    APPLIED: frozenset({NEW, NEEDS_REVIEW}),
    NEEDS_REVIEW: frozenset({NEW, NEEDS_REVIEW}),
    REJECTED: frozenset({NEW, NEEDS_REVIEW, APPLIED}),
    InboundState.AUTO_REPLY: frozenset({NEW}),
    InboundState.BOUNCE: frozenset({NEW}),
    InboundState.FAILED: frozenset({NEW}),
}


class StateError(RuntimeError):
    """A message moved from a state its new state may not follow: a bug in the caller, not the sender's."""


@dataclass(frozen=True)
class Stored:
    id: int
    external_id: str
    duplicate: bool  # stored before (a redelivery): nothing new was written


def find(s: Session, channel: str, external_id: str) -> int | None:
    query = select(InboundMessage.id).where(
        InboundMessage.channel == channel, InboundMessage.external_id == external_id
    )
    return s.scalar(query)


def new_row(
    channel: str, external_id: str, raw: bytes, envelope: dict[str, Any], now: datetime
) -> dict[str, Any]:
    """The columns of a message received now and not yet processed."""
    return {
        "channel": channel,
        "external_id": external_id,
        "raw": raw,
        "sha256": hashlib.sha256(raw).hexdigest(),
        "envelope": envelope,
        "received_at": now,
        "state": NEW.value,
        "attempts": 0,
    }


def store_raw(
    engine: Engine, channel: str, external_id: str, raw: bytes, envelope: dict[str, Any], now: datetime
) -> Stored:
    """Insert and commit, or find the copy stored before. Raises on a database error: the caller answers so
    the sender retries (451 for SMTP, a 5xx for Slack)."""
    try:
        with session_scope(engine) as s:
            found = find(s, channel, external_id)
            if found is not None:
                return Stored(found, external_id, duplicate=True)
            row = InboundMessage(**new_row(channel, external_id, raw, envelope, now))
            s.add(row)
            s.flush()
            return Stored(row.id, external_id, duplicate=False)
    except IntegrityError:  # another process stored the same message between our look and our insert
        with session_scope(engine, read_only=True) as s:
            found = find(s, channel, external_id)
        if found is None:
            raise
        return Stored(found, external_id, duplicate=True)


def _move(msg: InboundMessage, to: InboundState, at: datetime | None, reason: str | None) -> None:
    """Set the state (stored as its plain value), the reason and, unless `at` is None, when it was decided.
    `at` None keeps processed_at: a Slack reading held for confirmation was timed when it was read."""
    if msg.state not in MOVES[to]:
        raise StateError(f"inbound message {msg.id} cannot go from {msg.state} to {to.value}")
    msg.state, msg.reason = to.value, reason
    if at is not None:
        msg.processed_at = at


def mark_applied(msg: InboundMessage, *, at: datetime | None, reason: str | None = None) -> None:
    """Its updates are on the record (or it asked for nothing new)."""
    _move(msg, APPLIED, at, reason)


def mark_for_review(msg: InboundMessage, *, at: datetime | None, reason: str | None) -> None:
    """A person must look at it: `reason` says why."""
    _move(msg, NEEDS_REVIEW, at, reason)


def mark_rejected(msg: InboundMessage, *, at: datetime | None, reason: str | None) -> None:
    """Kept off the record (and, from review, whatever it had put there withdrawn by the caller)."""
    _move(msg, REJECTED, at, reason)


def mark_auto_reply(msg: InboundMessage, *, at: datetime, reason: str) -> None:
    """An automatic or looping message: stored, never read as a reply."""
    _move(msg, InboundState.AUTO_REPLY, at, reason)


def mark_bounce(msg: InboundMessage, *, at: datetime, reason: str) -> None:
    """A delivery failure report: stored; the caller flags whom it was about."""
    _move(msg, InboundState.BOUNCE, at, reason)


def mark_failed(msg: InboundMessage, *, at: datetime, reason: str) -> None:
    """Quarantined: handling it kept failing. The raw bytes stay for a person to look at."""
    _move(msg, InboundState.FAILED, at, reason)
