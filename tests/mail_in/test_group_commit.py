"""Group commit: senders waiting at the same moment share one commit; a 250 still means committed."""

from __future__ import annotations

from concurrent.futures import wait

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import DataError, OperationalError

from mailin.inbound.store import GroupCommitter
from store.db import session_scope
from store.models.records import InboundMessage


def _message(n: int, message_id: str | None = None) -> bytes:
    mid = message_id or f"<reply-{n}@riverside.example.gov.uk>"
    return (
        f"From: jo.baker@riverside.example.gov.uk\r\nMessage-ID: {mid}\r\nSubject: Re: update\r\n\r\n"
        f"1.{n} done\r\n"
    ).encode()


def _count(engine) -> int:
    with session_scope(engine, read_only=True) as s:
        return s.scalar(select(func.count(InboundMessage.id)))


def test_messages_waiting_together_share_one_commit(engine, clock):
    commits: list[int] = []
    event.listen(engine, "commit", lambda _conn: commits.append(1))
    committer = GroupCommitter(engine, clock)
    try:  # a burst: 40 senders reach DATA at once
        futures = [committer.submit(_message(n), {"rcpt_tos": ["progress@riverside"]}) for n in range(40)]
        done, _ = wait(futures, timeout=30)
    finally:
        committer.close()
    assert len(done) == 40 and not any(f.exception() for f in futures)
    assert _count(engine) == 40
    assert len(commits) < 40  # batched: far fewer commits (fsyncs) than messages


def test_a_message_sent_twice_in_one_batch_is_stored_once(engine, clock):
    committer = GroupCommitter(engine, clock)
    try:
        first = committer.submit(_message(1, "<same@x>"), {})
        second = committer.submit(_message(2, "<same@x>"), {})
        a, b = first.result(timeout=30), second.result(timeout=30)
    finally:
        committer.close()
    assert a.id == b.id and {a.duplicate, b.duplicate} == {False, True}
    assert _count(engine) == 1


def test_when_the_database_is_down_every_sender_of_the_batch_is_told_and_nothing_is_kept(
    engine, clock, monkeypatch
):
    import mailin.inbound.store as store

    def broken(*_args, **_kwargs):
        raise OperationalError("COMMIT", {}, Exception("database is locked"))

    monkeypatch.setattr(store, "store_batch", broken)
    monkeypatch.setattr(store, "store_message", broken)
    committer = GroupCommitter(engine, clock)
    try:
        futures = [committer.submit(_message(n), {}) for n in range(5)]
        for future in futures:
            with pytest.raises(OperationalError):
                future.result(timeout=30)
        assert committer.alive()
    finally:
        committer.close()
    assert _count(engine) == 0


def test_a_message_the_database_refuses_fails_alone_and_the_rest_of_its_batch_is_stored(
    engine, clock, monkeypatch
):
    """One row the database refuses (here a stand-in DataError) sinks the batch's single transaction; the
    batch is then stored one message at a time, so only that sender is told 451, and never silently."""
    import mailin.inbound.store as store

    real_batch, real_one = store.store_batch, store.store_message

    def refuses(raw: bytes) -> None:
        if b"1.3 done" in raw:
            raise DataError("INSERT", {}, Exception("value refused"))

    def batch(engine_, items, clock_):
        for raw, _ in items:
            refuses(raw)
        return real_batch(engine_, items, clock_)

    def one(engine_, raw, envelope, clock_):
        refuses(raw)
        return real_one(engine_, raw, envelope, clock_)

    monkeypatch.setattr(store, "store_batch", batch)
    monkeypatch.setattr(store, "store_message", one)
    committer = GroupCommitter(engine, clock)
    try:
        futures = [committer.submit(_message(n), {}) for n in range(6)]
        wait(futures, timeout=30)
    finally:
        committer.close()
    failed = [n for n, f in enumerate(futures) if f.exception() is not None]
    assert failed == [3] and isinstance(futures[3].exception(), DataError)
    assert _count(engine) == 5


def test_a_sender_who_left_before_the_commit_does_not_stop_the_committer(engine, clock):
    """Issue 13: a client hanging up after DATA cancelled its future; setting it then raised
    InvalidStateError in the commit thread, and nothing more was ever stored."""
    committer = GroupCommitter(engine, clock)
    try:
        gone = committer.submit(_message(1), {})
        gone.cancel()  # what asyncio does to a wrapped future when the session's task is cancelled
        later = committer.submit(_message(2), {})
        assert not later.result(timeout=30).duplicate
        assert committer.alive() and committer.last_commit is not None
    finally:
        committer.close()
    assert _count(engine) == 2  # the cancelled sender's message was stored all the same


def test_a_closed_committer_answers_at_once_instead_of_never(engine, clock):
    committer = GroupCommitter(engine, clock)
    committer.close()
    assert not committer.alive()
    with pytest.raises(RuntimeError):
        committer.submit(_message(1), {}).result(timeout=1)


def test_a_batch_that_races_another_process_stores_the_rest_and_reports_the_duplicate(
    engine, clock, monkeypatch
):
    import mailin.inbound.store as store

    first = store.store_batch(engine, [(_message(1, "<raced@x>"), {})], clock)[0]
    # The batch's look-up ran before the other process committed <raced@x>: its INSERT then meets the row.
    monkeypatch.setattr(store, "_find_many", lambda _s, _keys: {})
    results = store.store_batch(engine, [(_message(2), {}), (_message(3, "<raced@x>"), {})], clock)
    assert not any(isinstance(r, BaseException) for r in results)
    fresh, raced = results
    assert not fresh.duplicate and raced.duplicate and raced.id == first.id
    assert _count(engine) == 2


def test_the_committer_says_it_is_busy_while_a_sender_waits(engine, clock, monkeypatch):
    import threading

    import mailin.inbound.store as store

    inside, release = threading.Event(), threading.Event()
    real = store.store_batch

    def slow(*args, **kwargs):
        inside.set()
        release.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(store, "store_batch", slow)
    committer = GroupCommitter(engine, clock)
    try:
        assert not committer.busy()
        future = committer.submit(_message(1), {})
        inside.wait(10)
        assert committer.busy()  # a sender waits for its 250: processing should step aside
        release.set()
        future.result(timeout=10)
        assert not committer.busy()
    finally:
        release.set()
        committer.close()
