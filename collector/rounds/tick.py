"""The tick: claim-and-do steps, repeated until nothing is due (healthchecks' sendalerts, docs/style.md 7).

Each step finds what is due from the database alone (so a restart or a second scheduler loses and repeats
nothing), then hands what is to be sent to the delivery engine (collector/rounds/delivery.py), which claims
each send in one short transaction, calls the channel OUTSIDE any transaction and records the outcome in
another. The steps: take over stale claims, open rounds whose cron slot has come, close rounds whose
closing day has passed, send pending prompts, due reminders, due escalations. This module decides WHAT is
due; the delivery engine owns HOW a send is made, so the rules for that live in one place.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, and_, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from collector.channels import messages
from collector.channels.protocol import Channel
from collector.core.clock import Clock
from collector.core.workdays import at_local, due_reminder, escalation_at, local_date, zone
from collector.rounds.delivery import DEFAULT_LEASE, Deliverer, claimable
from collector.rounds.schedule import open_due_slot
from collector.rounds.work import Built, DeliveryReport, Work, ready
from store.audit import audit
from store.db import changed_rows, session_scope
from store.models.directory import Person
from store.models.plans import Plan
from store.models.rounds import Delivery, Prompt, Round
from store.people import contact_channel

log = logging.getLogger(__name__)

MAX_PASSES = 50  # a guard only: every pass changes state, so the loop ends long before this
BOOK_CHUNK = 200  # prompts whose messages are read together
# The order a report's summary names its counts in (the delivery counts sit between the round counts).
_SUMMARY = (
    "opened",
    "closed",
    "prompts_sent",
    "reminders_sent",
    "escalations_sent",
    "failed",
    "retrying",
    "abandoned",
    "resent",
    "unreachable",
    "not_opened",
)


@dataclass
class TickReport(DeliveryReport):
    """What a tick (or part of one) did: its rounds opened and closed, and what its sends came to."""

    opened: int = 0
    closed: int = 0
    not_opened: int = 0  # a cron slot came but no round could open (audited with the reason)

    def summary(self) -> str:
        counts = [(name, getattr(self, name)) for name in _SUMMARY]
        return ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in counts if v) or "nothing due"


class Ticker:
    """One tick's steps over one engine and one set of channels."""

    def __init__(
        self,
        engine: Engine,
        channels: dict[str, Channel],
        clock: Clock,
        *,
        timezone: str = "Europe/London",
        actor: str = "scheduler",
        via: str = "scheduler",
        keep_going: Callable[[], bool] | None = None,
        lease: timedelta = DEFAULT_LEASE,
    ):
        self.engine, self.clock, self.tz = engine, clock, timezone
        self.actor, self.via = actor, via
        self.keep_going = keep_going or (lambda: True)
        self.report = TickReport()
        who = {"actor": actor, "via": via}
        self.deliverer = Deliverer(
            engine, channels, clock, keep_going=self.keep_going, lease=lease, report=self.report, **who
        )

    def run(self) -> TickReport:
        """Every step, again and again, until a pass finds nothing due (or keep_going says stop)."""
        steps = (self.resend_stale, self.open_due, self.close_due, self.send_prompts, self.send_reminders)
        for _ in range(MAX_PASSES):
            if not self.keep_going() or not sum(step() for step in (*steps, self.send_escalations)):
                break
        return self.report

    # -- the steps: each returns how many items it handled ------------------------------------------------

    def resend_stale(self) -> int:
        """Send again every claim older than the lease (its process died before recording it)."""
        return self.deliverer.resend_stale()

    def open_due(self) -> int:
        with session_scope(self.engine, read_only=True) as s:
            due = select(Plan.id).where(
                Plan.review_cron.is_not(None), Plan.next_opening_at <= self.clock.now()
            )
            plan_ids = list(s.scalars(due.order_by(Plan.id)))
        return sum(self._open_slot(plan_id) for plan_id in plan_ids if self.keep_going())

    def _open_slot(self, plan_id: int) -> int:
        try:
            with session_scope(self.engine) as s:
                plan = s.get_one(Plan, plan_id)
                outcome = open_due_slot(
                    s, plan, clock=self.clock, default_tz=self.tz, actor=self.actor, via=self.via
                )
        except IntegrityError:  # uq_rounds_plan_id_scheduled_for: a twin opened this slot first
            log.info("plan %s: this slot's round was opened by another scheduler", plan_id)
            return 0
        if outcome is None:
            return 0
        self.report.closed += outcome.superseded is not None
        if outcome.opened is not None and outcome.opened.round is not None:
            self.report.opened += 1
            log.info(
                "round %s opened for plan %s: %d prompts",
                outcome.opened.round.id,
                plan_id,
                len(outcome.opened.asks),
            )
        else:
            self.report.not_opened += 1
            log.warning("plan %s: no round opened for slot %s: %s", plan_id, outcome.slot, outcome.problem)
        return 1

    def close_due(self) -> int:
        now = self.clock.now()
        with session_scope(self.engine, read_only=True) as s:
            due = and_(Round.kind == "collection", Round.state == "open", Round.closes_at <= now)
            round_ids = list(s.scalars(select(Round.id).where(due)))
        for round_id in round_ids:
            with session_scope(self.engine) as s:
                closing = update(Round).where(Round.id == round_id, Round.state == "open")
                if changed_rows(s, closing.values(state="closed", closed_at=now)) == 1:
                    at, why = self.clock.now(), "its closing day has passed"
                    audit(s, at=at, actor=self.actor, via=self.via, entity="round", entity_id=round_id,
                          event="round.closed", reason=why)  # fmt: skip
                    log.info("round %s closed: its closing day has passed", round_id)
                    self.report.closed += 1
        return len(round_ids)

    def send_prompts(self, round_id: int | None = None) -> int:
        now = self.clock.now()
        with session_scope(self.engine, read_only=True) as s:
            query = (
                select(Prompt.id, Prompt.round_id, Prompt.person_id, Prompt.channel, Prompt.lead_label)
                .join(Round, Prompt.round_id == Round.id)
                .outerjoin(Delivery, and_(Delivery.prompt_id == Prompt.id, Delivery.kind == "prompt"))
                .where(Prompt.status == "pending", Round.state == "open")
                .where(
                    or_(
                        Delivery.id.is_(None),
                        and_(Delivery.state == "retry", Delivery.next_attempt_at <= now),
                    )
                )
            )
            if round_id is not None:
                query = query.where(Prompt.round_id == round_id)
            rows = list(s.execute(query.order_by(Prompt.id)))
            # Built in bulk before claiming (a few queries per chunk instead of a dozen per prompt); the
            # claim still decides, one transaction per prompt, whether each is sent.
            book: dict[int, Any] = {}
            for start in range(0, len(rows), BOOK_CHUNK):
                book |= messages.prompt_messages(s, [row[0] for row in rows[start : start + BOOK_CHUNK]])
            work = [
                Work(f"prompt:{p}", "prompt", r, p, person, channel, label, ready(book.get(p)))
                for p, r, person, channel, label in rows
            ]
        return self.deliverer.deliver(work)

    def send_reminders(self) -> int:
        now, work = self.clock.now(), []
        with session_scope(self.engine, read_only=True) as s:
            for round_, plan, due in self._open_rounds(s):
                tz = zone(plan.timezone, self.tz)
                if due_reminder(due, plan.reminder_days, tz, now, prompted_on=date.min) is None:
                    continue  # no reminder day of this round has come yet: no need to look at its prompts
                done = self._deliveries(s, round_.id, "reminder")
                last = _last_reminded(done.values())
                for chase in messages.to_chase(s, round_.id):
                    p = chase.prompt
                    sent_on = local_date(p.sent_at, tz) if p.sent_at else date.max
                    slot = due_reminder(due, plan.reminder_days, tz, now, prompted_on=sent_on)
                    key = f"reminder:{p.id}:{slot}"
                    if slot is None or (key in done and not claimable(done[key], now)):
                        continue
                    if key not in done and p.id in last and last[p.id] >= at_local(slot, tz):
                        continue  # reminded by hand since this reminder day came
                    build = reminder_builder(p.id)
                    work.append(
                        Work(key, "reminder", round_.id, p.id, p.person_id, p.channel, p.lead_label, build)
                    )
        return self.deliverer.deliver(work)

    def send_escalations(self) -> int:
        now, work = self.clock.now(), []
        with session_scope(self.engine, read_only=True) as s:
            for round_, plan, due in self._open_rounds(s):
                if now < escalation_at(due, plan.escalate_after_days, zone(plan.timezone, self.tz)):
                    continue
                done = self._deliveries(s, round_.id, "escalation")
                for person_id in messages.escalation_recipients(s, round_):
                    key = f"escalation:{round_.id}:{person_id}"
                    if claimable(done.get(key), now):
                        person = s.get_one(Person, person_id)
                        to, build = person.display, _escalation_builder(round_.id, person_id)
                        channel = contact_channel(person)
                        work.append(Work(key, "escalation", round_.id, None, person_id, channel, to, build))
        return self.deliverer.deliver(work)

    # -- helpers --------------------------------------------------------------------------------------------

    def _open_rounds(self, s: Session) -> list[tuple[Round, Plan, date]]:
        """Open collection rounds with a due date, their plans, and that date."""
        live = and_(Round.kind == "collection", Round.state == "open", Round.due_date.is_not(None))
        query = select(Round, Plan).join(Plan, Round.plan_id == Plan.id).where(live)
        return [(r, p, r.due_date) for r, p in s.execute(query.order_by(Round.id)) if r.due_date is not None]

    @staticmethod
    def _deliveries(s: Session, round_id: int, kind: str) -> dict[str, Delivery]:
        query = select(Delivery).where(Delivery.round_id == round_id, Delivery.kind == kind)
        return {d.idempotency_key: d for d in s.scalars(query)}


