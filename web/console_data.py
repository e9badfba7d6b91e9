"""What the console's read-only pages show, read from the store: the plans a person may see with their
latest round's figures, and one plan's sections and actions with each action's latest status.

Every count comes from collector/rounds/figures.py, the one definition the report and `round status` use,
so the console cannot disagree with them.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from collector.core.vocabulary import Status, label
from collector.rounds.figures import plan_figures, plan_rounds, round_figures, walk
from store.models.plans import ActionLead, Plan
from store.queries import PlanTree, load_tree
from web.auth import Access


@dataclass(frozen=True)
class PlanRow:
    id: int
    title: str
    name: str
    round_name: str | None
    round_state: str | None
    expected: int
    answered: int
    not_answered: int  # leads asked who answered none of it themselves


@dataclass(frozen=True)
class ActionRow:
    ref: str
    text: str
    depth: int
    leads: str
    target: str
    status: str


@dataclass(frozen=True)
class SectionBlock:
    title: str
    actions: list[ActionRow]


@dataclass(frozen=True)
class PlanPage:
    id: int
    title: str
    period: str | None
    round_name: str | None
    sections: list[SectionBlock]


def plans(s: Session, who: Access) -> list[PlanRow]:
    query = select(Plan).order_by(Plan.title, Plan.id)
    if not who.admin:
        query = query.where(Plan.id.in_(who.plan_ids))
    rows = []
    for plan in s.scalars(query):
        rounds = plan_rounds(s, plan.id)
        latest = rounds[-1] if rounds else None
        if latest is None:
            rows.append(PlanRow(plan.id, plan.title, plan.name, None, None, 0, 0, 0))
            continue
        figures = round_figures(s, latest)
        rows.append(
            PlanRow(plan.id, plan.title, plan.name, latest.name, latest.state, figures.expected,
                    figures.answered, len(figures.not_answered))
        )  # fmt: skip
    return rows


def plan_page(s: Session, plan_id: int) -> PlanPage | None:
    plan = s.get(Plan, plan_id)
    if plan is None:
        return None
    tree = load_tree(s, plan, with_updates=False)
    order = walk(tree)
    rounds = plan_rounds(s, plan.id)
    figures = plan_figures(s, plan.id, rounds, [a for a, _s, _d in order]).current
    refs = tree.refs()
    labels = {str(k): str(v) for k, v in (plan.status_labels or {}).items()}
    statuses = {st.value for st in Status}
    titles = {sec.id: (f"{sec.ref} {sec.title}" if sec.ref else sec.title) for sec in tree.sections}
    blocks: dict[int | None, list[ActionRow]] = {}
    for action, section_id, depth in order:
        figure = figures.actions.get(action.id)
        status = figure.now.status if figure is not None else None
        leads = ", ".join(_lead_name(tree, lead) for lead in tree.leads.get(action.id, []))
        row = ActionRow(refs.get(action.id, action.ref), action.text, depth, leads, action.target_text or "",
                        label(Status(status), labels) if status in statuses else (status or ""))  # fmt: skip
        blocks.setdefault(section_id, []).append(row)
    sections = [SectionBlock(titles[sec.id], blocks.pop(sec.id, [])) for sec in tree.sections]
    sections += [SectionBlock("Other actions", rows) for rows in blocks.values() if rows]
    latest = rounds[-1].name if rounds else None
    return PlanPage(plan.id, plan.title, plan.period, latest, sections)


def _lead_name(tree: PlanTree, lead: ActionLead) -> str:
    """The person or team the lead was matched to, else the lead as the plan printed it."""
    if lead.person_id is not None and lead.person_id in tree.people:
        return tree.people[lead.person_id].display
    if lead.team_id is not None and lead.team_id in tree.teams:
        return tree.teams[lead.team_id].name
    return lead.label
