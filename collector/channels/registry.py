"""Which Channel carries which person's messages: the channels an installation configures, and the one rule
that picks among them.

collector.cli.wiring builds the channels; this module holds what does not need to know them. An
installation configures email (SMTP_URL), Slack (SLACK_BOT_TOKEN), both, or neither. A person is
reached by the first configured channel that can reach them: their preferred one, then the other (a lead
who prefers Slack but has an email address is emailed when Slack is not configured). Nobody reachable:
"unreachable", recorded and escalated, never quietly parked. Only an installation with NO channel
configured has the outbox: every message is then written to var/outbox/ (an .eml file for a person with an
email address, a text file otherwise) and reported as written, not sent.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from collector.channels.protocol import Channel, Sent
from collector.core.settings import Settings

FALLBACK = "outbox"
CONFIGURABLE = ("email", "slack")  # the channels that really send, in the order tried after the preferred


def configured_names(settings: Settings) -> list[str]:
    """The channels these settings configure: ["email"], ["slack"], both, or [] (outbox only)."""
    return [n for n, on in (("email", settings.smtp_url), ("slack", settings.slack_bot_token)) if on]


def carrier(configured: Sequence[str], wanted: str | None, usable: Sequence[str] | None) -> str | None:
    """The name of the channel that carries a person's messages, or None when none can reach them.

    `configured`: the installation's channels; `wanted`: the person's channel (their preference, if
    usable); `usable`: the channels they have an address for (None: unknown, trust `wanted`)."""
    real = [n for n in CONFIGURABLE if n in configured]
    if not real:
        return FALLBACK if FALLBACK in configured and wanted else None
    order = [n for n in (wanted, *(usable or ())) if n]
    for name in dict.fromkeys(order):
        if name in real and (usable is None or name in usable):
            return name
    return None


def resolve(
    channels: dict[str, Channel], wanted: str | None, usable: Sequence[str] | None = None
) -> Channel | None:
    """The Channel that carries a person's messages (see `carrier`), or None: unreachable."""
    name = carrier(list(channels), wanted, usable)
    return channels[name] if name else None


def describe(channels: dict[str, Channel]) -> str:
    """'outbox (nothing is sent)' or 'email, slack': for logs and the CLI."""
    if list(channels) == [FALLBACK]:
        return "outbox (no channel configured: messages are written to var/outbox/, not sent)"
    return ", ".join(channels)


def close_channels(channels: dict[str, Channel]) -> None:
    """Let channels holding a connection (the email relay's SMTP session) end it politely at shutdown."""
    for channel in channels.values():
        close = getattr(channel, "close", None)
        if callable(close):
            close()


class OutboxStandIn:
    """The outbox of an installation with no channel: an .eml file for a person with an email address
    (a real message, as the relay would have carried it), a text file otherwise. Never a send."""

    name = FALLBACK

    def __init__(self, eml: Channel, text: Channel):
        self.eml, self.text = eml, text

    def _for(self, message: Any) -> Channel:
        return self.eml if message.recipient.email else self.text

    def send_prompt(self, message: Any) -> Sent:
        return self._for(message).send_prompt(message)

    def send_reminder(self, message: Any) -> Sent:
        return self._for(message).send_reminder(message)

    def send_escalation(self, message: Any) -> Sent:
        return self._for(message).send_escalation(message)

    def send_receipt(self, message: Any) -> Sent:
        return self._for(message).send_receipt(message)

    def send_notice(self, message: Any) -> Sent:
        return self._for(message).send_notice(message)
