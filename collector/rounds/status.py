"""What a round looks like now: each prompt with its delivery, reminders and answers, and what went wrong
(`collector round status`); and the list of rounds (`collector round list`).

The answer figures (each lead's own, the actions asked and answered) are collector/rounds/figures.py's, the
same
the report and the Slack Home tab show.

Delivery is told as it happened, never rounded up to "sent" (`outcome` is the one rule): "sent" means a
configured channel (the relay, Slack) accepted it; "written" means it was written to var/outbox/ and NOT
sent (no channel is configured); "failed" a channel refused it; "unreachable" no configured channel can
reach the person; "stuck" claimed longer than the lease (its process died: it will be sent again);
"pending" not tried yet, or waiting to retry.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from collector.rounds.delivery import DEFAULT_LEASE
from collector.rounds.figures import round_figures
from store.models.directory import Person
from store.models.plans import Plan
from store.models.rounds import Delivery, Prompt, PromptAction, Round
from store.models.updates import Update
from store.queries import natural_key


@dataclass
class PromptRow:
    """One prompt as `round status` shows it."""

    prompt_id: int
    lead: str
    channel: str  # the person's channel ("email", "slack")
    via: str | None  # the channel that carried the prompt, when another stood in for it ("outbox")
    status: str  # "pending" | "sent" | "failed"
    delivery: str  # how the prompt went: an OUTCOMES word
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
    problems: list[str]  # failed, unreachable, stuck and abandoned deliveries, in plain words
    actions_asked: int = 0  # distinct actions due an update (an action with two leads counts once)
    actions_answered: int = 0  # of those, answered by any lead, or through their action as a whole
    messages: Counter[str] = field(default_factory=Counter)  # every message of the round, by outcome

    @property
    def totals(self) -> dict[str, int]:
        return {
            "prompts": len(self.rows),
            **{word: sum(r.delivery == word for r in self.rows) for word in OUTCOMES},
            "asked": self.actions_asked,
            "answered": self.actions_answered,
            "complete": sum(r.asked == r.answered for r in self.rows),
            "cannot_prompt": len(self.unreachable),
        }


OUTCOMES = ("sent", "written", "failed", "unreachable", "stuck", "pending")
OUTBOX_NOTE = "written to var/outbox/ (not sent)"


def outcome(d: Delivery, stale_before: datetime) -> str:
    """One send as an OUTCOMES word (the one place that says whether something was really sent)."""
    if d.state == "sent":
        return "written" if d.channel == "outbox" else "sent"
    if d.state == "failed":
        return "unreachable" if d.channel == "none" else "failed"
    if d.state == "abandoned":
        return "failed"
    if d.state == "claimed" and d.claimed_at < stale_before:
        return "stuck"
    return "pending"


def delivery_line(counts: Counter[str] | dict[str, int]) -> str:
    """'3 sent, 2 written to var/outbox/ (not sent), 1 unreachable': the outcomes that happened, in order."""
    words = {"written": OUTBOX_NOTE, "stuck": "stuck (will be sent again)"}
    parts = [f"{counts[w]} {words.get(w, w)}" for w in OUTCOMES if counts.get(w)]
    return ", ".join(parts) or "nothing sent yet"


def round_status(
    session: Session, round_: Round, *, now: datetime | None = None, lease: timedelta = DEFAULT_LEASE
) -> RoundStatus:
    """Every prompt of the round with its delivery, reminders and answers, and what went wrong. `now` and
    `lease` say which claims are stuck (claimed longer than the lease)."""
    stale_before = (now or datetime.now(UTC)) - lease
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
    names: dict[int | None, str] = {p.id: p.lead_label for p in prompts}
    figures = round_figures(session, round_)
    rows = []
    for prompt in prompts:
        answers = figures.lead(prompt.id)
        mine = [d for d in deliveries if d.prompt_id == prompt.id]
        first = next((d for d in mine if d.kind == "prompt" and d.state == "sent"), None)
        own = next((d for d in mine if d.kind == "prompt"), None)
        how = (
            outcome(own, stale_before)
            if own is not None
            else "failed"
            if prompt.status == "failed"
            else "pending"
        )
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
                delivery=how,
                sent_at=prompt.sent_at,
                reminders=sum(d.kind == "reminder" and d.state == "sent" for d in mine),
                asked=answers.asked if answers is not None else 0,
                answered=answers.answered if answers is not None else 0,  # this lead's own answers
                last_activity=max(times) if times else None,
                failure=prompt.failure,
                escalated_at=prompt.escalated_at,
            )
        )
    problems = [
        f"{d.kind} to {names.get(d.prompt_id) or _person_name(session, d.person_id)}: "
        + (outcome(d, stale_before) if d.state in ("failed", "claimed") else d.state)
        + (f" ({d.error})" if d.error else "")
        + (f" (claimed {d.claimed_at:%Y-%m-%d %H:%M} UTC)" if d.state == "claimed" else "")
        for d in deliveries
        if d.state in ("failed", "abandoned", "retry") or outcome(d, stale_before) == "stuck"
    ]
    messages = Counter(outcome(d, stale_before) for d in deliveries)
    rows.sort(key=lambda r: natural_key(r.lead))
    plan = session.get_one(Plan, round_.plan_id)
    lost = list(round_.unreachable or [])
    return RoundStatus(round_, plan, rows, lost, problems, figures.expected, figures.answered, messages)


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
