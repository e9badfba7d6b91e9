"""Processing stored emails: classify -> route -> extract -> Reply -> intake -> receipt, a chunk at a time.

Every InboundMessage(channel="email", state="new") is picked up here, oldest first, so a crash between the
250 and processing loses nothing: the next process_pending (the mail process runs one at start) finds it.

Per chunk of CLAIM_CHUNK messages:
  1. claim   attempts + 1, committed BEFORE parsing: a message that crashes the process is counted too.
             Over MAX_ATTEMPTS it is quarantined (state "failed", the error kept, the raw bytes kept; the
             Mailman shunt), never dropped and never blocking the queue.
  2. parse   parse_message(raw) (pure, never raises), never while holding SQLite's write lock.
  3. decide  on PostgreSQL the whole chunk in one transaction; on SQLite, whose write lock is database-wide,
             one transaction per message, so the DATA stores of waiting senders get in between. A
             savepoint per message (one that fails is retried later without sinking the others); what each
             message becomes (probe, bounce, auto-reply, held, or a reply for intake) is
             mailin.inbound.decision's rule.
             The receipts and notices these call for are claimed (Delivery rows keyed "receipt:{inbound
             id}") in the same transaction.
  4. answer  after the commit, through the delivery engine; the sends are recorded in one more commit. At most
             one receipt per inbound message, never for a bounce or an auto-reply. A crash between 3 and the
             end of 4 leaves the chunk's unsent receipts claimed: once the lease is over, the scheduler (or
             the next run here) sends them again from the copy each Delivery keeps (at least once).
On PostgreSQL three commits a chunk instead of three a message (each a round trip: most of the cost of
applying a reply); on SQLite one a message plus two a chunk.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from collector.channels.protocol import Channel
from collector.core.clock import Clock
from collector.core.settings import Settings
from collector.core.vocabulary import InboundState
from collector.rounds.delivery import Deliverer
from collector.rounds.work import Claim, Work
from mailin.inbound.decision import CHANNEL, Outcome, audit_event, decide_message
from mailin.inbound.parts import MailParts
from store.db import session_scope
from store.inbound import mark_failed
from store.models.records import InboundMessage

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
CLAIM_CHUNK = 20
STEP_ASIDE = 0.05  # the longest processing waits for receiving, per message


def process_pending(
    engine: Engine,
    channels: dict[str, Channel],
    settings: Settings,
    clock: Clock,
    *,
    limit: int | None = None,
    busy: Callable[[], bool] | None = None,
) -> Counter[str]:
    """Process every new stored email, oldest first: counts by final state, plus "receipts" and "notices".

    `busy` says whether senders are waiting for their 250 (mailin.inbound.store.GroupCommitter.busy):
    processing
    then steps aside before each message, for up to STEP_ASIDE seconds, so that receiving keeps its pace
    while a burst arrives (accept fast, decide later)."""
    with session_scope(engine, read_only=True) as s:
        query = (
            select(InboundMessage.id)
            .where(InboundMessage.channel == CHANNEL, InboundMessage.state == InboundState.NEW)
            .order_by(InboundMessage.received_at, InboundMessage.id)
        )
        ids = list(s.scalars(query.limit(limit) if limit else query))
    counts: Counter[str] = Counter()
    lease = timedelta(seconds=settings.delivery_lease)
    deliverer = Deliverer(engine, channels, clock, lease=lease, actor="mail", via="email")
    deliverer.resend_stale()  # receipts a killed run of this process claimed, never recorded (at least once)
    for start in range(0, len(ids), CLAIM_CHUNK):
        chunk = ids[start : start + CLAIM_CHUNK]
        claimed = _claim(engine, chunk)  # one commit for the chunk, not one per message
        ids_ = [i for i in chunk if i in claimed]
        _process_chunk(engine, deliverer, settings, clock, ids_, claimed, counts, busy or (lambda: False))
    return counts


def _process_chunk(
    engine: Engine,
    deliverer: Deliverer,
    settings: Settings,
    clock: Clock,
    ids: list[int],
    claimed: dict[int, tuple[int, str]],
    counts: Counter[str],
    busy: Callable[[], bool],
) -> None:
    """Parse the chunk outside the write lock, decide it in ONE transaction (a savepoint per message, so one
    that fails cannot sink the others) together with the claims of the receipts and notices it calls for,
    then send those. A crash after the commit leaves this chunk's unsent receipts claimed: they are sent
    again after the lease (at least once)."""
    from mailin.inbound.extract import parse_message  # another module's contract: imported when first needed

    failed: dict[int, str] = {}
    for inbound_id in [i for i in ids if claimed[i][0] > MAX_ATTEMPTS]:
        # it took the process down MAX_ATTEMPTS times: quarantine, do not try again
        counts[
            _quarantine(
                engine, clock, inbound_id, claimed[inbound_id][1], "processing never finished (crashed?)"
            ).state
        ] += 1
    todo = [i for i in ids if claimed[i][0] <= MAX_ATTEMPTS]
    with session_scope(engine, read_only=True) as s:
        query = select(InboundMessage.id, InboundMessage.raw).where(InboundMessage.id.in_(todo))
        raws = dict(s.execute(query).all())
    claims: list[Claim] = []
    unreachable: list[Work] = []

    def parse(inbound_id: int) -> MailParts | None:
        try:
            return parse_message(bytes(raws[inbound_id]))
        except Exception as exc:
            failed[inbound_id] = _failure(exc, inbound_id, claimed)
            return None

    def decide(s: Session, inbound_id: int, parts: MailParts) -> None:
        try:
            with s.begin_nested():
                outcome = decide_message(s, settings, clock, inbound_id, lambda _raw: parts)
        except Exception as exc:
            failed[inbound_id] = _failure(exc, inbound_id, claimed)
            return
        if outcome is None:
            return
        counts[outcome.state] += 1
        for work in ([outcome.receipt] if outcome.receipt else []) + (outcome.notices or []):
            if work.wanted is None:
                unreachable.append(work)  # recorded as failed by the delivery engine, after the commit
            elif (claim := deliverer.claim_in(s, work)) is not None:
                claims.append(claim)

    if engine.dialect.name == "sqlite":
        # One write lock for the whole database: parse outside it, then hold it for one message only, so
        # the DATA stores of senders waiting for their 250 get in between.
        for inbound_id in todo:
            if (parts := parse(inbound_id)) is not None:
                _step_aside(busy)
                with session_scope(engine) as s:
                    decide(s, inbound_id, parts)
    else:  # PostgreSQL locks rows: the whole chunk in one transaction, one commit (one round trip)
        with session_scope(engine) as s:
            for inbound_id in todo:
                if (parts := parse(inbound_id)) is not None:
                    _step_aside(busy)  # the CPU, not a lock, is what receiving and processing share here
                    decide(s, inbound_id, parts)
    deliverer.send_all(claims)  # the successes recorded in one commit
    for claim in claims:
        counts["receipts" if claim.work.kind == "receipt" else "notices"] += 1
    for work in unreachable:
        counts["receipts" if work.kind == "receipt" else "notices"] += deliverer.deliver([work])
    for inbound_id, error in failed.items():
        counts[_retry_or_quarantine(engine, clock, inbound_id, claimed[inbound_id], error)] += 1


def _step_aside(busy: Callable[[], bool]) -> None:
    """Wait while senders wait for their 250 (never longer than STEP_ASIDE: processing must not starve)."""
    deadline = time.monotonic() + STEP_ASIDE
    while busy() and time.monotonic() < deadline:
        time.sleep(0.001)


def _failure(exc: Exception, inbound_id: int, claimed: dict[int, tuple[int, str]]) -> str:
    attempts, external_id = claimed[inbound_id]
    log.exception("%s inbound %d: processing failed (attempt %d)", external_id, inbound_id, attempts)
    return f"{type(exc).__name__}: {exc}"[:2000]


def _retry_or_quarantine(
    engine: Engine, clock: Clock, inbound_id: int, claimed: tuple[int, str], error: str
) -> str:
    attempts, external_id = claimed
    if attempts >= MAX_ATTEMPTS:
        return _quarantine(engine, clock, inbound_id, external_id, error).state
    with session_scope(engine) as s:
        s.execute(update(InboundMessage).where(InboundMessage.id == inbound_id).values(reason=error))
    return "retrying"


def _claim(engine: Engine, inbound_ids: list[int]) -> dict[int, tuple[int, str]]:
    """attempts + 1 for each message still new, committed before any is parsed: id -> (attempts, external id).

    A chunk is claimed in one commit. If the process dies inside a chunk, the messages after the one that
    killed it were counted as attempted too; with MAX_ATTEMPTS at 3 and small chunks, a message is still
    tried at least once more than any crash it did not cause could cost it."""
    with session_scope(engine) as s:
        bump = (
            update(InboundMessage)
            .where(InboundMessage.id.in_(inbound_ids), InboundMessage.state == InboundState.NEW)
            .values(attempts=InboundMessage.attempts + 1)
            .returning(InboundMessage.id, InboundMessage.attempts, InboundMessage.external_id)
        )
        rows = s.execute(bump.execution_options(synchronize_session=False)).all()
        return {row.id: (row.attempts, row.external_id) for row in rows}


def _quarantine(engine: Engine, clock: Clock, inbound_id: int, external_id: str, error: str) -> Outcome:
    with session_scope(engine) as s:
        msg = s.get_one(InboundMessage, inbound_id)
        mark_failed(msg, at=clock.now(), reason=error)
        audit_event(s, clock, "inbound", inbound_id, "inbound.failed", error=error, attempts=msg.attempts)
    log.error("%s inbound %d quarantined as failed: %s", external_id, inbound_id, error)
    return Outcome("failed", external_id)
