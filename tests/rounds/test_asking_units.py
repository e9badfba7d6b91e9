"""What a lead is asked about when an action has lettered items: the unit someone answers for, once."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from collector.rounds.lifecycle import open_round
from collector.rounds.tick import send_pending
from store.db import session_scope
from store.importers.draft import ActionDraft, LeadDraft, PlanDraft
from store.models.directory import Person
from store.models.plans import Plan
from store.persist import save_plan


def _plan(session, clock) -> Plan:
    tender = ActionDraft(
        "2.7",
        "Re-tender the interpreting contract:",
        leads=[LeadDraft("Tom Davies", "TD")],
        sub_actions=[
            ActionDraft("2.7 a)", "Review how the contract is used."),
            ActionDraft("2.7 b)", "Award the new contract."),
        ],
    )
    save_plan(
        session,
        PlanDraft(title="Riverside EDI Plan", source="plan.docx", actions=[tender]),
        name="riverside",
        update=False,
        clock=clock,
    )
    tom = session.scalars(select(Person)).one()
    tom.email = "tom.davies@riverside.example.gov.uk"
    return session.scalars(select(Plan)).one()


def test_items_that_share_the_actions_lead_are_asked_once_as_a_whole(engine, clock, tmp_path, channel):
    with session_scope(engine) as s:
        plan = _plan(s, clock)
        result = open_round(
            s, plan, due=date(2027, 3, 31), closes=None, subset=None, clock=clock, actor="cli:test"
        )
        assert [(ask.name, ask.refs) for ask in result.asks] == [("Tom Davies", ["2.7"])]
        round_id = result.round.id
    send_pending(
        engine,
        {"outbox": channel, "email": channel},
        clock,
        round_id=round_id,
        timezone="Europe/London",
        actor="cli:test",
    )
    [(kind, message)] = channel.sent
    assert kind == "prompt"
    [item] = message.items
    assert item.text == (
        "Re-tender the interpreting contract: a) Review how the contract is used. b) Award the new contract."
    )
