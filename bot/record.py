"""Answers from buttons and modals onto the record, through the one intake (collector/replies/intake.py).

Slack's answers arrive structured (a status picked, a modal's fields), so they skip the parser but nothing
else: intake still authorises the sender and records or routes to review. Here we only add what a button
needs before that: the acting person must be allowed to answer the prompt the button names (intake's own
rule, collector/replies/answerers.py), the round must be open, and fields left empty keep what this round
already holds. An answer identical to the one on record is not recorded again (a double-click, or Save
pressed twice on the same values).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import prompts
from collector.core.clock import Clock
from collector.core.vocabulary import Status
from collector.replies import intake
from collector.replies.answerers import may_answer
from collector.replies.types import ParsedUpdate, Reply
from store.audit import audit
from store.inbound import mark_applied, mark_rejected
from store.models.plans import Action
from store.models.records import InboundMessage
from store.models.rounds import Prompt, PromptAction, Round
from store.models.updates import Update

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Choice:
    """One action's answer from Slack; None means "leave as recorded"."""

    action_id: int
    status: Status | None = None
    progress: str | None = None
    revised_target: date | None = None
    evidence: str | None = None


@dataclass
class Outcome:
    prompt_id: int | None = None
    refused: str | None = None  # why nothing was recorded, for the person who clicked
    recorded: int = 0
    review: list[str] = field(default_factory=list)
    nothing_new: bool = False
    receipt: object | None = None


def check(session: Session, token: str, person_id: int | None) -> tuple[Prompt | None, str | None]:
    """The prompt a button names and whether this person may answer it now: (prompt, why not)."""
    prompt = prompts.by_token(session, token)
    if prompt is None:
        return None, "This message is no longer linked to a round."
    if not may_answer(session, prompt, person_id):
        return prompt, "These actions belong to someone else, so you cannot answer for them."
    round_ = session.get_one(Round, prompt.round_id)
    if round_.state != "open":
        return prompt, f"The {round_.name} round has closed: ask the plan's coordinator to change an answer."
    return prompt, None


def record(
    session: Session,
    clock: Clock,
    *,
    inbound_id: int,
    token: str,
    person_id: int | None,
    choices: list[Choice],
    what: str,
    no_change_unanswered: bool = False,
) -> Outcome:
    """Record `choices` on the prompt `token` names, via intake. Never commits."""
    inbound = session.get_one(InboundMessage, inbound_id)
    inbound.person_id = person_id
    prompt, why = check(session, token, person_id)
    if prompt is not None:
        inbound.prompt_id, inbound.round_id = prompt.id, prompt.round_id
    if why is not None or prompt is None:  # check() gives a reason whenever it finds no prompt
        why = why or "This message is no longer linked to a round."
        mark_rejected(inbound, at=clock.now(), reason=why)
        _refused(session, clock, inbound, prompt, why)
        return Outcome(prompt.id if prompt else None, refused=why)
    asked = {
        a.id: a
        for a in session.scalars(
            select(Action)
            .join(PromptAction, PromptAction.action_id == Action.id)
            .where(PromptAction.prompt_id == prompt.id)
        )
    }
    current = _current(session, prompt)
    if no_change_unanswered:
        choices = [Choice(a, Status.NO_CHANGE) for a in sorted(asked) if a not in current]
    updates = []
    for choice in choices:
        if choice.action_id not in asked:
            continue
        update = _merged(choice, asked[choice.action_id].ref, current.get(choice.action_id))
        if update is not None:
            updates.append(update)
    if not updates:
        mark_applied(inbound, at=clock.now(), reason="nothing new: the same answer is already recorded")
        return Outcome(prompt.id, nothing_new=True)
    reply = Reply(
        channel="slack",
        text=what,
        received_at=inbound.received_at,
        sender_person_id=person_id,
        prompt_id=prompt.id,
        round_id=prompt.round_id,
        inbound_message_id=inbound.id,
        structured=updates,
    )
    result = intake.apply(session, reply, clock=clock)
    return Outcome(prompt.id, recorded=len(result.recorded), review=result.review, receipt=result.receipt)


def _current(session: Session, prompt: Prompt) -> dict[int, Update]:
    rows = session.scalars(
        select(Update)
        .join(PromptAction, PromptAction.action_id == Update.action_id)
        .where(PromptAction.prompt_id == prompt.id, Update.round_id == prompt.round_id)
        .order_by(Update.created_at, Update.id)
    )
    return {u.action_id: u for u in rows}


def _merged(choice: Choice, ref: str, current: Update | None) -> ParsedUpdate | None:
    """The full update: the choice over what this round holds; None when it changes nothing."""
    if choice.status is Status.NO_CHANGE:
        return ParsedUpdate(ref=ref, status=Status.NO_CHANGE, progress=choice.progress or "")
    status = choice.status or (Status(current.status) if current and current.status else None)
    progress = choice.progress if choice.progress is not None else (current.progress if current else "")
    target = choice.revised_target or (current.revised_target_date if current else None)
    target_text = (
        f"{choice.revised_target:%d %B %Y}".lstrip("0")
        if choice.revised_target
        else (current.revised_target_text if current else None)
    )
    evidence = [choice.evidence] if choice.evidence else list(current.evidence or []) if current else []
    if current is not None and (
        (current.status, current.progress or "", current.revised_target_date, list(current.evidence or []))
        == (status.value if status else None, progress or "", target, evidence)
    ):
        return None
    return ParsedUpdate(
        ref=ref,
        status=status,
        progress=progress or "",
        revised_target_text=target_text,
        revised_target_date=target,
        evidence=evidence,
    )


def _refused(
    session: Session, clock: Clock, inbound: InboundMessage, prompt: Prompt | None, why: str
) -> None:
    log.warning("%s refused: %s", inbound.external_id, why)
    audit(
        session,
        at=clock.now(),
        actor=f"person:{inbound.person_id}" if inbound.person_id else "slack:unknown",
        via="slack",
        entity="prompt" if prompt else "inbound_message",
        entity_id=prompt.id if prompt else inbound.id,
        event="slack.refused",
        detail={"reason": why, "inbound_message_id": inbound.id, "external_id": inbound.external_id},
    )
