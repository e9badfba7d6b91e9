"""store -> ReportData: the one place a progress report is computed (renderers only read what it returns).

Every figure comes from collector/rounds/figures.py (each action's state this round, each lead's own
answers), the
same figures `round status` and the Slack Home tab show. A plan is read in a fixed number of queries
(store.queries.load_tree plus the rounds, their updates, the round's prompts and who submitted), so a
2,000-action plan with years of rounds compiles in well under a second; nothing here writes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from collector.core.errors import NotFound, UserError
from collector.rounds.figures import plan_figures, walk
from collector.rounds.figures import plan_rounds as _plan_rounds
from reports import summary as summarising
from reports.model import ReportData, Row, Section
from reports.rows import RowContext, build_row
from reports.safe import one_line
from store.models.directory import Person
from store.models.plans import Action, Plan
from store.models.rounds import Round
from store.models.updates import Update
from store.queries import PlanTree, lead_name, load_tree, qualified_ref

OTHER_SECTION = "Other actions"
# Columns the report shows in its own way; the plan's other columns (milestones, priority...) are kept.
CORE_FIELDS = ("ref", "action", "lead", "target", "status", "progress", "completed")


def plan_rounds(session: Session, plan: Plan) -> list[Round]:
    """The plan's rounds, oldest first (the imported baseline, then each collection)."""
    return _plan_rounds(session, plan.id)


def pick_round(rounds: list[Round], round_ref: str | None) -> int | None:
    """The index of the round `round_ref` names (its id or name), else of the latest; None if no rounds."""
    if not rounds:
        if round_ref:
            raise NotFound(f"the plan has no rounds yet, so there is no round {round_ref}")
        return None
    if round_ref is None:
        return len(rounds) - 1
    wanted = round_ref.strip()
    for index, round_ in enumerate(rounds):
        if str(round_.id) == wanted or round_.name.casefold() == wanted.casefold():
            return index
    names = ", ".join(f"{r.id} ({r.name})" for r in rounds)
    raise NotFound(f"the plan has no round {wanted}: its rounds are {names}")


def compile_report(
    session: Session,
    plan: Plan,
    round_ref: str | None = None,
    *,
    today: date,
    tz: ZoneInfo,
    exceptions: bool = False,
) -> ReportData:
    """The report for `plan` at one round (default: the latest), as of `today` in the plan's zone."""
    rounds = plan_rounds(session, plan)
    index = pick_round(rounds, round_ref)
    upto = rounds[: index + 1] if index is not None else []
    current = upto[-1] if upto else None
    previous = upto[-2] if len(upto) > 1 else None
    as_of = current.closed_at.astimezone(tz).date() if current and current.closed_at else today
    if current is not None and current.opened_at.astimezone(tz).date() > today:
        raise UserError(f"round {current.name} opens after {today:%d %B %Y}: nothing to report yet")

    tree = load_tree(session, plan, with_updates=False)
    ordered = walk(tree)
    figures = plan_figures(session, plan.id, upto, [a for a, _, _ in ordered])
    this_round = figures.current
    ctx = RowContext(
        round=current,
        previous=previous,
        as_of=as_of,
        tz=tz,
        labels=dict(plan.status_labels or {}),
        people=_people(session, [f.now.update for f in this_round.actions.values() if f.now.update]),
    )
    refs = tree.refs()
    rows_by_action: dict[int, Row] = {}
    names: dict[int, list[str]] = {}
    for action, _section_id, depth in ordered:
        own = [lead_name(lead, tree) or one_line(lead.label) for lead in tree.leads.get(action.id, [])]
        # A sub-action the plan gives no lead of its own is its parent's lead's (docs/architecture.md).
        names[action.id] = own or names.get(action.parent_id or -1, [])
        figure = this_round.actions.get(action.id)
        cover = refs.get(figure.cover) if figure is not None and figure.cover is not None else None
        rows_by_action[action.id] = build_row(
            action, refs[action.id], depth, names[action.id], figure, ctx, cover
        )
    rows = list(rows_by_action.values())
    sections = _sections(tree, ordered, rows_by_action, exceptions)
    actions = {action.id: action for action, _, _ in ordered}
    return ReportData(
        plan_id=plan.id,
        plan_name=plan.name,
        plan_title=one_line(plan.title),
        period=one_line(plan.period) or None,
        round_id=current.id if current else None,
        round_name=one_line(current.name) if current else "No rounds yet",
        round_kind=current.kind if current else None,
        round_opened=current.opened_at.astimezone(tz).date() if current else None,
        round_due=current.due_date if current else None,
        previous_round_name=one_line(previous.name) if previous else None,
        generated_on=today,
        as_of=as_of,
        exceptions=exceptions,
        sections=sections,
        summary=summarising.summarise(rows, this_round, ctx.labels, _unreachable(current)),
        trend=summarising.trend(figures),
        changes=summarising.changes(
            rows,
            previous.opened_at if previous else None,
            actions,
            _retired(session, plan, previous, current),
        )
        if previous is not None
        else [],
        legend=summarising.legend(ctx.labels),
        columns=_columns(plan),
    )


