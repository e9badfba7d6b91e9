"""Sending prompts: claimed before the channel call, recorded after it, retried, failed, carried by the first
configured channel that reaches the lead, or recorded unreachable."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from collector.cli.wiring import channels_for
from collector.core.settings import Settings
from collector.rounds.tick import send_pending
from store.db import session_scope
from store.models.directory import Person
from store.models.records import AuditEvent
from store.models.rounds import Delivery
from tests.fakes.channels import RecordingChannel, fail_for
from tests.rounds.helpers import deliveries, open_harbourside, prompts, run


def test_the_tick_sends_each_pending_prompt_once(engine, world, clock, channel, channels):
    opened = open_harbourside(engine, world, clock)

    first, second = run(engine, channels, clock), run(engine, channels, clock)

    assert first.prompts_sent == 4 and second.summary() == "nothing due"
    assert sorted(channel.to("prompt")) == ["Alex Price", "Chris Doe", "Jo Baker", "Sam Ortiz"]
    sent = prompts(engine, opened.round.id)
    assert {p.status for p in sent.values()} == {"sent"}
    assert all(p.sent_at == clock.now() and p.message_id.endswith("@outbox.test>") for p in sent.values())
    jo = next(m for m in channel.of("prompt") if m.recipient.name == "Jo Baker")
    assert [i.ref for i in jo.items] == ["1.1", "1.2"]
    assert jo.reply_token == sent["Jo"].token and jo.due == opened.due
    assert jo.items[0].last_status == "on_track" and jo.items[0].target == "March 2027"


def test_the_delivery_row_exists_before_the_channel_is_called(engine, world, clock, channel, channels):
    open_harbourside(engine, world, clock)
    seen = []

    def check(kind, message):
        with session_scope(engine, read_only=True) as s:
            seen.append(
                s.scalar(select(Delivery.state).where(Delivery.person_id == message.recipient.person_id))
            )

    channel.before_send = check
    run(engine, channels, clock)

    assert seen == ["claimed"] * 4
    rows = deliveries(engine, "prompt")
    assert [(d.state, d.attempts, d.channel) for d in rows] == [("sent", 1, "outbox")] * 4
    assert all(d.idempotency_key == f"prompt:{d.prompt_id}" and d.external_id for d in rows)


def test_a_temporary_channel_error_leaves_the_prompt_pending_until_a_later_tick(
    engine, world, clock, channel, channels
):
    opened = open_harbourside(engine, world, clock)
    channel.before_send = fail_for({"Jo Baker"}, permanent=False, times=1)

    report = run(engine, channels, clock)

    assert report.prompts_sent == 3 and report.retrying == 1
    assert prompts(engine, opened.round.id)["Jo"].status == "pending"
    jo = next(d for d in deliveries(engine, "prompt") if d.state != "sent")
    assert (jo.state, jo.error, jo.next_attempt_at) == (
        "retry",
        "Jo Baker: refused",
        clock.now() + timedelta(minutes=1),
    )
    assert run(engine, channels, clock).summary() == "nothing due"  # backing off

    later = run(engine, channels, clock, at=clock.now() + timedelta(minutes=1))

    assert later.prompts_sent == 1 and channel.to("prompt").count("Jo Baker") == 1
    assert prompts(engine, opened.round.id)["Jo"].status == "sent"
    assert [d.attempts for d in deliveries(engine, "prompt") if d.prompt_id == jo.prompt_id] == [2]


def test_a_permanent_channel_error_fails_the_prompt_and_flags_the_persons_channel(
    engine, world, clock, channel
):
    opened = open_harbourside(engine, world, clock)
    email = RecordingChannel(name="email", before_send=fail_for({"Jo Baker"}, permanent=True))
    both = {"email": email, "slack": RecordingChannel(name="slack")}

    report = run(engine, both, clock)

    assert report.failed == 1 and report.prompts_sent == 3
    jo = prompts(engine, opened.round.id)["Jo"]
    assert (jo.status, jo.failure) == ("failed", "Jo Baker: refused")
    with session_scope(engine, read_only=True) as s:
        person = s.get_one(Person, world.people["Jo"])
        assert person.email_failing_since == clock.now()  # the next round prompts Jo another way, if any
        flagged = s.scalars(select(AuditEvent).where(AuditEvent.event == "person.channel_failed")).one()
        assert flagged.entity_id == person.id and flagged.detail["channel"] == "email"
    assert run(engine, both, clock).summary() == "nothing due"


def test_a_lead_whose_channel_is_not_configured_goes_by_the_other_and_nobody_by_the_outbox(
    engine, world, clock, channel
):
    opened = open_harbourside(engine, world, clock)
    slack = RecordingChannel(name="slack")

    report = run(engine, {"outbox": channel, "slack": slack}, clock)

    assert sorted(slack.to("prompt")) == ["Alex Price", "Sam Ortiz"]  # Alex prefers it; Sam has only it
    assert channel.sent == []  # Slack is configured: the outbox never stands in for email
    assert (report.prompts_sent, report.unreachable, report.failed) == (2, 2, 0)
    by_channel = sorted(d.channel for d in deliveries(engine, "prompt"))
    assert by_channel == ["none", "none", "slack", "slack"]
    jo = prompts(engine, opened.round.id)["Jo"]
    assert jo.status == "failed" and jo.failure.startswith("unreachable: Jo Baker has email;")


def test_a_lead_who_prefers_slack_is_emailed_where_only_email_is_configured(engine, world, clock):
    open_harbourside(engine, world, clock)
    email = RecordingChannel(name="email")

    report = run(engine, {"email": email}, clock)

    assert sorted(email.to("prompt")) == ["Alex Price", "Chris Doe", "Jo Baker"]
    assert (report.prompts_sent, report.unreachable) == (3, 1)  # Sam Ortiz has Slack only
    assert sorted(d.channel for d in deliveries(engine, "prompt")) == ["email", "email", "email", "none"]


def test_an_unexpected_exception_in_a_channel_is_retried_like_a_temporary_error(
    engine, world, clock, channels, channel
):
    open_harbourside(engine, world, clock)

    def bug(kind, message):
        raise RuntimeError("boom")

    channel.before_send = bug
    report = run(engine, channels, clock)

    assert report.retrying == 4 and {d.error for d in deliveries(engine)} == {
        "unexpected error: RuntimeError('boom')"
    }


def test_a_closed_round_sends_nothing(engine, world, clock, channels, channel):
    from collector.rounds.lifecycle import close_round
    from store.models.rounds import Round

    opened = open_harbourside(engine, world, clock)
    with session_scope(engine) as s:
        close_round(s, s.get_one(Round, opened.round.id), clock=clock, actor="t")

    assert run(engine, channels, clock).prompts_sent == 0 and channel.sent == []


def test_send_pending_sends_only_the_round_just_opened(engine, world, clock, channels, channel):
    opened = open_harbourside(engine, world, clock)

    report = send_pending(
        engine, channels, clock, round_id=opened.round.id, timezone="Europe/London", actor="t"
    )

    assert report.prompts_sent == 4 and dict(report.channels) == {"outbox": 4}


def test_the_registry_builds_an_outbox_under_var_only_when_no_channel_is_configured(tmp_path):
    bare = channels_for(Settings(_env_file=None, var_dir=tmp_path / "var"))
    relay = channels_for(Settings(_env_file=None, var_dir=tmp_path / "var", smtp_url="smtp://127.0.0.1:1"))

    assert list(bare) == ["outbox"] and list(relay) == ["email"]
    assert bare["outbox"].eml.directory == bare["outbox"].text.directory == tmp_path / "var" / "outbox"
