"""Keeping a received message raw, once: the one way Slack payloads and emails enter the store before anything
acts on them (STYLE.md 1: accept fast, persist raw, decide later).

UNIQUE(channel, external_id) on inbound_messages recognises a redelivery (the same Message-ID, the same Slack
event id): the second copy is answered as a duplicate of the first row and nothing new is written.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from store.db import session_scope
from store.models.records import InboundMessage


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
        "state": "new",
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
