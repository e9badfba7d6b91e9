"""Adding the lead's update-page link to prompts and reminders, for whichever channel carries them.

A wrapper rather than a field every builder fills: the link needs PUBLIC_URL and WEB_SECRET, which only the
CLI edge reads (collector/cli/wiring.py wraps each channel when both are set), and a message re-sent from
its stored payload after a crash gets the same link again, since the link is a pure function of the reply
token. Everything else passes through untouched.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from collector.channels.protocol import (
    Channel,
    EscalationMessage,
    NoticeMessage,
    PromptMessage,
    ReceiptMessage,
    Sent,
)


class LinkingChannel:
    """`inner`, with `link_for(reply_token)` set as the link of every prompt and reminder that has a token."""

    def __init__(self, inner: Channel, link_for: Callable[[str], str]):
        self.inner, self.link_for = inner, link_for
        self.name = inner.name

    def _linked(self, message: PromptMessage) -> PromptMessage:
        if message.reply_token is None:
            return message
        return replace(message, link=self.link_for(message.reply_token))

    def send_prompt(self, message: PromptMessage) -> Sent:
        return self.inner.send_prompt(self._linked(message))

    def send_reminder(self, message: PromptMessage) -> Sent:
        return self.inner.send_reminder(self._linked(message))

    def send_escalation(self, message: EscalationMessage) -> Sent:
        return self.inner.send_escalation(message)

    def send_receipt(self, message: ReceiptMessage) -> Sent:
        return self.inner.send_receipt(message)

    def send_notice(self, message: NoticeMessage) -> Sent:
        return self.inner.send_notice(message)
