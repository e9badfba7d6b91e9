"""A reply from any channel, and what the update parser makes of its text: the types every ingress shares.

Slack and email each turn raw input into a channel-neutral Reply; collector.replies.intake.apply(session,
reply) is
the one place replies become updates (Zulip's single process_message). The parser never sees a channel.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from collector.core.vocabulary import Status

# Below this an update goes to the review queue instead of the record.
CONFIDENT = 0.8


@dataclass(frozen=True)
class AskedAction:
    """An action the reply may be about, as the prompt asked it."""

    ref: str
    text: str = ""
    # The action's current target, when known: a revised date is a slip only if it is later than this.
    target: date | None = None


@dataclass
class ParsedUpdate:
    ref: str  # always one of the asked refs
    status: Status | None
    progress: str  # the words the person wrote about this action (may be "")
    revised_target_text: str | None = None
    revised_target_date: date | None = None
    evidence: list[str] = field(default_factory=list)  # links
    confidence: float = 1.0  # 0..1: how sure the parser is about ref and status
    reasons: list[str] = field(default_factory=list)  # why it is unsure, in plain words

    def as_json(self) -> dict[str, Any]:
        """What a review item keeps of it (collector.replies.review.parsed_updates reads it back)."""
        return {
            "ref": self.ref,
            "status": self.status.value if self.status else None,
            "progress": self.progress,
            "revised_target_text": self.revised_target_text,
            "revised_target_date": self.revised_target_date.isoformat() if self.revised_target_date else None,
            "evidence": list(self.evidence),
            "confidence": self.confidence,
            "reasons": list(self.reasons),
        }


@dataclass
class ParseResult:
    updates: list[ParsedUpdate]
    unknown_refs: list[str] = field(default_factory=list)  # refs written that were not asked
    blanket: Status | None = None  # "no change to all", "all on track": applied to every asked action
    leftover: str = ""  # text that could not be attributed to any action
    # Sentences for the coordinator rather than the record: a question ("is 1.1 still mine?") and an action
    # handed to someone else ("4.5 is now with Estates"). Intake sends the reply to review with each.
    questions: list[str] = field(default_factory=list)
    handed_over: list[str] = field(default_factory=list)


@dataclass
class Reply:
    """One reply, ready for intake."""

    channel: str  # "email" | "slack" | "cli"
    text: str  # the new text the person wrote (already extracted from quoting, signatures...)
    received_at: datetime
    sender_person_id: int | None = None  # resolved by the channel where it can (Slack user, From address)
    sender_address: str | None = None  # as received, for messages and review
    prompt_id: int | None = None  # from the reply token, thread, or button payload
    round_id: int | None = None
    inbound_message_id: int | None = None  # the stored raw source
    structured: list[ParsedUpdate] | None = None  # buttons/modals: already structured, not parsed
