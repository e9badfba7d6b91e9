"""Storing one received message: the single committed transaction that must finish before we answer 250.

Accept fast, persist raw, decide later (STYLE.md 1, RELIABILITY.md section 1 rule 2): the raw bytes, the
envelope, their SHA-256 and a dedupe key go into inbound_messages in one transaction; nothing is parsed
here beyond finding the Message-ID header, so a parser bug can never bounce mail. A redelivery (same
Message-ID, or the same bytes when there is none) is recognised by UNIQUE(channel, external_id) and
answered as already stored: the duplicate RFC 5321 allows for is absorbed, never stored twice.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError

from collector.clock import Clock
from store.db import session_scope
from store.models import InboundMessage

CHANNEL = "email"
_HEADER_END = re.compile(rb"\r?\n\r?\n")
_MESSAGE_ID = re.compile(rb"^message-id[ \t]*:(.*(?:\r?\n[ \t].*)*)", re.IGNORECASE | re.MULTILINE)
_ID = re.compile(rb"<[^<>\s]+>")
MAX_ID = 990  # external_id is String(998): longer "ids" are not ids, fall back to the hash


@dataclass(frozen=True)
class Stored:
    id: int
    external_id: str
    duplicate: bool  # the message was stored before (a redelivery): nothing new was written


def external_id_for(raw: bytes) -> str:
    """The dedupe key: the normalised Message-ID ("<abc@host>", whitespace removed), else "sha256:<hex>"."""
    head = _HEADER_END.split(raw, maxsplit=1)[0]
    match = _MESSAGE_ID.search(head)
    if match:
        value = re.sub(rb"\s+", b"", match.group(1))
        found = _ID.search(value)
        if found and len(found.group(0)) <= MAX_ID:
            try:
                text = found.group(0).decode("ascii")
            except UnicodeDecodeError:
                text = None
            if text and text.isprintable():
                return text
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def store_message(engine: Engine, raw: bytes, envelope: dict[str, Any], clock: Clock) -> Stored:
    """Insert the raw message and commit (synchronous=FULL on SQLite, synchronous_commit on PostgreSQL), or
    find the row a previous delivery stored. Raises on any database error: the caller answers 451."""
    external_id = external_id_for(raw)
    digest = hashlib.sha256(raw).hexdigest()
    try:
        with session_scope(engine) as s:
            existing = _find(s, external_id)
            if existing is not None:
                return Stored(existing, external_id, duplicate=True)
            row = InboundMessage(
                channel=CHANNEL,
                external_id=external_id,
                raw=raw,
                sha256=digest,
                envelope=envelope,
                received_at=_now(clock),
                state="new",
                attempts=0,
            )
            s.add(row)
            s.flush()
            stored = Stored(row.id, external_id, duplicate=False)
        return stored
    except IntegrityError:
        # a concurrent session stored the same message between our look and our insert (PostgreSQL)
        with session_scope(engine, read_only=True) as s:
            existing = _find(s, external_id)
        if existing is None:
            raise
        return Stored(existing, external_id, duplicate=True)


def _find(s, external_id: str) -> int | None:
    query = select(InboundMessage.id).where(
        InboundMessage.channel == CHANNEL, InboundMessage.external_id == external_id
    )
    return s.scalar(query)


def _now(clock: Clock) -> datetime:
    return clock.now()
