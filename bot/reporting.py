"""`/progress report`: build the latest round's report with the report compiler and post it to the
committee channel. Building and posting are reports/' own (reports.build.build_for_slack and
reports.distribute.post_to_slack), so `report send` and Slack put the same report in the same shape.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_sdk.errors import SlackApiError

from bot.blocks import md
from bot.context import Bot
from collector.core.errors import UserError

log = logging.getLogger(__name__)


def build_and_post(bot: Bot, plan: str | None, *, actor: str, say: Callable[[str], None]) -> None:
    """Runs after the ack (a lazy listener): building a PDF takes seconds."""
    from reports.build import build_for_slack  # WeasyPrint is heavy: imported when a report is asked for
    from reports.distribute import post_to_slack

    channel = bot.settings.slack_committee_channel
    if not channel:
        say("No committee channel is set (SLACK_COMMITTEE_CHANNEL), so there is nowhere to post the report.")
        return
    try:
        summary, files = build_for_slack(
            bot.engine,
            plan,
            actor=actor,
            clock=bot.clock,
            out_dir=bot.settings.var_dir / "reports",
            default_tz=bot.settings.timezone,
        )
        post_to_slack(bot.client, channel, summary, files)
    except UserError as exc:
        say(f"Could not build the report: {md(str(exc))}")
        return
    except SlackApiError as exc:
        log.warning("posting the report to %s failed: %s", channel, exc.response.get("error"))
        say(f"The report was built but Slack refused the post ({md(str(exc.response.get('error')))}).")
        return
    say(f"Posted the report to <#{md(channel)}> with {len(files)} files.")
