"""A round over Slack, end to end: the coordinator starts it with the slash command, Sam and Alex get their
DMs, and their selects, buttons and modals land as updates, with the messages updated in place."""

from __future__ import annotations

from sqlalchemy import func, select

from bot import limits
from store.db import session_scope
from store.models.records import AuditEvent, InboundMessage
from store.models.rounds import Prompt
from store.models.updates import Update
from tests.bot import slack
from tests.bot.conftest import ALEX, PRIYA, SAM, STRANGER, wait_for


def _start(h, world) -> None:
    answer = h.command(PRIYA, "start harbourside 2027-03-31")
    assert answer.status == 200 and "Working on" in answer.body
    wait_for(lambda: any("Sent" in r.get("text", "") for r in h.api.state.responses))


def _prompt_message(h, user: str) -> dict:
    return wait_for(lambda: h.api.posts_to(user))[0]


def _updates(engine) -> list[Update]:
    with session_scope(engine, read_only=True) as s:
        rows = list(s.scalars(select(Update).where(Update.via == "slack").order_by(Update.id)))
        s.expunge_all()
        return rows


def _section(message: dict, ref: str) -> dict:
    return next(
        b for b in message["blocks"] if b["type"] == "section" and b["text"]["text"].startswith(f"*{ref}*")
    )


def _block(message: dict, prefix: str) -> dict:
    return next(b for b in message["blocks"] if b.get("block_id", "").startswith(prefix))


def test_a_round_started_with_the_slash_command_reaches_every_slack_lead(harness, world, engine):
    _start(harness, world)
    said = " ".join(r["text"] for r in harness.api.state.responses)
    assert "Opened *Spring 2027*" in said and "by slack" in said
    sam, alex = _prompt_message(harness, SAM), _prompt_message(harness, ALEX)
    assert "Progress update for Equality Action Plan 2026–28" in sam["text"]
    sections = [b["text"]["text"] for b in sam["blocks"] if b["type"] == "section"]
    assert [t[:5] for t in sections if t.startswith("*")] == ["*1.2*", "*2.1*", "*2.3 "]
    for message in (sam, alex):
        assert limits.problems(message["blocks"]) == []
    with session_scope(engine, read_only=True) as s:
        slack_prompts = list(s.scalars(select(Prompt).where(Prompt.channel == "slack")))
        assert {p.status for p in slack_prompts} == {"sent"}
        assert all(p.message_id.startswith("slack:D") for p in slack_prompts)


def test_a_status_picked_is_recorded_once_and_the_message_shows_it(harness, world, engine):
    _start(harness, world)
    message = _prompt_message(harness, SAM)
    pick = slack.select_status(_section(message, "1.2"), "on_track")
    payload = slack.block_action(SAM, pick, harness.api.url + "/response", message=message)
    first = harness.send(payload)
    assert first.status == 200 and first.seconds < 3
    wait_for(lambda: _updates(engine))
    assert harness.send(payload).status == 200  # Slack (or a double click) delivers the same payload again
    wait_for(lambda: len(harness.api.calls("chat.update")) >= 1)
    updates = _updates(engine)
    assert [(u.status, u.via) for u in updates] == [("on_track", "slack")]
    shown = harness.api.posts_to(SAM)[0]
    assert "Recorded: *On track*" in str(shown["blocks"])
    with session_scope(engine, read_only=True) as s:
        stored = s.scalar(
            select(func.count())
            .select_from(InboundMessage)
            .where(InboundMessage.channel == "slack", InboundMessage.external_id.like("action:%"))
        )
    assert stored == 1


