"""`/progress report`: send the latest round's report to the committee's Slack channel and say how it went.

The sending itself is the report service `collector report send` uses (reports/send.py), reached through
the ReportSender the CLI's wiring put on the Bot: the bot may not import reports, and one service means
both paths post to the same channel and record the same recipients.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.blocks.common import md
from bot.context import Bot
from collector.core.errors import UserError


def build_and_post(bot: Bot, plan: str | None, *, actor: str, say: Callable[[str], None]) -> None:
    """Runs after the ack (a lazy listener): building a PDF takes seconds."""
    if bot.send_report is None:
        say("Reports are not set up in this app, so there is nothing to post.")
        return
    try:
        posted = bot.send_report(plan, actor=actor)
    except UserError as exc:
        say(f"Could not send the report: {md(str(exc))}")
        return
    say(f"Posted the report to <#{md(posted.channel)}> with {posted.files} files.")
