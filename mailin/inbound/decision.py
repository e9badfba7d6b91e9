"""What a received message becomes: a probe, a bounce, an auto-reply, a held reply or a reply for intake.
One message, decided inside the caller's transaction (mailin.inbound.process batches them and sends what
the decision calls for). Kept apart from the batching so the rule is read in one place, whatever the
database and however messages are grouped into transactions.

The message row is locked while it is decided (several processes may share the queue):
  probe       (mailin.inbound.probe: collector doctor's) state "rejected", never read as a reply
  bounce      state "bounce"; only when it refers to a message we sent (mailin.inbound.bounces) is that
              person's email_failing_since set and audited and the plan coordinators told; a bounce tied
              to nothing is kept and ignored
  auto_reply  (or a null sender, or mail from our own address: loops) state "auto_reply": never parsed,
              never answered
  otherwise   route (token, thread, else the sender's open prompt in intake); the sender check
              (mailin.inbound.sender: envelope, token/thread, Authentication-Results) either holds it for
              review and tells the lead (mailin.inbound.held), or intake.apply, which sets applied /
              needs_review itself.
The receipt and notices it calls for are returned as Work for the caller to claim in the same transaction.

Forged From (issue 13): a From header alone never applies an update. A message whose envelope sender or
authentication results do not bear out its From is held, and the person it claims to be is told at their
directory address; the forger hears nothing. A verified sender who is not the prompt's lead or delegate
goes to review in intake, and its receipt goes to the PROMPT's lead.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from email.message import Message
from email.parser import BytesHeaderParser
from email.policy import compat32
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from collector.channels.protocol import PromptMessage, ReceiptMessage
from collector.channels.reply_address import LOCAL, reply_address
from collector.core.clock import Clock
from collector.core.settings import Settings
from collector.core.vocabulary import InboundState
from collector.replies import intake
from collector.replies.types import Reply
from collector.rounds.work import Work
from mailin.inbound import bounces, held, routing
from mailin.inbound import sender as sender_rule
from mailin.inbound.parts import MailParts
from mailin.inbound.probe import PROBE_HEADER, is_probe
from store.audit import audit
from store.inbound import mark_applied, mark_auto_reply, mark_bounce, mark_for_review, mark_rejected
from store.models.directory import Person
from store.models.records import InboundMessage
from store.models.rounds import Delivery, Prompt
from store.people import contact_channel

log = logging.getLogger("mailin.inbound.process")  # one logger for the whole processing path

CHANNEL = "email"


@dataclass
class Outcome:
    """What one message became (its final state) and the sends that calls for."""

    state: str
    external_id: str
    receipt: Work | None = None
    notices: list[Work] | None = None


def decide_message(
    s: Session, settings: Settings, clock: Clock, inbound_id: int, parse: Callable[[bytes], MailParts]
) -> Outcome | None:
    """What the stored message `inbound_id` becomes, decided and recorded in the caller's transaction: None
    when another process decided it first. `parse` reads the raw bytes (the caller may have parsed them
    already, outside the write lock)."""
    # FOR UPDATE: when several mail processes share PostgreSQL, the second to reach a message waits for the
    # first's commit and then sees it decided (SQLite's BEGIN IMMEDIATE already serialises deciders).
    msg = s.get_one(InboundMessage, inbound_id, with_for_update=True, populate_existing=True)
    if msg.state != InboundState.NEW:
        return None
    parts = parse(bytes(msg.raw))
    envelope = msg.envelope or {}
    mail_from = (envelope.get("mail_from") or "").strip("<>").casefold()
    ours = {reply_address(settings.mail_domain).casefold()}
    now = clock.now()
    msg.parsed = {"subject": parts.subject, "from": parts.from_address, "defects": list(parts.defects)[:20]}
    head = _headers(bytes(msg.raw))
    if is_probe(head.get(PROBE_HEADER)):
        why = "health probe (collector doctor): stored to prove the listener works, not a reply"
        mark_rejected(msg, at=now, reason=why)
        return Outcome("probe", msg.external_id)
    if parts.bounce:
        return _bounce(s, settings, clock, msg, bytes(msg.raw), parts.bounced_recipients)
    if parts.auto_reply or not mail_from or (parts.from_address or "").casefold() in ours:
        why = "automatic reply" if parts.auto_reply else "null sender or our own address: not answered"
        mark_auto_reply(msg, at=now, reason=why)
        log.info("%s inbound %d: auto_reply, not parsed", msg.external_id, msg.id)
        return Outcome("auto_reply", msg.external_id)
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
        return Outcome("needs_review", msg.external_id, notices=notices)
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
    if msg.state == InboundState.NEW:  # intake sets it; never leave a processed message looking unprocessed
        settle = mark_applied if result.state == InboundState.APPLIED else mark_for_review
        settle(msg, at=now, reason=msg.reason)
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
    return Outcome(result.state, msg.external_id, receipt=receipt)


def _headers(raw: bytes) -> Message:
    """The top-level headers, for the probe marker and Authentication-Results (never raises)."""
    try:
        return BytesHeaderParser(policy=compat32).parsebytes(raw)
    except Exception:
        return Message()


def _with_inline_answers(s: Session, parts: MailParts, prompt: Prompt | None) -> str:
    """The text the update parser reads: what the lead wrote above the quote (cut where a copy of our
    prompt starts, if a client's quote went unrecognised), plus any answers typed into an unquoted copy of
    our prompt (Outlook, Notes), found by comparing it with what we sent (align.py)."""
    body = parts.body or ""
    if prompt is None:
        return body
    from mailin.compose import prompt_context, render
    from mailin.inbound.align import added_answers, before_copy
    from mailin.inbound.html_text import marked_text

    message = prompt_as_sent(s, prompt)
    if message is None:
        return body
    subject, sent, sent_html = render("prompt", prompt_context(message))
    markers = [subject, f"{LOCAL}@", *(parts.to or [])]
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


def prompt_as_sent(s: Session, prompt: Prompt) -> PromptMessage | None:
    """The prompt as it went out: the copy its Delivery keeps (what the lead's client quoted), else, for a
    prompt sent before copies were kept, rebuilt from the store. Rebuilding reads the history of every
    asked action, which is most of the cost of reading a reply; the copy is one row."""
    from collector.channels import payload
    from collector.channels.messages import prompt_message

    kept = s.scalar(
        select(Delivery.payload)
        .where(Delivery.prompt_id == prompt.id, Delivery.kind == "prompt", Delivery.payload.is_not(None))
        .order_by(Delivery.id)
        .limit(1)
    )
    if kept:
        try:
            message, _covers = payload.load("prompt", kept)
        except (KeyError, TypeError, ValueError):
            message = None
        if isinstance(message, PromptMessage):
            return message
    return prompt_message(s, prompt)


def _sender(s: Session, address: str | None) -> Person | None:
    """The person the From address names (case-insensitive), or None. An indexed query rather than
    store.people.find_person, which loads the whole directory: this runs once per message."""
    if not address:
        return None
    return s.scalar(select(Person).where(func.lower(Person.email) == address.casefold()).limit(1))


def _receipt_work(
    s: Session, inbound_id: int, receipt: ReceiptMessage | None, prompt: Prompt | None
) -> Work | None:
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
    s: Session, settings: Settings, clock: Clock, msg: InboundMessage, raw: bytes, addresses: list[str]
) -> Outcome:
    """A bounce is stored as one either way; only one about a message we sent marks its person failing
    (mailin.inbound.bounces), with one notice per coordinator of the plans that prompt them."""
    now = clock.now()
    failing, why = bounces.who_bounced(s, bounces.original_ids(raw), addresses)
    named = ", ".join(addresses)[:1800]
    if not failing:
        mark_bounce(msg, at=now, reason=f"bounce {why}" + (f" (names {named})" if named else ""))
        log.info("%s inbound %d: bounce %s", msg.external_id, msg.id, why)
        return Outcome("bounce", msg.external_id)
    mark_bounce(msg, at=now, reason="bounced: " + ", ".join(p.email or "" for p in failing)[:1900])
    log.info("%s inbound %d: bounce for %s", msg.external_id, msg.id, [p.email for p in failing])
    for person in failing:
        if person.email_failing_since is None:
            person.email_failing_since = now
        audit_event(
            s, clock, "person", person.id, "person.email_bounced", inbound_message_id=msg.id,
            address=person.email,
        )  # fmt: skip
    return Outcome("bounce", msg.external_id, notices=bounces.notices(s, msg.id, failing))


def audit_event(
    s: Session, clock: Clock, entity: str, entity_id: int | None, event: str, **detail: Any
) -> None:
    """An audit row by the mail process (actor "mail", via "email"), in the caller's transaction."""
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