def test_add_detail_opens_a_modal_whose_answer_lands_with_progress_target_and_evidence(
    harness, world, engine
):
    _start(harness, world)
    message = _prompt_message(harness, ALEX)
    harness.action(ALEX, slack.click(_block(message, "d:"), "detail"), message)
    opened = wait_for(lambda: harness.api.calls("views.open"))[0]
    view = slack_json(opened.args["view"])
    assert limits.problems(view, kind="modal") == []
    action = view["blocks"][1]["block_id"].split(":")[1]
    values = {
        f"status:{action}": {
            "status": {
                "type": "static_select",
                "selected_option": {"text": {"type": "plain_text", "text": "At risk"}, "value": "at_risk"},
            }
        },
        f"progress:{action}": {
            "progress": {"type": "plain_text_input", "value": "HR restructure slowed this; module drafted."}
        },
        f"target:{action}": {"target": {"type": "datepicker", "selected_date": "2027-06-30"}},
        f"evidence:{action}": {
            "evidence": {"type": "url_text_input", "value": "https://intranet.example/hr/module"}
        },
    }
    submission = slack.view_submission(ALEX, view, values)
    answer = harness.send(submission)
    assert answer.status == 200 and answer.body == ""  # acked: the modal closes
    harness.send(submission)  # Save pressed twice: the same view id and hash
    wait_for(lambda: _updates(engine))
    wait_for(lambda: harness.api.calls("chat.update"))
    updates = _updates(engine)
    assert len(updates) == 1
    u = updates[0]
    assert (u.status, u.progress, u.revised_target_date.isoformat(), u.evidence) == (
        "at_risk", "HR restructure slowed this; module drafted.", "2027-06-30", ["https://intranet.example/hr/module"],
    )  # fmt: skip


def test_a_modal_with_a_bad_link_or_tampered_state_is_answered_with_errors_on_the_field(harness, world):
    _start(harness, world)
    message = _prompt_message(harness, ALEX)
    harness.action(ALEX, slack.click(_block(message, "d:"), "detail"), message)
    view = slack_json(wait_for(lambda: harness.api.calls("views.open"))[0].args["view"])
    action = view["blocks"][1]["block_id"].split(":")[1]
    values = {
        f"status:{action}": {"status": {"type": "static_select", "selected_option": {"value": "on_track"}}},
        f"evidence:{action}": {"evidence": {"type": "url_text_input", "value": "javascript:alert(1)"}},
    }
    bad_link = harness.send(slack.view_submission(ALEX, view, values)).json()
    assert bad_link == {
        "response_action": "errors",
        "errors": {f"evidence:{action}": "Give a web link starting with https://"},
    }
    tampered = {**view, "private_metadata": view["private_metadata"][:-3] + "abc"}
    answer = harness.send(slack.view_submission(ALEX, tampered, values, view_id="V0002"))
    assert answer.status == 200 and answer.json()["response_action"] == "errors"
    oversized = {**view, "private_metadata": "x" * 3001}
    assert (
        harness.send(slack.view_submission(ALEX, oversized, values, view_id="V0003")).json()[
            "response_action"
        ]
        == "errors"
    )


def test_no_change_to_all_answers_every_unanswered_action_with_the_last_status(harness, world, engine):
    _start(harness, world)
    message = _prompt_message(harness, SAM)
    harness.action(SAM, slack.click(_block(message, "all:"), "no_change_all"), message)
    wait_for(lambda: len(_updates(engine)) == 3)
    # none of Sam's actions has an earlier status to carry: each is recorded as an answer without a status
    assert all(
        (u.status, u.progress) == (None, "No change reported; no earlier status.") for u in _updates(engine)
    )


def test_update_all_opens_every_action_and_records_those_given(harness, world, engine):
    _start(harness, world)
    message = _prompt_message(harness, SAM)
    harness.action(SAM, slack.click(_block(message, "all:"), "update_all"), message)
    view = slack_json(wait_for(lambda: harness.api.calls("views.open"))[0].args["view"])
    assert limits.problems(view, kind="modal") == []
    status_blocks = [b["block_id"] for b in view["blocks"] if b.get("block_id", "").startswith("status:")]
    assert len(status_blocks) == 3
    values = {status_blocks[0]: {"status": {"selected_option": {"value": "completed"}}}}
    assert harness.send(slack.view_submission(SAM, view, values)).body == ""
    wait_for(lambda: _updates(engine))
    assert [u.status for u in _updates(engine)] == ["completed"]


def test_someone_else_clicking_a_leads_select_is_refused_and_audited(harness, world, engine):
    _start(harness, world)
    message = _prompt_message(harness, SAM)
    harness.action(STRANGER, slack.select_status(_section(message, "1.2"), "completed"), message)
    wait_for(lambda: any("someone else" in r.get("text", "") for r in harness.api.state.responses))
    assert _updates(engine) == []
    with session_scope(engine, read_only=True) as s:
        assert s.scalar(select(AuditEvent).where(AuditEvent.event == "slack.refused")) is not None
        assert (
            s.scalar(select(InboundMessage.state).where(InboundMessage.external_id.like("action:%")))
            == "rejected"
        )


