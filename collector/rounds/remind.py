"""A reminder by hand (`collector round remind`): the delivery engine's claim-and-do, outside the schedule,
for everyone (or one lead) still owing answers in a round."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from collector.channels import messages
from collector.channels.protocol import Channel
from collector.core.clock import Clock
from collector.core.errors import UserError
from collector.core.workdays import local_date, zone
from collector.rounds.delivery import Deliverer
from collector.rounds.tick import reminder_builder
from collector.rounds.work import Work
from store.db import session_scope
from store.models.directory import Person
from store.models.plans import Plan
from store.models.rounds import Prompt, Round
from store.people import contact_channel


@dataclass
class RemindResult:
    today: date
    sent: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)  # reminded earlier today
    answered: list[str] = field(default_factory=list)
    not_sent: list[str] = field(default_factory=list)  # their prompt has not gone out yet
    failed: list[str] = field(default_factory=list)

    def unsent(self) -> list[tuple[str, list[str]]]:
        """Who was not reminded and why, in plain words, for whoever reports the result (CLI, Slack)."""
        groups = (
            ("already reminded today", self.already),
            ("nothing left to answer", self.answered),
            ("prompt not sent yet", self.not_sent),
            ("failed", self.failed),
        )
        return [(why, names) for why, names in groups if names]


def remind_now(
    engine: Engine,
    channels: dict[str, Channel],
    clock: Clock,
    *,
    round_id: int,
    lead: str | None = None,
    timezone: str = "Europe/London",
    actor: str = "cli",
) -> RemindResult:
    """A reminder now, outside the schedule, to everyone (or one lead) still owing answers in the round.

    The key holds today's local date, so a second reminder the same day is refused (result.already), and a
    scheduled reminder falling due the same day is not sent on top of it. Someone who replied in part is
    reminded too: a person asked for it.
    """
    deliverer = Deliverer(engine, channels, clock, actor=actor, via="cli")
    with session_scope(engine, read_only=True) as s:
        round_ = s.get_one(Round, round_id)
        if round_.state != "open":
            raise UserError(f"round #{round_.id} {round_.name!r} is closed: reopen it first")
        plan = s.get_one(Plan, round_.plan_id)
        result = RemindResult(local_date(clock.now(), zone(plan.timezone, timezone)))
        prompts = list(s.scalars(select(Prompt).where(Prompt.round_id == round_id).order_by(Prompt.id)))
        if lead and not (prompts := [p for p in prompts if _is_lead(s, p, lead)]):
            raise UserError(f"nobody called {lead!r} was asked in round #{round_id}")
        work: list[Work] = []
        for p in prompts:
            if p.status == "pending":
                result.not_sent.append(p.lead_label)
            elif not messages.pending_actions(s, p):
                result.answered.append(p.lead_label)
            else:
                key = f"reminder:{p.id}:{result.today.isoformat()}"
                build = reminder_builder(p.id, by_hand=True)
                # A prompt that never arrived goes again the way the person can be reached now.
                person = s.get(Person, p.person_id) if p.status == "failed" and p.person_id else None
                wanted = (contact_channel(person) if person else None) or p.channel
                work.append(Work(key, "reminder", round_id, p.id, p.person_id, wanted, p.lead_label, build))
    for item in work:
        claim = deliverer.claim(item)
        if claim is None:
            result.already.append(item.to)
        else:
            (result.sent if deliverer.send(claim) == "sent" else result.failed).append(item.to)
    return result


def _is_lead(s: Session, prompt: Prompt, ident: str) -> bool:
    person = s.get(Person, prompt.person_id) if prompt.person_id else None
    names = {prompt.lead_label, *((person.name, person.code, person.email) if person else ())}
    return ident.strip().casefold() in {n.casefold() for n in names if n}
