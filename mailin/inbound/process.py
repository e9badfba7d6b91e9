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
             savepoint per message (one that fails is retried later without sinking the others), each
             message row locked while it is decided (several processes may share the queue):
               probe       (mailin.inbound.probe: collector doctor's) state "rejected", never read as a reply
               bounce      state "bounce"; only when it refers to a message we sent (mailin.inbound.bounces)
               is
                           that person's email_failing_since set and audited and the plan coordinators
                           told; a bounce tied to nothing is kept and ignored
               auto_reply  (or a null sender, or mail from our own address: loops) state "auto_reply":
                           never parsed, never answered
               otherwise   route (token, thread, else the sender's open prompt in intake); the sender
                           check (mailin.inbound.sender: envelope, token/thread, Authentication-Results)
                           either
                           holds it for review and tells the lead (mailin.inbound.held), or intake.apply,
                           which
                           sets applied / needs_review itself.
             The receipts and notices these call for are claimed (Delivery rows keyed "receipt:{inbound
             id}") in the same transaction.
  4. answer  after the commit, through the delivery engine; the sends are recorded in one more commit. At most
             one receipt per inbound message, never for a bounce or an auto-reply. A crash between 3 and the
             end of 4 leaves the chunk's unsent receipts claimed: once the lease is over, the scheduler (or
             the next run here) sends them again from the copy each Delivery keeps (at least once).
On PostgreSQL three commits a chunk instead of three a message (each a round trip: most of the cost of
applying a reply); on SQLite one a message plus two a chunk.

Forged From (issue 13): a From header alone never applies an update. A message whose envelope sender or
authentication results do not bear out its From is held (mailin.inbound.sender, mailin.inbound.held), and the
person it
claims to be is told at their directory address; the forger hears nothing. A verified sender who is not
the prompt's lead or delegate goes to review in intake, and its receipt goes to the PROMPT's lead.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from email.message import Message
from email.parser import BytesHeaderParser
from email.policy import compat32
from typing import Any

from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session

from collector.channels.protocol import Channel, ReceiptMessage
from collector.core.clock import Clock
from collector.core.settings import Settings
from collector.replies import intake
from collector.replies.types import Reply
from collector.rounds.delivery import Deliverer
from collector.rounds.work import Work
from mailin.inbound import bounces, held, routing
from mailin.inbound import sender as sender_rule
from mailin.inbound.probe import PROBE_HEADER, is_probe
from store.audit import audit
from store.db import session_scope
from store.models.directory import Person
from store.models.records import InboundMessage
from store.models.rounds import Prompt
from store.people import contact_channel

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
CLAIM_CHUNK = 20
STEP_ASIDE = 0.05  # the longest processing waits for receiving, per message
CHANNEL = "email"


@dataclass
class _Outcome:
    state: str
    external_id: str
    receipt: Work | None = None
    notices: list[Work] | None = None


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
            .where(InboundMessage.channel == CHANNEL, InboundMessage.state == "new")
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
    claims: list = []
    unreachable: list = []

    def parse(inbound_id: int):
        try:
            return parse_message(bytes(raws[inbound_id]))
        except Exception as exc:
            failed[inbound_id] = _failure(exc, inbound_id, claimed)
            return None

    def decide(s, inbound_id: int, parts) -> None:
        try:
            with s.begin_nested():
                outcome = _decide(s, settings, clock, inbound_id, lambda _raw: parts)
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
            .where(InboundMessage.id.in_(inbound_ids), InboundMessage.state == "new")
            .values(attempts=InboundMessage.attempts + 1)
            .returning(InboundMessage.id, InboundMessage.attempts, InboundMessage.external_id)
        )
        rows = s.execute(bump.execution_options(synchronize_session=False)).all()
        return {row.id: (row.attempts, row.external_id) for row in rows}


