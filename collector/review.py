"""The review queue: replies intake could not apply by itself, kept with the reason, for a person to
apply (as they are, or corrected), reject, or replay after fixing the cause (Mailman's shunt queue).

Nothing is dropped: an item is an InboundMessage in state "needs_review" with what the parser saw in
`parsed`; applying it goes through intake.apply with the coordinator vouching, so the record says who.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from collector.clock import Clock
from collector.errors import NotFound, UserError
from collector.intake import IntakeResult, apply
from collector.replies import ParsedUpdate, Reply
from collector.vocabulary import Status
from store.models import AuditEvent, InboundMessage, Prompt, Round


def pending(session: Session, *, plan_id: int | None = None) -> list[InboundMessage]:
    """Items waiting for a person, oldest first (optionally only one plan's)."""
    query = select(InboundMessage).where(InboundMessage.state == "needs_review")
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
    if item.state != "needs_review":
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
    """Put an item on the record: the parser's reading, or the coordinator's corrected `updates`."""
    item = get(session, item_id)
    _open(item)
    chosen = updates if updates is not None else parsed_updates(item)
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
    return apply(
        session,
        _reply(item, structured=chosen or None, prompt_id=prompt_id),
        clock=clock,
        coordinator=coordinator,
    )


def replay(session: Session, item_id: int, *, clock: Clock) -> IntakeResult:
    """Run intake again on the stored text, e.g. after the sender was added to the people directory."""
    item = get(session, item_id)
    _open(item)
    return apply(session, _reply(item, structured=None, prompt_id=item.prompt_id), clock=clock)


def reject_item(
    session: Session, item_id: int, *, reason: str, coordinator: str, clock: Clock
) -> InboundMessage:
    item = get(session, item_id)
    _open(item)
    item.state, item.reason, item.processed_at = "rejected", reason, clock.now()
    session.add(
        AuditEvent(
            at=clock.now(),
            actor=coordinator,
            via="cli",
            entity="inbound_message",
            entity_id=item.id,
            event="review.rejected",
            detail={"reason": reason},
        )
    )
    return item
