"""The workspace allow-list (reliability.md S9), the web process's sweep (bot/sweep.py), and the coordinator
applying a review item from App Home: the paths that run rarely, so a bug there stays hidden longest."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select, update

from bot import ingest, sweep, text
from store.db import session_scope
from store.models.records import InboundMessage
from store.models.updates import Update
from tests.bot import slack
from tests.bot.conftest import ALEX, PRIYA, SAM, running, wait_for
from tests.fakes.slack_api import TEAM

OTHER_TEAM = "T0ELSEWHERE"
LEAVE = "Sorry, I'm on leave until next week, will reply then"
CLEAR = "1.3 done, signed off in Feb; 2.3 a) slipped to June"


def _start(h) -> None:
    h.command(PRIYA, "start harbourside 2027-03-31")
    wait_for(lambda: any("Sent" in r.get("text", "") for r in h.api.state.responses))


def _inbound(engine, pattern: str) -> list[InboundMessage]:
    with session_scope(engine, read_only=True) as s:
        rows = list(s.scalars(select(InboundMessage).where(InboundMessage.external_id.like(pattern))))
        s.expunge_all()
        return rows


def _said_to(h, user: str, words: str) -> list[dict]:
    return [m for m in h.api.posts_to(user) if words in m["text"]]


# -- SLACK_ALLOWED_TEAMS ---------------------------------------------------------------------------------


def test_requests_from_a_workspace_not_on_the_allow_list_are_refused_and_nothing_is_stored(
    settings, engine, clock, api, world
):
    settings.slack_allowed_teams = f"{TEAM}, T0PARTNER"
    with running(settings, engine, clock, api) as h:
        foreign = slack.command(PRIYA, "start harbourside 2027-03-31", api.url + "/response")
        foreign["team_id"] = OTHER_TEAM
        refused = slack.post(h.events, slack.form(foreign), "application/x-www-form-urlencoded")
        assert refused.status == 200 and "not set up for your workspace" in refused.body
        dm = slack.event(slack.dm(SAM, CLEAR), "Ev0FOREIGN1")
        dm["team_id"] = OTHER_TEAM
        assert h.event(dm).status == 200
        click = slack.block_action(SAM, {"action_id": "no_change_all", "value": "x"}, api.url + "/response")
        click["team"]["id"] = OTHER_TEAM
        assert "not set up for your workspace" in h.send(click).body

        allowed = h.command(PRIYA, "start harbourside 2027-03-31")
        assert allowed.status == 200 and "Working on" in allowed.body
        wait_for(lambda: any("Sent" in r.get("text", "") for r in api.state.responses))
    assert [m.external_id.split(":")[0] for m in _inbound(engine, "%")] == ["command"]
    assert api.calls("views.open") == [] and len(api.posts_to(SAM)) == 1  # the allowed command's prompt only


def test_without_an_allow_list_every_workspace_is_served(harness, world):
    fields = slack.command(PRIYA, "status", harness.api.url + "/response")
    fields["team_id"] = OTHER_TEAM
    answer = slack.post(harness.events, slack.form(fields), "application/x-www-form-urlencoded")
    assert answer.status == 200 and "Working on" in answer.body


# -- the sweep ---------------------------------------------------------------------------------------------


def _store_dm(h, user: str, words: str, event_id: str, **event: object) -> int:
    """A DM stored by the middleware before its ack, in a process that then died before handling it."""
    body = slack.event({**slack.dm(user, words), **event}, event_id)
    return ingest.store(h.bot.engine, h.bot.clock, ingest.event_id(body), body, kind="event", user=user).id


def test_the_sweep_handles_a_stored_dm_nobody_handled_once_its_grace_is_over(harness, world, engine, clock):
    _start(harness)
    _store_dm(harness, SAM, LEAVE, "Ev0ORPHAN1")
    assert sweep.sweep(harness.bot)["handled"] == 0  # a live listener may still be on it
    clock.advance(sweep.GRACE + timedelta(seconds=1))
    assert sweep.sweep(harness.bot) == {"handled": 1, "failed": 0, "to_review": 0}
    (msg,) = _inbound(engine, "event:Ev0ORPHAN1")
    assert msg.state == "needs_review" and msg.attempts == 1
    assert len(_said_to(harness, SAM, "coordinator will look")) == 1
    assert sweep.sweep(harness.bot)["handled"] == 0  # handled once, never again
    assert len(_said_to(harness, SAM, "coordinator will look")) == 1


def test_a_dm_whose_handling_keeps_failing_is_quarantined_after_three_tries_with_its_raw_payload(
    harness, world, engine, clock
):
    _start(harness)
    poison = _store_dm(harness, SAM, "x", "Ev0POISON1", text=12345)  # a payload our handler chokes on
    clock.advance(sweep.GRACE + timedelta(seconds=1))
    for attempt in range(1, sweep.MAX_ATTEMPTS + 1):
        counts = sweep.sweep(harness.bot)
        assert counts["failed"] == (1 if attempt == sweep.MAX_ATTEMPTS else 0)
    (msg,) = _inbound(engine, "event:Ev0POISON1")
    assert (msg.state, msg.attempts) == ("failed", 3) and "AttributeError" in msg.reason
    assert json.loads(bytes(msg.raw))["event"]["text"] == 12345
    assert sweep.sweep(harness.bot) == {"handled": 0, "failed": 0, "to_review": 0}
    assert msg.id == poison


def test_a_dm_whose_handling_crashed_the_process_three_times_is_quarantined(harness, world, engine, clock):
    _start(harness)
    crashed = _store_dm(harness, SAM, LEAVE, "Ev0CRASH01")
    with session_scope(engine) as s:  # three sweeps counted their attempt, then died mid-way
        s.execute(update(InboundMessage).where(InboundMessage.id == crashed).values(attempts=3))
    clock.advance(sweep.GRACE + timedelta(seconds=1))
    assert sweep.sweep(harness.bot) == {"handled": 0, "failed": 1, "to_review": 0}
    (msg,) = _inbound(engine, "event:Ev0CRASH01")
    assert msg.state == "failed" and "never finished" in msg.reason
    assert _said_to(harness, SAM, "coordinator will look") == []  # not handled a fourth time


def _unconfirmed_reading(h, clock) -> InboundMessage:
    """Alex's clear plain-text answer, read back and left unconfirmed for more than a day."""
    h.event(slack.event(slack.dm(ALEX, CLEAR), "Ev0UNCONF1"))
    wait_for(lambda: _said_to(h, ALEX, "Here is what I understood"))
    clock.advance(text.HOLD - timedelta(minutes=1))
    assert sweep.sweep(h.bot)["to_review"] == 0  # not yet a day
    clock.advance(timedelta(minutes=2))
    assert sweep.sweep(h.bot)["to_review"] == 1
    (msg,) = _inbound(h.bot.engine, "event:Ev0UNCONF1")
    return msg


