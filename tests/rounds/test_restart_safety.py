"""A crash between claim and record, and two ticks at once: every send goes out at least once, a copy only
when a process died mid-send, and the copy is the same message (the same send_id, so the same Message-ID)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import update

from collector.rounds.delivery import DEFAULT_LEASE, MAX_ATTEMPTS, Deliverer
from collector.rounds.status import round_status
from collector.rounds.tick import tick
from store.db import make_engine, session_scope
from store.models.rounds import Delivery, Round
from tests.fakes.channels import RecordingChannel, crash_on
from tests.rounds.helpers import deliveries, open_harbourside, prompts, run

LATER = DEFAULT_LEASE + timedelta(seconds=1)


def _status(engine, round_id, now):
    with session_scope(engine, read_only=True) as s:
        return round_status(s, s.get_one(Round, round_id), now=now)


def _jo(engine):
    return next(d for d in deliveries(engine, "prompt") if d.idempotency_key == "prompt:3")


def test_a_crash_before_sending_is_not_sent_again_while_the_lease_runs(
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
    finally:
        fresh.dispose()

    everyone = sent_before + restarted.to("prompt")
    assert "Jo Baker" not in everyone and len(everyone) == len(set(everyone)) == 3
    jo = next(d for d in deliveries(engine, "prompt") if d.state != "sent")
    assert jo.state == "claimed" and prompts(engine, opened.round.id)["Jo"].status == "pending"
    assert _status(engine, opened.round.id, clock.now()).totals["stuck"] == 0  # still inside the lease


def test_a_claim_older_than_the_lease_is_shown_stuck_then_sent_again_with_the_same_send_id(
    engine, world, clock, channel, channels
):
    opened = open_harbourside(engine, world, clock)
    tried: list[str] = []

    def crash(kind, message):
        if message.recipient.name == "Jo Baker":
            tried.append(message.send_id)
            raise SystemExit("killed while sending to Jo Baker")

    channel.before_send = crash
    with pytest.raises(SystemExit):
        run(engine, channels, clock)
    channel.before_send = None

    stuck = _status(engine, opened.round.id, clock.now() + LATER)
    assert stuck.totals["stuck"] == 1 and any("prompt to Jo Baker: stuck" in p for p in stuck.problems)

    report = run(engine, channels, clock, at=clock.now() + LATER)

    assert report.resent == 1 and channel.to("prompt").count("Jo Baker") == 1
    (again,) = [m for m in channel.of("prompt") if m.recipient.name == "Jo Baker"]
    jo = _jo(engine)
    assert again.send_id == tried[0] == jo.send_id and (jo.state, jo.attempts) == ("sent", 2)
    assert prompts(engine, opened.round.id)["Jo"].status == "sent"
    assert run(engine, channels, clock, at=clock.now() + timedelta(days=1)).prompts_sent == 0


def test_a_crash_between_sending_and_recording_gives_one_identical_copy_and_no_more(
    engine, world, clock, channel, channels
):
    opened = open_harbourside(engine, world, clock)
    lost_record = {"armed": True}
    real_send = channel.send_prompt

    def send_then_die(message):
        sent = real_send(message)  # the relay has it...
        if message.recipient.name == "Jo Baker" and lost_record.pop("armed", False):
            raise SystemExit("killed before recording")  # ...and the process dies before the record
        return sent

    channel.send_prompt = send_then_die
    with pytest.raises(SystemExit):
        run(engine, channels, clock)
    run(engine, channels, clock)  # within the lease: nothing more
    assert channel.to("prompt").count("Jo Baker") == 1

    run(engine, channels, clock, at=clock.now() + LATER)
    run(engine, channels, clock, at=clock.now() + LATER)

    copies = [m for m in channel.of("prompt") if m.recipient.name == "Jo Baker"]
    assert len(copies) == 2 and copies[0] == copies[1]  # at least once: one copy, the same message
    assert sorted(channel.to("prompt")) == ["Alex Price", "Chris Doe", "Jo Baker", "Jo Baker", "Sam Ortiz"]
    assert prompts(engine, opened.round.id)["Jo"].status == "sent"


def test_only_one_process_takes_a_stale_claim_over(engine, world, clock, channel, channels):
    open_harbourside(engine, world, clock)
    channel.before_send = crash_on("Jo Baker")
    with pytest.raises(SystemExit):
        run(engine, channels, clock)
    jo, now = _jo(engine), clock.now() + LATER

    first = Deliverer(engine, channels, clock)._retake(jo.id, jo.attempts, now)
    second = Deliverer(engine, channels, clock)._retake(jo.id, jo.attempts, now)

    assert first is not None and second is None  # a compare-and-set on the attempts


def test_a_send_that_keeps_killing_the_process_fails_for_good(engine, world, clock, channel, channels):
    opened = open_harbourside(engine, world, clock)
    channel.before_send = crash_on("Jo Baker")
    for _ in range(MAX_ATTEMPTS):
        with pytest.raises(SystemExit):
            run(engine, channels, clock, at=clock.now() + LATER)

    report = run(engine, channels, clock, at=clock.now() + LATER)

    assert report.failed == 1 and channel.to("prompt").count("Jo Baker") == 0
    jo = prompts(engine, opened.round.id)["Jo"]
    assert jo.status == "failed" and f"interrupted {MAX_ATTEMPTS} times" in jo.failure


def test_a_claim_from_before_payloads_were_kept_is_abandoned_and_listed(
    engine, world, clock, channel, channels
):
    opened = open_harbourside(engine, world, clock)
    channel.before_send = crash_on("Jo Baker")
    with pytest.raises(SystemExit):
        run(engine, channels, clock)
    channel.before_send = None
    with session_scope(engine) as s:
        s.execute(update(Delivery).where(Delivery.state == "claimed").values(payload=None))

    report = run(engine, channels, clock, at=clock.now() + LATER)

    assert report.abandoned == 1 and channel.to("prompt").count("Jo Baker") == 0
    jo = prompts(engine, opened.round.id)["Jo"]
    assert jo.status == "failed" and "interrupted" in jo.failure
    status = _status(engine, opened.round.id, clock.now())
    assert any("prompt to Jo Baker: abandoned" in p for p in status.problems)


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
