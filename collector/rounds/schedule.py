"""A plan's round cadence: its cron, when the next round opens, and who coordinates it.

A cadence is a standard 5-field cron in the plan's time zone, read by APScheduler's CronTrigger. Two
corrections are made before APScheduler sees it:
  * weekday numbers: cron counts 0 (or 7) as Sunday, APScheduler 3.x counts 0 as Monday (its from_crontab
    warns about this "historical mistake"), so numeric weekdays are rewritten as names ("1" -> "mon");
  * hours the clocks change in are refused (docs/reliability.md F7: a Europe/London 01:30 fires twice in
    October and at 02:30 in March), computed for the plan's own time zone.
(APScheduler ANDs the day-of-month and day-of-week fields where classic cron ORs them: give only one.)
The tick opens a round for a slot with scheduled_for = the slot's instant; next_opening_at keeps the next
slot so a tick finds due openings with one comparison.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from collector.core.clock import Clock
from collector.core.errors import UserError
from collector.core.workdays import local_date
from collector.rounds.lifecycle import RoundPlan, close_round, open_round, open_round_of
from store.audit import audit
from store.db import changed_rows
from store.models.directory import Person
from store.models.plans import Plan, PlanCoordinator
from store.models.rounds import Round
from store.people import resolve_person

_DAY_NAMES = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")


def _weekday_names(field: str) -> str:
    """Cron's numeric weekdays (0/7 Sunday) as names, which APScheduler reads the same way cron does."""
    if not re.search(r"\d", field):
        return field
    values: list[int] = []
    for part in field.split(","):
        base, _, step_text = part.partition("/")
        step = int(step_text) if step_text else 1
        if base == "*":
            low, high = 0, 6
        elif "-" in base:
            low, high = (int(x) for x in base.split("-", 1))
        elif base.isdigit():
            low = int(base)
            high = 6 if step_text else low
        else:
            raise ValueError(f"cannot mix weekday names and numbers in {field!r}")
        if not (0 <= low <= 7 and 0 <= high <= 7 and low <= high and step > 0):
            raise ValueError(f"weekday {part!r} is out of range (0-7, 0 and 7 are Sunday)")
        values.extend(range(low, high + 1, step))
    return ",".join(dict.fromkeys(_DAY_NAMES[v % 7] for v in values))


def parse_cron(expr: str, tz: ZoneInfo) -> CronTrigger:
    """The trigger for a 5-field cron in `tz`; UserError (one line) when it cannot be read."""
    fields = expr.split()
    if len(fields) != 5:
        raise UserError(f"cron {expr!r} needs 5 fields: minute hour day-of-month month day-of-week")
    try:
        fields[4] = _weekday_names(fields[4])
        return CronTrigger.from_crontab(" ".join(fields), timezone=tz)
    except ValueError as exc:
        raise UserError(f"cron {expr!r} cannot be read: {exc}") from exc


@lru_cache(maxsize=32)
def clock_change_hours(tz: ZoneInfo, first_year: int, years: int = 3) -> frozenset[int]:
    """Local hours that a daylight-saving change skips or repeats in `tz` over the years given."""
    hours: set[int] = set()
    instant = datetime(first_year, 1, 1, tzinfo=UTC)
    end = datetime(first_year + years, 1, 1, tzinfo=UTC)
    offset = instant.astimezone(tz).utcoffset()
    while instant < end:
        instant += timedelta(hours=1)
        new = instant.astimezone(tz).utcoffset()
        if new != offset and new is not None and offset is not None:
            # Local wall times between the old and the new offset are skipped (spring) or repeated (autumn).
            low, high = instant + min(offset, new), instant + max(offset, new)
            wall = low.replace(tzinfo=None)
            while wall < high.replace(tzinfo=None):
                hours.add(wall.hour)
                wall += timedelta(minutes=15)
            offset = new
    return frozenset(hours)