def _last_reminded(rows: Any) -> dict[int, datetime]:
    """prompt id -> when it was last reminded (any reminder, scheduled or by hand)."""
    out: dict[int, datetime] = {}
    for d in rows:
        if d.prompt_id is not None and d.state in ("sent", "claimed"):
            out[d.prompt_id] = max(d.claimed_at, out.get(d.prompt_id, d.claimed_at))
    return out


def reminder_builder(prompt_id: int, *, by_hand: bool = False) -> Callable[[Session], Built]:
    return lambda s: messages.reminder_for(s, s.get_one(Prompt, prompt_id), chase_replied=by_hand)


def _escalation_builder(round_id: int, person_id: int) -> Callable[[Session], Built]:
    return lambda s: messages.escalation_for(s, s.get_one(Round, round_id), s.get_one(Person, person_id))


def tick(
    engine: Engine,
    channels: dict[str, Channel],
    clock: Clock,
    *,
    timezone: str = "Europe/London",
    actor: str = "scheduler",
    keep_going: Callable[[], bool] | None = None,
    lease: timedelta = DEFAULT_LEASE,
) -> TickReport:
    """Everything due, until nothing is: stale claims, openings, closings, prompts, reminders, escalations."""
    who = {"timezone": timezone, "actor": actor}
    return Ticker(engine, channels, clock, keep_going=keep_going, lease=lease, **who).run()


def send_pending(
    engine: Engine,
    channels: dict[str, Channel],
    clock: Clock,
    *,
    round_id: int,
    timezone: str,
    actor: str,
    lease: timedelta = DEFAULT_LEASE,
) -> TickReport:
    """The prompt step alone, for one round: what `collector round open` runs right after opening."""
    ticker = Ticker(engine, channels, clock, timezone=timezone, actor=actor, via="cli", lease=lease)
    while ticker.send_prompts(round_id):
        pass
    return ticker.report