def _quarantine(engine: Engine, clock: Clock, inbound_id: int, external_id: str, error: str) -> _Outcome:
    with session_scope(engine) as s:
        msg = s.get_one(InboundMessage, inbound_id)
        msg.state, msg.reason, msg.processed_at = "failed", error, clock.now()
        _event(s, clock, "inbound", inbound_id, "inbound.failed", error=error, attempts=msg.attempts)
    log.error("%s inbound %d quarantined as failed: %s", external_id, inbound_id, error)
    return _Outcome("failed", external_id)


def _decide(s, settings: Settings, clock: Clock, inbound_id: int, parse) -> _Outcome | None:
    # FOR UPDATE: when several mail processes share PostgreSQL, the second to reach a message waits for the
    # first's commit and then sees it decided (SQLite's BEGIN IMMEDIATE already serialises deciders).
    msg = s.get_one(InboundMessage, inbound_id, with_for_update=True, populate_existing=True)
    if msg.state != "new":
        return None
    parts = parse(bytes(msg.raw))
    envelope = msg.envelope or {}
    mail_from = (envelope.get("mail_from") or "").strip("<>").casefold()
    ours = {f"{routing.LOCAL}@{settings.mail_domain}".casefold()}
    now = clock.now()
    msg.parsed = {"subject": parts.subject, "from": parts.from_address, "defects": list(parts.defects)[:20]}
    head = _headers(bytes(msg.raw))
    if is_probe(head.get(PROBE_HEADER)):
        msg.state, msg.processed_at = "rejected", now
        msg.reason = "health probe (collector doctor): stored to prove the listener works, not a reply"
        return _Outcome("probe", msg.external_id)
    if parts.bounce:
        return _bounce(s, settings, clock, msg, bytes(msg.raw), parts.bounced_recipients)
    if parts.auto_reply or not mail_from or (parts.from_address or "").casefold() in ours:
        msg.state, msg.processed_at = "auto_reply", now
        msg.reason = "automatic reply" if parts.auto_reply else "null sender or our own address: not answered"
        log.info("%s inbound %d: auto_reply, not parsed", msg.external_id, msg.id)
        return _Outcome("auto_reply", msg.external_id)
    prompt, how = routing.route(
        s, envelope.get("rcpt_tos") or [], settings.mail_domain, parts.in_reply_to, parts.references
    )
    sender = _sender(s, parts.from_address)
    verdict = sender_rule.check(
        parts.from_address,
        mail_from,
        how,
        [str(v) for v in head.get_all("Authentication-Results") or []],
        settings.mail_authserv_id,
    )
    if not verdict.trusted:  # a From header alone never applies an update
        text = _with_inline_answers(s, parts, prompt)
        notices = held.hold(
            s, clock, msg, text, parts.from_address, mail_from, prompt, sender, verdict.reason
        )
        return _Outcome("needs_review", msg.external_id, notices=notices)
    reply = Reply(
        channel=CHANNEL,
        text=_with_inline_answers(s, parts, prompt),
        received_at=msg.received_at,
        sender_person_id=sender.id if sender else None,
        sender_address=parts.from_address,
        prompt_id=prompt.id if prompt else None,
        inbound_message_id=msg.id,
    )
    result = intake.apply(s, reply, clock=clock)
    if msg.state == "new":  # intake sets it; never leave a processed message looking unprocessed
        msg.state, msg.processed_at = result.state, now
    target = result.prompt or prompt
    msg.person_id = sender.id if sender else msg.person_id
    if target is not None:
        msg.prompt_id, msg.round_id = target.id, target.round_id
    log.info(
        "%s inbound %d: %s (routed by %s, %d updates)",
        msg.external_id,
        msg.id,
        result.state,
        how if prompt else "sender",
        len(result.recorded),
    )
    receipt = _receipt_work(s, msg.id, result.receipt, target)
    return _Outcome(result.state, msg.external_id, receipt=receipt)


def _headers(raw: bytes) -> Message:
    """The top-level headers, for the probe marker and Authentication-Results (never raises)."""
    try:
        return BytesHeaderParser(policy=compat32).parsebytes(raw)
    except Exception:
        return Message()


