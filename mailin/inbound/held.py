"""Holding a reply whose sender could not be verified (mailin.inbound.sender): to review, and the lead is
told.

Nothing of it is applied. It waits in the review queue (state needs_review) with the reason and the text,
tied to the prompt it answers when the token or thread named one, so a coordinator can apply it (vouching)
or reject it. The lead, or the person the From header names when no prompt was found, gets a short notice
at their directory address, at most once a day: someone may be answering in their name. The unverified
sender hears nothing.
"""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from collector.channels.protocol import NoticeMessage, Recipient
from collector.core.clock import Clock
from collector.rounds.work import Work
from store.audit import audit
from store.inbound import mark_for_review
from store.models.directory import Person
from store.models.plans import Plan
from store.models.records import InboundMessage
from store.models.rounds import Prompt, Round
from store.people import contact_channel

log = logging.getLogger(__name__)


def hold(
    s: Session,
    clock: Clock,
    msg: InboundMessage,
    text: str,
    from_address: str | None,
    envelope_from: str,
    prompt: Prompt | None,
    claimed: Person | None,
    reason: str,
) -> list[Work]:
    """Put `msg` in review as held; the notice to send the lead (none when nobody is known)."""
    why = f"sender not verified: {reason}"
    mark_for_review(msg, at=clock.now(), reason=why[:2000])
    msg.person_id = claimed.id if claimed is not None else None
    if prompt is not None:
        msg.prompt_id, msg.round_id = prompt.id, prompt.round_id
    msg.parsed = {
        **(msg.parsed or {}),
        "text": text,
        "sender_address": from_address,
        "envelope_from": envelope_from,
        "held": why,
        "updates": [],
        "unknown_refs": [],
    }
    audit(
        s, at=clock.now(), actor="mail", via="email", entity="inbound", entity_id=msg.id,
        event="inbound.held",
        detail={"reason": why, "from": from_address, "envelope_from": envelope_from},
    )  # fmt: skip
    log.warning("%s inbound %d: held for review, %s", msg.external_id, msg.id, why)
    lead = s.get(Person, prompt.person_id) if prompt is not None and prompt.person_id else claimed
    return [_notice(s, clock, lead, prompt)] if lead is not None else []


def _notice(s: Session, clock: Clock, lead: Person, prompt: Prompt | None) -> Work:
    """At most one a day per person (the key): a flood of forgeries must not become a flood of notices."""
    plan_title = None
    if prompt is not None:
        round_ = s.get(Round, prompt.round_id)
        plan = s.get(Plan, round_.plan_id) if round_ is not None else None
        plan_title = plan.title if plan is not None else None
    notice = NoticeMessage(
        subject="A reply in your name is held",
        recipient=Recipient(lead.id, lead.display, lead.email, lead.slack_user_id),
        lines=(
            "A reply giving progress in your name arrived by email, but it could not be confirmed as "
            "sent by you, so nothing in it was recorded.",
            "It is held for the plan coordinator to check. If you did not send it, tell them; if you "
            "did, nothing more is needed.",
        ),
        plan_title=plan_title,
    )
    key = f"notice:held:{lead.id}:{clock.now().date().isoformat()}"
    return Work(key, "notice", None, None, lead.id, contact_channel(lead), lead.display, lambda _s: notice)
