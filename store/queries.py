"""Reading plans back: find one, list them, the `plan show --json` contract, and who leads what.

Plans run to thousands of actions, so a plan is read as a handful of set queries (actions, leads, the
people and teams they point at, updates) and assembled in memory: never one query per action.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from collector.core.errors import NotFound
from collector.core.reply_dates import due_string
from store.models.directory import Person, Team
from store.models.plans import Action, ActionLead, Plan, Section
from store.models.rounds import Round
from store.models.updates import INCLUDE_WITHDRAWN, Update
from store.people import contact_channel, unreachable_reason
from store.teams import team_channel, team_unreachable_reason


def natural_key(ref: str) -> tuple[tuple[int, int, str], ...]:
    """Sort key that orders refs as people read them: "3.9" before "3.10", "2 a)" before "2 b)"."""
    parts = re.split(r"(\d+)", ref.casefold())
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts if p)


def qualified_ref(parent_ref: str | None, ref: str) -> str:
    """A sub-action's ref as a reader would quote it: "a)" under "2.3" is "2.3 a)"; "2.3.1" stays."""
    if not parent_ref or ref.startswith(parent_ref):
        return ref
    return f"{parent_ref} {ref}"


def find_plan(session: Session, ident: str) -> Plan:
    """The plan `ident` names: its id, or its name in any case."""
    ident = ident.strip()
    plan = session.get(Plan, int(ident)) if ident.isdigit() else None
    if plan is None:
        plan = session.scalar(select(Plan).where(func.lower(Plan.name) == ident.lower()))
    if plan is None:
        raise NotFound(f"no plan called {ident}: `collector plan list` shows the plans")
    return plan


def list_plans(session: Session) -> list[tuple[Plan, int]]:
    """Every plan with its number of live top-level actions, by name."""
    live = (
        select(func.count(Action.id))
        .where(Action.plan_id == Plan.id, Action.parent_id.is_(None), Action.retired_at.is_(None))
        .scalar_subquery()
    )
    return [(plan, count) for plan, count in session.execute(select(Plan, live).order_by(Plan.name))]


@dataclass
class PlanTree:
    """A plan's live actions and everything hanging off them, loaded in a fixed number of queries."""

    plan: Plan
    sections: list[Section]
    children: dict[int | None, list[Action]]  # parent id (None: top level) -> live actions in order
    leads: dict[int, list[ActionLead]]
    people: dict[int, Person]
    teams: dict[int, Team]
    updates: dict[int, list[tuple[Update, str]]] = field(default_factory=dict)  # action id -> (update, round)

    def refs(self) -> dict[int, str]:
        """Each live action's qualified ref (see qualified_ref), by action id."""
        out: dict[int, str] = {}
        stack: list[tuple[Action, str | None]] = [(a, None) for a in self.children.get(None, [])]
        while stack:
            action, parent_ref = stack.pop()
            out[action.id] = qualified_ref(parent_ref, action.ref)
            stack.extend((child, out[action.id]) for child in self.children.get(action.id, []))
        return out


def load_tree(session: Session, plan: Plan, *, with_updates: bool = True) -> PlanTree:
    live = (Action.plan_id == plan.id, Action.retired_at.is_(None))
    actions = session.scalars(select(Action).where(*live).order_by(Action.position, Action.id))
    children: dict[int | None, list[Action]] = defaultdict(list)
    for action in actions:
        children[action.parent_id].append(action)
    leads: dict[int, list[ActionLead]] = defaultdict(list)
    lead_rows = session.scalars(
        select(ActionLead).join(Action).where(*live).order_by(ActionLead.action_id, ActionLead.position)
    ).all()
    for lead in lead_rows:
        leads[lead.action_id].append(lead)
    person_ids = {lead.person_id for lead in lead_rows if lead.person_id is not None}
    team_ids = {lead.team_id for lead in lead_rows if lead.team_id is not None}
    teams = session.scalars(
        select(Team)
        .where(Team.id.in_(team_ids))
        .options(selectinload(Team.contact), selectinload(Team.members))
    )
    tree = PlanTree(
        plan=plan,
        sections=list(
            session.scalars(select(Section).where(Section.plan_id == plan.id).order_by(Section.position))
        ),
        children=children,
        leads=leads,
        people={p.id: p for p in session.scalars(select(Person).where(Person.id.in_(person_ids)))},
        teams={t.id: t for t in teams},
    )
    if with_updates:
        rows = session.execute(
            select(Update, Round.name)
            .join(Round, Update.round_id == Round.id)
            .join(Action, Update.action_id == Action.id)
            .where(*live)
            .order_by(Update.created_at, Update.id)
        )
        for update, round_name in rows:
            tree.updates.setdefault(update.action_id, []).append((update, round_name))
    return tree


def lead_name(lead: ActionLead, tree: PlanTree) -> str | None:
    """Who a lead is: the linked person's or team's name, else the plan's key, else the label if a name."""
    person = tree.people.get(lead.person_id) if lead.person_id else None
    team = tree.teams.get(lead.team_id) if lead.team_id else None
    if person is not None and person.name:
        return person.name
    if team is not None:
        return team.name
    if lead.code and (expansion := _expand(lead.code, tree.plan.lead_key or {})):
        return expansion
    if lead.label and lead.label != lead.code:
        return lead.label
    return None


def _expand(code: str, lead_key: dict[str, str]) -> str | None:
    """The plan key's name for a code, exactly as printed first, then ignoring case."""
    if code in lead_key:
        return lead_key[code]
    return next((name for key, name in lead_key.items() if key.casefold() == code.casefold()), None)


