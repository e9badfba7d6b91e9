"""Escalation: after the due date plus N working days, coordinators and managers hear who has not answered."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from store.db import session_scope
from store.models.directory import Person
from store.models.plans import PlanCoordinator
from tests.rounds.helpers import answer, deliveries, open_harbourside, prompts, run

# Due Wednesday 31 March; three working days later is Monday 5 April, 09:00 BST = 08:00Z.
ESCALATION = datetime(2027, 4, 5, 8, tzinfo=UTC)


def _sam_reports_to_chris(engine, world) -> None:
    with session_scope(engine) as s:
        s.get_one(Person, world.people["Sam"]).manager_id = world.people["Chris"]


def test_coordinators_and_managers_hear_who_has_not_answered_about_what(
    engine, world, clock, channel, channels
):
    _sam_reports_to_chris(engine, world)
    opened = open_harbourside(engine, world, clock)
    run(engine, channels, clock)
    for ref in ("1.1", "1.2"):
        answer(engine, clock, opened.round.id, world.actions[ref], world.people["Jo"])

    assert run(engine, channels, clock, at=ESCALATION.replace(minute=0, hour=7)).escalations_sent == 0
    report = run(engine, channels, clock, at=ESCALATION)

    assert report.escalations_sent == 2
    by_name = {m.recipient.name: m for m in channel.of("escalation")}
    priya, chris = by_name["Priya Shah"], by_name["Chris Doe"]
    assert [(m.lead, m.refs) for m in priya.missing] == [
        ("Alex Price", ("1.3", "2.3 a)")),
        ("Chris Doe for Facilities", ("2.1",)),
        ("Nadia Khan (cannot be prompted: no email or Slack id)", ("2.2",)),
        ("Sam Ortiz", ("2.1", "2.3 b)")),
    ]
    assert [(m.lead, m.refs) for m in chris.missing] == [("Sam Ortiz", ("2.1", "2.3 b)"))]
    assert priya.due == opened.due and priya.round_name == "Spring 2027"
    escalated = {name: p.escalated_at for name, p in prompts(engine, opened.round.id).items()}
    assert escalated == {"Alex": ESCALATION, "Chris": ESCALATION, "Sam": ESCALATION, "Jo": None}


def test_an_escalation_goes_once_per_round_to_each_recipient(engine, world, clock, channel, channels):
    opened = open_harbourside(engine, world, clock)
    run(engine, channels, clock)

    run(engine, channels, clock, at=ESCALATION)
    run(engine, channels, clock, at=datetime(2027, 4, 6, 10, tzinfo=UTC))

    assert channel.to("escalation") == ["Priya Shah"]  # coordinator and Jo's manager: one message
    assert [d.idempotency_key for d in deliveries(engine, "escalation")] == [
        f"escalation:{opened.round.id}:{world.people['Priya']}"
    ]


def test_a_recipient_nobody_can_reach_is_recorded_as_failed_once(engine, world, clock, channel, channels):
    with session_scope(engine) as s:
        s.add(PlanCoordinator(plan_id=world.plan_id, person_id=world.people["Nadia"]))
    open_harbourside(engine, world, clock)
    run(engine, channels, clock)

    first, second = run(engine, channels, clock, at=ESCALATION), run(engine, channels, clock)

    assert (first.escalations_sent, first.unreachable, second.unreachable) == (1, 1, 0)
    failed = [d for d in deliveries(engine, "escalation") if d.state == "failed"]
    assert [(d.channel, d.error) for d in failed] == [
        ("none", "unreachable: Nadia Khan has no usable email or Slack id; configured: outbox")
    ]


def test_no_escalation_when_everyone_answered(engine, world, clock, channel, channels):
    opened = open_harbourside(engine, world, clock)
    run(engine, channels, clock)
    with session_scope(engine, read_only=True) as s:
        everyone = s.scalars(select(Person.id)).all()
    for ref in ("1.1", "1.2", "1.3", "2.1", "2.3 a)", "2.3 b)"):
        answer(engine, clock, opened.round.id, world.actions[ref], everyone[0])

    report = run(engine, channels, clock, at=ESCALATION)

    # Nadia could never be asked: the coordinator still hears about 2.2.
    assert report.escalations_sent == 1
    assert [m.lead for m in channel.of("escalation")[0].missing] == [
        "Nadia Khan (cannot be prompted: no email or Slack id)"
    ]
