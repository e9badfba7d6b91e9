"""Which Channel carries which person's messages: the mapping from channel names to Channels, built once.

"email" is always there: with SMTP_URL it sends through the relay, without it it writes each message as a
real .eml file to var/outbox (mailin/channel.py). The outbox stands in for a channel that is not configured
(Slack without SLACK_BOT_TOKEN): the Delivery row records "outbox" as the channel that carried it, and
`round status` says so.
"""

from __future__ import annotations

from collector.channels import Channel
from collector.clock import Clock
from collector.outbox import OutboxChannel
from collector.settings import Settings

FALLBACK = "outbox"


def channels_for(settings: Settings, clock: Clock | None = None) -> dict[str, Channel]:
    """Every channel these settings configure, by name."""
    from mailin.channel import EmailChannel  # mailin imports collector: import here, not at module load

    channels: dict[str, Channel] = {"email": EmailChannel(settings, clock)}
    if settings.slack_bot_token:
        from bot.channel import slack_channel  # bot imports collector too: import here, as for mailin

        channels["slack"] = slack_channel(settings, clock, fallback=channels["email"])
    channels[FALLBACK] = OutboxChannel(
        settings.var_dir / "outbox", clock=clock, sender=settings.sender, mail_domain=settings.mail_domain
    )
    return channels


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


def close_channels(channels: dict[str, Channel]) -> None:
    """Let channels holding a connection (the email relay's SMTP session) end it politely at shutdown."""
    for channel in channels.values():
        close = getattr(channel, "close", None)
        if callable(close):
            close()
