"""Storing one received message: the single committed transaction that must finish before we answer 250.

Accept fast, persist raw, decide later (style.md 1, docs/reliability.md section 1 rule 2): the raw bytes, the
envelope, their SHA-256 and a dedupe key go into inbound_messages in one transaction; nothing is parsed
here beyond finding the Message-ID header, so a parser bug can never bounce mail. A redelivery (same
Message-ID, or the same bytes when there is none) is recognised by UNIQUE(channel, external_id) and
answered as already stored: the duplicate RFC 5321 allows for is absorbed, never stored twice.
"""

from __future__ import annotations

import hashlib
import logging
import queue
import re
import threading
import time
from concurrent.futures import Future, InvalidStateError
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, insert, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from collector.core.clock import Clock
from collector.core.faults import fault
from store.db import session_scope
from store.inbound import Stored, find, new_row, store_raw
from store.models.records import InboundMessage

log = logging.getLogger(__name__)

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


def _find(s: Session, external_id: str) -> int | None:
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
    s: Session, items: list[tuple[bytes, dict[str, Any]]], keys: list[str], now: datetime
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


def _find_many(s: Session, keys: list[str]) -> dict[str, int]:
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

    The thread is shared by every session, so nothing one session does may end it (issue 13: a client that
    hung up after DATA cancelled its future, set_result raised InvalidStateError and all intake stopped).
    A future that is already settled (cancelled by a dropped connection) is skipped; a batch whose store
    fails is retried one message at a time, so each sender learns its own outcome (250 or 451); any other
    error is logged and the loop goes on. alive() and last_commit say whether it still works, for health.
    """

    def __init__(self, engine: Engine, clock: Clock, *, max_batch: int = 200):
        self.engine, self.clock, self.max_batch = engine, clock, max_batch
        self._queue: queue.Queue[tuple[bytes, dict[str, Any], Future[Stored]] | None] = queue.Queue()
        self._committing = False
        self._closed = False
        self.last_commit: float | None = None  # time.monotonic() of the last batch that stored something
        self._thread = threading.Thread(target=self._run, name="mail-group-commit", daemon=True)
        self._thread.start()

    def alive(self) -> bool:
        """The writer thread is running: a submitted message will be stored and answered."""
        return self._thread.is_alive()

    def busy(self) -> bool:
        """Senders are waiting for their 250: messages are queued or a batch is being committed."""
        return self._committing or not self._queue.empty()

    def submit(self, raw: bytes, envelope: dict[str, Any]) -> Future[Stored]:
        """Queue one message; the future resolves after its commit. Fails at once (the sender gets 451)
        when the writer is gone, rather than leaving the sender waiting for an answer that never comes."""
        future: Future[Stored] = Future()
        if self._closed or not self.alive():
            future.set_exception(RuntimeError("the mail commit thread is not running"))
            return future
        self._queue.put((raw, envelope, future))
        return future

    def __call__(self, engine: Engine, raw: bytes, envelope: dict[str, Any], clock: Clock) -> Stored:
        return self.submit(raw, envelope).result()

    def close(self) -> None:
        self._closed = True
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
                self._commit(batch)
            except BaseException:  # never let one batch end the thread every session depends on
                log.exception("mail group commit: a batch of %d failed unexpectedly", len(batch))
                for _, _, future in batch:
                    _settle(future, error=RuntimeError("storing failed"))

    def _commit(self, batch: list[tuple[bytes, dict[str, Any], Future[Stored]]]) -> None:
        self._committing = True
        try:
            try:
                results = store_batch(self.engine, [(raw, env) for raw, env, _ in batch], self.clock)
                fault("mail.after_commit")
            except Exception as exc:  # nothing of this batch is stored: each message on its own
                log.warning("mail group commit of %d failed (%r): storing one at a time", len(batch), exc)
                results = self._each([(raw, env) for raw, env, _ in batch])
        finally:
            self._committing = False
        if any(not isinstance(r, BaseException) for r in results):
            self.last_commit = time.monotonic()
        for (_, _, future), result in zip(batch, results, strict=True):
            if isinstance(result, BaseException):
                _settle(future, error=result)
            else:
                _settle(future, result=result)

    def _each(self, items: list[tuple[bytes, dict[str, Any]]]) -> list[Stored | BaseException]:
        """One transaction per message: a message the database refuses fails alone (its sender gets 451).
        When the database itself is unavailable (OperationalError) the rest fail at once, not one timeout
        each; their senders retry later."""
        results: list[Stored | BaseException] = []
        down: BaseException | None = None
        for raw, envelope in items:
            if down is not None:
                results.append(down)
                continue
            try:
                results.append(store_message(self.engine, raw, envelope, self.clock))
            except OperationalError as exc:
                results.append(exc)
                down = exc
            except Exception as exc:
                results.append(exc)
        return results


def _settle(
    future: Future[Stored], *, result: Stored | None = None, error: BaseException | None = None
) -> None:
    """Resolve `future` unless its sender is gone: a session whose client hung up cancels its wait, and
    setting a cancelled future raises InvalidStateError. The message is stored all the same; the client,
    having no 250, sends it again and the redelivery is absorbed."""
    try:
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)  # type: ignore[arg-type]
    except InvalidStateError:
        log.info("a sender left before its answer (connection dropped): the message stays stored")
