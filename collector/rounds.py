"""A round's lifecycle: who is asked about what when it opens, closing, reopening, finding one.

Opening decides everything the round will ask and writes it down (prompts, the actions of each, who could
not be reached); it sends nothing. Sending is the tick's claim-and-do work (collector/tick.py), run right
after `collector round open` and by the scheduler, so a crash between the two loses nothing.

Who is asked: each person leading an OPEN action of the plan (live, and whose latest reported status, the
imported baseline included, is neither completed nor withdrawn), directly or through a team (its contact,
or each member when the team says so or has no contact: store/teams.py). A sub-action with no leads of its
own is its parent's leads'. An action with several leads asks each of them. One prompt per person.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from collector.clock import Clock
from collector.errors import NotFound, UserError
from collector.policy import end_of_day, local_date, zone
from collector.vocabulary import Status
from store.models import (
    Action,
    ActionLead,
    AuditEvent,
    Delivery,
    Person,
    Plan,
    Prompt,
    PromptAction,
    Round,
    Team,
    Update,
)
from store.people import contact_channel, unreachable_reason
from store.queries import PlanTree, lead_name, load_tree, natural_key
from store.teams import team_channel, team_unreachable_reason

CLOSED_STATUSES = {Status.COMPLETED.value, Status.WITHDRAWN.value}
_SEASONS = {12: "Winter", 1: "Winter", 2: "Winter", 3: "Spring", 4: "Spring", 5: "Spring"}
_SEASONS |= {6: "Summer", 7: "Summer", 8: "Summer", 9: "Autumn", 10: "Autumn", 11: "Autumn"}


def new_token() -> str:
    """An unguessable reply token: 144 random bits, 24 characters of [A-Za-z0-9_-] (fits progress+TOKEN@)."""
    return secrets.token_urlsafe(18)


@dataclass
class Ask:
    """One person the round asks, about which actions, through which channel."""

    person_id: int
    name: str
    label: str  # "Joanne Tilley", "Sam Patel for Human Resources"
    channel: str  # "email" | "slack"
    action_ids: list[int]
    refs: list[str]
    team_id: int | None = None


@dataclass
class Unreachable:
    lead: str
    why: str
    refs: list[str] = field(default_factory=list)


@dataclass
class RoundPlan:
    """What opening a round does (or would do, in a dry run)."""

    plan: Plan
    name: str
    due: date
    closes_at: datetime | None
    asks: list[Ask]
    unreachable: list[Unreachable]
    round: Round | None = None  # None in a dry run

    @property
    def actions(self) -> int:
        return len({a for ask in self.asks for a in ask.action_ids})


def season_name(day: date) -> str:
    return f"{_SEASONS[day.month]} {day.year}"


def open_round_of(session: Session, plan: Plan) -> Round | None:
    query = select(Round).where(Round.plan_id == plan.id, Round.kind == "collection", Round.state == "open")
    return session.scalar(query.order_by(Round.id.desc()))


def open_round(
    session: Session,
    plan: Plan,
    *,
    due: date,
    closes: date | None,
    subset: dict[str, list[str]] | None,
    clock: Clock,
    actor: str,
    dry_run: bool = False,
    name: str | None = None,
    default_tz: str = "Europe/London",
    scheduled_for: datetime | None = None,
    via: str = "cli",
) -> RoundPlan:
    """Decide who is asked about what and, unless dry_run, write the round and its pending prompts.

    Raises UserError when the plan already has an open round, the dates make no sense, the subset names
    something the plan does not have, or nobody could be asked. Never commits.
    """
    now, tz = clock.now(), zone(plan.timezone, default_tz)
    if (current := open_round_of(session, plan)) is not None:
        raise UserError(
            f"plan {plan.name} already has an open round: #{current.id} {current.name!r} "
            f"(due {current.due_date}); close it first: `collector round close --round {current.id}`"
        )
    if due < local_date(now, tz):
        raise UserError(f"the due date {due} has already passed")
    if closes is not None and closes < due:
        raise UserError(f"the round cannot close ({closes}) before it is due ({due})")
    tree = load_tree(session, plan, with_updates=False)
    chosen = _in_subset(tree, subset or {}, _open_action_ids(session, plan))
    asks, unreachable = _who(tree, chosen)
    if not asks:
        why = "; ".join(f"{u.lead}: {u.why}" for u in unreachable[:5]) or "no open actions with leads"
        why += f" (and {len(unreachable) - 5} more)" if len(unreachable) > 5 else ""
        raise UserError(f"nobody to ask in plan {plan.name}: {why}")
    result = RoundPlan(
        plan=plan,
        name=name or season_name(local_date(now, tz)),
        due=due,
        closes_at=end_of_day(closes, tz) if closes else None,
        asks=asks,
        unreachable=unreachable,
    )
    if not dry_run:
        result.round = _write(session, result, subset, now, actor, via, scheduled_for)
    return result


def _open_action_ids(session: Session, plan: Plan) -> set[int]:
    """Live actions whose latest status (across all rounds, the baseline included) leaves them open."""
    latest: dict[int, str] = {}
    rows = session.execute(
        select(Update.action_id, Update.status)
        .join(Action, Update.action_id == Action.id)
        .where(Action.plan_id == plan.id, Update.status.is_not(None), Update.status != Status.NO_CHANGE.value)
        .order_by(Update.created_at, Update.id)
    )
    for action_id, status in rows:
        latest[action_id] = status
    live = select(Action.id).where(Action.plan_id == plan.id, Action.retired_at.is_(None))
    return {a for a in session.scalars(live) if latest.get(a) not in CLOSED_STATUSES}


def _walk(tree: PlanTree) -> list[tuple[Action, list[ActionLead], int | None]]:
    """Every action a lead is asked about, in plan order, with its effective leads and section.

    The unit asked is what someone answers for: an action whose sub-actions name leads of their own
    ("a) ST b) DM & SE") is asked through its sub-actions, each lead about their part (a sub-action without
    leads of its own inherits the parent's); an action whose sub-actions share its leads is asked once, as a
    whole, with its items listed (collector.messages). Never both: asking a lead about 2.7 and again about
    2.7 a), b) and c) is four questions for one piece of work.
    """
    out: list[tuple[Action, list[ActionLead], int | None]] = []
    stack = [(a, [], None) for a in reversed(tree.children.get(None, []))]
    while stack:
        action, parent_leads, parent_section = stack.pop()
        leads = tree.leads.get(action.id) or parent_leads
        section = action.section_id or parent_section
        children = tree.children.get(action.id, [])
        if any(tree.leads.get(child.id) for child in children):
            stack.extend((c, leads, section) for c in reversed(children))
        else:
            out.append((action, leads, section))
    return out


def _lead_names(lead: ActionLead, tree: PlanTree) -> set[str]:
    names = {lead.label, lead.code or "", lead_name(lead, tree) or ""}
    if lead.person_id and (person := tree.people.get(lead.person_id)):
        names |= {person.name or "", person.code or "", person.email or ""}
    if lead.team_id and (team := tree.teams.get(lead.team_id)):
        names |= {team.name, team.code or ""}
    return {n.strip().casefold() for n in names if n and n.strip()}


def _in_subset(
    tree: PlanTree, subset: dict[str, list[str]], open_ids: set[int]
) -> list[tuple[Action, list[ActionLead]]]:
    """The open actions in the subset (sections by ref; leads by label, code, name or email), with leads."""
    sections = {(s.ref or "").casefold(): s.id for s in tree.sections}
    wanted_sections = {s.strip().casefold() for s in subset.get("sections") or [] if s.strip()}
    if unknown := sorted(wanted_sections - sections.keys()):
        known = ", ".join(s.ref for s in tree.sections if s.ref) or "none"
        raise UserError(f"plan {tree.plan.name} has no section {', '.join(unknown)} (sections: {known})")
    wanted_leads = {x.strip().casefold() for x in subset.get("leads") or [] if x.strip()}
    section_ids = {sections[s] for s in wanted_sections}
    chosen, seen_leads = [], set()
    for action, leads, section_id in _walk(tree):
        if action.id not in open_ids or (section_ids and section_id not in section_ids):
            continue
        if wanted_leads:
            leads = [lead for lead in leads if _lead_names(lead, tree) & wanted_leads]
            seen_leads |= {n for lead in leads for n in _lead_names(lead, tree)}
        if leads:
            chosen.append((action, leads))
    if unknown_leads := sorted(wanted_leads - seen_leads):
        raise UserError(
            f"no open action in the chosen part of plan {tree.plan.name} is led by {unknown_leads[0]}"
        )
    return chosen


def _who(
    tree: PlanTree, chosen: list[tuple[Action, list[ActionLead]]]
) -> tuple[list[Ask], list[Unreachable]]:
    refs = tree.refs()
    asks: dict[int, Ask] = {}
    lost: dict[str, Unreachable] = {}
    teams_of: dict[int, list[str]] = defaultdict(list)
    direct: set[int] = set()
    for action, leads in chosen:
        for lead in leads:
            people, team = _people_for(lead, tree, lost, refs[action.id])
            for person, channel in people:
                ask = asks.get(person.id)
                if ask is None:
                    ask = asks[person.id] = Ask(person.id, person.display, person.display, channel, [], [])
                if action.id not in ask.action_ids:
                    ask.action_ids.append(action.id)
                    ask.refs.append(refs[action.id])
                if team is None:
                    direct.add(person.id)
                elif team.name not in teams_of[person.id]:
                    teams_of[person.id].append(team.name)
                    ask.team_id = ask.team_id or team.id
    for ask in asks.values():
        if ask.person_id not in direct and teams_of[ask.person_id]:
            ask.label = f"{ask.name} for {', '.join(teams_of[ask.person_id])}"
    ordered = sorted(asks.values(), key=lambda a: natural_key(a.name))
    return ordered, sorted(lost.values(), key=lambda u: natural_key(u.lead))


def _people_for(
    lead: ActionLead, tree: PlanTree, lost: dict[str, Unreachable], ref: str
) -> tuple[list[tuple[Person, str]], Team | None]:
    """The people a lead resolves to with their channels; records the lead in `lost` when there are none."""
    team = tree.teams.get(lead.team_id) if lead.team_id else None
    person = tree.people.get(lead.person_id) if lead.person_id else None
    found: list[tuple[Person, str]] = []
    why = "not matched to anyone in the people directory"
    if team is not None:
        how = team_channel(team)
        if how == "members":
            found = [(m, c) for m in team.members if (c := contact_channel(m))]
        elif how is not None and team.contact is not None:
            found = [(team.contact, how)]
        why = team_unreachable_reason(team)
    elif person is not None:
        channel = contact_channel(person)
        found = [(person, channel)] if channel else []
        why = unreachable_reason(person)
    if not found:
        label = lead_name(lead, tree) or lead.label
        entry = lost.setdefault(label.casefold(), Unreachable(label, why))
        if ref not in entry.refs:
            entry.refs.append(ref)
    return found, team


def _write(
    session: Session,
    plan_: RoundPlan,
    subset: dict[str, list[str]] | None,
    now: datetime,
    actor: str,
    via: str,
    scheduled_for: datetime | None,
) -> Round:
    round_ = Round(
        plan_id=plan_.plan.id,
        kind="collection",
        name=plan_.name,
        state="open",
        opened_at=now,
        due_date=plan_.due,
        closes_at=plan_.closes_at,
        subset={k: list(v) for k, v in subset.items() if v} if subset and any(subset.values()) else None,
        scheduled_for=scheduled_for,
        opened_by=actor,
        unreachable=[{"lead": u.lead, "why": u.why, "refs": u.refs} for u in plan_.unreachable],
        created_at=now,
    )
    session.add(round_)
    session.flush()  # a racing opening of the same cron slot fails here (uq_rounds_plan_id_scheduled_for)
    prompts = [
        Prompt(
            round_id=round_.id,
            person_id=ask.person_id,
            team_id=ask.team_id,
            channel=ask.channel,
            token=new_token(),
            lead_label=ask.label,
            status="pending",
            created_at=now,
        )
        for ask in plan_.asks
    ]
    session.add_all(prompts)
    session.flush()
    rows = [
        {"prompt_id": p.id, "action_id": a}
        for p, ask in zip(prompts, plan_.asks, strict=True)
        for a in ask.action_ids
    ]
    session.execute(PromptAction.__table__.insert(), rows)
    detail = {
        "prompts": len(prompts),
        "actions": plan_.actions,
        "due": plan_.due.isoformat(),
        "unreachable": [u.lead for u in plan_.unreachable],
        "scheduled_for": scheduled_for.isoformat() if scheduled_for else None,
    }
    _audit(session, round_, now, actor, via, "round.opened", **detail)
    return round_


def _audit(
    session: Session, round_: Round, now: datetime, actor: str, via: str, event: str, **detail: Any
) -> None:
    session.add(
        AuditEvent(
            at=now, actor=actor, via=via, entity="round", entity_id=round_.id, event=event, detail=detail
        )
    )


def find_round(
    session: Session, *, plan: Plan | None = None, round_id: int | None = None, state: str | None = "open"
) -> Round:
    """The round `round_id`, else the plan's latest round in `state` (None: its open one, else its latest).

    Raises NotFound (one line) when there is none.
    """
    if round_id is not None:
        round_ = session.get(Round, round_id)
        if round_ is None or round_.kind != "collection":
            raise NotFound(f"no round {round_id}: `collector round list` shows the rounds")
        return round_
    if plan is None:
        raise UserError("say which round: --plan PLAN or --round ID")
    query = select(Round).where(Round.plan_id == plan.id, Round.kind == "collection")
    if state is not None:
        query = query.where(Round.state == state)
    else:
        query = query.order_by((Round.state == "open").desc())
    round_ = session.scalar(query.order_by(Round.id.desc()))
    if round_ is None:
        what = f"{state} round" if state else "round yet"
        raise NotFound(f"plan {plan.name} has no {what}: `collector round list --plan {plan.name}`")
    return round_


def close_round(
    session: Session, round_: Round, *, clock: Clock, actor: str, via: str = "cli", reason: str = ""
) -> None:
    if round_.state == "closed":
        raise UserError(f"round #{round_.id} {round_.name!r} is already closed")
    now = clock.now()
    round_.state, round_.closed_at = "closed", now
    _audit(session, round_, now, actor, via, "round.closed", reason=reason or "closed by hand")


def reopen_round(
    session: Session,
    round_: Round,
    *,
    clock: Clock,
    actor: str,
    closes: date | None = None,
    default_tz: str = "Europe/London",
) -> None:
    """Open a closed round again (replies keep counting in it); closes is its new closing day, if any."""
    if round_.state == "open":
        raise UserError(f"round #{round_.id} {round_.name!r} is already open")
    plan = session.get_one(Plan, round_.plan_id)
    if (current := open_round_of(session, plan)) is not None:
        raise UserError(
            f"plan {plan.name} already has an open round: #{current.id} {current.name!r}; close it first"
        )
    now, tz = clock.now(), zone(plan.timezone, default_tz)
    if closes is not None and closes < local_date(now, tz):
        raise UserError(f"the new closing day {closes} has already passed")
    round_.state, round_.closed_at, round_.reopened_at = "open", None, now
    # The old closing instant has passed: keeping it would have the next tick close the round again.
    round_.closes_at = end_of_day(closes, tz) if closes else None
    _audit(
        session, round_, now, actor, "cli", "round.reopened", closes=closes.isoformat() if closes else None
    )


@dataclass
class PromptRow:
    """One prompt as `round status` shows it."""

    prompt_id: int
    lead: str
    channel: str  # the person's channel ("email", "slack")
    via: str | None  # the channel that carried the prompt, when another stood in for it ("outbox")
    status: str  # "pending" | "sent" | "failed"
    sent_at: datetime | None
    reminders: int
    asked: int
    answered: int
    last_activity: datetime | None
    failure: str | None = None
    escalated_at: datetime | None = None


@dataclass
class RoundStatus:
    round: Round
    plan: Plan
    rows: list[PromptRow]
    unreachable: list[dict[str, Any]]
    problems: list[str]  # failed and abandoned deliveries, in plain words
    actions_asked: int = 0  # distinct actions (an action with two leads counts once)
    actions_answered: int = 0

    @property
    def totals(self) -> dict[str, int]:
        return {
            "prompts": len(self.rows),
            "sent": sum(r.status == "sent" for r in self.rows),
            "failed": sum(r.status == "failed" for r in self.rows),
            "pending": sum(r.status == "pending" for r in self.rows),
            "asked": self.actions_asked,
            "answered": self.actions_answered,
            "complete": sum(r.asked == r.answered for r in self.rows),
            "cannot_prompt": len(self.unreachable),
        }


def round_status(session: Session, round_: Round) -> RoundStatus:
    """Every prompt of the round with its delivery, reminders and answers, and what went wrong."""
    prompts = list(session.scalars(select(Prompt).where(Prompt.round_id == round_.id).order_by(Prompt.id)))
    by_prompt: dict[int, list[int]] = defaultdict(list)
    pairs = (
        select(PromptAction.prompt_id, PromptAction.action_id)
        .join(Prompt)
        .where(Prompt.round_id == round_.id)
    )
    for prompt_id, action_id in session.execute(pairs):
        by_prompt[prompt_id].append(action_id)
    latest_update: dict[int, datetime] = {}
    for action_id, at in session.execute(
        select(Update.action_id, Update.created_at).where(Update.round_id == round_.id)
    ):
        latest_update[action_id] = max(at, latest_update.get(action_id, at))
    deliveries = list(
        session.scalars(select(Delivery).where(Delivery.round_id == round_.id).order_by(Delivery.id))
    )
    names = {p.id: p.lead_label for p in prompts}
    rows = []
    for prompt in prompts:
        mine = [d for d in deliveries if d.prompt_id == prompt.id]
        first = next((d for d in mine if d.kind == "prompt" and d.state == "sent"), None)
        asked = by_prompt.get(prompt.id, [])
        times = [t for t in (prompt.sent_at, prompt.responded_at, *(d.sent_at for d in mine)) if t]
        times += [latest_update[a] for a in asked if a in latest_update]
        rows.append(
            PromptRow(
                prompt_id=prompt.id,
                lead=prompt.lead_label,
                channel=prompt.channel,
                via=first.channel if first is not None and first.channel != prompt.channel else None,
                status=prompt.status,
                sent_at=prompt.sent_at,
                reminders=sum(d.kind == "reminder" and d.state == "sent" for d in mine),
                asked=len(asked),
                answered=sum(a in latest_update for a in asked),
                last_activity=max(times) if times else None,
                failure=prompt.failure,
                escalated_at=prompt.escalated_at,
            )
        )
    problems = [
        f"{d.kind} to {names.get(d.prompt_id) or _person_name(session, d.person_id)}: {d.state}"
        + (f" ({d.error})" if d.error else "")
        for d in deliveries
        if d.state in ("failed", "abandoned", "retry")
    ]
    rows.sort(key=lambda r: natural_key(r.lead))
    plan = session.get_one(Plan, round_.plan_id)
    asked_ids = {a for ids in by_prompt.values() for a in ids}
    answered = len(asked_ids & latest_update.keys())
    return RoundStatus(round_, plan, rows, list(round_.unreachable or []), problems, len(asked_ids), answered)


def _person_name(session: Session, person_id: int | None) -> str:
    person = session.get(Person, person_id) if person_id else None
    return person.display if person else "nobody"


def list_rounds(session: Session, plan: Plan | None = None) -> list[tuple[Round, Plan, int]]:
    """Collection rounds, newest first, with their plan and number of prompts."""
    count = select(func.count(Prompt.id)).where(Prompt.round_id == Round.id).scalar_subquery()
    query = select(Round, Plan, count).join(Plan, Round.plan_id == Plan.id).where(Round.kind == "collection")
    if plan is not None:
        query = query.where(Round.plan_id == plan.id)
    return [(r, p, n) for r, p, n in session.execute(query.order_by(Round.opened_at.desc(), Round.id.desc()))]
