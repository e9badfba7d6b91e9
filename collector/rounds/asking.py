"""Who a round asks about what: the open actions of a plan (or a subset), the unit each lead answers for,
and the people those leads resolve to with the channel each can be reached on.

Each person leading an OPEN action (live, and whose latest reported status, the imported baseline
included, is neither completed nor withdrawn) is asked, directly or through a team (its contact, or each
member when the team says so or has no contact: store/teams.py). An action with several leads asks each.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from collector.core.errors import UserError
from collector.core.vocabulary import Status
from store.models.directory import Person, Team
from store.models.plans import Action, ActionLead, Plan
from store.models.updates import Update
from store.people import contact_channel, unreachable_reason
from store.queries import PlanTree, lead_name, natural_key
from store.teams import team_channel, team_unreachable_reason

CLOSED_STATUSES = {Status.COMPLETED.value, Status.WITHDRAWN.value}


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


def open_action_ids(session: Session, plan: Plan) -> set[int]:
    """Live actions whose latest status (across all rounds, the baseline included) leaves them open."""
    latest: dict[int, str | None] = {}
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
    whole, with its items listed (collector.channels.messages). Never both: asking a lead about 2.7 and again
    about
    2.7 a), b) and c) is four questions for one piece of work.
    """
    out: list[tuple[Action, list[ActionLead], int | None]] = []
    stack: list[tuple[Action, list[ActionLead], int | None]] = [
        (a, [], None) for a in reversed(tree.children.get(None, []))
    ]
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


def in_subset(
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


def who_is_asked(
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
