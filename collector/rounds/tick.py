"""The tick: claim-and-do steps, repeated until nothing is due (healthchecks' sendalerts, STYLE.md 7).

Each step finds what is due from the database alone (so a restart or a second scheduler loses and repeats
nothing), then handles it one item at a time: claim it in one short transaction, call the channel OUTSIDE
any transaction, record the outcome in another. The steps: give up stale claims, open rounds whose cron
slot has come, close rounds whose closing day has passed, send pending prompts, due reminders, due
escalations.

Delivery policy (store.models.Delivery has the states):
  * Every send has its Delivery row, with a unique idempotency key, committed BEFORE the channel is called.
    A second process inserting the same key fails, and that failure means "already done" (the second guard,
    after the scheduler's lease).
  * A temporary ChannelError (or an unexpected exception, logged with its traceback) puts the row in
    "retry" with a backoff (1, 2, 4 ... minutes); after MAX_ATTEMPTS it fails for good. A prompt stays
    "pending" meanwhile.
  * A permanent ChannelError fails the row; a prompt becomes "failed", the person's channel is flagged in
    the audit (an email address is marked failing, so the next round uses Slack when it can), and the
    escalation lists them.
  * Each person is reached by the first configured channel that can reach them (collector.channels.registry):
    none can, and the row is recorded "failed" on channel "none" (unreachable), a prompt "failed" with
    that reason, so `round status` counts it and the escalation names it.
  * At least once: the row keeps the message (payload) and a send_id made once, from which the channel
    derives the message's id (an email's Message-ID). A claim nobody recorded within the lease (a crash
    between claim and record, SIGKILL included) is taken again, with a compare-and-set on its attempts so
    only one process does, and sent again from its payload: the same message, the same Message-ID, so a
    relay that already had it may drop the copy. A send can thus arrive twice, never zero times; a message
    whose sending keeps killing the process fails for good after MAX_ATTEMPTS. Claims from before payloads
    were kept cannot be re-made: they are "abandoned" and listed, as they used to be.
"""

from __future__ import annotations

import dataclasses
import logging
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, and_, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from collector.channels import messages, payload
from collector.channels.protocol import Channel, ChannelError, Sent
from collector.channels.registry import resolve
from collector.core.clock import Clock
from collector.core.workdays import at_local, due_reminder, escalation_at, local_date, retry_delay, zone
from collector.rounds.schedule import open_due_slot
from store.db import session_scope
from store.models import AuditEvent, Delivery, Person, Plan, Prompt, Round
from store.people import contact_channel, usable_channels

log = logging.getLogger(__name__)

DEFAULT_LEASE = timedelta(minutes=5)  # far longer than any channel call may take (their timeouts are ~30 s)
MAX_ATTEMPTS = 8
MAX_PASSES = 50  # a guard only: every pass changes state, so the loop ends long before this
BOOK_CHUNK = 200  # prompts whose messages are read together
_SENT_COUNTERS = {"prompt": "prompts_sent", "reminder": "reminders_sent", "escalation": "escalations_sent"}


@dataclass
class TickReport:
    """What a tick (or part of one) did."""

    opened: int = 0
    closed: int = 0
    prompts_sent: int = 0
    reminders_sent: int = 0
    escalations_sent: int = 0
    failed: int = 0  # permanent failures, of any kind
    retrying: int = 0  # temporary failures: tried again later
    abandoned: int = 0
    resent: int = 0  # claims left by a crash, sent again (at least once)
    unreachable: int = 0  # no configured channel can reach the person: recorded as failed, on channel "none"
    not_opened: int = 0  # a cron slot came but no round could open (audited with the reason)
    channels: Counter[str] = field(default_factory=Counter)  # sends per channel that carried them

    def summary(self) -> str:
        parts = [f"{v} {k.replace('_', ' ')}" for k, v in self.__dict__.items() if isinstance(v, int) and v]
        return ", ".join(parts) or "nothing due"


@dataclass
class Work:
    """One send to make: what it is for (the key), to whom, and how to build its message when claimed."""

    key: str
    kind: str  # "prompt" | "reminder" | "escalation"
    round_id: int
    prompt_id: int | None
    person_id: int | None
    wanted: str | None  # the person's channel; the registry picks the one that carries it
    to: str  # who, for logs and the audit
    build: Callable[[Session], Any]  # -> message, or (message, prompt ids it covers), or None: nothing to say