def _with_inline_answers(s, parts, prompt: Prompt | None) -> str:
    """The text the update parser reads: what the lead wrote above the quote (cut where a copy of our
    prompt starts, if a client's quote went unrecognised), plus any answers typed into an unquoted copy of
    our prompt (Outlook, Notes), found by comparing it with what we sent (align.py)."""
    body = parts.body or ""
    if prompt is None:
        return body
    from collector.channels.messages import prompt_message
    from mailin.compose import prompt_context, render
    from mailin.inbound.align import added_answers, before_copy
    from mailin.inbound.html_text import marked_text

    message = prompt_message(s, prompt)
    if message is None:
        return body
    subject, sent, sent_html = render("prompt", prompt_context(message))
    markers = [subject, f"{routing.LOCAL}@", *(parts.to or [])]
    body = before_copy(body, [sent], markers)
    # In HTML, the colour or font of the lead's words is a second signal beside their text.
    whole = (marked_text(parts.html, sent_html) if parts.html else None) or parts.whole or parts.text
    added = added_answers(whole, [sent], [item.ref for item in message.items])
    if not added:
        return body
    lines = [line for line in added.splitlines() if not line.startswith("[")]
    if all(" ".join(line.split()) in " ".join(body.split()) for line in lines):
        return body  # the answers were quoted with ">" and the reply already holds them
    return f"{body}\n\n{added}" if body.strip() else added


def _sender(s, address: str | None) -> Person | None:
    """The person the From address names (case-insensitive), or None. An indexed query rather than
    store.people.find_person, which loads the whole directory: this runs once per message."""
    if not address:
        return None
    return s.scalar(select(Person).where(func.lower(Person.email) == address.casefold()).limit(1))


def _receipt_work(s, inbound_id: int, receipt: ReceiptMessage | None, prompt: Prompt | None) -> Work | None:
    if receipt is None or prompt is None or prompt.person_id is None:
        return None
    lead = s.get(Person, prompt.person_id)
    wanted = contact_channel(lead) if lead is not None else None
    to = lead.display if lead is not None else receipt.recipient.name
    return Work(
        f"receipt:{inbound_id}", "receipt", prompt.round_id, prompt.id, prompt.person_id, wanted, to,
        lambda _s: receipt,
    )  # fmt: skip


def _bounce(
    s, settings: Settings, clock: Clock, msg: InboundMessage, raw: bytes, addresses: list[str]
) -> _Outcome:
    """A bounce is stored as one either way; only one about a message we sent marks its person failing
    (mailin.inbound.bounces), with one notice per coordinator of the plans that prompt them."""
    now = clock.now()
    failing, why = bounces.who_bounced(s, bounces.original_ids(raw), addresses)
    named = ", ".join(addresses)[:1800]
    msg.state, msg.processed_at = "bounce", now
    if not failing:
        msg.reason = f"bounce {why}" + (f" (names {named})" if named else "")
        log.info("%s inbound %d: bounce %s", msg.external_id, msg.id, why)
        return _Outcome("bounce", msg.external_id)
    msg.reason = "bounced: " + ", ".join(p.email or "" for p in failing)[:1900]
    log.info("%s inbound %d: bounce for %s", msg.external_id, msg.id, [p.email for p in failing])
    for person in failing:
        if person.email_failing_since is None:
            person.email_failing_since = now
        _event(
            s, clock, "person", person.id, "person.email_bounced", inbound_message_id=msg.id,
            address=person.email,
        )  # fmt: skip
    return _Outcome("bounce", msg.external_id, notices=bounces.notices(s, msg.id, failing))


def _event(s: Session, clock: Clock, entity: str, entity_id: int | None, event: str, **detail: Any) -> None:
    audit(
        s,
        at=clock.now(),
        actor="mail",
        via="email",
        entity=entity,
        entity_id=entity_id,
        event=event,
        **detail,
    )
