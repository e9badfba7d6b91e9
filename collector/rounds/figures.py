"""Round figures by definition, from one place: each action's state in a round and each lead's own answers.

Every figure a person reads about a round (the report's table, chart, response rates and "who did not
answer" in every format, `collector round status`, the Slack Home tab) is counted from what this module
returns, so no two of them can disagree.

In a round, an action is exactly one of:
  answered   its own update this round gives a status ("no change" carries the one last reported)
  no_status  its own update gives none, or says "no change" with no earlier status to carry
  covered    no update of its own, but an action it is an item of was answered as a whole
  no_answer  due an update (below) and nothing came, of its own or through its action
  not_asked  not due an update and nothing came (an action closed earlier keeps its closing status)
An action is due an update ("expected") in a collection round when one of the round's prompts asked about it
and it was open (not completed or withdrawn) and in the plan when the round opened.

A lead's response counts only their OWN answers, their delegate's or a coordinator's on their behalf
(Update.submitted_for_id, else submitted_by_id): a co-lead's answer covers the ACTION for the report, but is
not the other lead's response. An answer to a whole action is its lead's answer for each of its items. An
update nobody is named on (a coordinator typed it without --by) counts for every lead asked about it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models.plans import Action, Plan
from store.models.rounds import Prompt, PromptAction, Round
from store.models.updates import Update
from store.queries import PlanTree, load_tree, natural_key

ANSWERED, NO_STATUS, COVERED = "answered", "no_status", "covered"
NO_ANSWER, NOT_ASKED = "no_answer", "not_asked"
RESPONDED = (ANSWERED, NO_STATUS, COVERED)  # the action has an answer this round, its own or its action's
CLOSED = ("completed", "withdrawn")
NO_CHANGE = "no_change"


@dataclass(frozen=True)
class State:
    """An action as it stood at the end of one round (statuses and targets carried forward)."""

    status: str | None  # carried forward; None until someone reports one
    status_round: str | None  # the round that set it
    revised_text: str | None  # the latest revised target reported so far
    revised_date: date | None
    update: Update | None  # this round's counting update (the latest in the round), if any


@dataclass(frozen=True)
class ActionFigure:
    """One action in one round: its state, whether it was due an update, and what covers it."""

    action_id: int
    state: str
    expected: bool
    now: State
    before: State | None  # as it stood at the end of the previous round
    cover: int | None = None  # the action answered as a whole whose answer covers this one

    @property
    def answered(self) -> bool:
        return self.state in RESPONDED

    @property
    def shown(self) -> str:
        """The status a reader sees this round, as the status mix counts it: a status value, "no_status",
        "covered", or "none" (no update; an action closed earlier shows its closing status instead)."""
        if self.state == ANSWERED:
            return self.now.status or "none"
        if self.state in (NO_STATUS, COVERED):
            return self.state
        return self.now.status if self.now.status in CLOSED else "none"


@dataclass(frozen=True)
class LeadFigure:
    """One lead asked in the round (one prompt) and how many of the actions asked they answered themselves."""

    lead: str
    prompt_id: int | None
    asked: int
    answered: int

    @property
    def percent(self) -> float:
        return 100.0 * self.answered / self.asked if self.asked else 0.0


@dataclass
class RoundFigures:
    """A round's figures: every action's, and every lead's own."""

    round: Round | None
    actions: dict[int, ActionFigure]  # in the plan's reading order
    leads: list[LeadFigure] = field(default_factory=list)  # by response rate, then name

    @property
    def expected(self) -> int:
        return sum(f.expected for f in self.actions.values())

    @property
    def answered(self) -> int:
        return sum(f.expected and f.answered for f in self.actions.values())

    @property
    def answered_without_status(self) -> int:
        return sum(f.expected and f.state == NO_STATUS for f in self.actions.values())

    @property
    def not_answered(self) -> list[str]:
        """Leads asked about something who answered none of it themselves."""
        return sorted((f.lead for f in self.leads if f.asked and not f.answered), key=str.casefold)

    def lead(self, prompt_id: int) -> LeadFigure | None:
        return next((f for f in self.leads if f.prompt_id == prompt_id), None)

    def mix(self) -> Counter[str]:
        """How many actions show each status (ActionFigure.shown)."""
        return Counter(f.shown for f in self.actions.values())


