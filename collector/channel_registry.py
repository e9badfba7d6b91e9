"""Which Channel carries which person's messages: the mapping from channel names to Channels, built once.

For now only the outbox exists; the email and Slack issues add `"email"` and `"slack"` to channels_for when
their settings are present. Until then a person who prefers email or Slack is written to the outbox, the
Delivery row records "outbox" as the channel that carried it, and `round status` says so.
"""

from __future__ import annotations

from collector.channels import Channel
from collector.clock import Clock
from collector.outbox import OutboxChannel
from collector.settings import Settings

FALLBACK = "outbox"


def channels_for(settings: Settings, clock: Clock | None = None) -> dict[str, Channel]:
    """Every channel these settings configure, by name."""
    return {
        FALLBACK: OutboxChannel(
            settings.var_dir / "outbox", clock=clock, sender=settings.sender, mail_domain=settings.mail_domain
        )
    }


def resolve(channels: dict[str, Channel], wanted: str | None) -> Channel:
    """The channel for `wanted` ("email", "slack"), or the outbox standing in while it is not configured."""
    if wanted and wanted in channels:
        return channels[wanted]
    if FALLBACK in channels:
        return channels[FALLBACK]
    raise KeyError(f"no channel {wanted!r} and no outbox to stand in for it")


def describe(channels: dict[str, Channel]) -> str:
    """'outbox' or 'email, slack, outbox': for logs and the CLI."""
    return ", ".join(channels)
