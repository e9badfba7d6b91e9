"""The delivery engine: claim a send, call its channel, record what happened, and take over stale claims.

The tick's steps (collector/rounds/tick.py), a reminder by hand (remind.py), and the receipts and notices
that email and Slack answer with all send through this one engine, so every message goes out under the
same rules. Callers describe each send as a Work item (collector/rounds/work.py); a Deliverer claims it,
sends it, and records it.

Delivery policy (store.models.rounds.Delivery has the states):
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
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, and_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from collector.channels import payload
from collector.channels.protocol import Channel, ChannelError, Sent
from collector.channels.registry import resolve
from collector.core.clock import Clock
from collector.core.workdays import retry_delay
from collector.rounds.work import Claim, DeliveryReport, Message, Work, ready
from store.audit import audit
from store.db import changed_rows, session_scope
from store.models.directory import Person
from store.models.rounds import Delivery, Prompt
from store.people import usable_channels

log = logging.getLogger(__name__)

DEFAULT_LEASE = timedelta(minutes=5)  # far longer than any channel call may take (their timeouts are ~30 s)
MAX_ATTEMPTS = 8
_SENT_COUNTERS = {"prompt": "prompts_sent", "reminder": "reminders_sent", "escalation": "escalations_sent"}


class Deliverer:
    """Claims, sends and records Work items over one engine and one set of channels."""

    def __init__(
        self,
        engine: Engine,
        channels: dict[str, Channel],
        clock: Clock,
        *,
        actor: str = "scheduler",
        via: str = "scheduler",
        keep_going: Callable[[], bool] | None = None,
        lease: timedelta = DEFAULT_LEASE,
        report: DeliveryReport | None = None,
    ):
        self.engine, self.channels, self.clock = engine, channels, clock
        self.lease = lease
        self.actor, self.via = actor, via
        self.keep_going = keep_going or (lambda: True)
        self.report = report if report is not None else DeliveryReport()

    # -- the public steps ---------------------------------------------------------------------------------

    def deliver(self, work: list[Work]) -> int:
        """Claim and send each item in turn; how many were handled (sent, failed or put back to retry)."""
        handled = 0
        for item in work:
            if not self.keep_going():
                break
            before = self.report.unreachable
            if (claim := self.claim(item)) is not None:
                self.send(claim)
                handled += 1
            handled += self.report.unreachable - before  # recorded as unreachable: handled too
        return handled

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
                self.send(claim)
        return handled

    def claim(self, work: Work) -> Claim | None:
        """Take `work.key` in its own transaction; None when done already, in flight, or nothing to say."""
        try:
            with session_scope(self.engine) as s:
                return self._take(s, work)
        except IntegrityError:
            return None

    def claim_in(self, s: Session, work: Work) -> Claim | None:
        """Take `work.key` inside the caller's transaction (under a savepoint, so a twin's claim costs only
        this one): the claim commits with whatever the caller decided. Items claimed together and not yet
        sent when the process dies stay claimed and are sent again once the lease is over (at least once),
        so callers keep such groups small and quick to send."""
        try:
            with s.begin_nested():
                return self._take(s, work)
        except IntegrityError:
            return None

    def send(self, claim: Claim) -> str:
        """Call the channel (no transaction is open) and record what happened: "sent", "retry" or "failed"."""
        sent = self._send(claim)
        if isinstance(sent, str):
            return sent
        with session_scope(self.engine) as s:
            self._record_sent(s, claim, sent)
        self._count_sent(claim, sent)
        return "sent"

    def send_all(self, claims: list[Claim]) -> int:
        """Send each claimed item, then record every success in ONE transaction (failures as they happen).
        A crash before that commit leaves the sent ones claimed: sent again after the lease (at least
        once)."""
        done: list[tuple[Claim, Sent]] = []
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

    # -- taking a claim -------------------------------------------------------------------------------------

    def _retake(self, delivery_id: int, attempts: int, now: datetime) -> Claim | None:
        """Take a stale claim over (None when another process did first, or it cannot be re-made)."""
        with session_scope(self.engine) as s:
            taken = (
                update(Delivery)
                .where(Delivery.id == delivery_id, Delivery.state == "claimed", Delivery.attempts == attempts)
                .values(claimed_at=now, attempts=attempts + 1)
                .execution_options(synchronize_session=False)
            )
            if changed_rows(s, taken) != 1:
                return None
            d = s.get_one(Delivery, delivery_id)
            message: Message | None
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
            work = Work(key, d.kind, d.round_id, d.prompt_id, d.person_id, d.channel, to, ready(message))
            log.warning("%s claimed at %s and never recorded: sending it again", d.idempotency_key, now)
            return Claim(work, d.id, channel, message, covers)

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

    def _take(self, s: Session, work: Work) -> Claim | None:
        now = self.clock.now()
        existing = s.scalar(select(Delivery).where(Delivery.idempotency_key == work.key))
        if existing is not None and not claimable(existing, now):
            return None
        person = s.get(Person, work.person_id) if work.person_id else None
        usable = usable_channels(person) if person is not None else None
        channel = resolve(self.channels, work.wanted, usable)
        if channel is None:
            self._unreachable(s, work, existing, usable)
            return None
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
            return Claim(work, row.id, channel, message, covers)
        retry = update(Delivery).where(Delivery.id == existing.id, Delivery.state == "retry")
        retry = retry.values(
            state="claimed",
            claimed_at=now,
            attempts=Delivery.attempts + 1,
            channel=channel.name,
            send_id=send_id,
            payload=kept,
        )
        if changed_rows(s, retry.execution_options(synchronize_session=False)) != 1:
            return None
        return Claim(work, existing.id, channel, message, covers)

    # -- sending and recording ------------------------------------------------------------------------------

    def _send(self, claim: Claim) -> Sent | str:
        """The channel's answer, or (when it refused) the outcome already recorded: "retry" or "failed"."""
        send: Callable[[Any], Sent] = getattr(claim.channel, f"send_{claim.work.kind}")
        try:
            return send(claim.message)
        except ChannelError as exc:
            return self._failed(claim, str(exc), permanent=exc.permanent)
        except Exception as exc:  # a bug in a channel: keep its traceback, retry it like a temporary error
            log.exception("%s: the %s channel raised unexpectedly", claim.work.key, claim.channel.name)
            return self._failed(claim, f"unexpected error: {exc!r}", permanent=False)

    def _count_sent(self, claim: Claim, sent: Sent) -> None:
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

    def _record_sent(self, s: Session, claim: Claim, sent: Sent) -> None:
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
        self._event(s, entity, entity_id, f"{work.kind}.sent", external_id=sent.external_id, **detail)

    def _failed(self, claim: Claim, error: str, *, permanent: bool) -> str:
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
                self._event(
                    s, "person", person.id, "person.channel_failed", channel=claim.channel.name, error=error
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

    # -- the audit ------------------------------------------------------------------------------------------

    def _event(self, s: Session, entity: str, entity_id: int | None, event: str, **detail: Any) -> None:
        at, actor, via = self.clock.now(), self.actor, self.via
        audit(s, at=at, actor=actor, via=via, entity=entity, entity_id=entity_id, event=event, **detail)

    def _audit(self, s: Session, event: str, d: Delivery, **detail: Any) -> None:
        entity, entity_id = ("prompt", d.prompt_id) if d.prompt_id else ("round", d.round_id)
        self._event(s, entity, entity_id, event, key=d.idempotency_key, channel=d.channel, **detail)


def claimable(existing: Delivery | None, now: datetime) -> bool:
    """No row yet, or a temporary failure whose backoff is over."""
    if existing is None:
        return True
    return (
        existing.state == "retry" and existing.next_attempt_at is not None and existing.next_attempt_at <= now
    )


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


def _stamped(message: Message, send_id: str, covers: list[int]) -> tuple[Message, dict[str, Any] | None]:
    """The message carrying its send_id, and the copy the row keeps to re-send it (None: not ours to keep)."""
    if not dataclasses.is_dataclass(message) or not hasattr(message, "send_id"):
        return message, None
    message = dataclasses.replace(message, send_id=send_id)
    return message, payload.dump(message, covers)
