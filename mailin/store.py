"""Storing one received message: the single committed transaction that must finish before we answer 250.

Accept fast, persist raw, decide later (STYLE.md 1, RELIABILITY.md section 1 rule 2): the raw bytes, the
envelope, their SHA-256 and a dedupe key go into inbound_messages in one transaction; nothing is parsed
here beyond finding the Message-ID header, so a parser bug can never bounce mail. A redelivery (same
Message-ID, or the same bytes when there is none) is recognised by UNIQUE(channel, external_id) and
answered as already stored: the duplicate RFC 5321 allows for is absorbed, never stored twice.
"""

from __future__ import annotations

import hashlib
import queue
import re
import threading
from concurrent.futures import Future
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


def store_batch(
    engine: Engine, items: list[tuple[bytes, dict[str, Any]]], clock: Clock
) -> list[Stored | BaseException]:
    """Store several messages in ONE transaction and one commit (one fsync), each under its own savepoint so
    a message that fails cannot sink the others. Raises when the commit itself fails: then nothing of the
    batch is stored and every sender gets 451."""
    results: list[Stored | BaseException] = []
    with session_scope(engine) as s:
        for raw, envelope in items:
            external_id = external_id_for(raw)
            try:
                with s.begin_nested():
                    existing = _find(s, external_id)
                    if existing is not None:
                        results.append(Stored(existing, external_id, duplicate=True))
                        continue
                    row = InboundMessage(
                        channel=CHANNEL,
                        external_id=external_id,
                        raw=raw,
                        sha256=hashlib.sha256(raw).hexdigest(),
                        envelope=envelope,
                        received_at=_now(clock),
                        state="new",
                        attempts=0,
                    )
                    s.add(row)
                    s.flush()
                    results.append(Stored(row.id, external_id, duplicate=False))
            except IntegrityError as exc:  # stored by another process since our look (PostgreSQL)
                existing = _find(s, external_id)
                results.append(Stored(existing, external_id, True) if existing is not None else exc)
    return results


class GroupCommitter:
    """Group commit for DATA: one writer thread stores every message waiting at that moment in one
    transaction, commits once, then releases all their 250s.

    A 250 still means "committed" (RFC 5321 6.1): each future resolves only after its batch's commit. What
    changes is that concurrent senders share one fsync instead of paying one each, which is what bounds
    the accepted rate on a durable store. Called like store_message (for code that stores one message from a
    thread), or through submit() from the event loop without tying up a worker thread.
    """

    def __init__(self, engine: Engine, clock: Clock, *, max_batch: int = 200):
        self.engine, self.clock, self.max_batch = engine, clock, max_batch
        self._queue: queue.Queue[tuple[bytes, dict[str, Any], Future[Stored]] | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="mail-group-commit", daemon=True)
        self._thread.start()

    def submit(self, raw: bytes, envelope: dict[str, Any]) -> Future[Stored]:
        future: Future[Stored] = Future()
        self._queue.put((raw, envelope, future))
        return future

    def __call__(self, engine: Engine, raw: bytes, envelope: dict[str, Any], clock: Clock) -> Stored:
        return self.submit(raw, envelope).result()

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=30)

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            batch = [first]
            while len(batch) < self.max_batch:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    self._queue.put(None)  # stop after this batch
                    break
                batch.append(item)
            try:
                results = store_batch(self.engine, [(raw, env) for raw, env, _ in batch], self.clock)
            except BaseException as exc:  # the commit failed: nothing of this batch is stored
                for _, _, future in batch:
                    future.set_exception(exc)
                continue
            for (_, _, future), result in zip(batch, results, strict=True):
                if isinstance(result, BaseException):
                    future.set_exception(result)
                else:
                    future.set_result(result)
