"""The Harbourside plan through two collection rounds: the report tests' committee.

Baseline (import)   1.1 on track, 1.4 completed, 2.4 withdrawn
Spring 2027         opened Mon 1 March, due 31 March, closed 9 April
  1.1 Jo      at risk, target moved from March 2027 to 30 June 2027
  1.2 Jo      on track           1.3 Alex   not started
  2.1 Chris   off track, new target May 2027 (so overdue by Summer, when nobody answers for it)
  2.3 Alex    on track           2.3 b) Sam on track
Summer 2027         opened Tue 1 June, due 30 June, still open on Mon 12 July (the report's day)
  1.1 Jo      completed (completed this period)
  1.2 Jo      at risk, new target September 2027 (slipped from Ongoing)
  1.3 Alex    on track, the hostile narrative (tests/reports/bad_input.py)
  2.3 Alex    on track, answered on 5 July: late
  2.3 b) Sam  withdrawn, its narrative a spreadsheet formula (=HYPERLINK...)
  2.1 Facilities (Sam, Chris) and 2.2 Nadia: nothing
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import select

from collector.rounds.lifecycle import close_round, open_round
from store.db import session_scope
from store.models.plans import Plan
from store.models.rounds import Round
from store.models.updates import Update
from tests.reports import bad_input
from tests.rounds import personas

SPRING = datetime(2027, 3, 1, 9, 30, tzinfo=UTC)
SPRING_CLOSED = datetime(2027, 4, 9, 17, 0, tzinfo=UTC)
SUMMER = datetime(2027, 6, 1, 8, 30, tzinfo=UTC)
REPORT_DAY = datetime(2027, 7, 12, 9, 0, tzinfo=UTC)


@dataclass
class Committee:
    world: personas.World
    spring: int
    summer: int

    @property
    def plan_id(self) -> int:
        return self.world.plan_id


def _update(s, w: personas.World, round_id: int, ref: str, who: str, at: datetime, status: str | None, **kw):
    s.add(
        Update(
            action_id=w.actions[ref],
            round_id=round_id,
            status=status,
            progress=kw.pop("progress", f"{ref}: progress as reported"),
            evidence=kw.pop("evidence", []),
            submitted_by_id=w.people[who],
            via="email",
            created_at=at,
            **kw,
        )
    )


def build(engine, clock) -> Committee:
    clock.set(SPRING)
    with session_scope(engine) as s:
        world = personas.build(s, clock)
    with session_scope(engine) as s:
        plan = s.get_one(Plan, world.plan_id)
        spring = open_round(
            s,
            plan,
            due=date(2027, 3, 31),
            closes=None,
            subset=None,
            clock=clock,
            actor="cli:test",
            name="Spring 2027",
        ).round.id
    day = datetime(2027, 3, 20, 10, tzinfo=UTC)
    with session_scope(engine) as s:
        _update(
            s,
            world,
            spring,
            "1.1",
            "Jo",
            day,
            "at_risk",
            revised_target_text="30 June 2027",
            revised_target_date=date(2027, 6, 30),
            progress="Data late from payroll",
        )
        _update(s, world, spring, "1.2", "Jo", day, "on_track")
        _update(s, world, spring, "1.3", "Alex", day, "not_started")
        _update(
            s,
            world,
            spring,
            "2.1",
            "Chris",
            day,
            "off_track",
            progress="No budget yet",
            revised_target_text="May 2027",
            revised_target_date=date(2027, 5, 31),
        )
        _update(s, world, spring, "2.3", "Alex", day, "on_track")
        _update(s, world, spring, "2.3 b)", "Sam", day, "on_track")
    clock.set(SPRING_CLOSED)
    with session_scope(engine) as s:
        close_round(s, s.get_one(Round, spring), clock=clock, actor="cli:test")
    clock.set(SUMMER)
    with session_scope(engine) as s:
        plan = s.get_one(Plan, world.plan_id)
        summer = open_round(
            s,
            plan,
            due=date(2027, 6, 30),
            closes=None,
            subset=None,
            clock=clock,
            actor="cli:test",
            name="Summer 2027",
        ).round.id
    day = datetime(2027, 6, 20, 10, tzinfo=UTC)
    with session_scope(engine) as s:
        _update(
            s,
            world,
            summer,
            "1.1",
            "Jo",
            day,
            "completed",
            progress="Published on the intranet",
            evidence=["https://harbourside.gov.uk/equality-report", "javascript:alert(1)"],
        )
        _update(
            s,
            world,
            summer,
            "1.2",
            "Jo",
            day,
            "at_risk",
            revised_target_text="September 2027",
            revised_target_date=date(2027, 9, 30),
            progress="Waiting for a room",
        )
        _update(s, world, summer, "1.3", "Alex", day, "on_track", progress=bad_input.NARRATIVE)
        _update(
            s,
            world,
            summer,
            "2.3",
            "Alex",
            datetime(2027, 7, 5, 11, tzinfo=UTC),
            "on_track",
            progress=bad_input.LONG,
        )
        _update(s, world, summer, "2.3 b)", "Sam", day, "withdrawn", progress=bad_input.HYPERLINK)
    clock.set(REPORT_DAY)
    return Committee(world, spring, summer)


def plan(s, committee: Committee) -> Plan:
    return s.get_one(Plan, committee.plan_id)


def round_names(s, committee: Committee) -> list[str]:
    return list(s.scalars(select(Round.name).where(Round.plan_id == committee.plan_id).order_by(Round.id)))
