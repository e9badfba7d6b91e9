"""Where each action stood at each round: the latest update per round, with statuses carried forward.

Updates are append-only and the latest one in a round counts (docs/architecture.md); a round that says
nothing about an action, or says "no change", leaves its status where the last round put it. The same walk
gives the trend chart (the status mix at every round) and this round's row, so they never disagree.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import Action, Round, Update

CLOSED = ("completed", "withdrawn")


@dataclass(frozen=True)
class State:
    """An action as it stood at the end of one round."""

    status: str | None  # carried forward; None until someone reports one
    status_round: str | None  # the round that set it
    revised_text: str | None  # the latest revised target reported so far
    revised_date: date | None
    update: Update | None  # this round's counting update, if any


def latest_updates(session: Session, plan_id: int, round_ids: list[int]) -> dict[tuple[int, int], Update]:
    """(action id, round id) -> the update that counts: the latest one in that round."""
    if not round_ids:
        return {}
    rows = session.scalars(
        select(Update)
        .join(Action, Update.action_id == Action.id)
        .where(Action.plan_id == plan_id, Update.round_id.in_(round_ids))
        .order_by(Update.created_at, Update.id)
    )
    return {(u.action_id, u.round_id): u for u in rows}  # later rows overwrite earlier: the latest wins


def timelines(
    action_ids: list[int], rounds: list[Round], counting: dict[tuple[int, int], Update]
) -> dict[int, list[State]]:
    """Each action's State at every round in `rounds` (oldest first)."""
    out: dict[int, list[State]] = defaultdict(list)
    for action_id in action_ids:
        status = status_round = revised_text = None
        revised_date = None
        for round_ in rounds:
            update = counting.get((action_id, round_.id))
            if update is not None:
                if update.status and update.status != "no_change":
                    status, status_round = update.status, round_.name
                if update.revised_target_text or update.revised_target_date:
                    revised_text = update.revised_target_text
                    revised_date = update.revised_target_date
            out[action_id].append(State(status, status_round, revised_text, revised_date, update))
    return out
