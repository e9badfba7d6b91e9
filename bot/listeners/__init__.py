"""Listeners, one module per kind of request (bolt-python's own layout): each registers its handlers.

The pattern for anything that changes state: ack at once (Slack's 3 seconds), then in a lazy listener
store the raw payload under its unique id (bot/ingest.py), act only if it was new, and answer.
"""

from __future__ import annotations

from slack_bolt import App

from bot.context import Bot
from bot.listeners import actions, commands, home, messages, views


def register(app: App, bot: Bot) -> None:
    for module in (actions, views, commands, messages, home):
        module.register(app, bot)
