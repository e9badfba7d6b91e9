"""intake.apply(session, reply): the one place a reply from any channel becomes updates, or goes to review.

Email, Slack, the CLI and the review queue's replay all come through here (Zulip's single process_message).
Steps, each a reason to stop and hand the reply to a person instead of guessing:
  route      the prompt the reply answers (token, thread or button), else the sender's open prompt
  authorise  the sender must be the prompt's lead or one of their delegates: a token alone is not enough
  parse      free text -> per-action updates (collector.replies.parsing), unless the channel sent them
  structured
  record     confident updates on asked actions become Update rows; the rest is kept for review
It never commits (the caller's session scope does) and never sends: it returns the receipt to send.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from collector.channels.protocol import ReceiptLine, ReceiptMessage, Recipient
from collector.core.clock import Clock
from collector.core.vocabulary import InboundState, Status, label
from collector.replies import corrections
from collector.replies.answerers import may_answer, principals
from collector.replies.parsing.refs import dup_base, norm_ref, resolve_typed_ref
from collector.replies.types import CONFIDENT, AskedAction, ParsedUpdate, ParseResult, Reply
from store.audit import audit
from store.inbound import mark_applied, mark_for_review
from store.models.directory import Person
from store.models.plans import Action, Plan
from store.models.records import InboundMessage
from store.models.rounds import Prompt, PromptAction, Round
from store.models.updates import Update
from store.queries import natural_key


@dataclass
class IntakeResult:
    state: InboundState  # APPLIED or NEEDS_REVIEW
    recorded: list[Update] = field(default_factory=list)
    review: list[str] = field(default_factory=list)  # what a person must look at, in plain words
    receipt: ReceiptMessage | None = None
    prompt: Prompt | None = None


class _Stop(Exception):
    """The reply cannot be applied automatically; the message says why, for the review queue."""


def apply(session: Session, reply: Reply, *, clock: Clock, coordinator: str | None = None) -> IntakeResult:
    """Record what `reply` says, or route it to review. `coordinator` (a name) vouches for a reply taken
    from the review queue: the sender check and the confidence bar are then theirs, and are audited."""
    inbound = session.get(InboundMessage, reply.inbound_message_id) if reply.inbound_message_id else None
    vouched = coordinator is not None
    prompt: Prompt | None = None
    try:
        if vouched and reply.prompt_id is None and reply.round_id is not None:
            # a coordinator recording an update that came on paper: no prompt needed (the lead may have
            # no contact and so was never prompted); any live action of the round's plan may be named
            prompt, round_ = None, session.get_one(Round, reply.round_id)
            sender = session.get(Person, reply.sender_person_id) if reply.sender_person_id else None
            asked = _plan_actions(session, round_)
        else:
            prompt = _route(session, reply)
            sender = _authorise(session, reply, prompt, vouched=vouched)
            round_, asked = session.get_one(Round, prompt.round_id), _asked(session, prompt)
    except _Stop as stop:  # the prompt, if routing found one, stays with the item for the reviewer
        return _to_review(session, reply, inbound, prompt, [str(stop)], None, clock)
    parsed = _parse(reply, asked, clock, _current_targets(session, asked))
    by_ref = {action.ref: action for action in asked}
    recorded: list[Update] = []
    review: list[str] = []
    for update in parsed.updates:
        action = by_ref.get(update.ref)
        if action is None:  # a ref as a coordinator typed it: "1.2" for "#1.2", "2.3a" for "2.3 a)"
            matches = resolve_typed_ref(update.ref, list(by_ref))
            if len(matches) > 1:
                review.append(f"{update.ref}: {_several(matches)}")
                continue
            if matches:
                update.ref, action = matches[0], by_ref[matches[0]]
        problem = _problem(session, update, action, round_, prompt, vouched=vouched)
        if problem or action is None:  # no action: problem says so
            review.append(f"{update.ref}: {problem}")
            continue
        recorded.append(
            _record(session, update, action, round_, sender, prompt, reply, inbound, clock, coordinator)
        )
    for ref in parsed.unknown_refs:
        matches = [r for r in by_ref if dup_base(norm_ref(r)) == dup_base(norm_ref(ref))]
        if len(matches) > 1:
            review.append(f"{ref}: {_several(matches)}")
        else:
            review.append(f"{ref}: not one of the actions this prompt asked about")
    if not vouched:  # words for the coordinator, never the record; confident updates beside them stand
        review += [f"the reply asks a question: {q!r}" for q in parsed.questions]
        review += [f"handed over: {words}" for words in parsed.handed_over]
    leftover = parsed.leftover.strip()
    if not recorded and not review:
        review.append("no update found in the reply" + (f": {leftover[:200]!r}" if leftover else ""))
    if recorded and prompt is not None and prompt.responded_at is None:
        prompt.responded_at = clock.now()
    if review:
        result = _to_review(session, reply, inbound, prompt, review, parsed, clock, recorded=recorded)
    else:
        result = IntakeResult(state=InboundState.APPLIED, recorded=recorded, prompt=prompt)
        if inbound is not None:
            mark_applied(inbound, at=clock.now())
    _audit(session, reply, prompt, result, clock, coordinator)
    result.receipt = _receipt(session, prompt, recorded, result.review)
    return result


def _several(refs: list[str]) -> str:
    """Why a ref naming more than one asked action (a ref the plan prints twice) waits for a person."""
    return f"could be action {' or '.join(refs)}: the plan prints this ref more than once; say which"


def _route(session: Session, reply: Reply) -> Prompt:
    if reply.prompt_id is not None:
        prompt = session.get(Prompt, reply.prompt_id)
        if prompt is None:
            raise _Stop("the reply names a prompt that does not exist")
        return prompt
    if reply.sender_person_id is None:
        raise _Stop(f"sender {reply.sender_address or 'unknown'} is not in the people directory")
    answers_for = [reply.sender_person_id, *principals(session, reply.sender_person_id)]
    query = (
        select(Prompt)
        .join(Round, Prompt.round_id == Round.id)
        .where(Prompt.person_id.in_(answers_for), Round.kind == "collection", Round.closed_at.is_(None))
        .order_by(Round.opened_at.desc(), Prompt.id)
    )
    if reply.round_id is not None:
        query = query.where(Round.id == reply.round_id)
    prompts = list(session.scalars(query))
    if not prompts:
        raise _Stop("no open round asks this sender (or anyone they are a delegate for) for an update")
    if len({p.person_id for p in prompts}) > 1:
        raise _Stop("the sender is a delegate for several leads; it is not clear whose update this is")
    return prompts[0]


def _authorise(session: Session, reply: Reply, prompt: Prompt, *, vouched: bool) -> Person | None:
    """The person the update is recorded as submitted by. A token names a prompt; the sender must be its
    lead or their delegate (answerers.may_answer), or a coordinator must vouch for it in the review queue."""
    sender = session.get(Person, reply.sender_person_id) if reply.sender_person_id else None
    if vouched:
        return sender
    if sender is None:
        raise _Stop(f"sender {reply.sender_address or 'unknown'} is not in the people directory")
    if may_answer(session, prompt, sender.id):
        return sender
    raise _Stop(f"sent by {sender.name or sender.email}, who is not this prompt's lead or their delegate")


def _plan_actions(session: Session, round_: Round | None) -> list[Action]:
    if round_ is None:
        raise _Stop("the reply names a round that does not exist")
    query = select(Action).where(Action.plan_id == round_.plan_id, Action.retired_at.is_(None))
    return list(session.scalars(query.order_by(Action.id)))


def _asked(session: Session, prompt: Prompt) -> list[Action]:
    query = select(Action).join(PromptAction, PromptAction.action_id == Action.id)
    return list(session.scalars(query.where(PromptAction.prompt_id == prompt.id).order_by(Action.id)))


def _current_targets(session: Session, asked: list[Action]) -> dict[int, date | None]:
    """Each action's target as it stands: the latest revised date reported, else the plan's. A date in a
    reply is a slip only when it is later than this."""
    ids = [a.id for a in asked]
    latest: dict[int, date | None] = {}
    rows = session.execute(
        select(Update.action_id, Update.revised_target_date)
        .where(Update.action_id.in_(ids), Update.revised_target_date.is_not(None))
        .order_by(Update.created_at, Update.id)
    )
    for action_id, revised in rows:
        latest[action_id] = revised
    return {a.id: latest.get(a.id, a.target_date) for a in asked}


def _parse(reply: Reply, asked: list[Action], clock: Clock, targets: dict[int, date | None]) -> ParseResult:
    """Buttons and modals arrive structured; free text goes through the shared parser."""
    if reply.structured is not None:
        return ParseResult(updates=list(reply.structured))
    from collector.replies.parsing import parse_reply

    actions = [AskedAction(a.ref, a.text, targets.get(a.id)) for a in asked]
    return parse_reply(reply.text, actions, today=clock.now().date())


def _problem(
    session: Session,
    update: ParsedUpdate,
    action: Action | None,
    round_: Round,
    prompt: Prompt | None,
    *,
    vouched: bool,
) -> str | None:
    """Why this update cannot go on the record by itself, or None. A coordinator's word (vouched) settles
    doubt and conflicts."""
    if action is None:
        return "not one of the actions this prompt asked about"
    if vouched:
        return None
    if update.confidence < CONFIDENT:
        return "not sure what this says (" + ("; ".join(update.reasons) or "low confidence") + ")"
    first = session.scalar(
        select(Update)
        .where(Update.action_id == action.id, Update.round_id == round_.id)
        .order_by(Update.created_at, Update.id)
        .limit(1)
    )
    # An action with several leads: the first lead to answer counts; a correction by the same lead (or
    # their delegate) is a newer update; another lead's different answer waits for a coordinator.
    lead = prompt.person_id if prompt is not None else None
    if first is not None and (first.submitted_for_id or first.submitted_by_id) != lead:
        who = session.get(Person, first.submitted_for_id or first.submitted_by_id or 0)
        name = (who.name or who.email) if who else "another lead"
        return f"already answered by {name} this round; the first answer counts until a coordinator decides"
    return None


def _record(
    session: Session,
    update: ParsedUpdate,
    action: Action,
    round_: Round,
    sender: Person | None,
    prompt: Prompt | None,
    reply: Reply,
    inbound: InboundMessage | None,
    clock: Clock,
    coordinator: str | None = None,
) -> Update:
    status, progress = update.status, update.progress
    if status is Status.NO_CHANGE:
        # "No change" carries the status last reported; with none to carry (no imported baseline status, no
        # earlier round's) it is an answer without a status, recorded as one, never as a status.
        status = _previous(session, action, round_)
        carried = "No change since the last report."
        progress = progress or (carried if status is not None else "No change reported; no earlier status.")
    row = Update(
        action_id=action.id,
        round_id=round_.id,
        status=status.value if status else None,
        progress=progress,
        revised_target_text=update.revised_target_text,
        revised_target_date=update.revised_target_date,
        evidence=list(update.evidence),
        submitted_by_id=sender.id if sender else None,
        # a delegate's answer counts for the lead; record whom it was for
        submitted_for_id=_answered_for(sender, prompt),
        via=reply.channel,
        inbound_message_id=inbound.id if inbound is not None else None,
        late=round_.closed_at is not None,
        created_at=clock.now(),
    )
    if coordinator is not None:  # a coordinator's correction keeps what it does not change, and is audited
        return corrections.complete(session, row, coordinator=coordinator, clock=clock)
    session.add(row)
    session.flush()
    return row


def _answered_for(sender: Person | None, prompt: Prompt | None) -> int | None:
    """The lead an answer counts for when someone else (a delegate, a coordinator) sent it."""
    if prompt is None or (sender is not None and sender.id == prompt.person_id):
        return None
    return prompt.person_id


def _previous(session: Session, action: Action, round_: Round) -> Status | None:
    """'No change' means the status last reported before this round (the import's baseline included)."""
    earlier = select(Round.id).where(Round.plan_id == round_.plan_id, Round.opened_at <= round_.opened_at)
    value = session.scalar(
        select(Update.status)
        .where(
            Update.action_id == action.id,
            Update.round_id != round_.id,
            Update.round_id.in_(earlier),
            Update.status.is_not(None),
            Update.status != Status.NO_CHANGE.value,
        )
        .order_by(Update.created_at.desc(), Update.id.desc())
        .limit(1)
    )
    return Status(value) if value else None


def _to_review(
    session: Session,
    reply: Reply,
    inbound: InboundMessage | None,
    prompt: Prompt | None,
    review: list[str],
    parsed: ParseResult | None,
    clock: Clock,
    recorded: list[Update] | None = None,
) -> IntakeResult:
    """Keep what could not be applied for a person, with the reasons and what the parser saw."""
    if inbound is not None:
        mark_for_review(inbound, at=clock.now(), reason="; ".join(review)[:2000])
        inbound.prompt_id = prompt.id if prompt is not None else inbound.prompt_id
        inbound.person_id = reply.sender_person_id
        inbound.parsed = {
            "text": reply.text,
            "sender_address": reply.sender_address,
            "updates": [u.as_json() for u in (parsed.updates if parsed else [])],
            "unknown_refs": list(parsed.unknown_refs if parsed else []),
        }
    return IntakeResult(
        state=InboundState.NEEDS_REVIEW, recorded=recorded or [], review=review, prompt=prompt
    )


def _receipt(
    session: Session, prompt: Prompt | None, recorded: list[Update], review: list[str]
) -> ReceiptMessage | None:
    """What was recorded, per action, and what a coordinator will look at: sent back to the lead."""
    if prompt is None or prompt.person_id is None:
        return None
    person = session.get_one(Person, prompt.person_id)
    round_ = session.get_one(Round, prompt.round_id)
    plan = session.get_one(Plan, round_.plan_id)
    actions = {
        a.id: a for a in session.scalars(select(Action).where(Action.id.in_([u.action_id for u in recorded])))
    }
    refs = {id_: a.ref for id_, a in actions.items()}
    lines = tuple(
        ReceiptLine(
            refs[u.action_id],
            label(Status(u.status), plan.status_labels) if u.status else None,
            u.progress,
            u.revised_target_text,
            title=actions[u.action_id].text,
        )
        for u in sorted(recorded, key=lambda u: natural_key(refs[u.action_id]))  # the plan's order
    )
    recipient = Recipient(person.id, person.name or person.email or "", person.email, person.slack_user_id)
    return ReceiptMessage(
        plan.title, round_.name, recipient, lines, tuple(review), thread_ref=prompt.message_id
    )


def _audit(
    session: Session,
    reply: Reply,
    prompt: Prompt | None,
    result: IntakeResult,
    clock: Clock,
    coordinator: str | None,
) -> None:
    audit(
        session,
        at=clock.now(),
        actor=coordinator or (reply.sender_address or f"person:{reply.sender_person_id}"),
        via=reply.channel,
        entity="prompt" if prompt is not None else "round",
        entity_id=prompt.id if prompt is not None else reply.round_id,
        event="reply.applied" if result.state == InboundState.APPLIED else "reply.needs_review",
        recorded=[u.id for u in result.recorded],
        review=result.review,
        inbound_message_id=reply.inbound_message_id,
    )
