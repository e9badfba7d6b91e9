"""`collector update add` and `collector review ...`: what a coordinator types when a reply needs a person."""

from __future__ import annotations

import hashlib
import re

import pytest

from collector.core.errors import NotFound, UserError
from collector.replies.intake import apply
from collector.replies.types import Reply
from store.db import session_scope
from store.models.records import InboundMessage
from store.models.rounds import Prompt
from store.models.updates import Update


def _flat(text: str) -> str:
    return " ".join(re.sub(r"[│┃]", " ", text).split())


def test_an_update_given_on_paper_counts_as_the_leads_answer(cli, world):
    cli("round", "open", "--plan", "harbourside", "--due", "2027-03-31")

    result = cli(
        "update",
        "add",
        "--plan",
        "harbourside",
        "--action",
        "1.1",
        "--status",
        "at_risk",
        "--progress",
        "Report delayed by the data audit",
        "--revised-target",
        "June 2027",
        "--by",
        "Jo Baker",
    )

    assert result.exit_code == 0, result.output
    assert "Recorded 1.1: at_risk: Report delayed by the data audit" in _flat(result.stdout)
    status = _flat(cli("round", "status", "--plan", "harbourside").stdout)
    assert "Jo Baker email (via outbox) written Mon 01 Mar" in status and "1/2" in status


def test_an_update_for_an_action_the_plan_does_not_have_is_one_clear_line(cli, world):
    cli("round", "open", "--plan", "harbourside", "--due", "2027-03-31")
    with pytest.raises(NotFound, match=r"plan harbourside has no action 9\.9"):
        cli("update", "add", "--plan", "harbourside", "--action", "9.9", "--status", "completed")


def _needs_review(engine, world, clock, text: str) -> int:
    """Sam replies, from Slack, to Jo's prompt: intake keeps it for a person."""
    with session_scope(engine) as s:
        prompt = s.query(Prompt).filter(Prompt.person_id == world.people["Jo"]).one()
        raw = text.encode()
        inbound = InboundMessage(
            channel="slack",
            external_id="Ev0SAM1",
            raw=raw,
            sha256=hashlib.sha256(raw).hexdigest(),
            envelope={"from": "U02SAM"},
            received_at=clock.now(),
        )
        s.add(inbound)
        s.flush()
        reply = Reply(
            channel="slack",
            text=text,
            received_at=clock.now(),
            sender_person_id=world.people["Sam"],
            sender_address="U02SAM",
            prompt_id=prompt.id,
            inbound_message_id=inbound.id,
        )
        assert apply(s, reply, clock=clock).state == "needs_review"
        return inbound.id


def test_a_coordinator_reads_and_corrects_a_reply_in_the_review_queue(cli, world, engine, clock):
    cli("round", "open", "--plan", "harbourside", "--due", "2027-03-31")
    item = _needs_review(engine, world, clock, "1.1 is finished, Jo asked me to let you know")

    listed = _flat(cli("review", "list").stdout)
    assert (
        f"{item} " in listed
        and "sent by Sam Ortiz, who is not this prompt's lead or their delegate" in listed
    )
    shown = _flat(cli("review", "show", str(item)).stdout)
    assert "1.1 is finished, Jo asked me to let you know" in shown

    applied = cli(
        "review", "apply", str(item), "--ref", "1.1", "--status", "completed", "--progress", "Finished"
    )
    assert applied.exit_code == 0, applied.output
    assert f"Applied message {item}: 1 update recorded." in _flat(applied.stdout)
    assert "The review queue is empty." in cli("review", "list").stdout


def test_a_rejected_reply_says_why_and_leaves_the_queue(cli, world, engine, clock):
    cli("round", "open", "--plan", "harbourside", "--due", "2027-03-31")
    item = _needs_review(engine, world, clock, "wrong person, ignore")
    result = cli("review", "reject", str(item), "--reason", "Sam answered Jo's prompt by mistake")
    assert result.exit_code == 0 and f"Rejected message {item}." in result.stdout
    with pytest.raises(UserError, match=f"message {item} is rejected, not waiting for review"):
        cli("review", "reject", str(item), "--reason", "twice")


def _reref(engine, world, changes: dict[str, str]) -> None:
    """Give actions the refs an imported plan may carry: a duplicate's "1.1 (2)", a synthetic "#3"."""
    from store.models.plans import Action

    with session_scope(engine) as s:
        for old, new in changes.items():
            s.get(Action, world.actions[old]).ref = new


def test_review_apply_takes_a_ref_as_a_coordinator_types_it(cli, world, engine, clock):
    _reref(engine, world, {"1.2": "#3"})
    cli("round", "open", "--plan", "harbourside", "--due", "2027-03-31")
    item = _needs_review(engine, world, clock, "the blind marking pilot has finished")

    applied = cli("review", "apply", str(item), "--ref", "3", "--status", "completed")

    assert applied.exit_code == 0, applied.output
    assert f"Applied message {item}: 1 update recorded." in _flat(applied.stdout)
    with session_scope(engine) as s:
        recorded = s.query(Update).filter(Update.action_id == world.actions["1.2"]).one()
        assert recorded.status == "completed"


def test_a_bare_ref_that_the_plan_prints_twice_is_asked_about_by_name(cli, world, engine, clock):
    """Both copies of a ref printed twice were asked: "1.1 done" cannot say which, and the review item
    says so (not that 1.1 was never asked)."""
    _reref(engine, world, {"1.2": "1.1 (2)"})
    cli("round", "open", "--plan", "harbourside", "--due", "2027-03-31")
    with session_scope(engine) as s:
        prompt = s.query(Prompt).filter(Prompt.person_id == world.people["Jo"]).one()
        reply = Reply(
            channel="email",
            text="1.1 (2) is on track. 1.1 is done",
            received_at=clock.now(),
            sender_person_id=world.people["Jo"],
            prompt_id=prompt.id,
        )
        result = apply(s, reply, clock=clock)

    assert result.state == "needs_review"
    assert [u.action_id for u in result.recorded] == [world.actions["1.2"]]
    assert any("could be action 1.1 or 1.1 (2)" in reason for reason in result.review), result.review
    assert not any("not one of the actions" in reason for reason in result.review), result.review
