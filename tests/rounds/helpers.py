"""Small steps every round test takes: open the Harbourside round, run ticks, read rows back."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from collector.rounds.lifecycle import RoundPlan, open_round
from collector.rounds.tick import TickReport, tick
from store.db import session_scope
from store.models.rounds import Delivery, Prompt
from store.models.updates import Update
from tests.rounds.personas import World, plan_of

DUE = date(2027, 3, 31)  # a Wednesday, two days after Easter Monday


def open_harbourside(engine, world: World, clock, **kwargs) -> RoundPlan:
    kwargs.setdefault("due", DUE)
    kwargs.setdefault("closes", None)
    kwargs.setdefault("subset", None)
    with session_scope(engine) as s:
        return open_round(s, plan_of(s, world), clock=clock, actor="cli:test", **kwargs)


def run(engine, channels, clock, at: datetime | None = None) -> TickReport:
    if at is not None:
        clock.set(at)
    return tick(engine, channels, clock)


def prompts(engine, round_id: int) -> dict[str, Prompt]:
    """The round's prompts by their person's first name."""
    with session_scope(engine, read_only=True) as s:
        rows = list(s.scalars(select(Prompt).where(Prompt.round_id == round_id)))
        s.expunge_all()  # keep what was read: a read-only scope rolls back, which would expire them
        return {p.lead_label.split()[0]: p for p in rows}


def deliveries(engine, kind: str | None = None) -> list[Delivery]:
    with session_scope(engine, read_only=True) as s:
        query = select(Delivery).order_by(Delivery.id)
        if kind:
            query = query.where(Delivery.kind == kind)
        rows = list(s.scalars(query))
        s.expunge_all()
        return rows


def answer(
    engine, clock, round_id: int, action_id: int, person_id: int | None, status: str = "on_track"
) -> None:
    """What intake would record: an update for the action in this round."""
    with session_scope(engine) as s:
        s.add(
            Update(
                action_id=action_id,
                round_id=round_id,
                status=status,
                progress="going fine",
                evidence=[],
                submitted_by_id=person_id,
                via="email",
                created_at=clock.now(),
            )
        )
