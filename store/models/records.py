"""What came in and what was done: raw inbound messages, mailbox positions, built reports, the audit log.

These are appended and kept as evidence; nothing here is rewritten by the flows that read it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import (
    Mapped,
    mapped_column,
)

from store.models.base import Base, fk


class InboundMessage(Base):
    """Every received email or Slack payload, raw, before anything acts on it (accept fast, decide later)."""

    __tablename__ = "inbound_messages"
    __table_args__ = (
        UniqueConstraint("channel", "external_id"),  # a redelivery is recognised, never stored twice
        CheckConstraint("channel IN ('email', 'slack', 'web')", name="channel"),
        CheckConstraint(
            "state IN ('new', 'applied', 'needs_review', 'rejected', 'auto_reply', 'bounce', 'failed')",
            name="state",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(10))
    external_id: Mapped[str] = mapped_column(String(998))  # Message-ID, Slack event or action id
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    envelope: Mapped[dict[str, Any]] = mapped_column(default=dict)
    received_at: Mapped[datetime]
    state: Mapped[str] = mapped_column(String(20), default="new", server_default="new", index=True)
    reason: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    processed_at: Mapped[datetime | None]
    # These three (and Update.submitted_for_id) take no ON DELETE action: deleting what a raw message or an
    # answer points at is refused rather than silently detaching it. (SQLite also cannot reflect an action on
    # a column added by ALTER TABLE, so an action here would make the two backends' schemas differ.)
    prompt_id: Mapped[int | None] = mapped_column(ForeignKey("prompts.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))  # the resolved sender
    round_id: Mapped[int | None] = mapped_column(ForeignKey("rounds.id"))
    parsed: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # what the parser made of it, for review


class MailboxState(Base):
    """How far the mailbox reader has read one IMAP folder (mailin/inbound/imap_reader.py): its UIDVALIDITY
    and the
    highest UID looked at. A new UIDVALIDITY means every UID was renumbered: reading starts again from
    the first message, and Message-ID dedupe keeps what was stored before from being stored twice."""

    __tablename__ = "mailbox_states"

    mailbox: Mapped[str] = mapped_column(String(500), primary_key=True)  # user@host/folder, no secret
    uidvalidity: Mapped[int] = mapped_column(BigInteger)
    last_uid: Mapped[int] = mapped_column(BigInteger)
    updated_at: Mapped[datetime]


class Report(Base):
    """One report file built (reports/build.py), and where it went when sent: recipients are
    "email:<address>" or "slack:<channel id>". The row is written before the send and sent_at after it."""

    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(fk("plans.id"), index=True)
    round_id: Mapped[int | None] = mapped_column(fk("rounds.id", "SET NULL"))
    format: Mapped[str] = mapped_column(String(10))
    path: Mapped[str] = mapped_column(Text)
    built_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    recipients: Mapped[list[Any]] = mapped_column(default=list)
    variant: Mapped[str] = mapped_column(String(20), default="full", server_default="full")  # or "exceptions"
    actor: Mapped[str] = mapped_column(String(200), default="", server_default="")  # who built or sent it


class AuditEvent(Base):
    """Who changed what, through which door. One per change, never updated."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_entity", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(200))  # "cli:<os user>", a person's name, "scheduler"
    via: Mapped[str] = mapped_column(String(20))  # "cli" | "slack" | "email" | "import" | "scheduler"
    entity: Mapped[str] = mapped_column(String(20))  # "plan", "action", "person", "team", "round"...
    entity_id: Mapped[int | None]
    event: Mapped[str] = mapped_column(String(50))  # "plan.imported", "person.updated"...
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
