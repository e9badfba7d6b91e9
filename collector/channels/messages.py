"""Channel-neutral messages built from the store: a prompt or reminder for one person, an escalation.

Also the one definition of "answered" every step shares: an asked action is answered when it has an
Update in this round (from any of its leads: several leads of one action share the answer). A prompt is
chased (reminded, escalated) while some of its actions are unanswered and its person has not replied at
all (responded_at): a person who replied, even in part or into the review queue, is left to the
coordinator rather than chased by machine.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from collector.channels.protocol import AskedItem, EscalationMessage, Missing, PromptMessage, Recipient
from collector.core.vocabulary import Status
from store.models.directory import Person
from store.models.plans import Action, Plan, PlanCoordinator
from store.models.rounds import Prompt, PromptAction, Round
from store.models.updates import Update
from store.queries import natural_key, qualified_ref


def recipient(person: Person) -> Recipient:
    return Recipient(person.id, person.display, person.email, person.slack_user_id)


def qualified_refs(session: Session, action_ids: set[int]) -> dict[int, str]:
    """Each action's ref as a reader quotes it ("1.2 b)"), loading ancestors level by level."""
    rows: dict[int, tuple[int | None, str]] = {}
    wanted = set(action_ids)
    while wanted:
        found = session.execute(select(Action.id, Action.parent_id, Action.ref).where(Action.id.in_(wanted)))
        for id_, parent_id, ref in found:
            rows[id_] = (parent_id, ref)
        wanted = {parent for parent, _ in rows.values() if parent is not None and parent not in rows}

    def full(id_: int) -> str:
        parent_id, ref = rows[id_]
        return qualified_ref(full(parent_id), ref) if parent_id is not None else ref

    return {id_: full(id_) for id_ in action_ids if id_ in rows}


def asked(session: Session, prompt_ids: list[int]) -> dict[int, list[int]]:
    """prompt id -> the action ids it asks about."""
    out: dict[int, list[int]] = defaultdict(list)
    rows = select(PromptAction.prompt_id, PromptAction.action_id).where(
        PromptAction.prompt_id.in_(prompt_ids)
    )
    for prompt_id, action_id in session.execute(rows):
        out[prompt_id].append(action_id)
    return out


def answered(session: Session, round_id: int) -> set[int]:
    """Action ids with an Update in this round."""
    return set(session.scalars(select(Update.action_id).where(Update.round_id == round_id).distinct()))


def pending_actions(session: Session, prompt: Prompt) -> list[int]:
    """The prompt's actions without an update in its round yet (reading only those actions' updates)."""
    mine = asked(session, [prompt.id]).get(prompt.id, [])
    query = select(Update.action_id).where(Update.round_id == prompt.round_id, Update.action_id.in_(mine))
    done = set(session.scalars(query.distinct()))
    return [a for a in mine if a not in done]


@dataclass
class Chase:
    """A prompt still owed an answer, and about which actions."""

    prompt: Prompt
    pending: list[int]  # action ids without an update in the round


def to_chase(session: Session, round_id: int, *, statuses: tuple[str, ...] = ("sent",)) -> list[Chase]:
    """The round's prompts (in `statuses`) whose person has not replied and which still miss answers."""
    prompts = list(
        session.scalars(
            select(Prompt)
            .where(Prompt.round_id == round_id, Prompt.status.in_(statuses), Prompt.responded_at.is_(None))
            .order_by(Prompt.id)
        )
    )
    if not prompts:
        return []
    by_prompt = asked(session, [p.id for p in prompts])
    done = answered(session, round_id)
    chases = [Chase(p, [a for a in by_prompt.get(p.id, []) if a not in done]) for p in prompts]
    return [c for c in chases if c.pending]


@dataclass
class _Facts:
    """What the asked items of one round say, read for many actions at once (one query per kind of fact,
    not per prompt: a round of 2,000 prompts is built from a handful of queries per chunk)."""

    refs: dict[int, str]
    actions: dict[int, Action]
    before: dict[int, Update]  # latest update with a status before this round
    revised: dict[int, str]
    this_round: dict[int, Update]
    names: dict[int | None, str]
    parts: dict[int, list[str]]
    parents: dict[int, str]


def _facts(session: Session, round_: Round, action_ids: set[int]) -> _Facts:
    refs = qualified_refs(session, action_ids)
    actions = {a.id: a for a in session.scalars(select(Action).where(Action.id.in_(action_ids)))}
    before: dict[int, Update] = {}
    revised: dict[int, str] = {}
    this_round: dict[int, Update] = {}
    updates = session.scalars(
        select(Update).where(Update.action_id.in_(action_ids)).order_by(Update.created_at, Update.id)
    )
    for update in updates:
        if update.round_id == round_.id:
            this_round.setdefault(update.action_id, update)
            continue
        if update.status and update.status != Status.NO_CHANGE:
            before[update.action_id] = update
        if update.revised_target_text:
            revised[update.action_id] = update.revised_target_text
    names = _names(session, {u.submitted_for_id or u.submitted_by_id for u in this_round.values()})
    parts = _parts(session, list(action_ids))
    parents = _parents(session, [a.parent_id for a in actions.values() if a.parent_id is not None])
    return _Facts(refs, actions, before, revised, this_round, names, parts, parents)


