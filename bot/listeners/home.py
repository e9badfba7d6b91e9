"""App Home: published when opened; the coordinators' review buttons act on the queue and republish it."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App

from bot import home, ingest
from bot.answers import direct, send_receipt, store_once
from bot.context import Bot
from collector.core.errors import UserError
from collector.replies import review
from store.db import session_scope
from store.inbound import mark_applied, mark_rejected
from store.models.directory import Person
from store.models.records import InboundMessage

log = logging.getLogger(__name__)


def _ack(ack: Ack) -> None:
    ack()


def register(app: App, bot: Bot) -> None:
    @app.event("app_home_opened")
    def on_home(event: dict[str, Any]) -> None:
        if event.get("tab", "home") == "home" and event.get("user"):
            home.publish(bot, event["user"])

    def on_review(body: dict[str, Any]) -> None:
        _review(bot, body)

    app.action("review_apply")(ack=_ack, lazy=[on_review])
    app.action("review_reject")(ack=_ack, lazy=[on_review])


def _review(bot: Bot, body: dict[str, Any]) -> None:
    action = (body.get("actions") or [{}])[0]
    user = (body.get("user") or {}).get("id", "")
    say = direct(bot, user)
    stored = store_once(bot, body, ingest.action_id(body, action))
    if stored is None:
        return
    allowed = bot.directory.is_coordinator(user)
    person = bot.directory.person_for(user)
    receipt = None
    with session_scope(bot.engine) as s:
        mine = s.get_one(InboundMessage, stored.id)
        mine.person_id, mine.processed_at = person, bot.clock.now()
        known = s.get(Person, person) if person else None
        who = known.display if known else f"slack:{user}"
        item_id = int(action.get("value") or 0) if str(action.get("value") or "").isdigit() else 0
        try:
            if not allowed:
                raise UserError("only the plan's coordinators can act on the review queue")
            if action.get("action_id") == "review_apply":
                result = review.apply_item(s, item_id, coordinator=who, clock=bot.clock)
                receipt = (
                    (item_id, result.prompt.id, result.receipt) if result.prompt and result.receipt else None
                )
                done = f"Applied review item #{item_id}: {len(result.recorded)} updates recorded."
            else:
                review.reject_item(
                    s, item_id, reason=f"rejected in Slack by {who}", coordinator=who, clock=bot.clock
                )
                done = f"Rejected review item #{item_id}."
            mark_applied(mine, at=None, reason=done)
        except UserError as exc:
            mark_rejected(mine, at=None, reason=str(exc))
            done = f"Nothing done: {exc}."
    if receipt is not None:
        send_receipt(bot, *receipt)
    say(done)
    home.publish(bot, user)
