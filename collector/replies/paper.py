"""Updates typed in by a coordinator (they came on paper, by phone, in a meeting): the same intake as
every other reply, addressed to a round, with the coordinator vouching for it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from collector.core.clock import Clock
from collector.core.dates import parse_target
from collector.core.errors import NotFound, UserError
from collector.core.vocabulary import Status
from collector.replies.intake import IntakeResult, apply
from collector.replies.parsing.refs import resolve_typed_ref
from collector.replies.types import ParsedUpdate, Reply
from store.models.plans import Action
from store.models.rounds import Prompt, PromptAction, Round
from store.people import resolve_person
from store.queries import find_plan


def record_paper_update(
    session: Session,
    plan_ident: str,
    ref: str,
    *,
    status: Status | None,
    progress: str,
    revised_target: str | None,
    evidence: list[str],
    by: str | None,
    round_id: int | None,
    clock: Clock,
    actor: str,
) -> IntakeResult:
    plan = find_plan(session, plan_ident)
    round_ = _round(session, plan.id, round_id)
    # The ref as typed: as printed ("2.3 a)"), or any written form of it ("2.3a", "Action 4", "1.2" for a
    # plan numbered "#1.2", "A01" for "A-01"); several matches are refused, never guessed between.
    live = select(Action).where(Action.plan_id == plan.id, Action.retired_at.is_(None))
    actions = {a.ref: a for a in session.scalars(live)}
    matches = resolve_typed_ref(ref, list(actions))
    if len(matches) > 1:
        raise UserError(f"{ref} could be action {' or '.join(matches)}: give the ref as the plan prints it")
    if not matches:
        raise NotFound(f"plan {plan.name} has no action {ref}: `collector plan show {plan.name}` lists them")
    action = actions[matches[0]]
    if status is None and not progress.strip() and not revised_target:
        raise UserError("nothing to record: give --status, --progress or --revised-target")
    person = resolve_person(session, by) if by else None
    target = parse_target(revised_target) if revised_target else None
    update = ParsedUpdate(
        ref=action.ref,
        status=status,
        progress=progress.strip(),
        revised_target_text=target.text if target else None,
        revised_target_date=target.date if target else None,
        evidence=list(evidence),
    )
    reply = Reply(
        channel="cli",
        text=progress,
        received_at=clock.now(),
        sender_person_id=person.id if person else None,
        prompt_id=_prompt_of(session, round_, action, person.id if person else None),
        round_id=round_.id,
        structured=[update],
    )
    return apply(session, reply, clock=clock, coordinator=actor)


def _round(session: Session, plan_id: int, round_id: int | None) -> Round:
    if round_id is not None:
        round_ = session.get(Round, round_id)
        if round_ is None or round_.plan_id != plan_id:
            raise NotFound(f"no round {round_id} for this plan: `collector round list` shows them")
        return round_
    round_ = session.scalar(
        select(Round)
        .where(Round.plan_id == plan_id, Round.kind == "collection")
        .order_by(Round.closed_at.is_not(None), Round.opened_at.desc())
        .limit(1)
    )
    if round_ is None:
        raise UserError("the plan has no round yet: open one with `collector round open`, or give --round")
    return round_


def _prompt_of(session: Session, round_: Round, action: Action, person_id: int | None) -> int | None:
    """The prompt that asked this person about this action, when there is one (so the answer counts as
    theirs); None records it against the round."""
    if person_id is None:
        return None
    return session.scalar(
        select(Prompt.id)
        .join(PromptAction, PromptAction.prompt_id == Prompt.id)
        .where(
            Prompt.round_id == round_.id, Prompt.person_id == person_id, PromptAction.action_id == action.id
        )
    )
