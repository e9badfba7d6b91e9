"""The review queue: replies intake could not apply by itself, kept with the reason, for a person to
apply (as they are, or corrected), reject, or replay after fixing the cause (Mailman's shunt queue).

Nothing is dropped: an item is an InboundMessage in state "needs_review" with what the parser saw in
`parsed`; applying it goes through intake.apply with the coordinator vouching, so the record says who.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from collector.core.clock import Clock
from collector.core.errors import NotFound, UserError
from collector.core.vocabulary import InboundState, Status
from collector.replies.corrections import withdraw_from_message
from collector.replies.intake import IntakeResult, apply
from collector.replies.parsing.refs import resolve_typed_ref
from collector.replies.types import ParsedUpdate, Reply
from store.audit import audit
from store.inbound import mark_rejected
from store.models.records import InboundMessage
from store.models.rounds import Prompt, Round
from store.models.updates import Update


def pending(session: Session, *, plan_id: int | None = None) -> list[InboundMessage]:
    """Items waiting for a person, oldest first (optionally only one plan's)."""
    query = select(InboundMessage).where(InboundMessage.state == InboundState.NEEDS_REVIEW.value)
    if plan_id is not None:
        query = (
            query.outerjoin(Prompt, InboundMessage.prompt_id == Prompt.id)
            .outerjoin(Round, Prompt.round_id == Round.id)
            .where((Round.plan_id == plan_id) | (InboundMessage.prompt_id.is_(None)))
        )
    return list(session.scalars(query.order_by(InboundMessage.received_at, InboundMessage.id)))


def get(session: Session, item_id: int) -> InboundMessage:
    item = session.get(InboundMessage, item_id)
    if item is None:
        raise NotFound(f"no message {item_id}: `collector review list` shows the queue")
    return item


def parsed_updates(item: InboundMessage) -> list[ParsedUpdate]:
    """What the parser saw, as it was stored for review."""
    return [
        ParsedUpdate(
            ref=u["ref"],
            status=Status(u["status"]) if u.get("status") else None,
            progress=u.get("progress") or "",
            revised_target_text=u.get("revised_target_text"),
            revised_target_date=date.fromisoformat(u["revised_target_date"])
            if u.get("revised_target_date")
            else None,
            evidence=list(u.get("evidence") or []),
            confidence=float(u.get("confidence", 0.0)),
            reasons=list(u.get("reasons") or []),
        )
        for u in (item.parsed or {}).get("updates", [])
    ]


def _reply(item: InboundMessage, *, structured: list[ParsedUpdate] | None, prompt_id: int | None) -> Reply:
    parsed = item.parsed or {}
    return Reply(
        channel=item.channel,
        text=parsed.get("text", ""),
        received_at=item.received_at,
        sender_person_id=item.person_id,
        sender_address=parsed.get("sender_address"),
        prompt_id=prompt_id,
        inbound_message_id=item.id,
        structured=structured,
    )


def _open(item: InboundMessage) -> None:
    if item.state != InboundState.NEEDS_REVIEW:
        raise UserError(f"message {item.id} is {item.state.replace('_', ' ')}, not waiting for review")


def apply_item(
    session: Session,
    item_id: int,
    *,
    coordinator: str,
    clock: Clock,
    updates: list[ParsedUpdate] | None = None,
    prompt_id: int | None = None,
) -> IntakeResult:
    """Put an item on the record: the parser's reading, or the coordinator's corrected `updates` (a field
    they leave empty keeps what the reply itself said about that action)."""
    item = get(session, item_id)
    _open(item)
    read = parsed_updates(item)
    chosen = [_over(u, read) for u in updates] if updates is not None else read
    prompt_id = prompt_id or item.prompt_id
    if not chosen and prompt_id is None:
        raise UserError(
            f"message {item.id} has nothing to apply: say whose answer it is with --lead, or give the "
            "update with --ref and --status/--progress"
        )
    if prompt_id is None:
        raise UserError(f"message {item.id} is not tied to a prompt: say whose it is with --lead")
    # Nothing was read yet (the sender was unknown, so the reply was never parsed): now that the coordinator
    # says whose answer it is, read it against that lead's prompt, with the coordinator vouching.
    result = apply(
        session,
        _reply(item, structured=chosen or None, prompt_id=prompt_id),
        clock=clock,
        coordinator=coordinator,
    )
    _audit(session, item, "review.applied", coordinator, clock, recorded=[u.id for u in result.recorded])
    return result


def _over(given: ParsedUpdate, read: list[ParsedUpdate]) -> ParsedUpdate:
    """A coordinator's update for one action over what the parser read in the reply for that action: "apply
    with --status" fixes the status and keeps the lead's words."""
    same = [u for u in read if u.ref == given.ref or resolve_typed_ref(given.ref, [u.ref]) == [u.ref]]
    if len(same) != 1:
        return given
    words = same[0]
    return replace(
        given,
        progress=given.progress or words.progress,
        revised_target_text=given.revised_target_text or words.revised_target_text,
        revised_target_date=given.revised_target_date or words.revised_target_date,
        evidence=list(given.evidence) or list(words.evidence),
    )


def replay(session: Session, item_id: int, *, clock: Clock, coordinator: str = "cli") -> IntakeResult:
    """Run intake again on the stored text, e.g. after the sender was added to the people directory."""
    item = get(session, item_id)
    _open(item)
    result = apply(session, _reply(item, structured=None, prompt_id=item.prompt_id), clock=clock)
    _audit(session, item, "review.replayed", coordinator, clock, state=result.state)
    return result


# What a rejection may undo: a reply still waiting (updates beside its question may be on the record already)
# or one applied and later found wrong.
REJECTABLE = (InboundState.NEEDS_REVIEW, InboundState.APPLIED)


def reject_item(
    session: Session, item_id: int, *, reason: str, coordinator: str, clock: Clock
) -> tuple[InboundMessage, list[Update]]:
    """Keep an item off the record, saying why: whatever it had put on the record is withdrawn (kept, and
    counted nowhere). Returns the item and the updates withdrawn."""
    item = get(session, item_id)
    if item.state not in REJECTABLE:
        raise UserError(
            f"message {item.id} is {item.state.replace('_', ' ')}, not waiting for review or applied"
        )
    withdrawn = withdraw_from_message(session, item.id, reason=reason, actor=coordinator, clock=clock)
    was = item.state
    mark_rejected(item, at=clock.now(), reason=reason)
    _audit(
        session,
        item,
        "review.rejected",
        coordinator,
        clock,
        reason=reason,
        was=was,
        withdrawn=[u.id for u in withdrawn],
    )
    return item, withdrawn


def _audit(
    session: Session, item: InboundMessage, event: str, coordinator: str, clock: Clock, **detail: Any
) -> None:
    audit(
        session,
        at=clock.now(),
        actor=coordinator,
        event=event,
        entity="inbound_message",
        entity_id=item.id,
        **detail,
    )