def _sections(
    tree: PlanTree, ordered: list[tuple[Action, int | None, int]], rows: dict[int, Row], exceptions: bool
) -> list[Section]:
    """Rows grouped under the plan's own sections, in the plan's order; unsectioned actions last."""
    sections = {s.id: Section(one_line(s.ref) or None, one_line(s.title), []) for s in tree.sections}
    other = Section(None, OTHER_SECTION if sections else "Actions", [])
    for action, section_id, _depth in ordered:
        row = rows[action.id]
        if exceptions and not row.is_exception:
            continue
        target = sections.get(section_id, other) if section_id is not None else other
        target.rows.append(row)
    found = [s for s in sections.values() if s.rows]
    if other.rows:
        found.append(other)
    return found


def _people(session: Session, updates: Iterable[Update]) -> dict[int, str]:
    ids: set[int] = set()
    for update in updates:
        ids.update(i for i in (update.submitted_by_id, update.submitted_for_id) if i)
    if not ids:
        return {}
    return {p.id: one_line(p.display) for p in session.scalars(select(Person).where(Person.id.in_(ids)))}


def _retired(
    session: Session, plan: Plan, previous: Round | None, current: Round | None
) -> list[tuple[str, str]]:
    """(ref, text) of actions a re-import removed between the previous round and this one."""
    if previous is None or current is None:
        return []
    query = select(Action).where(
        Action.plan_id == plan.id, Action.retired_at.is_not(None), Action.retired_at > previous.opened_at
    )
    if current.closed_at is not None:
        query = query.where(Action.retired_at <= current.closed_at)
    retired = list(session.scalars(query.order_by(Action.position, Action.id)))
    parents = {a.id: a.ref for a in retired}
    return [(qualified_ref(parents.get(a.parent_id or -1), a.ref), a.text) for a in retired]


def _unreachable(round_: Round | None) -> list[str]:
    """Leads the round could not ask at all (no address, no Slack), as fixed when it opened."""
    if round_ is None:
        return []
    out = []
    for entry in round_.unreachable or []:
        if isinstance(entry, dict) and entry.get("lead"):
            why = one_line(str(entry.get("why") or ""))
            out.append(f"{one_line(str(entry['lead']))} ({why})" if why else one_line(str(entry["lead"])))
    return out


def _columns(plan: Plan) -> list[str]:
    """The headers of the plan's other columns (kept as Action.fields), in the plan's order."""
    kept = [c for c in (plan.columns or []) if isinstance(c, dict) and c.get("field") not in CORE_FIELDS]
    return [one_line(str(c.get("header", ""))) for c in sorted(kept, key=lambda c: c.get("position", 0))]
