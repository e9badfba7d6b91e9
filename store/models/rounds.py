"""Rounds and their sends: the prompts a round asks, the actions each covers, every Delivery, the lease.

These are the rows the tick and the delivery engine (collector/rounds/) claim and record.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    Index,
    String,
    Text,
    text,
)
from sqlalchemy.orm import (
    Mapped,
    mapped_column,
)

from store.models.base import Base, fk


def _default_round_state(context: Any) -> str:
    """A baseline round (the import's progress columns) is history from the start; a collection opens."""
    return "closed" if context.get_current_parameters().get("kind") == "baseline" else "open"


class Round(Base):
    __tablename__ = "rounds"
    __table_args__ = (
        CheckConstraint("kind IN ('baseline', 'collection')", name="kind"),
        # A cron slot opens one round even when two schedulers race for it (collector/rounds/tick.py).
        Index("uq_rounds_plan_id_scheduled_for", "plan_id", "scheduled_for", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(fk("plans.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # "baseline" (the import's progress) or "collection"
    name: Mapped[str] = mapped_column(String(200))
    opened_at: Mapped[datetime]
    due_date: Mapped[date | None] = mapped_column(Date)
    closes_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    state: Mapped[str] = mapped_column(String(10), default=_default_round_state, server_default="open")
    subset: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # {"sections": [refs], "leads": [...]}
    scheduled_for: Mapped[datetime | None]  # the cron slot that opened it; None when opened by hand
    opened_by: Mapped[str] = mapped_column(Text, default="", server_default="")
    reopened_at: Mapped[datetime | None]
    # Leads asked about nothing because nobody can reach them: [{"lead", "refs", "why"}], fixed at opening
    # so `round status` and the escalation list them as they were when the round began.
    unreachable: Mapped[list[Any]] = mapped_column(default=list, server_default=text("'[]'"))


class Prompt(Base):
    """One person in one round, about all their open actions. The row exists before the send, and each send
    has its Delivery row before the channel is called, so a crash mid-send is visible."""

    __tablename__ = "prompts"
    # One prompt per person per round (a team resolves to people at opening; team_id says why).
    __table_args__ = (Index("uq_prompts_round_id_person_id", "round_id", "person_id", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(fk("rounds.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(fk("people.id", "SET NULL"), index=True)
    team_id: Mapped[int | None] = mapped_column(fk("teams.id", "SET NULL"))
    channel: Mapped[str] = mapped_column(String(10))
    token: Mapped[str] = mapped_column(String(64), unique=True)
    sent_at: Mapped[datetime | None]
    message_id: Mapped[str | None] = mapped_column(String(998), unique=True)
    reminders_sent: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    escalated_at: Mapped[datetime | None]
    responded_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    lead_label: Mapped[str] = mapped_column(Text, default="", server_default="")  # who, as status shows it
    status: Mapped[str] = mapped_column(String(10), default="pending", server_default="pending")
    failure: Mapped[str | None] = mapped_column(Text)  # why the prompt could not be delivered


class PromptAction(Base):
    __tablename__ = "prompt_actions"

    prompt_id: Mapped[int] = mapped_column(fk("prompts.id"), primary_key=True)
    action_id: Mapped[int] = mapped_column(fk("actions.id"), primary_key=True, index=True)


class Delivery(Base):
    """One send (prompt, reminder, escalation, receipt, notice), recorded BEFORE the channel is called.

    The idempotency key says what the send is for ("prompt:{prompt_id}", "reminder:{prompt_id}:{local date}",
    "escalation:{round_id}:{person_id}", "receipt:{inbound id}"): inserting a second row with the same key
    fails, and that failure means "already done". Sends are at least once (collector/rounds/delivery.py has
    the policy): the row keeps the message it carries (payload) and a send_id made once, at the first claim,
    from which the channel derives the message's id (an email's Message-ID), so a send re-made after a crash
    is the same message and a relay that already has it can drop the copy. States:
      claimed    taken by a process that is calling the channel now, or crashed while doing so: a claim
                 older than the lease is taken again and re-sent from its payload
      sent       the channel accepted it (external_id says where it went); channel "outbox" means it was
                 written to var/outbox/ and NOT sent (no channel is configured)
      retry      a temporary ChannelError: claimable again at next_attempt_at
      failed     a permanent ChannelError, or too many attempts; channel "none" means no configured
                 channel can reach the person (unreachable)
      abandoned  a claim made before payloads were kept, found stale: it cannot be re-made, so it is listed
    """

    __tablename__ = "deliveries"
    __table_args__ = (
        CheckConstraint("kind IN ('prompt', 'reminder', 'escalation', 'receipt', 'notice')", name="kind"),
        CheckConstraint("state IN ('claimed', 'sent', 'retry', 'failed', 'abandoned')", name="state"),
        Index("ix_deliveries_state_claimed_at", "state", "claimed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int | None] = mapped_column(fk("rounds.id"), index=True)
    prompt_id: Mapped[int | None] = mapped_column(fk("prompts.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(fk("people.id", "SET NULL"))  # the recipient
    kind: Mapped[str] = mapped_column(String(20))
    channel: Mapped[str] = mapped_column(String(10))  # the channel that carried it; "outbox", "none"
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    state: Mapped[str] = mapped_column(String(10))
    claimed_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    next_attempt_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=1, server_default=text("1"))
    error: Mapped[str | None] = mapped_column(Text)
    external_id: Mapped[str | None] = mapped_column(String(998))
    send_id: Mapped[str | None] = mapped_column(String(64))  # made once; the Message-ID derives from it
    payload: Mapped[
        dict[str, Any] | None
    ]  # the message as sent (collector/channels/payload.py), to re-send it


class SchedulerLease(Base):
    """Which scheduler process may act: taken and renewed by a conditional UPDATE
    (collector/rounds/lease.py)."""

    __tablename__ = "scheduler_leases"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    expires_at: Mapped[datetime]
