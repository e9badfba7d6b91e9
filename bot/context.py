"""What every listener needs, built once by bot.app.build_app and handed to each listener module.

Sending a report is reports/' job, a sibling layer the bot may not import: the CLI's wiring hands the bot a
ReportSender (collector/cli/wiring.py), so Slack's `/progress report` and `collector report send` run the
same service.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple, Protocol

from slack_sdk import WebClient
from sqlalchemy import Engine

from bot.link import SlackLink
from bot.people import SlackDirectory
from collector.channels.protocol import Channel
from collector.core.clock import Clock
from collector.core.settings import Settings


class Posted(NamedTuple):
    channel: str  # the Slack channel the report went to
    files: int  # how many files were posted in its thread


class ReportSender(Protocol):
    """Builds the latest round's report of a plan (its id or name; None when there is only one), records
    the files and their recipients, and posts it to the plan's committee channel (else the installation's).
    Raises UserError with a line for the coordinator who asked."""

    def __call__(self, plan: str | None, *, actor: str) -> Posted: ...


@dataclass
class Bot:
    settings: Settings
    engine: Engine
    clock: Clock
    client: WebClient
    directory: SlackDirectory
    channels: dict[str, Channel]  # for sends made on a listener's behalf (prompts, receipts, reminders)
    link: SlackLink | None = None  # whether Slack's Web API takes our token (bot/link.py); /healthz says
    send_report: ReportSender | None = None  # `/progress report`; None where reports are not wired in

    @property
    def secret(self) -> str:
        return self.settings.slack_signing_secret or ""
