"""Reminders: 7, 2 and 0 working days before the due date at 09:00 local, only what is unanswered, once."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from collector.rounds.remind import remind_now
from store.db import session_scope
from store.models.directory import Person
from store.models.rounds import Prompt
from tests.fakes.channels import RecordingChannel, fail_for
from tests.rounds.helpers import answer, deliveries, open_harbourside, prompts, run


def _at(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime:
    return datetime(2027, month, day, hour, minute, tzinfo=UTC)


def test_reminders_fall_7_2_and_0_working_days_before_the_due_date_across_easter(
    engine, world, clock, channel, channels
):
    opened = open_harbourside(engine, world, clock)
    run(engine, channels, clock)
    when = []
    day = date(2027, 3, 2)
    while day <= date(2027, 4, 1):
        for hour, minute in ((7, 59), (8, 0), (8, 59), (9, 0)):
            before = len(channel.of("reminder"))
            run(
                engine,
                channels,
                clock,
                at=datetime.combine(day, datetime.min.time(), UTC).replace(hour=hour, minute=minute),
            )
            when += [clock.now()] * (len(channel.of("reminder")) - before)
        day += timedelta(days=1)

    # Four people, three reminder days: 18 and 25 March at 09:00 GMT, 31 March at 09:00 BST (08:00Z).
    assert sorted(set(when)) == [_at(18, 9), _at(25, 9), _at(31, 8)]
    assert len(when) == 12
    assert [p.reminders_sent for p in prompts(engine, opened.round.id).values()] == [3, 3, 3, 3]


def test_a_reminder_lists_only_the_unanswered_actions_in_the_prompts_thread(
    engine, world, clock, channel, channels
):
    opened = open_harbourside(engine, world, clock)
    run(engine, channels, clock)
    answer(engine, clock, opened.round.id, world.actions["1.2"], world.people["Sam"])  # a shared action

    run(engine, channels, clock, at=_at(18, 9, 30))

    jo = next(m for m in channel.of("reminder") if m.recipient.name == "Jo Baker")
    assert [i.ref for i in jo.items] == ["1.1"] and jo.kind == "reminder"
    assert jo.thread_ref == prompts(engine, opened.round.id)["Jo"].message_id
    sam = next(m for m in channel.of("reminder") if m.recipient.name == "Sam Ortiz")
    assert [i.ref for i in sam.items] == ["2.1", "2.3 b)"]


def test_the_second_tick_of_a_reminder_day_sends_nothing_more(engine, world, clock, channel, channels):
    open_harbourside(engine, world, clock)
    run(engine, channels, clock)

    assert run(engine, channels, clock, at=_at(18, 10)).reminders_sent == 4
    assert run(engine, channels, clock, at=_at(18, 16)).summary() == "nothing due"
    assert [d.idempotency_key.rsplit(":", 1)[1] for d in deliveries(engine, "reminder")] == ["2027-03-18"] * 4


def test_after_days_of_downtime_one_catch_up_reminder_is_sent_not_three(
    engine, world, clock, channel, channels
):
    open_harbourside(engine, world, clock)
    run(engine, channels, clock, at=_at(17, 12))  # then down until the due date: 18, 25 and 31 March missed

    report = run(engine, channels, clock, at=_at(31, 12))

    assert report.reminders_sent == 4 and sorted(channel.to("reminder")) == [
        "Alex Price",
        "Chris Doe",
        "Jo Baker",
        "Sam Ortiz",
    ]
    assert {d.idempotency_key.rsplit(":", 1)[1] for d in deliveries(engine, "reminder")} == {"2027-03-31"}
    assert run(engine, channels, clock, at=_at(1, 12, month=4)).reminders_sent == 0


def test_a_lead_who_replied_or_whose_actions_are_all_answered_gets_no_reminder(
    engine, world, clock, channel, channels
):
    opened = open_harbourside(engine, world, clock)
    run(engine, channels, clock)
    with session_scope(engine) as s:
        jo = s.get_one(Prompt, prompts(engine, opened.round.id)["Jo"].id)
        jo.responded_at = clock.now()  # Jo replied (intake sets this); nothing applied yet
    answer(engine, clock, opened.round.id, world.actions["2.1"], world.people["Sam"])  # Chris's only action

    run(engine, channels, clock, at=_at(18, 10))

    assert sorted(channel.to("reminder")) == ["Alex Price", "Sam Ortiz"]


def test_a_round_opened_after_a_reminder_day_skips_it(engine, world, clock, channel, channels):
    clock.set(_at(24, 10))
    open_harbourside(engine, world, clock)
    run(engine, channels, clock)

    assert run(engine, channels, clock, at=_at(24, 15)).reminders_sent == 0  # 18 March came before the prompt
    assert run(engine, channels, clock, at=_at(25, 9)).reminders_sent == 4


def test_a_reminder_by_hand_and_a_scheduled_one_never_fall_on_the_same_day(
    engine, world, clock, channel, channels
):
    opened = open_harbourside(engine, world, clock)
    run(engine, channels, clock)
    clock.set(_at(25, 7))

    first = remind_now(engine, channels, clock, round_id=opened.round.id, lead="Jo Baker")
    again = remind_now(engine, channels, clock, round_id=opened.round.id, lead="jo.baker@harbourside.gov.uk")
    scheduled = run(engine, channels, clock, at=_at(25, 9, 30))

    assert (first.sent, again.sent, again.already) == (["Jo Baker"], [], ["Jo Baker"])
    assert scheduled.reminders_sent == 3 and channel.to("reminder").count("Jo Baker") == 1


def test_a_reminder_by_hand_after_the_scheduled_one_the_same_day_is_refused(
    engine, world, clock, channel, channels
):
    opened = open_harbourside(engine, world, clock)
    run(engine, channels, clock)
    run(engine, channels, clock, at=_at(18, 9, 30))

    result = remind_now(engine, channels, clock, round_id=opened.round.id)

    assert result.sent == [] and len(result.already) == 4 and result.today == date(2027, 3, 18)


def test_a_prompt_that_failed_is_sent_again_by_hand_the_way_the_person_can_be_reached_now(
    engine, world, clock, channel
):
    opened = open_harbourside(engine, world, clock)
    email = RecordingChannel(name="email", before_send=fail_for({"Jo Baker"}, permanent=True))
    slack = RecordingChannel(name="slack")
    channels = {"outbox": channel, "email": email, "slack": slack}
    run(engine, channels, clock)
    with session_scope(engine) as s:
        s.get_one(Person, world.people["Jo"]).slack_user_id = "U01JO"

    result = remind_now(engine, channels, clock, round_id=opened.round.id, lead="Jo Baker")

    assert result.sent == ["Jo Baker"] and "Jo Baker" in slack.to("reminder")
    assert [i.ref for i in slack.of("reminder")[-1].items] == ["1.1", "1.2"]
