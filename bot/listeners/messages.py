"""Plain-text DMs to the bot (message.im). The payload was stored before the ack by bot.app's
store-first middleware; bolt acks events itself, so this runs after Slack already has its 200."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App

from bot import text
from bot.context import Bot

log = logging.getLogger(__name__)


def register(app: App, bot: Bot) -> None:
    @app.event("message")
    def on_message(event: dict[str, Any], context: dict[str, Any]) -> None:
        inbound_id = context.get("inbound_id")
        if inbound_id is None:  # not a person's DM (an edit, a bot, a channel): nothing to record
            return
        text.handle(bot, inbound_id)