def _items(session: Session, round_: Round, action_ids: list[int]) -> tuple[AskedItem, ...]:
    if not action_ids:
        return ()
    return _items_from(_facts(session, round_, set(action_ids)), action_ids)


def _items_from(facts: _Facts, action_ids: list[int]) -> tuple[AskedItem, ...]:
    items = []
    for action_id in sorted(action_ids, key=lambda a: natural_key(facts.refs.get(a, ""))):
        action = facts.actions[action_id]
        last, first = facts.before.get(action_id), facts.this_round.get(action_id)
        target = action.target_text
        revised = facts.revised.get(action_id)
        if revised is not None and revised != target:
            target = f"{target} (revised: {revised})" if target else revised
        parts = facts.parts.get(action_id, [])
        intro = intro_before(action.text, parts) if parts else None
        items.append(
            AskedItem(
                action_id=action_id,
                ref=facts.refs[action_id],
                text=" ".join([intro or "", *parts]).strip() if parts else action.text,
                parts=tuple(parts),
                intro=intro,
                target=target,
                last_status=last.status if last else None,
                last_progress=(last.progress or None) if last else None,
                answered_by=facts.names.get(first.submitted_for_id or first.submitted_by_id)
                if first
                else None,
                part_of=facts.parents.get(action.parent_id) if action.parent_id is not None else None,
            )
        )
    return tuple(items)


def _parents(session: Session, parent_ids: list[int]) -> dict[int, str]:
    """A sub-action read alone ("b) Fix the high-priority issues") needs its parent's words to make sense:
    parent id -> "2.1 Make the council website accessible"."""
    if not parent_ids:
        return {}
    refs = qualified_refs(session, set(parent_ids))
    rows = session.execute(select(Action.id, Action.text).where(Action.id.in_(set(parent_ids))))
    # a parent introducing its list often ends "...we hold on service users:": not how a line ends
    return {id_: f"{refs[id_]} {text.rstrip(' :;,-–')}".strip() for id_, text in rows}


def _parts(session: Session, action_ids: list[int]) -> dict[int, list[str]]:
    """An action asked as a whole lists its live items: ["a) Review the contract.", "b) Consult teams."]."""
    rows = session.scalars(
        select(Action)
        .where(Action.parent_id.in_(action_ids), Action.retired_at.is_(None))
        .order_by(Action.parent_id, Action.position)
    )
    parts: dict[int, list[str]] = {}
    for child in rows:
        if child.parent_id is None:  # never: the query asks for children
            continue
        label = child.ref.rsplit(" ", 1)[-1] if " " in child.ref else child.ref
        parts.setdefault(child.parent_id, []).append(f"{label} {' '.join(child.text.split())}")
    return parts


def intro_before(text: str, parts: list[str]) -> str:
    """The action's own words before its items. A plan often prints the items inside the action's cell
    ("Collect profile data: a) for new tenants. b) for leaseholders.") as well as the importer keeping them
    as sub-actions; the prompt lists each item once, under the action, so the cell's copy is cut off where
    its first item begins (matched on the label and the item's first words, spacing and case ignored)."""
    words = " ".join(text.split())
    label, _, rest = parts[0].partition(" ")
    start = " ".join([label, *rest.split()[:4]]).casefold()
    at = words.casefold().find(start)
    return words[:at].rstrip() if at >= 0 else words


def _names(session: Session, ids: set[int | None]) -> dict[int | None, str]:
    wanted = {i for i in ids if i is not None}
    people: Iterable[Person] = session.scalars(select(Person).where(Person.id.in_(wanted))) if wanted else []
    return {p.id: p.display for p in people}


def prompt_message(
    session: Session, prompt: Prompt, *, kind: str = "prompt", only: list[int] | None = None
) -> PromptMessage | None:
    """This prompt's message (a reminder: only the actions in `only`); None when there is nothing to ask."""
    round_ = session.get_one(Round, prompt.round_id)
    plan = session.get_one(Plan, round_.plan_id)
    person = session.get_one(Person, prompt.person_id)
    action_ids = only if only is not None else asked(session, [prompt.id]).get(prompt.id, [])
    items = _items(session, round_, action_ids)
    return _message(kind, plan, round_, person, prompt, items, contact(session, plan.id)) if items else None


def contact(session: Session, plan_id: int) -> Recipient | None:
    """Whom a lead asks about a round: the plan's first coordinator by name who has an email address (or
    else a Slack id); None when the plan has none, and the message names its sender (MAIL_FROM) instead."""
    query = (
        select(Person)
        .join(PlanCoordinator, PlanCoordinator.person_id == Person.id)
        .where(PlanCoordinator.plan_id == plan_id)
    )
    people = sorted(session.scalars(query), key=lambda p: (p.email is None, p.display.casefold(), p.id))
    reachable = [p for p in people if p.email or p.slack_user_id]
    return recipient(reachable[0]) if reachable else None


