"""What a send is: the Work item a caller describes, the Claim the delivery engine takes on it, and the
report of what the sends came to.

Kept apart from the engine (collector/rounds/delivery.py) so that modules which only describe sends (the
tick's steps, mail's bounce and hold notices) need not know how they are made.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from collector.channels.protocol import (
    Channel,
    EscalationMessage,
    NoticeMessage,
    PromptMessage,
    ReceiptMessage,
)

Message = PromptMessage | EscalationMessage | ReceiptMessage | NoticeMessage
# What a Work item's builder returns: a message, a message and the prompt ids it covers, or None (nothing
# to say, so nothing is claimed).
Built = Message | tuple[Message, list[int]] | None


@dataclass
class DeliveryReport:
    """What the sends (of a tick, or part of one) came to."""

    prompts_sent: int = 0
    reminders_sent: int = 0
    escalations_sent: int = 0
    failed: int = 0  # permanent failures, of any kind
    retrying: int = 0  # temporary failures: tried again later
    abandoned: int = 0
    resent: int = 0  # claims left by a crash, sent again (at least once)
    unreachable: int = 0  # no configured channel can reach the person: recorded as failed, on channel "none"
    channels: Counter[str] = field(default_factory=Counter)  # sends per channel that carried them


@dataclass
class Work:
    """One send to make: what it is for (the key), to whom, and how to build its message when claimed."""

    key: str
    kind: str  # "prompt" | "reminder" | "escalation" | "receipt" | "notice"
    round_id: int | None
    prompt_id: int | None
    person_id: int | None
    wanted: str | None  # the person's channel; the registry picks the one that carries it
    to: str  # who, for logs and the audit
    build: Callable[[Session], Built]


@dataclass
class Claim:
    """A Work item whose Delivery row is claimed: the channel chosen and the message (with its send_id)."""

    work: Work
    delivery_id: int
    channel: Channel
    message: Message
    covers: list[int]


def ready(message: Built) -> Callable[[Session], Built]:
    """A builder for a message made already."""
    return lambda _s: message
