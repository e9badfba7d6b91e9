"""The coordinators' slash command. Acked at once (a polite refusal for anyone not a coordinator), the
command stored raw, then run in a lazy listener that answers through response_url, visible only to them."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App

from bot import coordinate, ingest
from bot.answers import patiently, responder
from bot.context import Bot

log = logging.getLogger(__name__)

REFUSED = (
    "Sorry, {cmd} is for the action plan's coordinators. If you lead an action, you will get a direct "
    "message when your update is due, and the app's Home tab shows your actions any time."
)


def register(app: App, bot: Bot) -> None:
    command = bot.settings.slack_command

    def ack_command(ack: Ack, body: dict[str, Any]) -> None:
        if not bot.directory.is_coordinator(body.get("user_id", "")):
            ack(text=REFUSED.format(cmd=command))
            return
        ack(text=f"Working on `{command} {(body.get('text') or '').strip()[:100]}`…")

    def run(body: dict[str, Any], respond: Any) -> None:
        user = body.get("user_id", "")
        if not bot.directory.is_coordinator(user):
            return
        stored = patiently(
            lambda: ingest.store(
                bot.engine, bot.clock, ingest.command_id(body), body, kind="command", user=user
            )
        )
        if stored.duplicate:
            log.info("%s: a replayed command, already handled", stored.external_id)
            return
        person = bot.directory.person_for(user)
        actor = f"slack:{body.get('user_name') or user}" + (f" (person {person})" if person else "")
        coordinate.run(bot, body.get("text") or "", actor=actor, say=responder(respond))
        _done(bot, stored.id)

    app.command(command)(ack=ack_command, lazy=[run])


def _done(bot: Bot, inbound_id: int) -> None:
    from store.db import session_scope
    from store.inbound import mark_applied
    from store.models.records import InboundMessage

    def step() -> None:
        with session_scope(bot.engine) as s:
            msg = s.get_one(InboundMessage, inbound_id)
            mark_applied(msg, at=bot.clock.now(), reason="slash command run")

    patiently(step)