@dataclass
class PlanFigures:
    """The figures of one round (the last of `rounds`) and the status mix at every earlier one."""

    rounds: list[Round]
    order: list[Action]
    timelines: dict[int, list[State]]
    current: RoundFigures

    def mix_at(self, index: int) -> Counter[str]:
        if index == len(self.rounds) - 1:
            return self.current.mix()
        return RoundFigures(self.rounds[index], _states(self.order, self.timelines, index, set())).mix()


def plan_rounds(session: Session, plan_id: int) -> list[Round]:
    """The plan's rounds, oldest first (the imported baseline, then each collection)."""
    query = select(Round).where(Round.plan_id == plan_id).order_by(Round.opened_at, Round.id)
    return list(session.scalars(query))


def walk(tree: PlanTree) -> list[tuple[Action, int | None, int]]:
    """Every live action in reading order, an action before its items: (action, its top-level action's
    section id, depth)."""
    out: list[tuple[Action, int | None, int]] = []
    stack: list[tuple[Action, int | None, int]] = [(a, a.section_id, 0) for a in tree.children.get(None, [])]
    stack.reverse()
    while stack:
        action, section_id, depth = stack.pop()
        out.append((action, section_id, depth))
        children = tree.children.get(action.id, [])
        stack.extend((child, section_id, depth + 1) for child in reversed(children))
    return out


def plan_figures(session: Session, plan_id: int, rounds: list[Round], order: list[Action]) -> PlanFigures:
    """Figures for the last of `rounds` (the plan's rounds up to it, oldest first) over the actions in
    `order` (reading order, from walk()). A fixed number of queries, whatever the plan's size."""
    counting, answerers = _updates(session, plan_id, [r.id for r in rounds])
    lines = timelines([a.id for a in order], rounds, counting)
    if not rounds:
        return PlanFigures(rounds, order, lines, RoundFigures(None, {}))
    current, index = rounds[-1], len(rounds) - 1
    prompts = _prompts(session, current) if current.kind == "collection" else []
    asked = {a for _p, _l, ids in prompts for a in ids}
    states = _states(order, lines, index, asked)
    parents = {a.id: a.parent_id for a in order}
    leads = []
    for prompt, label, ids in prompts:
        mine = [a for a in ids if a in states and states[a].expected]
        own = sum(_own(a, prompt.person_id, parents, answerers, current.id) for a in mine)
        leads.append(LeadFigure(label, prompt.id, len(mine), own))
    leads.sort(key=lambda f: (f.percent, natural_key(f.lead)))
    return PlanFigures(rounds, order, lines, RoundFigures(current, states, leads))


def round_figures(session: Session, round_: Round) -> RoundFigures:
    """The figures of one round, over the plan's live actions (what `round status` and Home show)."""
    plan = session.get_one(Plan, round_.plan_id)
    rounds = plan_rounds(session, plan.id)
    upto = rounds[: rounds.index(round_) + 1]
    order = [a for a, _s, _d in walk(load_tree(session, plan, with_updates=False))]
    return plan_figures(session, plan.id, upto, order).current