def test_a_reading_the_lead_never_confirms_goes_to_review_after_a_day(harness, world, engine, clock):
    _start(harness)
    msg = _unconfirmed_reading(harness, clock)
    assert msg.state == "needs_review" and "did not confirm" in msg.reason
    assert [u["ref"] for u in msg.parsed["updates"]] == ["1.3", "a)"]  # actions' own refs
    assert sweep.sweep(harness.bot)["to_review"] == 0  # moved once
    with session_scope(engine, read_only=True) as s:
        assert s.scalars(select(Update).where(Update.via == "slack")).all() == []


# -- App Home: Apply --------------------------------------------------------------------------------------


def _home(h, count: int) -> dict:
    call = wait_for(lambda: h.api.calls("views.publish")[count - 1 :])[0]
    view = call.args["view"]
    return json.loads(view) if isinstance(view, str) else view


def test_a_coordinator_applies_a_review_item_from_home_and_home_is_republished(harness, world, engine, clock):
    _start(harness)
    item = _unconfirmed_reading(harness, clock)
    harness.event(slack.event(slack.home_opened(PRIYA)))
    home = _home(harness, 1)
    assert "Review queue* (1 waiting)" in json.dumps(home)
    block = next(b for b in home["blocks"] if b.get("block_id") == f"review:{item.id}")
    click = slack.click(block, "review_apply")
    assert click["value"] == str(item.id)
    harness.action(PRIYA, click, container={"type": "view", "view_id": "VHOME"})
    wait_for(lambda: _said_to(harness, PRIYA, "Applied review item"))
    republished = _home(harness, 2)
    assert "Review queue" not in json.dumps(republished) or "(0 waiting)" in json.dumps(republished)
    assert not any(b.get("block_id", "").startswith("review:") for b in republished["blocks"])
    with session_scope(engine, read_only=True) as s:
        recorded = s.scalars(select(Update).where(Update.inbound_message_id == item.id)).all()
        assert sorted(u.status for u in recorded) == ["at_risk", "completed"]
        assert s.get(InboundMessage, item.id).state == "applied"
    (said,) = _said_to(harness, PRIYA, "Applied review item")
    assert f"#{item.id}: 2 updates recorded" in said["text"]
