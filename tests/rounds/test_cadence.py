"""Opening rounds on a plan's cadence: cron slots in local time, the clock changes, downtime and races."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from collector.core.errors import UserError
from collector.rounds.schedule import checked_cron, next_fire, set_schedule
from collector.rounds.tick import tick
from store.db import make_engine, session_scope
from store.models.directory import Person
from store.models.records import AuditEvent
from store.models.rounds import Prompt, Round
from tests.rounds.helpers import run
from tests.rounds.personas import plan_of

LONDON = ZoneInfo("Europe/London")


def _schedule(engine, world, clock, cron: str, **kwargs):
    with session_scope(engine) as s:
        return set_schedule(
            s, plan_of(s, world), clock=clock, default_tz="Europe/London", actor="t", cron=cron, **kwargs
        )


def _collections(engine) -> list[Round]:
    with session_scope(engine, read_only=True) as s:
        rounds = list(s.scalars(select(Round).where(Round.kind == "collection").order_by(Round.id)))
        s.expunge_all()
        return rounds


def test_a_weekly_cron_fires_each_monday_at_nine_local_across_both_clock_changes():
    trigger = checked_cron("0 9 * * 1", LONDON, datetime(2027, 1, 1, tzinfo=UTC))

    def mondays(after: datetime, n: int) -> list[datetime]:
        out = []
        for _ in range(n):
            after = next_fire(trigger, after)
            out.append(after)
        return out

    assert mondays(datetime(2027, 3, 20, tzinfo=UTC), 3) == [
        datetime(2027, 3, 22, 9, tzinfo=UTC),  # GMT
        datetime(2027, 3, 29, 8, tzinfo=UTC),  # the day after the clocks went forward: BST
        datetime(2027, 4, 5, 8, tzinfo=UTC),
    ]
    assert mondays(datetime(2027, 10, 20, tzinfo=UTC), 2) == [
        datetime(2027, 10, 25, 8, tzinfo=UTC),
        datetime(2027, 11, 1, 9, tzinfo=UTC),  # the day after they went back: GMT, and once only
    ]


def test_cron_weekday_numbers_mean_what_they_mean_in_cron():
    trigger = checked_cron("0 9 * * 0", LONDON, datetime(2027, 1, 1, tzinfo=UTC))
    assert next_fire(trigger, datetime(2027, 3, 1, tzinfo=UTC)).date() == date(2027, 3, 7)  # a Sunday
    weekdays = checked_cron("30 10 * * 1-5", LONDON, datetime(2027, 1, 1, tzinfo=UTC))
    assert next_fire(weekdays, datetime(2027, 3, 5, 12, tzinfo=UTC)) == datetime(
        2027, 3, 8, 10, 30, tzinfo=UTC
    )


@pytest.mark.parametrize("cron", ["30 1 * * *", "0 1 1 * *", "*/20 * * * 1"])
def test_a_cron_firing_in_the_hour_the_clocks_change_is_refused_with_the_reason(cron):
    with pytest.raises(
        UserError, match=r"fires between 01:00-02:00 Europe/London time, when the clocks change"
    ):
        checked_cron(cron, LONDON, datetime(2027, 1, 1, tzinfo=UTC))


def test_a_cron_that_cannot_be_read_is_a_user_error():
    with pytest.raises(UserError, match="needs 5 fields"):
        checked_cron("0 9 *", LONDON, datetime(2027, 1, 1, tzinfo=UTC))
    with pytest.raises(UserError, match="cannot be read"):
        checked_cron("0 25 * * *", LONDON, datetime(2027, 1, 1, tzinfo=UTC))


def test_setting_a_schedule_records_the_next_opening_and_refuses_a_close_before_due(engine, world, clock):
    clock.set(datetime(2027, 2, 20, tzinfo=UTC))
    cadence = _schedule(engine, world, clock, "0 9 1 3,9 *", due_after_days=14, close_after_days=28)

    assert cadence.next_opening_at == datetime(2027, 3, 1, 9, tzinfo=UTC)
    assert (cadence.due_after_days, cadence.close_after_days, cadence.reminder_days) == (14, 28, [7, 2, 0])
    with pytest.raises(UserError, match="cannot close before it is due"):
        _schedule(engine, world, clock, "0 9 1 3,9 *", close_after_days=7)
    with session_scope(engine, read_only=True) as s:
        assert s.scalar(select(func.count()).where(AuditEvent.event == "plan.scheduled")) == 1


def test_the_tick_opens_the_round_for_a_due_slot_once_and_moves_the_next_opening_on(
    engine, world, clock, channel, channels
):
    clock.set(datetime(2027, 2, 20, tzinfo=UTC))
    _schedule(engine, world, clock, "0 9 1 3,9 *", close_after_days=28)

    assert run(engine, channels, clock, at=datetime(2027, 3, 1, 8, 59, tzinfo=UTC)).opened == 0
    report = run(engine, channels, clock, at=datetime(2027, 3, 1, 9, 0, tzinfo=UTC))

    assert (report.opened, report.prompts_sent) == (1, 4)
    [opened] = _collections(engine)
    assert opened.scheduled_for == datetime(2027, 3, 1, 9, tzinfo=UTC) and opened.opened_by == "scheduler"
    assert (opened.due_date, opened.closes_at) == (date(2027, 3, 15), datetime(2027, 3, 29, 23, tzinfo=UTC))
    with session_scope(engine, read_only=True) as s:
        assert plan_of(s, world).next_opening_at == datetime(2027, 9, 1, 8, tzinfo=UTC)  # 09:00 BST
    assert run(engine, channels, clock).opened == 0


def test_after_downtime_over_two_slots_one_round_opens_for_the_latest(engine, world, clock, channels):
    clock.set(datetime(2027, 3, 3, tzinfo=UTC))
    _schedule(engine, world, clock, "0 9 * * 1")  # Mondays; down from Wednesday 3rd to Tuesday 16th

    report = run(engine, channels, clock, at=datetime(2027, 3, 16, 10, tzinfo=UTC))

    assert report.opened == 1
    [opened] = _collections(engine)
    assert opened.scheduled_for == datetime(2027, 3, 15, 9, tzinfo=UTC) and opened.due_date == date(
        2027, 3, 29
    )
    with session_scope(engine, read_only=True) as s:
        assert plan_of(s, world).next_opening_at == datetime(2027, 3, 22, 9, tzinfo=UTC)


def test_the_next_scheduled_round_closes_the_one_still_open(engine, world, clock, channels):
    clock.set(datetime(2027, 3, 3, tzinfo=UTC))
    _schedule(engine, world, clock, "0 9 * * 1")
    run(engine, channels, clock, at=datetime(2027, 3, 8, 9, tzinfo=UTC))

    report = run(engine, channels, clock, at=datetime(2027, 3, 15, 9, tzinfo=UTC))

    assert (report.opened, report.closed) == (1, 1)
    first, second = _collections(engine)
    assert (first.state, second.state) == ("closed", "open")


def test_a_slot_with_nobody_to_ask_opens_nothing_and_says_why(engine, world, clock, channels):
    clock.set(datetime(2027, 3, 3, tzinfo=UTC))
    _schedule(engine, world, clock, "0 9 * * 1")
    with session_scope(engine) as s:
        for person in s.scalars(select(Person)):
            person.email = person.slack_user_id = None

    report = run(engine, channels, clock, at=datetime(2027, 3, 8, 9, tzinfo=UTC))

    assert (report.opened, report.not_opened) == (0, 1) and _collections(engine) == []
    with session_scope(engine, read_only=True) as s:
        event = s.scalars(select(AuditEvent).where(AuditEvent.event == "round.not_opened")).one()
        assert "nobody to ask" in event.detail["reason"]
        assert plan_of(s, world).next_opening_at == datetime(2027, 3, 15, 9, tzinfo=UTC)


def test_two_schedulers_racing_for_a_slot_open_one_round_and_send_each_prompt_once(
    engine, database_url, world, clock, channel, channels
):
    clock.set(datetime(2027, 3, 3, tzinfo=UTC))
    _schedule(engine, world, clock, "0 9 * * 1")
    clock.set(datetime(2027, 3, 8, 9, tzinfo=UTC))
    engines = [make_engine(database_url) for _ in range(2)]
    barrier, reports, errors = threading.Barrier(2), [], []

    def scheduler(own_engine):
        try:
            barrier.wait(timeout=10)
            reports.append(tick(own_engine, channels, clock))
        except Exception as exc:  # surfaced below: a thread's exception would otherwise vanish
            errors.append(exc)

    threads = [threading.Thread(target=scheduler, args=(e,)) for e in engines]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    for e in engines:
        e.dispose()

    assert errors == []
    assert sum(r.opened for r in reports) == 1 and len(_collections(engine)) == 1
    assert sorted(channel.to("prompt")) == ["Alex Price", "Chris Doe", "Jo Baker", "Sam Ortiz"]
    with session_scope(engine, read_only=True) as s:
        assert set(s.scalars(select(Prompt.status))) == {"sent"}
