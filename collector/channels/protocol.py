"""The one Channel protocol that Slack, email and the development outbox implement. No logic lives here.

A channel turns a channel-neutral message into something a person receives and says whether it worked.
Errors say whether to retry (healthchecks' TransportError(permanent=...)): a permanent error marks the
lead's channel unusable and escalates; a temporary one is retried by the caller's policy.

    ChannelError(Exception)
      permanent=False  try again later (timeout, 4xx from a relay, Slack 5xx, 429 after retries)
      permanent=True   this address/user will not work (5xx "no such user", Slack user_not_found)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Protocol


class ChannelError(Exception):
    def __init__(self, message: str, *, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class Recipient:
    """Who a message goes to, with every address we know; the channel picks the one it uses."""

    person_id: int | None
    name: str
    email: str | None = None
    slack_user_id: str | None = None


@dataclass(frozen=True)
class AskedItem:
    """One action as a prompt shows it."""

    action_id: int
    ref: str
    text: str
    target: str | None = None  # as printed, plus a revised target if one was reported
    last_status: str | None = None  # the latest status value reported before this round
    last_progress: str | None = None
    answered_by: str | None = None  # for an action with several leads: who already answered this round
    part_of: str | None = None  # a sub-action's parent as readers quote it: "2.1 Make the website accessible"
    # An action asked as a whole, with its items: each item once ("a) Review the contract."), and `intro`
    # its own words before them ("" when the plan's cell held only the items). `text` is the lot on one line.
    parts: tuple[str, ...] = ()
    intro: str | None = None


@dataclass(frozen=True)
class PromptMessage:
    """A prompt, or a reminder of it (kind="reminder": sent in the prompt's thread, only unanswered items)."""

    kind: str  # "prompt" | "reminder"
    plan_title: str
    round_name: str
    due: date | None
    recipient: Recipient
    items: tuple[AskedItem, ...]
    reply_token: str | None = None  # routes a reply back to its prompt (email: progress+TOKEN@domain)
    thread_ref: str | None = None  # the first message's external id, so reminders thread under it
    contact: Recipient | None = None  # whom to ask about the round: the plan's coordinator, if it has one
    send_id: str | None = None  # made once per send (store Delivery): channels derive a stable id from it
    link: str | None = None  # the lead's update page (PUBLIC_URL set): added at sending, never stored


@dataclass(frozen=True)
class Missing:
    lead: str  # the lead's name as people know them
    refs: tuple[str, ...]  # the actions they have not answered


@dataclass(frozen=True)
class EscalationMessage:
    """To a coordinator or a lead's manager, after the due date: who has not answered about what."""

    plan_title: str
    round_name: str
    due: date | None
    recipient: Recipient
    missing: tuple[Missing, ...]
    send_id: str | None = None  # made once per send (store Delivery): channels derive a stable id from it


@dataclass(frozen=True)
class ReceiptLine:
    ref: str
    status: str | None  # the plan's label for it; None: the update carries no status
    progress: str
    revised_target: str | None = None
    title: str | None = None  # the action's text, which a receipt names by its first words


@dataclass(frozen=True)
class ReceiptMessage:
    """What was recorded from a reply, per action, and how to correct it."""

    plan_title: str
    round_name: str
    recipient: Recipient
    lines: tuple[ReceiptLine, ...]
    needs_review: tuple[str, ...] = ()  # what could not be applied, in plain words
    thread_ref: str | None = None
    send_id: str | None = None  # made once per send (store Delivery): channels derive a stable id from it


@dataclass(frozen=True)
class NoticeMessage:
    """A plain notice to a coordinator: an address that bounces, a reply that needs a person."""

    subject: str
    recipient: Recipient
    lines: tuple[str, ...]
    plan_title: str | None = None
    send_id: str | None = None  # made once per send (store Delivery): channels derive a stable id from it


@dataclass
class Sent:
    """What a channel reports after a successful send."""

    external_id: str | None  # Message-ID, Slack ts: recorded so replies and reminders can find it
    detail: dict[str, str] = field(default_factory=dict)


class Channel(Protocol):
    name: str  # "email" | "slack" | "outbox"

    def send_prompt(self, message: PromptMessage) -> Sent: ...

    def send_reminder(self, message: PromptMessage) -> Sent: ...

    def send_escalation(self, message: EscalationMessage) -> Sent: ...

    def send_receipt(self, message: ReceiptMessage) -> Sent: ...

    def send_notice(self, message: NoticeMessage) -> Sent: ...