def test_only_coordinators_may_use_the_command(harness, world):
    answer = harness.command(SAM, "start")
    assert answer.status == 200 and "for the action plan's coordinators" in answer.body
    assert harness.api.calls("chat.postMessage") == []


def test_status_remind_and_close_from_slack(harness, world, engine):
    _start(harness, world)
    harness.command(PRIYA, "status")
    said = wait_for(
        lambda: [r["text"] for r in harness.api.state.responses if "leads done" in r.get("text", "")]
    )
    assert "Sam Ortiz (slack): 0/3 answered" in said[0]
    harness.command(PRIYA, "remind Sam Ortiz")
    wait_for(lambda: [r for r in harness.api.state.responses if "Reminded: Sam Ortiz" in r.get("text", "")])
    reminder = harness.api.posts_to(SAM)[-1]
    assert reminder["thread_ts"] == harness.api.posts_to(SAM)[0]["ts"]  # threaded under the prompt
    harness.command(PRIYA, "close")
    wait_for(lambda: [r for r in harness.api.state.responses if "Closed *Spring 2027*" in r.get("text", "")])
    message = _prompt_message(harness, SAM)
    harness.action(SAM, slack.select_status(_section(message, "1.2"), "completed"), message)
    wait_for(lambda: [r for r in harness.api.state.responses if "has closed" in r.get("text", "")])
    assert _updates(engine) == []


def test_a_replayed_slash_command_has_one_effect(harness, world, engine):
    fields = slack.command(PRIYA, "start harbourside 2027-03-31", harness.api.url + "/response")
    for _ in range(2):
        assert (
            slack.post(harness.events, slack.form(fields), "application/x-www-form-urlencoded").status == 200
        )
    wait_for(lambda: any("Sent" in r.get("text", "") for r in harness.api.state.responses))
    with session_scope(engine, read_only=True) as s:
        assert (
            s.scalar(
                select(func.count())
                .select_from(InboundMessage)
                .where(InboundMessage.external_id.like("command:%"))
            )
            == 1
        )
    assert len(harness.api.posts_to(SAM)) == 1


def slack_json(value):
    import json

    return json.loads(value) if isinstance(value, str) else value


def test_report_builds_the_rounds_report_and_posts_it_with_its_files_to_the_committee(harness, world, engine):
    _start(harness, world)
    message = _prompt_message(harness, SAM)
    harness.action(SAM, slack.select_status(_section(message, "1.2"), "completed"), message)
    wait_for(lambda: _updates(engine))
    harness.bot.settings.slack_committee_channel = "C0COMMITTEE"
    assert harness.command(PRIYA, "report harbourside").status == 200
    said = wait_for(
        lambda: [r["text"] for r in harness.api.state.responses if "Posted the report" in r.get("text", "")],
        timeout=120,
    )
    assert "3 files" in said[0]
    (post,) = [
        c.args for c in harness.api.calls("chat.postMessage") if c.args.get("channel") == "C0COMMITTEE"
    ]
    assert "Spring 2027" in post["text"]
    (done,) = harness.api.calls("files.completeUploadExternal")
    assert done.args["channel_id"] == "C0COMMITTEE" and done.args.get("thread_ts")
    uploaded = [body for body in harness.api.state.uploads.values() if body]
    assert len(uploaded) == 3 and any(body.startswith(b"%PDF") for body in uploaded)


def test_report_goes_to_the_plans_own_committee_channel_and_its_recipients_are_recorded(
    harness, world, engine
):
    from store.models.plans import Plan
    from store.models.records import Report

    with session_scope(engine) as s:
        s.scalar(select(Plan)).committee_slack_channel = "C0PLANS"
    harness.bot.settings.slack_committee_channel = "C0COMMITTEE"  # the installation's: the plan's comes first
    assert harness.command(PRIYA, "report harbourside").status == 200
    said = wait_for(
        lambda: [r["text"] for r in harness.api.state.responses if "Posted the report" in r.get("text", "")],
        timeout=120,
    )
    assert "<#C0PLANS>" in said[0]
    posts = [c.args.get("channel") for c in harness.api.calls("chat.postMessage")]
    assert "C0PLANS" in posts and "C0COMMITTEE" not in posts
    with session_scope(engine, read_only=True) as s:
        rows = list(s.scalars(select(Report)))
        assert len(rows) == 3
        assert all(r.recipients == ["slack:C0PLANS"] and r.sent_at is not None for r in rows)
