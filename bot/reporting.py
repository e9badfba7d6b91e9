"""The `report` subcommand and posting a compiled report to the committee channel.

Posting is ours: the summary as the message and the files uploaded with files_upload_v2 (Slack's
getUploadURLExternal / completeUploadExternal flow; the old files.upload is retired). Building is the report
compiler's (reports/); until it offers a build function this command says so plainly instead of guessing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from slack_sdk import WebClient

from bot.blocks import md
from bot.context import Bot
from bot.limits import SECTION_TEXT, clip

log = logging.getLogger(__name__)


def post_report(client: WebClient, channel: str, summary: str, files: list[Path]) -> dict[str, Any]:
    """The summary and the files, in one post to `channel`. Returns Slack's answer (files with their ids)."""
    uploads = [{"file": str(path), "filename": path.name, "title": path.stem} for path in files]
    if not uploads:
        return dict(client.chat_postMessage(channel=channel, text=clip(summary, SECTION_TEXT)).data)
    response = client.files_upload_v2(
        channel=channel, file_uploads=uploads, initial_comment=clip(summary, 3900)
    )
    return dict(response.data)


def _builder() -> Callable[..., Any] | None:
    """The report compiler's build entry point, when it has one."""
    try:
        from reports import build as module  # type: ignore[attr-defined]
    except ImportError:
        return None
    return getattr(module, "build_for_slack", None)


def build_and_post(bot: Bot, plan: str | None, *, actor: str, say: Callable[[str], None]) -> None:
    build = _builder()
    if build is None:
        say(
            "Report building is not available from Slack in this version yet: build it with "
            "`collector report build --plan PLAN` and share the files."
        )
        return
    channel = bot.settings.slack_committee_channel
    if not channel:
        say("No committee channel is set (SLACK_COMMITTEE_CHANNEL), so there is nowhere to post the report.")
        return
    summary, files = build(bot.engine, plan, actor=actor)
    post_report(bot.client, channel, summary, [Path(f) for f in files])
    say(f"Posted the report to <#{md(channel)}> with {len(files)} files.")
