"""Channels for tests: one that records what it was asked to send, and hooks that make it fail on purpose.

The outbox (collector/channels/outbox.py) is the shipped fake a person reads; these are for counting and
failing. RecordingChannel is typed against the Channel protocol (the check at the bottom), so a method the
protocol gains and the fake lacks is a type error, not a test that passes by never calling it.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from collector.channels.protocol import (
    Channel,
    ChannelError,
    EscalationMessage,
    NoticeMessage,
    PromptMessage,
    ReceiptMessage,
    Sent,
)

# What a send was given: every message type carries a recipient.
Message = PromptMessage | EscalationMessage | ReceiptMessage | NoticeMessage
Hook = Callable[[str, Any], None]


@dataclass
class RecordingChannel:
    """Accepts everything and remembers it: (kind, message) in order, safe across threads."""

    name: str = "outbox"
    sent: list[tuple[str, Message]] = field(default_factory=list)
    before_send: Hook | None = None  # a hook: raise from it to fail or crash a send
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _record(self, kind: str, message: Message) -> Sent:
        if self.before_send is not None:
            self.before_send(kind, message)
        with self._lock:
            self.sent.append((kind, message))
        return Sent(external_id=f"<{uuid.uuid4().hex}@{self.name}.test>")

    def send_prompt(self, message: PromptMessage) -> Sent:
        return self._record("prompt", message)

    def send_reminder(self, message: PromptMessage) -> Sent:
        return self._record("reminder", message)

    def send_escalation(self, message: EscalationMessage) -> Sent:
        return self._record("escalation", message)

    def send_receipt(self, message: ReceiptMessage) -> Sent:
        return self._record("receipt", message)

    def send_notice(self, message: NoticeMessage) -> Sent:
        return self._record("notice", message)

    def of(self, kind: str) -> list[Any]:  # Any: a test reads the fields of the kind it asked for
        return [m for k, m in self.sent if k == kind]

    def to(self, kind: str) -> list[str]:
        """Who received messages of `kind`, by name, in order."""
        return [m.recipient.name for m in self.of(kind)]


def fail_for(names: set[str], *, permanent: bool, times: int | None = None) -> Hook:
    """A before_send hook failing sends to these people (`times` times, or always)."""
    left = {"n": times}

    def hook(kind: str, message: Any) -> None:
        if message.recipient.name in names and (left["n"] is None or left["n"] > 0):
            if left["n"] is not None:
                left["n"] -= 1
            raise ChannelError(f"{message.recipient.name}: refused", permanent=permanent)

    return hook


def crash_on(name: str) -> Hook:
    """A before_send hook that kills the process (as far as the tick can tell) when sending to `name`."""

    def hook(kind: str, message: Any) -> None:
        if message.recipient.name == name:
            raise SystemExit(f"killed while sending to {name}")

    return hook


if TYPE_CHECKING:  # mypy: the fake is a Channel (a missing or mistyped send_* fails here)
    _conforms: Channel = RecordingChannel()
