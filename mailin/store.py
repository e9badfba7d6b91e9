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
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, insert, select
from sqlalchemy.exc import IntegrityError

from collector.clock import Clock
from collector.faults import fault
from store.db import session_scope
from store.inbound import Stored, find, new_row, store_raw
from store.models import InboundMessage

CHANNEL = "email"
_HEADER_END = re.compile(rb"\r?\n\r?\n")
_MESSAGE_ID = re.compile(rb"^message-id[ \t]*:(.*(?:\r?\n[ \t].*)*)", re.IGNORECASE | re.MULTILINE)
_ID = re.compile(rb"<[^<>\s]+>")
MAX_ID = 990  # external_id is String(998): longer "ids" are not ids, fall back to the hash


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
    return store_raw(engine, CHANNEL, external_id_for(raw), raw, envelope, _now(clock))


def _find(s, external_id: str) -> int | None:
    return find(s, CHANNEL, external_id)


def _now(clock: Clock) -> datetime:
    return clock.now()


def store_batch(
    engine: Engine, items: list[tuple[bytes, dict[str, Any]]], clock: Clock
) -> list[Stored | BaseException]:
    """Store several messages in ONE transaction and one commit (one fsync). Set-based: one look-up of the
    batch's dedupe keys, one multi-row INSERT; the same message twice in a batch is stored once. When the
    INSERT meets a row another process stored since our look (PostgreSQL), the batch falls back to one
    savepoint per message so that message cannot sink the others. Raises when the commit itself fails:
    then nothing of the batch is stored and every sender gets 451."""
    keys = [external_id_for(raw) for raw, _ in items]
    now = _now(clock)
    with session_scope(engine) as s:
        known = _find_many(s, keys)
        fresh: dict[str, dict[str, Any]] = {}
        for (raw, envelope), key in zip(items, keys, strict=True):
            if key not in known and key not in fresh:
                fresh[key] = new_row(CHANNEL, key, raw, envelope, now)
        if fresh:
            try:
                with s.begin_nested():
                    insert_rows = insert(InboundMessage).returning(
                        InboundMessage.external_id, InboundMessage.id, sort_by_parameter_order=True
                    )
                    inserted = dict(s.execute(insert_rows, list(fresh.values())).all())
            except IntegrityError:
                return _store_each(s, items, keys, now)
        else:
            inserted = {}
        fault("mail.before_commit")  # inserted, not yet committed
    results: list[Stored | BaseException] = []
    first: set[str] = set()
    for key in keys:
        if key in inserted and key not in first:
            first.add(key)
            results.append(Stored(inserted[key], key, duplicate=False))
        else:
            results.append(Stored(known.get(key) or inserted[key], key, duplicate=True))
    return results


def _store_each(
    s, items: list[tuple[bytes, dict[str, Any]]], keys: list[str], now: datetime
) -> list[Stored | BaseException]:
    """The slow path: a savepoint per message, for a batch that raced another process's insert."""
    results: list[Stored | BaseException] = []
    for (raw, envelope), key in zip(items, keys, strict=True):
        try:
            with s.begin_nested():
                existing = _find(s, key)
                if existing is not None:
                    results.append(Stored(existing, key, duplicate=True))
                    continue
                row = InboundMessage(**new_row(CHANNEL, key, raw, envelope, now))
                s.add(row)
                s.flush()
                results.append(Stored(row.id, key, duplicate=False))
        except IntegrityError as exc:  # stored by another process since our look
            existing = _find(s, key)
            results.append(Stored(existing, key, True) if existing is not None else exc)
    return results


def _find_many(s, keys: list[str]) -> dict[str, int]:
    query = select(InboundMessage.external_id, InboundMessage.id).where(
        InboundMessage.channel == CHANNEL, InboundMessage.external_id.in_(set(keys))
    )
    return dict(s.execute(query).all())


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
        self._committing = False
        self._thread = threading.Thread(target=self._run, name="mail-group-commit", daemon=True)
        self._thread.start()

    def busy(self) -> bool:
        """Senders are waiting for their 250: messages are queued or a batch is being committed."""
        return self._committing or not self._queue.empty()

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
            self._committing = True
            try:
                results = store_batch(self.engine, [(raw, env) for raw, env, _ in batch], self.clock)
                fault("mail.after_commit")
            except BaseException as exc:  # the commit failed: nothing of this batch is stored
                for _, _, future in batch:
                    future.set_exception(exc)
                continue
            finally:
                self._committing = False
            for (_, _, future), result in zip(batch, results, strict=True):
                if isinstance(result, BaseException):
                    future.set_exception(result)
                else:
                    future.set_result(result)
