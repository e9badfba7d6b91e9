"""A prompt as its Slack messages show it: loaded from the store, and refreshed in place after an answer.

The messages are rebuilt from the database every time (never patched from a payload), so whatever path an
answer took (a select, a modal, a plain-text reply, an email, the CLI), the lead's messages end up showing
what is on the record. The lead's update-page link is never stored: a prompt sent carries it on its message
(the LinkingChannel around Slack's channel adds it), and a rebuild makes it again from the reply token and
the settings, so an answer never takes the button away.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from slack_sdk.errors import SlackApiError
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.blocks.prompt import PromptView, Recorded, prompt_messages
from bot.context import Bot
from bot.ids import parse_posted
from collector.channels import messages
from collector.channels.protocol import PromptMessage
from collector.core.links import lead_links
from store.db import session_scope
from store.models.directory import Person
from store.models.plans import Action, Plan
from store.models.rounds import Prompt, PromptAction, Round
from store.models.updates import Update

log = logging.getLogger(__name__)


def by_token(session: Session, token: str) -> Prompt | None:
    return session.scalar(select(Prompt).where(Prompt.token == token))


def recorded(session: Session, prompt: Prompt) -> dict[int, Recorded]:
    """The latest update this round for each of the prompt's actions, as the lead reads it back."""
    asked = select(PromptAction.action_id).where(PromptAction.prompt_id == prompt.id)
    rows = session.scalars(
        select(Update)
        .where(Update.round_id == prompt.round_id, Update.action_id.in_(asked))
        .order_by(Update.created_at, Update.id)
    )
    latest = {u.action_id: u for u in rows}
    names = {
        p.id: p.display
        for p in session.scalars(
            select(Person).where(Person.id.in_({u.submitted_by_id for u in latest.values()}))
        )
    }
    return {
        action_id: Recorded(
            status=u.status,
            progress=u.progress or "",
            revised_target=u.revised_target_text,
            evidence=tuple(u.evidence or ()),
            by=names.get(u.submitted_by_id)
            if u.submitted_by_id is not None and u.submitted_by_id != prompt.person_id
            else None,
        )
        for action_id, u in latest.items()
    }


def view_of(session: Session, prompt: Prompt, message: PromptMessage | None = None) -> PromptView | None:
    """The prompt's view; `message` (a reminder's, with only the unanswered items) when given, whose link
    it shows."""
    message = message or messages.prompt_message(session, prompt)
    if message is None:
        return None
    round_ = session.get_one(Round, prompt.round_id)
    plan = session.get_one(Plan, round_.plan_id)
    return PromptView(
        kind=message.kind,
        token=prompt.token,
        lead=message.recipient.name,
        plan_title=message.plan_title,
        round_name=message.round_name,
        due=message.due,
        items=message.items,
        recorded=recorded(session, prompt),
        labels=dict(plan.status_labels or {}),
        open=round_.state == "open",
        link=message.link,
    )


def refresh(bot: Bot, prompt_id: int) -> int:
    """Update the prompt's messages in place to show what is recorded (and the lead's link, made again
    from the reply token); how many messages were updated. A failure is logged, not raised: the answer is
    already on the record, only its echo is late."""
    with session_scope(bot.engine, read_only=True) as s:
        prompt = s.get(Prompt, prompt_id)
        posted = parse_posted(prompt.message_id) if prompt else None
        view = view_of(s, prompt) if posted and prompt else None
    if posted is None or view is None:
        return 0
    link = lead_links(bot.settings)
    if link is not None:
        view = replace(view, link=link(view.token))
    done = 0
    for ts, message in zip(posted.ts, prompt_messages(view), strict=False):
        try:
            bot.client.chat_update(
                channel=posted.channel, ts=ts, text=message["text"], blocks=message["blocks"]
            )
            done += 1
        except SlackApiError as exc:
            log.warning("prompt %s: chat.update %s failed: %s", prompt_id, ts, exc.response.get("error"))
    return done


def action_ids_by_ref(session: Session, prompt_id: int) -> dict[str, int]:
    """The prompt's actions by their ref as intake matches them (the action's own ref)."""
    query = (
        select(Action.ref, Action.id)
        .join(PromptAction, PromptAction.action_id == Action.id)
        .where(PromptAction.prompt_id == prompt_id)
    )
    return {ref: id_ for ref, id_ in session.execute(query)}