@dataclass
class _Claim:
    work: Work
    delivery_id: int
    channel: Channel
    message: Any
    covers: list[int]


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
        self.engine, self.channels, self.clock, self.tz = engine, channels, clock, timezone
        self.lease = lease
        self.actor, self.via = actor, via
        self.keep_going = keep_going or (lambda: True)
        self.report = TickReport()

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
        now = self.clock.now()
        stale = and_(Delivery.state == "claimed", Delivery.claimed_at < now - self.lease)
        with session_scope(self.engine, read_only=True) as s:
            rows = list(s.execute(select(Delivery.id, Delivery.attempts).where(stale).order_by(Delivery.id)))
        handled = 0
        for delivery_id, attempts in rows:
            if not self.keep_going():
                break
            claim = self._retake(delivery_id, attempts, now)
            handled += 1
            if claim is not None:
                self.report.resent += 1
                self.deliver(claim)
        return handled

    def _retake(self, delivery_id: int, attempts: int, now: datetime) -> _Claim | None:
        """Take a stale claim over (None when another process did first, or it cannot be re-made)."""
        with session_scope(self.engine) as s:
            taken = (
                update(Delivery)
                .where(Delivery.id == delivery_id, Delivery.state == "claimed", Delivery.attempts == attempts)
                .values(claimed_at=now, attempts=attempts + 1)
                .execution_options(synchronize_session=False)
            )
            if s.execute(taken).rowcount != 1:
                return None
            d = s.get_one(Delivery, delivery_id)
            try:
                message, covers = payload.load(d.kind, d.payload) if d.payload else (None, [])
            except (KeyError, TypeError, ValueError):
                message, covers = None, []
            if message is None:
                self._abandon(s, d)
                return None
            if d.attempts > MAX_ATTEMPTS:
                why = f"sending was interrupted {d.attempts - 1} times (did it crash the process?)"
                self._give_up(s, d, why)
                return None
            person = s.get(Person, d.person_id) if d.person_id else None
            usable = usable_channels(person) if person is not None else None
            channel = self.channels.get(d.channel) or resolve(self.channels, d.channel, usable)
            if channel is None:
                self._give_up(s, d, f"{message.recipient.name}: no configured channel can reach them")
                return None
            to, key = message.recipient.name, d.idempotency_key
            work = Work(key, d.kind, d.round_id, d.prompt_id, d.person_id, d.channel, to, _ready(message))
            log.warning("%s claimed at %s and never recorded: sending it again", d.idempotency_key, now)
            return _Claim(work, d.id, channel, message, covers)

    def _abandon(self, s: Session, d: Delivery) -> None:
        """A stale claim without a payload (made before they were kept): listed, never re-made."""
        d.state, d.error = "abandoned", "interrupted after its claim: it may not have gone out; not re-sent"
        prompt = s.get(Prompt, d.prompt_id) if d.prompt_id else None
        if d.kind == "prompt" and prompt is not None and prompt.status == "pending":
            prompt.status = "failed"
            prompt.failure = "sending was interrupted; `collector round remind --lead` sends it again"
        self._audit(s, "delivery.abandoned", d, outcome="abandoned")
        log.warning("%s abandoned: claimed at %s and never recorded", d.idempotency_key, d.claimed_at)
        self.report.abandoned += 1

    def _give_up(self, s: Session, d: Delivery, why: str) -> None:
        d.state, d.error, d.next_attempt_at = "failed", why, None
        prompt = s.get(Prompt, d.prompt_id) if d.prompt_id else None
        if d.kind == "prompt" and prompt is not None and prompt.status == "pending":
            prompt.status, prompt.failure = "failed", why
        self._audit(s, f"{d.kind}.failed", d, outcome="failed", error=why)
        log.error("%s failed for good: %s", d.idempotency_key, why)
        self.report.failed += 1

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
                if s.execute(closing.values(state="closed", closed_at=now)).rowcount == 1:
                    s.add(self._event("round", round_id, "round.closed", reason="its closing day has passed"))
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
                Work(f"prompt:{p}", "prompt", r, p, person, channel, label, _ready(book.get(p)))
                for p, r, person, channel, label in rows
            ]
        return self.do(work)

    def send_reminders(self) -> int:
        now, work = self.clock.now(), []
        with session_scope(self.engine, read_only=True) as s:
            for round_, plan in self._open_rounds(s):
                tz = zone(plan.timezone, self.tz)
                if due_reminder(round_.due_date, plan.reminder_days, tz, now, prompted_on=date.min) is None:
                    continue  # no reminder day of this round has come yet: no need to look at its prompts
                done = self._deliveries(s, round_.id, "reminder")
                last = _last_reminded(done.values())
                for chase in messages.to_chase(s, round_.id):
                    p = chase.prompt
                    sent_on = local_date(p.sent_at, tz) if p.sent_at else date.max
                    slot = due_reminder(round_.due_date, plan.reminder_days, tz, now, prompted_on=sent_on)
                    key = f"reminder:{p.id}:{slot}"
                    if slot is None or (key in done and not _claimable(done[key], now)):
                        continue
                    if key not in done and p.id in last and last[p.id] >= at_local(slot, tz):
                        continue  # reminded by hand since this reminder day came
                    build = reminder_builder(p.id)
                    work.append(
                        Work(key, "reminder", round_.id, p.id, p.person_id, p.channel, p.lead_label, build)
                    )
        return self.do(work)

    def send_escalations(self) -> int:
        now, work = self.clock.now(), []
        with session_scope(self.engine, read_only=True) as s:
            for round_, plan in self._open_rounds(s):
                if now < escalation_at(
                    round_.due_date, plan.escalate_after_days, zone(plan.timezone, self.tz)
                ):
                    continue
                done = self._deliveries(s, round_.id, "escalation")
                for person_id in messages.escalation_recipients(s, round_):
                    key = f"escalation:{round_.id}:{person_id}"
                    if _claimable(done.get(key), now):
                        person = s.get_one(Person, person_id)
                        to, build = person.display, _escalation_builder(round_.id, person_id)
                        channel = contact_channel(person)
                        work.append(Work(key, "escalation", round_.id, None, person_id, channel, to, build))
        return self.do(work)

    # -- claim, call, record --------------------------------------------------------------------------------

    def do(self, work: list[Work]) -> int:
        """Claim and send each item in turn; how many were handled (sent, failed or put back to retry)."""
        handled = 0
        for item in work:
            if not self.keep_going():
                break
            before = self.report.unreachable
            if (claim := self.claim(item)) is not None:
                self.deliver(claim)
                handled += 1
            handled += self.report.unreachable - before  # recorded as unreachable: handled too
        return handled

    def claim(self, work: Work) -> _Claim | None:
        """Take `work.key` in its own transaction; None when done already, in flight, or nothing to say."""
        try:
            with session_scope(self.engine) as s:
                return self._take(s, work)
        except IntegrityError:
            return None

    def claim_in(self, s: Session, work: Work) -> _Claim | None:
        """Take `work.key` inside the caller's transaction (under a savepoint, so a twin's claim costs only
        this one): the claim commits with whatever the caller decided. Items claimed together and not yet
        sent when the process dies stay claimed and are sent again once the lease is over (at least once),
        so callers keep such groups small and quick to send."""
        try:
            with s.begin_nested():
                return self._take(s, work)
        except IntegrityError:
            return None

    def _take(self, s: Session, work: Work) -> _Claim | None:
        now = self.clock.now()
        existing = s.scalar(select(Delivery).where(Delivery.idempotency_key == work.key))
        if existing is not None and not _claimable(existing, now):
            return None
        person = s.get(Person, work.person_id) if work.person_id else None
        usable = usable_channels(person) if person is not None else None
        channel = resolve(self.channels, work.wanted, usable)
        if channel is None:
            return self._unreachable(s, work, existing, usable)
        built = work.build(s)
        message, covers = built if isinstance(built, tuple) else (built, [])
        if message is None:
            return None
        send_id = (existing.send_id if existing is not None else None) or uuid.uuid4().hex
        message, kept = _stamped(message, send_id, covers)
        if existing is None:
            row = _delivery(work, channel.name, "claimed", now, send_id=send_id, payload=kept)
            s.add(row)
            s.flush()  # a twin's row with the same key makes this raise IntegrityError
            return _Claim(work, row.id, channel, message, covers)
        retry = update(Delivery).where(Delivery.id == existing.id, Delivery.state == "retry")
        retry = retry.values(
            state="claimed",
            claimed_at=now,
            attempts=Delivery.attempts + 1,
            channel=channel.name,
            send_id=send_id,
            payload=kept,
        )
        if s.execute(retry.execution_options(synchronize_session=False)).rowcount != 1:
            return None
        return _Claim(work, existing.id, channel, message, covers)

    def deliver(self, claim: _Claim) -> str:
        """Call the channel (no transaction is open) and record what happened: "sent", "retry" or "failed"."""
        sent = self._send(claim)
        if isinstance(sent, str):
            return sent
        with session_scope(self.engine) as s:
            self._record_sent(s, claim, sent)
        self._count_sent(claim, sent)
        return "sent"

    def deliver_all(self, claims: list[_Claim]) -> int:
        """Send each claimed item, then record every success in ONE transaction (failures as they happen).
        A crash before that commit leaves the sent ones claimed: sent again after the lease (at least
        once)."""
        done: list[tuple[_Claim, Sent]] = []
        for claim in claims:
            sent = self._send(claim)
            if not isinstance(sent, str):
                done.append((claim, sent))
        if done:
            with session_scope(self.engine) as s:
                for claim, sent in done:
                    self._record_sent(s, claim, sent)
            for claim, sent in done:
                self._count_sent(claim, sent)
        return len(claims)

    def _send(self, claim: _Claim) -> Sent | str:
        """The channel's answer, or (when it refused) the outcome already recorded: "retry" or "failed"."""
        send: Callable[[Any], Sent] = getattr(claim.channel, f"send_{claim.work.kind}")
        try:
            return send(claim.message)
        except ChannelError as exc:
            return self._failed(claim, str(exc), permanent=exc.permanent)
        except Exception as exc:  # a bug in a channel: keep its traceback, retry it like a temporary error
            log.exception("%s: the %s channel raised unexpectedly", claim.work.key, claim.channel.name)
            return self._failed(claim, f"unexpected error: {exc!r}", permanent=False)

    def _count_sent(self, claim: _Claim, sent: Sent) -> None:
        kind = claim.work.kind
        log.info(
            "%s %s sent to %s via %s (%s)",
            sent.external_id,
            kind,
            claim.work.to,
            claim.channel.name,
            claim.work.key,
        )
        self.report.channels[claim.channel.name] += 1
        if kind in _SENT_COUNTERS:
            setattr(self.report, _SENT_COUNTERS[kind], getattr(self.report, _SENT_COUNTERS[kind]) + 1)

    def _record_sent(self, s: Session, claim: _Claim, sent: Sent) -> None:
        """Plain UPDATEs, no reads: this runs once per message of a round, so it is kept cheap."""
        now, work = self.clock.now(), claim.work
        done = {"state": "sent", "sent_at": now, "external_id": sent.external_id, "error": None}
        s.execute(
            update(Delivery).where(Delivery.id == claim.delivery_id).values(next_attempt_at=None, **done)
        )
        prompt = update(Prompt).where(Prompt.id == work.prompt_id)
        if work.kind == "prompt":
            s.execute(prompt.values(status="sent", sent_at=now, failure=None, message_id=sent.external_id))
        elif work.kind == "reminder":
            s.execute(prompt.values(reminders_sent=Prompt.reminders_sent + 1))
        if claim.covers:
            covered = update(Prompt).where(Prompt.id.in_(claim.covers), Prompt.escalated_at.is_(None))
            s.execute(covered.values(escalated_at=now))
        entity, entity_id = ("prompt", work.prompt_id) if work.prompt_id else ("round", work.round_id)
        detail = {"key": work.key, "channel": claim.channel.name, "outcome": "sent", "to": work.to}
        s.add(self._event(entity, entity_id, f"{work.kind}.sent", external_id=sent.external_id, **detail))

    def _failed(self, claim: _Claim, error: str, *, permanent: bool) -> str:
        now, work = self.clock.now(), claim.work
        with session_scope(self.engine) as s:
            d = s.get_one(Delivery, claim.delivery_id)
            d.error = error
            if not permanent and d.attempts < MAX_ATTEMPTS:
                d.state, d.next_attempt_at = "retry", now + retry_delay(d.attempts)
                self._audit(s, f"{work.kind}.retry", d, outcome="retry", to=work.to, error=error)
                log.warning(
                    "%s to %s failed (attempt %d), retrying later: %s", work.key, work.to, d.attempts, error
                )
                self.report.retrying += 1
                return "retry"
            d.state, d.next_attempt_at = "failed", None
            prompt = s.get(Prompt, work.prompt_id) if work.prompt_id else None
            if work.kind == "prompt" and prompt is not None:
                prompt.status, prompt.failure = "failed", error
            person = s.get(Person, work.person_id) if work.person_id else None
            if permanent and person is not None:
                # This address will not work: say so, and mark a failing email so the next round tries Slack.
                if claim.channel.name == "email" and person.email_failing_since is None:
                    person.email_failing_since = now
                s.add(
                    self._event(
                        "person", person.id, "person.channel_failed", channel=claim.channel.name, error=error
                    )
                )
            self._audit(s, f"{work.kind}.failed", d, outcome="failed", to=work.to, error=error)
        log.error("%s to %s failed for good: %s", work.key, work.to, error)
        self.report.failed += 1
        return "failed"

    def _unreachable(
        self, s: Session, work: Work, existing: Delivery | None, usable: list[str] | None
    ) -> None:
        """No configured channel can reach this person: record it once, as failed on channel "none"; a prompt
        fails with the reason, so `round status` counts it and the escalation names it."""
        has = ", ".join(usable) if usable else "no usable email or Slack id"
        configured = ", ".join(n for n in self.channels) or "none"
        why = f"unreachable: {work.to} has {has}; configured: {configured}"
        if existing is not None:  # a retry whose channel has gone since: it fails now
            existing.state, existing.error, existing.channel = "failed", why, "none"
            existing.next_attempt_at, row = None, existing
        else:
            with s.begin_nested():
                row = _delivery(work, "none", "failed", self.clock.now(), error=why, attempts=0)
                s.add(row)
                s.flush()  # a twin recorded it first: IntegrityError, and it is done
        if work.kind == "prompt" and work.prompt_id is not None:
            s.execute(update(Prompt).where(Prompt.id == work.prompt_id).values(status="failed", failure=why))
        self._audit(s, f"{work.kind}.failed", row, outcome="unreachable", to=work.to, error=why)
        log.warning("%s to %s: %s", work.key, work.to, why)
        self.report.unreachable += 1
        return None

    # -- helpers --------------------------------------------------------------------------------------------

    def _open_rounds(self, s: Session) -> list[tuple[Round, Plan]]:
        live = and_(Round.kind == "collection", Round.state == "open", Round.due_date.is_not(None))
        query = select(Round, Plan).join(Plan, Round.plan_id == Plan.id).where(live)
        return [(r, p) for r, p in s.execute(query.order_by(Round.id))]

    @staticmethod
    def _deliveries(s: Session, round_id: int, kind: str) -> dict[str, Delivery]:
        query = select(Delivery).where(Delivery.round_id == round_id, Delivery.kind == kind)
        return {d.idempotency_key: d for d in s.scalars(query)}

    def _event(self, entity: str, entity_id: int | None, event: str, **detail: Any) -> AuditEvent:
        who = {"actor": self.actor, "via": self.via}
        return AuditEvent(
            at=self.clock.now(), entity=entity, entity_id=entity_id, event=event, detail=detail, **who
        )

    def _audit(self, s: Session, event: str, d: Delivery, **detail: Any) -> None:
        entity, entity_id = ("prompt", d.prompt_id) if d.prompt_id else ("round", d.round_id)
        s.add(self._event(entity, entity_id, event, key=d.idempotency_key, channel=d.channel, **detail))


