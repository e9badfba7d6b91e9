"""A crash between claim and send, and two ticks at once: nothing is ever sent twice."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from collector.round_status import round_status
from collector.tick import DEFAULT_LEASE, tick
from store.db import make_engine, session_scope
from store.models import Round
from tests.rounds.fakes import RecordingChannel, crash_on
from tests.rounds.helpers import deliveries, open_harbourside, prompts, run


def test_a_crash_after_claiming_and_before_sending_never_sends_twice(
    engine, database_url, world, clock, channel
):
    opened = open_harbourside(engine, world, clock)
    channel.before_send = crash_on("Jo Baker")
    with pytest.raises(SystemExit):
        tick(engine, {"outbox": channel}, clock)
    sent_before = channel.to("prompt")

    restarted = RecordingChannel()  # a new process: new engine, new channel
    fresh = make_engine(database_url)
    try:
        tick(fresh, {"outbox": restarted}, clock)
        tick(fresh, {"outbox": restarted}, clock, timezone="Europe/London")
    finally:
        fresh.dispose()

    everyone = sent_before + restarted.to("prompt")
    assert "Jo Baker" not in everyone and len(everyone) == len(set(everyone)) == 3
    jo = next(d for d in deliveries(engine, "prompt") if d.state != "sent")
    assert jo.state == "claimed" and prompts(engine, opened.round.id)["Jo"].status == "pending"


def test_a_claim_left_by_a_crash_is_abandoned_and_listed_never_resent(
    engine, world, clock, channel, channels
):
    opened = open_harbourside(engine, world, clock)
    channel.before_send = crash_on("Jo Baker")
    with pytest.raises(SystemExit):
        run(engine, channels, clock)
    channel.before_send = None
    run(engine, channels, clock)

    report = run(engine, channels, clock, at=clock.now() + DEFAULT_LEASE + timedelta(seconds=1))

    assert report.abandoned == 1 and channel.to("prompt").count("Jo Baker") == 0
    jo = prompts(engine, opened.round.id)["Jo"]
    assert jo.status == "failed" and "interrupted" in jo.failure
    with session_scope(engine, read_only=True) as s:
        status = round_status(s, s.get_one(Round, opened.round.id))
    assert any("prompt to Jo Baker: abandoned" in p for p in status.problems)
    assert run(engine, channels, clock, at=clock.now() + timedelta(days=1)).prompts_sent == 0


def test_two_ticks_at_once_send_each_message_exactly_once(
    engine, database_url, world, clock, channel, channels
):
    open_harbourside(engine, world, clock)
    engines = [make_engine(database_url) for _ in range(2)]
    barrier, errors = threading.Barrier(2), []

    def scheduler(own_engine):
        try:
            barrier.wait(timeout=10)
            tick(own_engine, channels, clock)
        except Exception as exc:
            errors.append(exc)

    for moment in (None, clock.now().replace(day=18, hour=10)):  # the prompts, then the first reminders
        if moment:
            clock.set(moment)
        threads = [threading.Thread(target=scheduler, args=(e,)) for e in engines]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
    for e in engines:
        e.dispose()

    assert errors == []
    assert sorted(channel.to("prompt")) == ["Alex Price", "Chris Doe", "Jo Baker", "Sam Ortiz"]
    assert sorted(channel.to("reminder")) == ["Alex Price", "Chris Doe", "Jo Baker", "Sam Ortiz"]
    assert {d.state for d in deliveries(engine)} == {"sent"} and len(deliveries(engine)) == 8
