"""intake.apply: replies from any channel become updates, or wait for a person with the reason.

Persona: Brightwater Council's equality plan. Jo Baker leads 1.1 and shares 2.1 with Sam Ortiz; Pat Lee
is Jo's PA (her delegate). A Spring round asked Jo about 1.1 and 2.1, and Sam about 1.2 and 2.1.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from collector.channels.messages import prompt_message
from collector.core.errors import UserError
from collector.core.vocabulary import Status
from collector.replies.intake import apply
from collector.replies.paper import record_paper_update
from collector.replies.review import apply_item, pending, reject_item, replay
from collector.replies.types import ParsedUpdate, Reply
from mailin.compose import Envelope, compose_prompt, compose_receipt
from store.importers.draft import ActionDraft, LeadDraft, PlanDraft, ProgressDraft, SectionDraft
from store.models.directory import Delegation, Person
from store.models.plans import Action, PlanCoordinator
from store.models.records import AuditEvent, InboundMessage
from store.models.rounds import Prompt, PromptAction, Round
from store.models.updates import Update
from store.persist import save_plan


@pytest.fixture
def spring(session, clock):
    """The plan, its people and an open round with Jo's and Sam's prompts; returns a namespace."""
    jo, sam = LeadDraft("Jo Baker", "JB"), LeadDraft("Sam Ortiz", "SO")
    draft = PlanDraft(
        title="Brightwater Council Equality Action Plan 2026-28",
        source="edi.docx",
        sections=[SectionDraft("1", "Knowing our communities"), SectionDraft("2", "Accessible services")],
        actions=[
            ActionDraft(
                "1.1",
                "Refresh the equality profile",
                "1",
                leads=[jo],
                progress=[ProgressDraft("On target", Status.ON_TRACK)],
            ),
            ActionDraft("1.2", "Publish monitoring data", "1", leads=[sam]),
            ActionDraft("2.1", "Audit the website against WCAG 2.2", "2", leads=[jo, sam]),
        ],
    )
    saved = save_plan(session, draft, name="edi", update=False, clock=clock)
    people = {p.code: p for p in session.scalars(select(Person))}
    people["JB"].email, people["SO"].email = "jo.baker@brightwater.gov.uk", "sam.ortiz@brightwater.gov.uk"
    pat = Person(
        name="Pat Lee", email="pat.lee@brightwater.gov.uk", created_at=clock.now(), updated_at=clock.now()
    )
    session.add(pat)
    session.flush()
    session.add(Delegation(person_id=people["JB"].id, delegate_id=pat.id))
    round_ = Round(
        plan_id=saved.plan_id,
        kind="collection",
        name="Spring 2027",
        opened_at=clock.now(),
        due_date=date(2027, 3, 12),
        created_at=clock.now(),
    )
    session.add(round_)
    session.flush()
    actions = {a.ref: a for a in session.scalars(select(Action).where(Action.plan_id == saved.plan_id))}
    prompts = {}
    for code, refs in (("JB", ["1.1", "2.1"]), ("SO", ["1.2", "2.1"])):
        prompt = Prompt(
            round_id=round_.id,
            person_id=people[code].id,
            channel="email",
            token=f"tok{code}",
            created_at=clock.now(),
            message_id=f"<prompt-{code}@brightwater>",
        )
        session.add(prompt)
        session.flush()
        session.add_all(PromptAction(prompt_id=prompt.id, action_id=actions[r].id) for r in refs)
        prompts[code] = prompt
    session.flush()

    class Spring:
        pass

    s = Spring()
    s.round, s.actions, s.prompts, s.jo, s.sam, s.pat, s.plan_id = (
        round_,
        actions,
        prompts,
        people["JB"],
        people["SO"],
        pat,
        saved.plan_id,
    )
    return s


def _inbound(session, clock, text: str, sender: str) -> InboundMessage:
    raw = f"From: {sender}\r\nSubject: Re: your update\r\n\r\n{text}".encode()
    message = InboundMessage(
        channel="email",
        external_id=f"<{hashlib.sha1(raw).hexdigest()}@mail>",
        raw=raw,
        sha256=hashlib.sha256(raw).hexdigest(),
        envelope={"from": sender},
        received_at=clock.now(),
    )
    session.add(message)
    session.flush()
    return message


def _reply(spring, *, sender, prompt="JB", updates=None, text="", inbound=None, clock=None) -> Reply:
    return Reply(
        channel="email",
        text=text,
        received_at=datetime(2027, 3, 3, 10, tzinfo=UTC),
        sender_person_id=sender.id if sender else None,
        sender_address=sender.email if sender else "someone@elsewhere.example",
        prompt_id=spring.prompts[prompt].id if prompt else None,
        inbound_message_id=inbound.id if inbound else None,
        structured=updates,
    )


def _latest(session, action) -> Update:
    return session.scalars(
        select(Update)
        .where(Update.action_id == action.id)
        .order_by(Update.created_at.desc(), Update.id.desc())
    ).first()


def test_a_leads_reply_records_each_action_and_says_so_in_the_receipt(session, clock, spring):
    inbound = _inbound(session, clock, "1.1 done; 2.1 slipped", spring.jo.email)
    updates = [
        ParsedUpdate("1.1", Status.COMPLETED, "signed off by Cabinet in February"),
        ParsedUpdate("2.1", Status.AT_RISK, "audit slipped", "June 2027", date(2027, 6, 30)),
    ]

    result = apply(session, _reply(spring, sender=spring.jo, updates=updates, inbound=inbound), clock=clock)

    assert result.state == "applied" and inbound.state == "applied"
    assert _latest(session, spring.actions["1.1"]).status == "completed"
    slipped = _latest(session, spring.actions["2.1"])
    assert (slipped.revised_target_date, slipped.submitted_by_id, slipped.via) == (
        date(2027, 6, 30),
        spring.jo.id,
        "email",
    )
    assert spring.prompts["JB"].responded_at == clock.now()
    assert [(line.ref, line.status) for line in result.receipt.lines] == [
        ("1.1", "Completed"),
        ("2.1", "At risk"),
    ]
    assert result.receipt.recipient.email == "jo.baker@brightwater.gov.uk"


def test_a_delegates_answer_counts_for_the_lead_and_records_who_sent_it(session, clock, spring):
    result = apply(
        session,
        _reply(spring, sender=spring.pat, updates=[ParsedUpdate("1.1", Status.ON_TRACK, "")]),
        clock=clock,
    )
    row = result.recorded[0]
    assert (row.submitted_by_id, row.submitted_for_id) == (spring.pat.id, spring.jo.id)


def test_a_reply_from_someone_else_with_a_valid_token_waits_for_review(session, clock, spring):
    inbound = _inbound(session, clock, "1.1 done", spring.sam.email)
    result = apply(
        session,
        _reply(
            spring,
            sender=spring.sam,
            prompt="JB",
            inbound=inbound,
            updates=[ParsedUpdate("1.1", Status.COMPLETED, "")],
        ),
        clock=clock,
    )
    assert result.state == "needs_review" and result.recorded == []
    assert inbound.state == "needs_review"
    assert inbound.reason == "sent by Sam Ortiz, who is not this prompt's lead or their delegate"
    assert session.scalars(select(Update).where(Update.round_id == spring.round.id)).all() == []


def test_a_reply_from_an_unknown_address_without_a_token_waits_for_review(session, clock, spring):
    inbound = _inbound(session, clock, "all on track", "someone@elsewhere.example")
    result = apply(
        session, _reply(spring, sender=None, prompt=None, inbound=inbound, text="all on track"), clock=clock
    )
    assert result.state == "needs_review"
    assert inbound.reason == "sender someone@elsewhere.example is not in the people directory"


def test_unsure_updates_wait_while_sure_ones_are_recorded(session, clock, spring):
    inbound = _inbound(session, clock, "...", spring.jo.email)
    updates = [
        ParsedUpdate("1.1", Status.COMPLETED, "done"),
        ParsedUpdate(
            "2.1",
            Status.COMPLETED,
            "should be done by May",
            confidence=0.4,
            reasons=["'should be' hedges the status"],
        ),
    ]
    result = apply(session, _reply(spring, sender=spring.jo, updates=updates, inbound=inbound), clock=clock)
    assert [u.action_id for u in result.recorded] == [spring.actions["1.1"].id]
    assert result.review == ["2.1: not sure what this says ('should be' hedges the status)"]
    assert inbound.state == "needs_review"
    assert inbound.parsed["updates"][1]["confidence"] == 0.4
    assert result.receipt.needs_review == ("2.1: not sure what this says ('should be' hedges the status)",)


def test_the_first_lead_to_answer_a_shared_action_counts(session, clock, spring):
    apply(
        session,
        _reply(spring, sender=spring.jo, updates=[ParsedUpdate("2.1", Status.ON_TRACK, "")]),
        clock=clock,
    )
    clock.advance(timedelta(hours=1))
    second = apply(
        session,
        _reply(spring, sender=spring.sam, prompt="SO", updates=[ParsedUpdate("2.1", Status.OFF_TRACK, "")]),
        clock=clock,
    )
    assert second.state == "needs_review"
    assert second.review == [
        "2.1: already answered by Jo Baker this round; the first answer counts until a coordinator decides"
    ]
    assert _latest(session, spring.actions["2.1"]).status == "on_track"


def test_a_lead_can_correct_their_own_answer(session, clock, spring):
    apply(
        session,
        _reply(spring, sender=spring.jo, updates=[ParsedUpdate("1.1", Status.ON_TRACK, "")]),
        clock=clock,
    )
    clock.advance(timedelta(hours=2))
    apply(
        session,
        _reply(spring, sender=spring.jo, updates=[ParsedUpdate("1.1", Status.COMPLETED, "")]),
        clock=clock,
    )
    assert _latest(session, spring.actions["1.1"]).status == "completed"
    assert len(session.scalars(select(Update).where(Update.round_id == spring.round.id)).all()) == 2


def test_no_change_keeps_the_last_reported_status(session, clock, spring):
    result = apply(
        session,
        _reply(spring, sender=spring.jo, updates=[ParsedUpdate("1.1", Status.NO_CHANGE, "")]),
        clock=clock,
    )
    assert (result.recorded[0].status, result.recorded[0].progress) == (
        "on_track",
        "No change since the last report.",
    )


def test_an_answer_after_the_round_closed_is_kept_and_marked_late(session, clock, spring):
    spring.round.closed_at = clock.now()
    result = apply(
        session,
        _reply(spring, sender=spring.jo, updates=[ParsedUpdate("1.1", Status.COMPLETED, "")]),
        clock=clock,
    )
    assert result.recorded[0].late is True


def test_a_coordinator_applies_a_corrected_review_item_and_the_audit_says_who(session, clock, spring):
    inbound = _inbound(session, clock, "2.1 nearly there", spring.jo.email)
    apply(
        session,
        _reply(
            spring,
            sender=spring.jo,
            inbound=inbound,
            updates=[ParsedUpdate("2.1", Status.COMPLETED, "nearly there", confidence=0.3)],
        ),
        clock=clock,
    )
    assert [m.id for m in pending(session, plan_id=spring.plan_id)] == [inbound.id]

    result = apply_item(
        session,
        inbound.id,
        coordinator="cli:chris",
        clock=clock,
        updates=[ParsedUpdate("2.1", Status.ON_TRACK, "nearly there")],
    )

    assert result.state == "applied" and inbound.state == "applied"
    assert _latest(session, spring.actions["2.1"]).status == "on_track"
    audit = session.scalars(select(AuditEvent).where(AuditEvent.event == "reply.applied")).all()
    assert audit[-1].actor == "cli:chris"
    # rejecting it afterwards takes what it applied off the record (withdrawn, not deleted)
    _, withdrawn = reject_item(session, inbound.id, reason="duplicate", coordinator="cli:chris", clock=clock)
    assert withdrawn == result.recorded and _latest(session, spring.actions["2.1"]) is None
    with pytest.raises(UserError, match="is rejected, not waiting for review or applied"):
        reject_item(session, inbound.id, reason="twice", coordinator="cli:chris", clock=clock)


def test_a_rejected_item_leaves_the_queue_but_is_kept(session, clock, spring):
    inbound = _inbound(session, clock, "wrong thread", spring.sam.email)
    apply(
        session,
        _reply(
            spring,
            sender=spring.sam,
            prompt="JB",
            inbound=inbound,
            updates=[ParsedUpdate("1.1", Status.COMPLETED, "")],
        ),
        clock=clock,
    )
    reject_item(
        session,
        inbound.id,
        reason="Sam replied to Jo's email by mistake",
        coordinator="cli:chris",
        clock=clock,
    )
    assert pending(session) == []
    assert (inbound.state, inbound.reason) == ("rejected", "Sam replied to Jo's email by mistake")


def test_replay_applies_an_item_once_its_sender_is_known(session, clock, spring):
    inbound = _inbound(session, clock, "1.1 done", "jo.baker@home.example")
    apply(
        session,
        _reply(spring, sender=None, inbound=inbound, updates=[ParsedUpdate("1.1", Status.COMPLETED, "")]),
        clock=clock,
    )
    assert inbound.state == "needs_review"
    inbound.person_id = spring.pat.id  # the coordinator found it was Jo's PA writing from home
    inbound.parsed["text"] = "1.1 done"
    result = replay(session, inbound.id, clock=clock)
    assert result.state == "applied"


def test_a_paper_update_is_recorded_for_a_lead_nobody_can_prompt(session, clock, spring):
    result = record_paper_update(
        session,
        "edi",
        "1.2",
        status=Status.AT_RISK,
        progress="Told me at the steering group",
        revised_target="Sept 2027",
        evidence=[],
        by="Sam Ortiz",
        round_id=None,
        clock=clock,
        actor="cli:chris",
    )
    row = result.recorded[0]
    assert (row.status, row.via, row.revised_target_date) == ("at_risk", "cli", date(2027, 9, 30))
    assert row.submitted_by_id == spring.sam.id


def test_the_receipt_lists_actions_in_the_plans_order_whatever_order_they_were_answered_in(
    session, clock, spring
):
    updates = [
        ParsedUpdate("2.1", Status.ON_TRACK, "audit booked"),
        ParsedUpdate("1.1", Status.COMPLETED, "signed off"),
    ]
    result = apply(session, _reply(spring, sender=spring.jo, updates=updates), clock=clock)
    assert [line.ref for line in result.receipt.lines] == ["1.1", "2.1"]


def test_a_no_change_with_nothing_to_carry_is_receipted_as_no_status_with_a_request_for_one(
    session, clock, spring
):
    updates = [ParsedUpdate("1.1", Status.NO_CHANGE, ""), ParsedUpdate("2.1", Status.NO_CHANGE, "")]

    result = apply(session, _reply(spring, sender=spring.jo, updates=updates), clock=clock)

    assert [(line.ref, line.status, line.title) for line in result.receipt.lines] == [
        ("1.1", "On track", "Refresh the equality profile"),
        ("2.1", None, "Audit the website against WCAG 2.2"),
    ]
    text = compose_receipt(result.receipt, Envelope("Progress <p@x.org>", "x.org", clock.now()))
    body = text.get_body(("plain",)).get_content()
    assert "[1.1] Refresh the equality profile\n    On track\n" in body
    assert (
        "[2.1] Audit the website against WCAG 2.2\n"
        '    No status was recorded: please reply with one, e.g. "2.1: on track".\n'
        "    Progress: No change reported; no earlier status.\n"
    ) in body


def test_a_prompt_lists_each_item_once_and_names_the_plans_coordinator(session, clock, spring):
    items = [ActionDraft("a)", "Publish the data by age."), ActionDraft("b)", "Publish it by disability.")]
    draft = PlanDraft(
        title="Brightwater Council Equality, Diversity and Inclusion Action Plan 2026-28",
        source="edi.docx",
        actions=[
            ActionDraft(
                "3.1",
                "Publish monitoring data: a) Publish the data by age. b) Publish it by disability.",
                leads=[LeadDraft("Jo Baker", "JB")],
                sub_actions=items,
            )
        ],
    )
    saved = save_plan(session, draft, name="data", update=False, clock=clock)
    session.add(PlanCoordinator(plan_id=saved.plan_id, person_id=spring.pat.id))
    parent = session.scalars(select(Action).where(Action.plan_id == saved.plan_id, Action.ref == "3.1")).one()
    round_ = Round(plan_id=saved.plan_id, kind="collection", name="Spring 2027", opened_at=clock.now(),
                   due_date=date(2027, 3, 12), created_at=clock.now())  # fmt: skip
    session.add(round_)
    session.flush()
    prompt = Prompt(round_id=round_.id, person_id=spring.jo.id, channel="email", token="tokD",
                    created_at=clock.now())  # fmt: skip
    session.add(prompt)
    session.flush()
    session.add(PromptAction(prompt_id=prompt.id, action_id=parent.id))
    session.flush()

    message = prompt_message(session, prompt)
    msg = compose_prompt(message, Envelope("Progress <p@x.org>", "x.org", clock.now(), reply_token="tokD"))
    body = msg.get_body(("plain",)).get_content()

    assert message.contact.name == "Pat Lee"
    assert (
        "[3.1] Publish monitoring data:\n  a) Publish the data by age.\n  b) Publish it by disability.\n"
        in body
    )
    assert body.count("by disability") == 1
    assert "Ask Pat Lee (pat.lee@brightwater.gov.uk)." in " ".join(body.split())
    assert len(msg["Subject"]) <= 78 and msg["Subject"].endswith("…: your Spring 2027 update, due Fri 12 Mar")
