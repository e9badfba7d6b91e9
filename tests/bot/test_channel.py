"""SlackChannel against the stand-in: rate limits honoured, 5xx retried, the email fallback, long prompts
split within Block Kit's limits."""

from __future__ import annotations

import dataclasses
import time
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from bot import limits
from bot.blocks.home import LeadAction, ReviewLine, RoundLine, home_view
from bot.blocks.modals import detail_modal, update_all_modal
from bot.blocks.prompt import PromptView, Recorded, prompt_messages
from bot.channel import PARTS_EVENT, RESUME_WINDOW, slack_channel
from bot.client import Pacer, make_client
from collector.channels.protocol import AskedItem, ChannelError, PromptMessage, Recipient, Sent
from store.db import session_scope
from store.models.records import AuditEvent
from tests.bot.conftest import SAM
from tests.fakes.channels import RecordingChannel

LONG = (
    "Deliver the ‏مشروع‏ accessibility programme 🚀 across every directorate, " * 60
)  # ~4,000 chars, RTL, emoji


def _prompt(n: int, user: str = SAM, email: str | None = None) -> PromptMessage:
    items = tuple(
        AskedItem(i + 1, f"{i // 10 + 1}.{i % 10 + 1}", LONG, "March 2027", "on_track") for i in range(n)
    )
    return PromptMessage(
        "prompt",
        "Equality Action Plan",
        "Spring 2027",
        date(2027, 3, 31),
        Recipient(7, "Sam Ortiz", email, user),
        items,
        "tok123",
    )


@pytest.fixture
def channel(settings, engine, clock):
    return slack_channel(settings, clock, engine=engine, fallback=RecordingChannel(name="email"))


def test_a_prompt_with_forty_actions_is_split_and_every_message_is_within_the_limits(api, channel):
    sent = channel.send_prompt(_prompt(40))
    posts = api.posts_to(SAM)
    assert len(posts) == 3 and sent.external_id == f"slack:D02SAM:{'+'.join(p['ts'] for p in posts)}"
    for post in posts:
        assert limits.problems(post["blocks"]) == []
    refs = [b["block_id"] for p in posts for b in p["blocks"] if b.get("block_id", "").startswith("u:")]
    assert len(refs) == 40


def test_a_429_is_retried_after_retry_after_and_sent_once(api, channel):
    api.fail("chat.postMessage", status=429, retry_after=1, times=2)
    started = time.monotonic()
    channel.send_prompt(_prompt(2))
    calls = api.calls("chat.postMessage")
    assert [c.status for c in calls] == [429, 429, 200]
    assert calls[1].at - calls[0].at >= 1.0 and calls[2].at - calls[1].at >= 1.0
    assert time.monotonic() - started >= 2.0
    assert len(api.posts_to(SAM)) == 1


def test_a_500_is_retried_with_backoff(api, channel):
    api.fail("chat.postMessage", status=500, times=2)
    channel.send_prompt(_prompt(1))
    assert [c.status for c in api.calls("chat.postMessage")] == [500, 500, 200]


def test_when_slack_stays_down_a_lead_with_email_is_prompted_by_email_and_it_is_recorded(
    api, channel, engine, world
):
    api.fail("chat.postMessage", status=503, times=10)
    sent = channel.send_prompt(_prompt(1, email="sam@harbourside.gov.uk"))
    assert isinstance(sent, Sent) and sent.detail["fallback"] == "email"
    assert [k for k, _ in channel.fallback.sent] == ["prompt"]
    with session_scope(engine, read_only=True) as s:
        event = s.scalar(select(AuditEvent).where(AuditEvent.event == "delivery.fallback"))
        assert event.detail["to"] == "email" and "503" in event.detail["error"]


def test_a_user_slack_does_not_know_is_a_permanent_failure_without_email(api, channel):
    api.state.gone.add(SAM)
    with pytest.raises(ChannelError) as raised:
        channel.send_prompt(_prompt(1))
    assert raised.value.permanent


def test_a_lead_without_a_slack_id_is_found_by_email_and_recorded(api, channel, engine, world):
    from store.models.directory import Person

    with session_scope(engine, read_only=True) as s:
        jo = s.scalar(select(Person).where(Person.code == "JB"))
        jo_id = jo.id
    api.add_user("U01JO", "jo.baker@harbourside.gov.uk", "Jo Baker")
    channel.send_prompt(
        _prompt(1, user=None, email="jo.baker@harbourside.gov.uk").__class__(
            **{
                **_prompt(1).__dict__,
                "recipient": Recipient(jo_id, "Jo Baker", "jo.baker@harbourside.gov.uk", None),
            }
        )
    )
    assert api.posts_to("U01JO")
    with session_scope(engine, read_only=True) as s:
        assert s.get(Person, jo_id).slack_user_id == "U01JO"