def timelines(
    action_ids: list[int], rounds: list[Round], counting: dict[tuple[int, int], Update]
) -> dict[int, list[State]]:
    """Each action's State at every round in `rounds` (oldest first): a round that says nothing about an
    action, gives no status or says "no change" leaves its status where the last round put it."""
    out: dict[int, list[State]] = defaultdict(list)
    for action_id in action_ids:
        status = status_round = revised_text = None
        revised_date = None
        for round_ in rounds:
            update = counting.get((action_id, round_.id))
            if update is not None:
                if update.status and update.status != NO_CHANGE:
                    status, status_round = update.status, round_.name
                if update.revised_target_text or update.revised_target_date:
                    revised_text = update.revised_target_text
                    revised_date = update.revised_target_date
            out[action_id].append(State(status, status_round, revised_text, revised_date, update))
    return out


def _states(
    order: list[Action], lines: dict[int, list[State]], index: int, asked: set[int]
) -> dict[int, ActionFigure]:
    """Each action's ActionFigure at round `index`; `order` puts an action before its items, so an item
    sees its action's figure (and is covered by its answer) before its own is decided."""
    out: dict[int, ActionFigure] = {}
    for action in order:
        steps = lines[action.id]
        now, before = steps[index], (steps[index - 1] if index else None)
        closed_before = before is not None and before.status in CLOSED
        expected = action.id in asked and not closed_before
        parent = out.get(action.parent_id) if action.parent_id is not None else None
        if now.update is not None:
            state, cover = (ANSWERED if _gives_status(now) else NO_STATUS), None
        elif parent is not None and parent.answered and not closed_before:
            state, cover = COVERED, parent.cover or parent.action_id
        else:
            state, cover = (NO_ANSWER if expected else NOT_ASKED), None
        out[action.id] = ActionFigure(action.id, state, expected, now, before, cover)
    return out


def _gives_status(now: State) -> bool:
    """Did this round's own update give a status? "No change" does when there is one to carry."""
    value = now.update.status if now.update is not None else None
    if value == NO_CHANGE:
        return now.status is not None
    return bool(value)


def _own(
    action_id: int,
    person_id: int | None,
    parents: dict[int, int | None],
    answerers: dict[tuple[int, int], set[int | None]],
    round_id: int,
) -> bool:
    """Did this lead answer this action themselves, or the whole action it is an item of?"""
    at: int | None = action_id
    while at is not None:
        who = answerers.get((at, round_id), set())
        if None in who or (person_id is not None and person_id in who):
            return True
        at = parents.get(at)
    return False


def _updates(
    session: Session, plan_id: int, round_ids: list[int]
) -> tuple[dict[tuple[int, int], Update], dict[tuple[int, int], set[int | None]]]:
    """(action id, round id) -> the update that counts (the latest in the round), and -> whom the round's
    updates on it were by or for (every one of them: a correction does not unmake the first answer)."""
    if not round_ids:
        return {}, {}
    rows = session.scalars(
        select(Update)
        .join(Action, Update.action_id == Action.id)
        .where(Action.plan_id == plan_id, Update.round_id.in_(round_ids))
        .order_by(Update.created_at, Update.id)
    )
    counting: dict[tuple[int, int], Update] = {}
    answerers: dict[tuple[int, int], set[int | None]] = defaultdict(set)
    for update in rows:
        key = (update.action_id, update.round_id)
        counting[key] = update  # later rows overwrite earlier: the latest wins
        answerers[key].add(update.submitted_for_id or update.submitted_by_id)
    return counting, answerers


def _prompts(session: Session, round_: Round) -> list[tuple[Prompt, str, list[int]]]:
    """The round's prompts with the lead's name as the round shows it and the actions each asked about."""
    prompts = list(session.scalars(select(Prompt).where(Prompt.round_id == round_.id).order_by(Prompt.id)))
    asked: dict[int, list[int]] = defaultdict(list)
    pairs = select(PromptAction.prompt_id, PromptAction.action_id).join(Prompt)
    for prompt_id, action_id in session.execute(pairs.where(Prompt.round_id == round_.id)):
        asked[prompt_id].append(action_id)
    return [(p, p.lead_label or f"Lead #{p.person_id}", asked.get(p.id, [])) for p in prompts]