def _message(
    kind: str,
    plan: Plan,
    round_: Round,
    person: Person,
    prompt: Prompt,
    items: tuple[AskedItem, ...],
    contact: Recipient | None = None,
) -> PromptMessage:
    return PromptMessage(
        kind=kind,
        plan_title=plan.title,
        round_name=round_.name,
        due=round_.due_date,
        recipient=recipient(person),
        items=items,
        reply_token=prompt.token,
        thread_ref=prompt.message_id if kind == "reminder" else None,
        contact=contact,
    )


def prompt_messages(session: Session, prompt_ids: list[int]) -> dict[int, PromptMessage | None]:
    """The first message of each of these prompts (as prompt_message builds them), read in bulk: a few
    queries for the lot instead of a dozen per prompt. None for a prompt with nothing to ask."""
    prompts = list(session.scalars(select(Prompt).where(Prompt.id.in_(prompt_ids))))
    people: dict[int | None, Person] = {
        p.id: p for p in session.scalars(select(Person).where(Person.id.in_({p.person_id for p in prompts})))
    }
    asked_by = asked(session, prompt_ids)
    out: dict[int, PromptMessage | None] = {}
    for round_id in {p.round_id for p in prompts}:
        round_ = session.get_one(Round, round_id)
        plan = session.get_one(Plan, round_.plan_id)
        mine = [p for p in prompts if p.round_id == round_id]
        ask = contact(session, plan.id)
        facts = _facts(session, round_, {a for p in mine for a in asked_by.get(p.id, [])})
        for prompt in mine:
            items = _items_from(facts, asked_by.get(prompt.id, []))
            person = people.get(prompt.person_id)
            out[prompt.id] = (
                _message("prompt", plan, round_, person, prompt, items, ask) if items and person else None
            )
    return out


def missing(session: Session, round_: Round, chases: list[Chase]) -> dict[int | None, Missing]:
    """person id -> what they have not answered (the escalation's lines), with who cannot be prompted."""
    refs = qualified_refs(session, {a for c in chases for a in c.pending})
    out: dict[int | None, Missing] = {}
    for chase in chases:
        label = chase.prompt.lead_label or f"person {chase.prompt.person_id}"
        if chase.prompt.status == "failed":
            label += " (the prompt could not be delivered)"
        ordered = sorted((refs[a] for a in chase.pending if a in refs), key=natural_key)
        out[chase.prompt.person_id] = Missing(label, tuple(ordered))
    return out


def unreachable_missing(round_: Round) -> list[Missing]:
    return [
        Missing(f"{row['lead']} (cannot be prompted: {row['why']})", tuple(row["refs"]))
        for row in round_.unreachable or []
    ]


def escalation_message(
    session: Session, round_: Round, to: Person, lines: list[Missing]
) -> EscalationMessage:
    plan = session.get_one(Plan, round_.plan_id)
    return EscalationMessage(
        plan_title=plan.title,
        round_name=round_.name,
        due=round_.due_date,
        recipient=recipient(to),
        missing=tuple(sorted(lines, key=lambda m: m.lead.casefold())),
    )


def reminder_for(session: Session, prompt: Prompt, *, chase_replied: bool = False) -> PromptMessage | None:
    """A reminder about the prompt's unanswered actions; None when there are none, or the person replied
    (unless chase_replied: a reminder asked for by hand)."""
    if prompt.status == "pending" or (prompt.responded_at is not None and not chase_replied):
        return None
    pending = pending_actions(session, prompt)
    return prompt_message(session, prompt, kind="reminder", only=pending) if pending else None


CHASED = ("pending", "sent", "failed")  # an escalation reports every prompt still owed, delivered or not


def escalation_recipients(session: Session, round_: Round) -> list[int]:
    """Who hears that answers are missing: the plan's coordinators and each silent lead's manager."""
    chases = to_chase(session, round_.id, statuses=CHASED)
    if not chases and not round_.unreachable:
        return []
    query = select(PlanCoordinator.person_id).where(PlanCoordinator.plan_id == round_.plan_id)
    coordinators = set(session.scalars(query))
    leads = {c.prompt.person_id for c in chases if c.prompt.person_id is not None}
    managers = session.scalars(select(Person.manager_id).where(Person.id.in_(leads)))
    return sorted(coordinators | {m for m in managers if m is not None})


def escalation_for(session: Session, round_: Round, to: Person) -> tuple[EscalationMessage, list[int]] | None:
    """What `to` is told (everything for a coordinator, their own reports for a manager) and the prompts
    it covers; None when nothing is missing any more."""
    chases = to_chase(session, round_.id, statuses=CHASED)
    coordinator = session.get(PlanCoordinator, (round_.plan_id, to.id)) is not None
    if not coordinator:
        reports = set(session.scalars(select(Person.id).where(Person.manager_id == to.id)))
        chases = [c for c in chases if c.prompt.person_id in reports]
    lines = list(missing(session, round_, chases).values())
    if coordinator:
        lines += unreachable_missing(round_)
    if not lines:
        return None
    return escalation_message(session, round_, to, lines), [c.prompt.id for c in chases]