def _delivery(work: Work, channel: str, state: str, now: datetime, **extra: Any) -> Delivery:
    return Delivery(
        round_id=work.round_id,
        prompt_id=work.prompt_id,
        person_id=work.person_id,
        kind=work.kind,
        channel=channel,
        idempotency_key=work.key,
        state=state,
        claimed_at=now,
        **extra,
    )


def _stamped(message: Any, send_id: str, covers: list[int]) -> tuple[Any, dict[str, Any] | None]:
    """The message carrying its send_id, and the copy the row keeps to re-send it (None: not ours to keep)."""
    if not dataclasses.is_dataclass(message) or not hasattr(message, "send_id"):
        return message, None
    message = dataclasses.replace(message, send_id=send_id)
    return message, payload.dump(message, covers)


def _claimable(existing: Delivery | None, now: datetime) -> bool:
    """No row yet, or a temporary failure whose backoff is over."""
    if existing is None:
        return True
    return (
        existing.state == "retry" and existing.next_attempt_at is not None and existing.next_attempt_at <= now
    )


def _last_reminded(rows: Any) -> dict[int, datetime]:
    """prompt id -> when it was last reminded (any reminder, scheduled or by hand)."""
    out: dict[int, datetime] = {}
    for d in rows:
        if d.prompt_id is not None and d.state in ("sent", "claimed"):
            out[d.prompt_id] = max(d.claimed_at, out.get(d.prompt_id, d.claimed_at))
    return out


def _ready(message: Any) -> Callable[[Session], Any]:
    return lambda _s: message


def reminder_builder(prompt_id: int, *, by_hand: bool = False) -> Callable[[Session], Any]:
    return lambda s: messages.reminder_for(s, s.get_one(Prompt, prompt_id), chase_replied=by_hand)


def _escalation_builder(round_id: int, person_id: int) -> Callable[[Session], Any]:
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