def checked_cron(expr: str, tz: ZoneInfo, now: datetime) -> CronTrigger:
    """parse_cron, refusing crons that fire in an hour the clocks change in (F7)."""
    trigger = parse_cron(expr, tz)
    hour_field = next(f for f in trigger.fields if f.name == "hour")
    fires = {h for h in range(24) if hour_field.get_next_value(datetime(2000, 1, 1, h)) == h}
    risky = sorted(fires & clock_change_hours(tz, now.year))
    if risky:
        hours = ", ".join(f"{h:02d}:00-{h + 1:02d}:00" for h in risky)
        raise UserError(
            f"cron {expr!r} fires between {hours} {tz.key} time, when the clocks change: it would open "
            "twice or not at all on those days; choose another hour"
        )
    return trigger


def next_fire(trigger: CronTrigger, after: datetime) -> datetime | None:
    """The first slot strictly after `after`, in UTC (None if the cron never fires again)."""
    fire = trigger.get_next_fire_time(None, after + timedelta(microseconds=1))
    return fire.astimezone(UTC) if fire else None


def due_slot(trigger: CronTrigger, first: datetime, now: datetime) -> tuple[datetime | None, datetime | None]:
    """(the latest slot from `first` up to `now`, the first slot after `now`).

    After downtime over several slots only the latest one opens a round: a plan wants the current
    collection, not three stale ones.
    """
    latest = None
    slot: datetime | None = first
    while slot is not None and slot <= now:
        latest = slot
        slot = next_fire(trigger, slot)
    return latest, slot


@dataclass
class SlotOutcome:
    """What a due cron slot led to: a round opened, or why not (audited either way)."""

    slot: datetime | None
    opened: RoundPlan | None = None
    superseded: Round | None = None  # the plan's previous round, closed because the next one opened
    problem: str | None = None


def open_due_slot(
    session: Session, plan: Plan, *, clock: Clock, default_tz: str, actor: str, via: str = "scheduler"
) -> SlotOutcome | None:
    """Claim the plan's due cron slot and open its round; None when no slot is due or a twin claimed it.

    The claim is a conditional UPDATE moving next_opening_at on from the value read, so of two schedulers
    only one goes on; uq_rounds_plan_id_scheduled_for backs it up (a twin's flush raises IntegrityError).
    After downtime over several slots only the latest opens a round. The round is due due_after_days after
    the slot's local date. A plan's previous round still open when the next opens is closed: its period
    is over.
    """
    now = clock.now()
    read = plan.next_opening_at
    if plan.review_cron is None or read is None or read > now:
        return None
    tz = ZoneInfo(plan.timezone or default_tz)
    try:
        slot, following = due_slot(parse_cron(plan.review_cron, tz), read, now)
        outcome = SlotOutcome(slot)
    except UserError as exc:
        slot, following, outcome = None, None, SlotOutcome(None, problem=str(exc))
    claim = (
        update(Plan).where(Plan.id == plan.id, Plan.next_opening_at == read).values(next_opening_at=following)
    )
    if changed_rows(session, claim.execution_options(synchronize_session="fetch")) != 1:
        return None
    if slot is None:
        _audit(session, plan, clock, actor, via, "plan.schedule_broken", reason=outcome.problem)
        return outcome
    day = local_date(slot, tz)
    outcome.superseded = open_round_of(session, plan)
    if outcome.superseded is not None:
        reason = f"superseded by the round scheduled for {day}"
        close_round(session, outcome.superseded, clock=clock, actor=actor, via=via, reason=reason)
    closes = day + timedelta(days=plan.close_after_days) if plan.close_after_days else None
    try:
        due = day + timedelta(days=plan.due_after_days)
        outcome.opened = open_round(
            session, plan, due=due, closes=closes, subset=None, scheduled_for=slot, clock=clock, actor=actor,
            default_tz=default_tz, via=via,
        )  # fmt: skip
    except UserError as exc:
        outcome.problem = str(exc)
        _audit(session, plan, clock, actor, via, "round.not_opened", slot=slot.isoformat(), reason=str(exc))
    return outcome


def _audit(
    session: Session, plan: Plan, clock: Clock, actor: str, via: str, event: str, **detail: object
) -> None:
    audit(
        session,
        at=clock.now(),
        actor=actor,
        via=via,
        entity="plan",
        entity_id=plan.id,
        event=event,
        detail=detail,
    )


@dataclass
class Cadence:
    cron: str | None
    due_after_days: int
    close_after_days: int | None
    reminder_days: list[int]
    escalate_after_days: int
    next_opening_at: datetime | None
    timezone: str