def plan_json(session: Session, plan: Plan) -> dict[str, Any]:
    """The `collector plan show --json` document (a contract: see docs/architecture.md)."""
    tree = load_tree(session, plan)
    section_refs = {s.id: s.ref for s in tree.sections}

    def action_json(action: Action) -> dict[str, Any]:
        has_target = action.target_text is not None or action.target_kind is not None
        return {
            "ref": action.ref,
            "section_ref": section_refs.get(action.section_id) if action.section_id else None,
            "text": action.text,
            "leads": [
                {"code": lead.code, "name": lead_name(lead, tree)} for lead in tree.leads.get(action.id, [])
            ],
            "target": {
                "text": action.target_text,
                "date": action.target_date.isoformat() if action.target_date else None,
                "kind": action.target_kind,
            }
            if has_target
            else None,
            "sub_actions": [action_json(child) for child in tree.children.get(action.id, [])],
            "updates": [
                _update_json(update, round_name) for update, round_name in tree.updates.get(action.id, [])
            ],
            "fields": dict(action.fields or {}),
        }

    return {
        "id": plan.id,
        "name": plan.name,
        "title": plan.title,
        "period": plan.period,
        "sections": [{"ref": s.ref, "title": s.title} for s in tree.sections],
        "actions": [action_json(action) for action in tree.children.get(None, [])],
    }


def _update_json(update: Update, round_name: str) -> dict[str, Any]:
    """One update in the contract; revised_due (YYYY-MM-DD when its words name a day, else YYYY-MM, or null)
    lets a revised target be checked without reading the database."""
    return {
        "status": update.status,
        "progress": update.progress,
        "reported": update.reported_text,
        "round": round_name,
        "via": update.via,
        "at": update.created_at.isoformat(),
        "revised_due": due_string(update.revised_target_text, update.revised_target_date),
    }


@dataclass
class LeadRow:
    """One lead of a plan (a person or a team) and whether a round could reach them."""

    label: str
    kind: str  # "person" | "team"
    name: str | None
    code: str | None
    email: str | None
    slack_user_id: str | None
    channel: str | None  # "email" | "slack" | "members" (a team prompted through its members) | None
    reachable: bool
    action_refs: list[str]
    why_not: str | None = None


def plan_leads(session: Session, plan: Plan) -> list[LeadRow]:
    """Everyone leading a live action of the plan, once each, with the refs they lead."""
    tree = load_tree(session, plan, with_updates=False)
    refs = tree.refs()
    rows: dict[tuple[str, Any], LeadRow] = {}
    for action_id, leads in tree.leads.items():
        for lead in leads:
            key: tuple[str, Any] = (
                ("person", lead.person_id)
                if lead.person_id
                else ("team", lead.team_id)
                if lead.team_id
                else ("nobody", lead.label.casefold())
            )
            if key not in rows:
                rows[key] = _lead_row(lead, tree)
            rows[key].action_refs.append(refs[action_id])
    for row in rows.values():
        row.action_refs = sorted(set(row.action_refs), key=natural_key)
    return sorted(rows.values(), key=lambda r: natural_key(r.name or r.label))


def _lead_row(lead: ActionLead, tree: PlanTree) -> LeadRow:
    if lead.team_id is not None:
        return _team_row(lead, tree.teams[lead.team_id])
    name = lead_name(lead, tree)
    person = tree.people.get(lead.person_id) if lead.person_id else None
    if person is None:
        return LeadRow(
            lead.label, "person", name, lead.code, None, None, None, False, [], "not matched to anyone"
        )
    channel = contact_channel(person)
    return LeadRow(
        label=lead.label,
        kind="person",
        name=name,
        code=person.code or lead.code,
        email=person.email,
        slack_user_id=person.slack_user_id,
        channel=channel,
        reachable=channel is not None,
        action_refs=[],
        why_not=None if channel else unreachable_reason(person),
    )


def _team_row(lead: ActionLead, team: Team) -> LeadRow:
    contact = team.contact
    channel = team_channel(team)
    why_not = None if channel else team_unreachable_reason(team)
    return LeadRow(
        label=lead.label,
        kind="team",
        name=team.name,
        code=team.code or lead.code,
        email=contact.email if contact is not None else None,
        slack_user_id=contact.slack_user_id if contact is not None else None,
        channel=channel,
        reachable=channel is not None,
        action_refs=[],
        why_not=why_not,
    )


def latest_in_round(session: Session, action_id: int, round_id: int) -> Update | None:
    """The update that counts for an action in a round: its latest one not withdrawn."""
    return session.scalar(
        select(Update)
        .where(Update.action_id == action_id, Update.round_id == round_id)
        .order_by(Update.created_at.desc(), Update.id.desc())
        .limit(1)
    )


def update_history(
    session: Session, plan_id: int, *, action_ids: list[int] | None = None, round_id: int | None = None
) -> list[tuple[Update, Action, Round]]:
    """Every update of a plan, withdrawn ones too (the history keeps them), oldest first."""
    query = (
        select(Update, Action, Round)
        .join(Action, Update.action_id == Action.id)
        .join(Round, Update.round_id == Round.id)
        .where(Action.plan_id == plan_id)
        .order_by(Update.created_at, Update.id)
        .execution_options(**{INCLUDE_WITHDRAWN: True})
    )
    if action_ids is not None:
        query = query.where(Update.action_id.in_(action_ids))
    if round_id is not None:
        query = query.where(Update.round_id == round_id)
    return [(u, a, r) for u, a, r in session.execute(query)]
