"""Plain-text DMs (read, confirmed, recorded) and App Home for leads and coordinators."""

from __future__ import annotations

import json

from sqlalchemy import select

from bot import limits
from store.db import session_scope
from store.models.records import InboundMessage
from store.models.updates import Update
from tests.bot import slack
from tests.bot.conftest import ALEX, PRIYA, SAM, wait_for


def _start(h) -> None:
    h.command(PRIYA, "start harbourside 2027-03-31")
    wait_for(lambda: any("Sent" in r.get("text", "") for r in h.api.state.responses))


def _updates(engine) -> list[Update]:
    with session_scope(engine, read_only=True) as s:
        rows = list(s.scalars(select(Update).where(Update.via == "slack").order_by(Update.id)))
        s.expunge_all()
        return rows


def _bot_says(h, user: str, words: str) -> dict:
    return wait_for(lambda: next((m for m in h.api.posts_to(user) if words in m["text"]), None))


def test_a_plain_text_answer_is_read_back_and_recorded_when_confirmed(harness, world, engine):
    _start(harness)
    assert (
        harness.event(
            slack.event(slack.dm(ALEX, "1.3 done, signed off in Feb; 2.3 a) slipped to June"))
        ).status
        == 200
    )
    understood = _bot_says(harness, ALEX, "Here is what I understood")
    assert limits.problems(understood["blocks"]) == []
    shown = json.dumps(understood["blocks"])
    assert "*1.3*: Completed" in shown and "*2.3 a)*: At risk, revised target June" in shown
    assert _updates(engine) == []  # nothing recorded before the lead confirms
    confirm = next(b for b in understood["blocks"] if b.get("block_id") == "confirm")
    harness.action(ALEX, slack.click(confirm, "text_confirm"), understood)
    wait_for(lambda: len(_updates(engine)) == 2)
    assert sorted(u.status for u in _updates(engine)) == ["at_risk", "completed"]
    harness.action(ALEX, slack.click(confirm, "text_confirm"), understood)  # a second click: a new action_ts
    wait_for(lambda: any("already been dealt with" in r.get("text", "") for r in harness.api.state.responses))
    assert len(_updates(engine)) == 2
    with session_scope(engine, read_only=True) as s:
        states = dict(
            s.execute(
                select(InboundMessage.external_id, InboundMessage.state).where(
                    InboundMessage.external_id.like("event:%")
                )
            ).all()
        )
    assert list(states.values()) == ["applied"]


def test_unclear_text_goes_to_review_and_the_lead_is_told(harness, world, engine):
    _start(harness)
    harness.event(slack.event(slack.dm(SAM, "Sorry, I'm on leave until next week, will reply then")))
    said = _bot_says(harness, SAM, "coordinator will look at it")
    assert "coordinator" in said["text"]
    with session_scope(engine, read_only=True) as s:
        assert (
            s.scalar(select(InboundMessage.state).where(InboundMessage.external_id.like("event:%")))
            == "needs_review"
        )


def test_app_home_shows_a_leads_actions_with_update_buttons(harness, world):
    _start(harness)
    harness.event(slack.event(slack.home_opened(SAM)))
    published = wait_for(lambda: harness.api.calls("views.publish"))[0]
    view = (
        json.loads(published.args["view"])
        if isinstance(published.args["view"], str)
        else published.args["view"]
    )
    assert published.args["user_id"] == SAM
    assert limits.problems(view, kind="home") == []
    updates = [b for b in view["blocks"] if b.get("accessory", {}).get("action_id") == "home_detail"]
    assert len(updates) == 3
    assert "Review queue" not in json.dumps(view)  # Sam is not a coordinator


def test_coordinator_home_lists_rounds_and_review_and_applies_an_item(harness, world, engine):
    _start(harness)
    harness.event(slack.event(slack.dm(SAM, "Sorry, I'm on leave until next week, will reply then")))
    _bot_says(harness, SAM, "coordinator will look at it")
    harness.event(slack.event(slack.home_opened(PRIYA)))
    published = wait_for(lambda: harness.api.calls("views.publish"))[0]
    view = published.args["view"]
    view = json.loads(view) if isinstance(view, str) else view
    text = json.dumps(view)
    assert "Open rounds" in text and "0 of 4 leads done" in text and "Review queue* (1 waiting)" in text
    assert limits.problems(view, kind="home") == []
    review = next(b for b in view["blocks"] if b.get("block_id", "").startswith("review:"))
    harness.action(
        PRIYA, slack.click(review, "review_reject"), container={"type": "view", "view_id": "VHOME"}
    )
    wait_for(lambda: any("Rejected review item" in m["text"] for m in harness.api.posts_to(PRIYA)))
    with session_scope(engine, read_only=True) as s:
        assert (
            s.scalar(select(InboundMessage.state).where(InboundMessage.external_id.like("event:%")))
            == "rejected"
        )
