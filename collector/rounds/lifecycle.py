"""A round's lifecycle: who is asked about what when it opens, closing, reopening, finding one.

Opening decides everything the round will ask and writes it down (prompts, the actions of each, who could
not be reached); it sends nothing. Sending is the delivery engine's claim-and-do work
(collector/rounds/delivery.py), run right after `collector round open` and by the scheduler, so a crash
between the two loses nothing.

Who is asked about what is collector/rounds/asking.py's; how a round stands is collector/rounds/status.py's.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from collector.core.clock import Clock
from collector.core.errors import NotFound, UserError
from collector.core.workdays import end_of_day, local_date, zone
from collector.rounds.asking import Ask, Unreachable, in_subset, open_action_ids, who_is_asked
from store.audit import audit
from store.models.base import table_of
from store.models.plans import Plan
from store.models.rounds import Prompt, PromptAction, Round
from store.queries import load_tree

_SEASONS = {12: "Winter", 1: "Winter", 2: "Winter", 3: "Spring", 4: "Spring", 5: "Spring"}
_SEASONS |= {6: "Summer", 7: "Summer", 8: "Summer", 9: "Autumn", 10: "Autumn", 11: "Autumn"}


def new_token() -> str:
    """An unguessable reply token: 144 random bits, 24 characters of [A-Za-z0-9_-] (fits progress+TOKEN@)."""
    return secrets.token_urlsafe(18)


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
    chosen = in_subset(tree, subset or {}, open_action_ids(session, plan))
    asks, unreachable = who_is_asked(tree, chosen)
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
    session.execute(table_of(PromptAction).insert(), rows)
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
    audit(
        session, at=now, actor=actor, via=via, entity="round", entity_id=round_.id, event=event, detail=detail
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