def test_every_surface_stays_within_block_kit_limits_with_long_odd_text():
    recorded = {1: Recorded("at_risk", LONG, LONG, ("https://x.example/" + "a" * 50,), LONG)}
    view = PromptView(
        "prompt", "tok", "Sam " * 100, LONG, LONG, date(2027, 3, 31), _prompt(60).items, recorded
    )
    for message in prompt_messages(view):
        assert limits.problems(message["blocks"]) == []
    assert limits.problems(detail_modal(view, view.items[0], "m" * 100), kind="modal") == []
    modal, shown = update_all_modal(view, "m")
    assert limits.problems(modal, kind="modal") == [] and shown == 32
    lead = [LeadAction(i.ref, LONG, "on_track", LONG[:200], "tok:1") for i in view.items] * 3
    review = [ReviewLine(n, LONG, LONG, LONG, True) for n in range(40)]
    rounds = [RoundLine(LONG[:300], LONG, None, 1, 2, 3, 4)] * 20
    assert limits.problems(home_view(lead, rounds, review, review_total=40), kind="home") == []


def test_a_sub_action_says_what_it_is_part_of():
    item = AskedItem(
        7, "2.3 b)", "Publish the results", "Dec 2026", part_of="2.3 Review the complaints process"
    )
    view = PromptView("prompt", "tok", "Sam", "Plan", "Spring 2027", date(2027, 3, 31), (item,))
    first = prompt_messages(view)[0]["blocks"]
    texts = [b["text"]["text"] for b in first if b.get("type") == "section"]
    assert any("*2.3 b)*  Publish the results\nPart of 2.3 Review the complaints process" in t for t in texts)


def test_a_split_prompt_that_fails_part_way_is_resumed_on_the_next_try_without_repeating_a_part(
    api, settings, engine, clock
):
    """Slack took part 1, then answered 500 to part 2 until the client's retries ran out: the send fails
    (temporary, so the Ticker tries again), and the next try posts parts 2 and 3 only."""
    channel = _unpaced(settings, clock, engine, server_retries=1)
    api.fail("chat.postMessage", status=500, times=2, after=1)
    with pytest.raises(ChannelError) as raised:
        channel.send_prompt(_prompt(40))
    assert not raised.value.permanent
    assert [c.status for c in api.calls("chat.postMessage")] == [200, 500, 500]
    assert len(api.posts_to(SAM)) == 1

    clock.advance(timedelta(minutes=1))  # the Ticker's next try
    sent = channel.send_prompt(_prompt(40))
    posts = api.posts_to(SAM)
    assert [p["text"].split("(")[1][:11] for p in posts] == ["part 1 of 3", "part 2 of 3", "part 3 of 3"]
    assert sent.external_id == f"slack:D02SAM:{'+'.join(p['ts'] for p in posts)}"
    with session_scope(engine, read_only=True) as s:
        records = [e.detail for e in s.scalars(select(AuditEvent).where(AuditEvent.event == PARTS_EVENT))]
    assert [(r["sent"], r["of"], r["complete"]) for r in records] == [(1, 3, False), (3, 3, True)]


def test_once_a_resumed_prompt_is_complete_a_later_send_posts_every_part_again(api, settings, engine, clock):
    """The record of parts sent is for one send: a completed one (or another kind of message, such as a
    reminder threaded under the prompt) starts from part 1."""
    channel = _unpaced(settings, clock, engine, server_retries=0)
    api.fail("chat.postMessage", status=500, times=1, after=1)
    with pytest.raises(ChannelError):
        channel.send_prompt(_prompt(40))
    reminder = dataclasses.replace(_prompt(40), kind="reminder", thread_ref="slack:D02SAM:1.0")
    channel.send_reminder(reminder)  # not the failed prompt: all three parts
    assert len(api.posts_to(SAM)) == 1 + 3
    channel.send_prompt(_prompt(40))  # resumes the prompt: two parts
    channel.send_prompt(_prompt(40))  # a new send: three parts
    assert len(api.posts_to(SAM)) == 1 + 3 + 2 + 3


def test_a_resume_record_older_than_the_window_is_ignored(api, settings, engine, clock):
    channel = _unpaced(settings, clock, engine, server_retries=0)
    api.fail("chat.postMessage", status=500, times=1, after=1)
    with pytest.raises(ChannelError):
        channel.send_prompt(_prompt(40))
    clock.advance(RESUME_WINDOW + timedelta(minutes=1))
    channel.send_prompt(_prompt(40))
    assert len(api.posts_to(SAM)) == 1 + 3


def _unpaced(settings, clock, engine, *, server_retries: int):
    """A channel with the client's 5xx retries cut down and no per-conversation pacing (one message a
    second, tested above), so a test of several split prompts takes a second, not ten."""
    channel = slack_channel(
        settings, clock, engine=engine, client=make_client(settings, server_retries=server_retries)
    )
    channel.pacer = Pacer(1000, per_conversation=0)
    return channel


def test_the_preview_shows_a_prompt_as_a_lead_reads_it_and_escapes_what_it_must():
    from bot.preview import page

    item = AskedItem(7, "2.3 b)", "Publish <the> results", "Dec 2026", "on_track", part_of="2.3 Review")
    view = PromptView("prompt", "tok", "Sam", "Plan & Co", "Spring 2027", date(2027, 3, 31), (item,))
    shown = page(prompt_messages(view))
    assert "<b>2.3 b)</b>  Publish &lt;the&gt; results" in shown and "Plan &amp; Co" in shown
    assert "Choose a status ▾" in shown and "No change to all" in shown and "<script" not in shown
