"""App Home: built from the store for whoever opens it, and published with views.publish.

A lead sees their actions with the status on record and an Update button for each action an open round asks
them about. A coordinator also sees the open rounds with their response rates and the review queue, with
buttons to apply an item as the parser read it or reject it.
"""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import prompts
from bot.blocks.common import item_value
from bot.blocks.home import HOME_REVIEW_ITEMS, LeadAction, ReviewLine, RoundLine, home_view
from bot.context import Bot
from collector.replies import review
from collector.rounds.status import delivery_line, round_status
from store.db import session_scope
from store.models.directory import Person
from store.models.plans import Action, ActionLead, Plan
from store.models.rounds import Prompt, Round
from store.models.updates import Update

log = logging.getLogger(__name__)


def publish(bot: Bot, user: str) -> None:
    person = bot.directory.person_for(user)
    coordinator = bot.directory.is_coordinator(user)
    with session_scope(bot.engine, read_only=True) as s:
        lead = _lead(s, person) if person is not None else None
        rounds = _rounds(s) if coordinator else None
        queue = _review(s) if coordinator else None
        total = len(review.pending(s)) if coordinator else 0
    view = home_view(lead, rounds, queue, review_total=total)
    try:
        bot.client.views_publish(user_id=user, view=view)
    except SlackApiError as exc:
        log.warning("views.publish for %s failed: %s", user, exc.response.get("error"))


def _lead(s: Session, person_id: int) -> list[LeadAction]:
    out: list[LeadAction] = []
    seen: set[int] = set()
    open_prompts = s.scalars(
        select(Prompt)
        .join(Round, Prompt.round_id == Round.id)
        .where(Prompt.person_id == person_id, Round.state == "open", Round.kind == "collection")
        .order_by(Prompt.id)
    )
    for prompt in open_prompts:
        view = prompts.view_of(s, prompt)
        if view is None:
            continue
        for item in view.items:
            recorded = view.recorded.get(item.action_id)
            status = recorded.status if recorded else item.last_status
            out.append(
                LeadAction(item.ref, item.text, status, item.target, item_value(prompt.token, item.action_id))
            )
            seen.add(item.action_id)
    led = s.scalars(
        select(Action)
        .join(ActionLead, ActionLead.action_id == Action.id)
        .where(ActionLead.person_id == person_id, Action.retired_at.is_(None))
        .order_by(Action.plan_id, Action.id)
    )
    for action in led:
        if action.id in seen:
            continue
        latest = s.scalar(
            select(Update.status)
            .where(Update.action_id == action.id, Update.status.is_not(None))
            .order_by(Update.created_at.desc(), Update.id.desc())
            .limit(1)
        )
        out.append(LeadAction(action.ref, action.text, latest, action.target_text, None))
    return out


def _rounds(s: Session) -> list[RoundLine]:
    out = []
    query = select(Round, Plan).join(Plan, Round.plan_id == Plan.id)
    for round_, plan in s.execute(
        query.where(Round.state == "open", Round.kind == "collection").order_by(Round.id)
    ):
        st = round_status(s, round_)
        t = st.totals
        out.append(
            RoundLine(
                round_.name,
                plan.title,
                round_.due_date,
                t["complete"],
                t["prompts"],
                t["answered"],
                t["asked"],
                delivery_line(t),
            )
        )
    return out


def _review(s: Session) -> list[ReviewLine]:
    out = []
    for item in review.pending(s)[:HOME_REVIEW_ITEMS]:
        sender = s.get(Person, item.person_id) if item.person_id else None
        who = sender.display if sender else "unknown sender"
        text = (item.parsed or {}).get("text", "")
        can = bool(review.parsed_updates(item)) and item.prompt_id is not None
        out.append(ReviewLine(item.id, who, item.reason or "", text, can))
    return out
