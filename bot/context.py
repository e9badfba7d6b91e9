"""What every listener needs, built once by bot.app.build_app and handed to each listener module."""

from __future__ import annotations

from dataclasses import dataclass

from slack_sdk import WebClient
from sqlalchemy import Engine

from bot.link import SlackLink
from bot.people import SlackDirectory
from collector.channels.protocol import Channel
from collector.core.clock import Clock
from collector.core.settings import Settings


@dataclass
class Bot:
    settings: Settings
    engine: Engine
    clock: Clock
    client: WebClient
    directory: SlackDirectory
    channels: dict[str, Channel]  # for sends made on a listener's behalf (prompts, receipts, reminders)
    link: SlackLink | None = None  # whether Slack's Web API takes our token (bot/link.py); /healthz says

    @property
    def secret(self) -> str:
        return self.settings.slack_signing_secret or ""
