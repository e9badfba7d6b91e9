"""What a round looks like now: each prompt with its delivery, reminders and answers, and what went wrong
(`collector round status`); and the list of rounds (`collector round list`).

The answer figures (each lead's own, the actions asked and answered) are collector/figures.py's, the same
the report and the Slack Home tab show.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from collector.figures import round_figures
from store.models import Delivery, Person, Plan, Prompt, PromptAction, Round, Update
from store.queries import natural_key


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
    actions_asked: int = 0  # distinct actions due an update (an action with two leads counts once)
    actions_answered: int = 0  # of those, answered by any lead, or through their action as a whole

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
    figures = round_figures(session, round_)
    rows = []
    for prompt in prompts:
        own = figures.lead(prompt.id)
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
                asked=own.asked if own is not None else 0,
                answered=own.answered if own is not None else 0,  # this lead's own answers
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
    unreachable = list(round_.unreachable or [])
    return RoundStatus(round_, plan, rows, unreachable, problems, figures.expected, figures.answered)


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