def cadence(plan: Plan, default_tz: str) -> Cadence:
    return Cadence(
        plan.review_cron,
        plan.due_after_days,
        plan.close_after_days,
        [int(d) for d in plan.reminder_days or []],
        plan.escalate_after_days,
        plan.next_opening_at,
        plan.timezone or default_tz,
    )


def set_schedule(
    session: Session,
    plan: Plan,
    *,
    clock: Clock,
    default_tz: str,
    actor: str,
    cron: str | None = None,
    due_after_days: int | None = None,
    close_after_days: int | None = None,
    reminder_days: list[int] | None = None,
    escalate_after_days: int | None = None,
    timezone: str | None = None,
    clear: bool = False,
) -> Cadence:
    """Change a plan's cadence; `clear` stops automatic openings (rounds can still be opened by hand)."""
    now = clock.now()
    if timezone is not None:
        try:
            ZoneInfo(timezone)
        except (KeyError, ValueError) as exc:
            raise UserError(
                f"unknown time zone {timezone!r} (use an IANA name such as Europe/London)"
            ) from exc
        plan.timezone = timezone
    for name, value in (("due-after", due_after_days), ("escalate-after", escalate_after_days)):
        if value is not None and value < 0:
            raise UserError(f"--{name} cannot be negative")
    if reminder_days is not None and any(d < 0 for d in reminder_days):
        raise UserError("--remind takes working days before the due date: 0 or more")
    if due_after_days is not None:
        plan.due_after_days = due_after_days
    if close_after_days is not None:
        plan.close_after_days = close_after_days or None
    if reminder_days is not None:
        plan.reminder_days = sorted(set(reminder_days), reverse=True)
    if escalate_after_days is not None:
        plan.escalate_after_days = escalate_after_days
    if clear:
        plan.review_cron, plan.next_opening_at = None, None
    elif cron is not None or (timezone is not None and plan.review_cron):
        tz = ZoneInfo(plan.timezone or default_tz)
        trigger = checked_cron(cron or plan.review_cron or "", tz, now)
        plan.review_cron = " ".join((cron or plan.review_cron or "").split())
        plan.next_opening_at = next_fire(trigger, now)
    if plan.close_after_days is not None and plan.close_after_days < plan.due_after_days:
        raise UserError("--close-after must be at least --due-after: a round cannot close before it is due")
    plan.updated_at = now
    result = cadence(plan, default_tz)
    detail = {k: v.isoformat() if isinstance(v, datetime) else v for k, v in result.__dict__.items()}
    audit(
        session, at=now, actor=actor, entity="plan", entity_id=plan.id, event="plan.scheduled", detail=detail
    )
    return result


def coordinators(session: Session, plan: Plan) -> list[Person]:
    query = select(Person).join(PlanCoordinator, PlanCoordinator.person_id == Person.id)
    return list(session.scalars(query.where(PlanCoordinator.plan_id == plan.id).order_by(Person.name)))


def set_coordinators(
    session: Session,
    plan: Plan,
    *,
    add: list[str] = (),  # type: ignore[assignment]
    remove: list[str] = (),  # type: ignore[assignment]
    clock: Clock,
    actor: str,
) -> list[Person]:
    """Add and remove a plan's coordinators (by id, email, name or code); returns them all."""
    added, removed = [], []
    for ident in add:
        person = resolve_person(session, ident)
        if session.get(PlanCoordinator, (plan.id, person.id)) is None:
            session.add(PlanCoordinator(plan_id=plan.id, person_id=person.id))
            added.append(person.display)
    for ident in remove:
        person = resolve_person(session, ident)
        row = session.get(PlanCoordinator, (plan.id, person.id))
        if row is None:
            raise UserError(f"{person.display} is not a coordinator of {plan.name}")
        session.delete(row)
        removed.append(person.display)
    if added or removed:
        at, event = clock.now(), "plan.coordinators"
        audit(
            session,
            at=at,
            actor=actor,
            entity="plan",
            entity_id=plan.id,
            event=event,
            added=added,
            removed=removed,
        )
    session.flush()
    return coordinators(session, plan)
