"""The tables: plans and their actions, the people who lead them, rounds, prompts, updates, raw input, audit.

Conventions that hold for every table:
  * every instant is a `UTCDateTime` (aware, UTC, on both backends: see store/types.py);
  * timestamps have no defaults: callers pass `clock.now()`, so a frozen test clock is the only clock;
  * history is appended, never rewritten: an update is corrected by a newer one, an action a re-import drops
    is retired (`retired_at`), not deleted, so what people reported about it survives;
  * JSON columns are not mutation-tracked: assign a new dict/list rather than editing one in place.
The metadata carries an explicit naming convention so Alembic names constraints the same on SQLite and
PostgreSQL, and a later migration can drop them by name.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    event,
    false,
    text,
)
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    ORMExecuteState,
    Session,
    mapped_column,
    relationship,
    with_loader_criteria,
)

from store.types import UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_N_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON,
        list[Any]: JSON,
    }


def _fk(target: str, ondelete: str = "CASCADE") -> ForeignKey:
    return ForeignKey(target, ondelete=ondelete)


class Plan(Base):
    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)  # the handle users type
    title: Mapped[str] = mapped_column(Text)
    period: Mapped[str | None] = mapped_column(String(100))
    source_file: Mapped[str] = mapped_column(Text, default="")
    source_format: Mapped[str] = mapped_column(String(20), default="")
    source_sha256: Mapped[str] = mapped_column(String(64), default="")
    status_labels: Mapped[dict[str, Any]] = mapped_column(default=dict)  # status value -> plan's label
    columns: Mapped[list[Any]] = mapped_column(default=list)  # [{header, field, position}]
    lead_key: Mapped[dict[str, Any]] = mapped_column(default=dict)  # code -> name, from the plan's key
    review_cron: Mapped[str | None] = mapped_column(String(100))
    timezone: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    # The round cadence (collector/rounds/schedule.py): review_cron opens a round, due that many calendar days
    # later; reminders go out on working days before the due date (0 = the due date itself) and the
    # escalation that many working days after it. next_opening_at is derived from review_cron and kept so
    # the scheduler's tick finds due openings with one indexed comparison.
    due_after_days: Mapped[int] = mapped_column(default=14, server_default=text("14"))
    close_after_days: Mapped[int | None]  # None: rounds stay open until closed by hand
    reminder_days: Mapped[list[Any]] = mapped_column(
        default=lambda: [7, 2, 0], server_default=text("'[7, 2, 0]'")
    )
    escalate_after_days: Mapped[int] = mapped_column(default=3, server_default=text("3"))
    next_opening_at: Mapped[datetime | None]
    # Who receives the compiled report (`collector report send --to committee`): email addresses, and the
    # Slack channel id it is posted to when Slack is configured.
    committee_emails: Mapped[list[Any]] = mapped_column(default=list, server_default=text("'[]'"))
    committee_slack_channel: Mapped[str | None] = mapped_column(String(100))
    # What the last import noted for a person to check (`collector plan warnings`); replaced on re-import.
    import_warnings: Mapped[list[Any]] = mapped_column(default=list, server_default=text("'[]'"))


class PlanCoordinator(Base):
    """Who runs a plan's rounds: they receive its escalations and may open, close and remind."""

    __tablename__ = "plan_coordinators"

    plan_id: Mapped[int] = mapped_column(_fk("plans.id"), primary_key=True)
    person_id: Mapped[int] = mapped_column(_fk("people.id"), primary_key=True, index=True)


class Section(Base):
    __tablename__ = "sections"
    __table_args__ = (UniqueConstraint("plan_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(_fk("plans.id"))
    ref: Mapped[str | None] = mapped_column(String(50))
    title: Mapped[str] = mapped_column(Text)
    position: Mapped[int]


class Action(Base):
    __tablename__ = "actions"
    __table_args__ = (
        Index("ix_actions_plan_id_ref", "plan_id", "ref"),
        CheckConstraint(
            "target_kind IS NULL OR target_kind IN ('date', 'ongoing', 'tbc', 'text')", name="target_kind"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(_fk("plans.id"))
    section_id: Mapped[int | None] = mapped_column(_fk("sections.id", "SET NULL"))
    parent_id: Mapped[int | None] = mapped_column(_fk("actions.id"), index=True)
    ref: Mapped[str] = mapped_column(String(50))
    ref_synthetic: Mapped[bool] = mapped_column(default=False, server_default=false())
    text: Mapped[str] = mapped_column(Text)
    position: Mapped[int]  # order within its parent, or within the plan for top-level actions
    target_text: Mapped[str | None] = mapped_column(Text)
    target_kind: Mapped[str | None] = mapped_column(String(10))
    target_date: Mapped[date | None] = mapped_column(Date)
    fields: Mapped[dict[str, Any]] = mapped_column(default=dict)  # other columns: header as printed -> value
    retired_at: Mapped[datetime | None]  # dropped by a later re-import; kept so its updates survive
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    plan: Mapped[Plan] = relationship()
    section: Mapped[Section | None] = relationship()
    parent: Mapped[Action | None] = relationship(remote_side=[id])
    leads: Mapped[list[ActionLead]] = relationship(
        back_populates="action", cascade="all, delete-orphan", order_by="ActionLead.position"
    )


class Person(Base):
    __tablename__ = "people"
    __table_args__ = (CheckConstraint("preferred_channel IN ('email', 'slack')", name="preferred_channel"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str | None] = mapped_column(String(200))  # a plan may give only a code
    code: Mapped[str | None] = mapped_column(String(50))
    email: Mapped[str | None] = mapped_column(String(320), unique=True)  # NULLs never collide
    slack_user_id: Mapped[str | None] = mapped_column(String(50))
    preferred_channel: Mapped[str | None] = mapped_column(String(10))
    manager_id: Mapped[int | None] = mapped_column(_fk("people.id", "SET NULL"))
    email_failing_since: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    # When users.lookupByEmail last found no Slack account for this email (bot/people.py): not asked again
    # for a while, since the lookup is rate limited. None: never looked up, or found.
    slack_lookup_at: Mapped[datetime | None]

    manager: Mapped[Person | None] = relationship(remote_side=[id])
    delegates: Mapped[list[Person]] = relationship(
        secondary="delegations",
        primaryjoin="Person.id == Delegation.person_id",
        secondaryjoin="Person.id == Delegation.delegate_id",
        viewonly=True,
    )

    @property
    def display(self) -> str:
        return self.name or self.code or self.email or f"person {self.id}"


class Delegation(Base):
    """A lead's delegate (a PA, a deputy) whose answers count as the lead's own."""

    __tablename__ = "delegations"

    person_id: Mapped[int] = mapped_column(_fk("people.id"), primary_key=True)
    delegate_id: Mapped[int] = mapped_column(_fk("people.id"), primary_key=True, index=True)


class Team(Base):
    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    code: Mapped[str | None] = mapped_column(String(50))
    contact_id: Mapped[int | None] = mapped_column(_fk("people.id", "SET NULL"))
    prompt_members: Mapped[bool] = mapped_column(default=False, server_default=false())

    contact: Mapped[Person | None] = relationship()
    members: Mapped[list[Person]] = relationship(secondary="team_members", viewonly=True)


class TeamMember(Base):
    __tablename__ = "team_members"

    team_id: Mapped[int] = mapped_column(_fk("teams.id"), primary_key=True)
    person_id: Mapped[int] = mapped_column(_fk("people.id"), primary_key=True, index=True)


class ActionLead(Base):
    __tablename__ = "action_leads"
    __table_args__ = (CheckConstraint("person_id IS NULL OR team_id IS NULL", name="one_lead"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(_fk("actions.id"), index=True)
    position: Mapped[int]
    label: Mapped[str] = mapped_column(String(200))  # as printed: "KL", "Joanne Tilley"
    code: Mapped[str | None] = mapped_column(String(50))  # as printed
    person_id: Mapped[int | None] = mapped_column(_fk("people.id", "SET NULL"), index=True)
    team_id: Mapped[int | None] = mapped_column(_fk("teams.id", "SET NULL"), index=True)

    action: Mapped[Action] = relationship(back_populates="leads")
    person: Mapped[Person | None] = relationship()
    team: Mapped[Team | None] = relationship()


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
    plan_id: Mapped[int] = mapped_column(_fk("plans.id"), index=True)
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
    round_id: Mapped[int] = mapped_column(_fk("rounds.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(_fk("people.id", "SET NULL"), index=True)
    team_id: Mapped[int | None] = mapped_column(_fk("teams.id", "SET NULL"))
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

    prompt_id: Mapped[int] = mapped_column(_fk("prompts.id"), primary_key=True)
    action_id: Mapped[int] = mapped_column(_fk("actions.id"), primary_key=True, index=True)


class InboundMessage(Base):
    """Every received email or Slack payload, raw, before anything acts on it (accept fast, decide later)."""

    __tablename__ = "inbound_messages"
    __table_args__ = (
        UniqueConstraint("channel", "external_id"),  # a redelivery is recognised, never stored twice
        CheckConstraint("channel IN ('email', 'slack')", name="channel"),
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


class Update(Base):
    """One action's progress in one round. Append-only: the latest in a round counts.

    A correction is a newer update, never an edit: a coordinator's correction that gives only some fields
    (say a status) carries the others over from the update it corrects (`corrects_id`), and `corrected`
    names what it changed. A withdrawn update (`withdrawn_at`) stays in the table and the audit log, but
    every ordinary query skips it (see `hide_withdrawn` below), so it counts nowhere.
    """

    __tablename__ = "updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(_fk("actions.id"), index=True)
    round_id: Mapped[int] = mapped_column(_fk("rounds.id"), index=True)
    status: Mapped[str | None] = mapped_column(String(20))  # a collector.core.vocabulary.Status value
    progress: Mapped[str] = mapped_column(Text, default="")
    reported_text: Mapped[str | None] = mapped_column(Text)  # e.g. a date as printed in "Date completed"
    revised_target_text: Mapped[str | None] = mapped_column(Text)
    revised_target_date: Mapped[date | None] = mapped_column(Date)
    evidence: Mapped[list[Any]] = mapped_column(default=list)  # links
    submitted_by_id: Mapped[int | None] = mapped_column(_fk("people.id", "SET NULL"))
    via: Mapped[str] = mapped_column(String(20))  # "import" | "slack" | "email" | "cli"
    inbound_message_id: Mapped[int | None] = mapped_column(_fk("inbound_messages.id", "SET NULL"))
    late: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime]
    # The lead a delegate answered for (submitted_by_id is the delegate); None when the lead answered.
    submitted_for_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    # Corrections and withdrawals (collector/replies/corrections.py). entered_by: the coordinator who typed
    # it in
    # or vouched for it ("cli:<os user>"); None for a lead's own reply.
    entered_by: Mapped[str | None] = mapped_column(String(200))
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("updates.id"))
    corrected: Mapped[list[Any]] = mapped_column(default=list, server_default=text("'[]'"))  # ["status"...]
    withdrawn_at: Mapped[datetime | None]
    withdrawn_by: Mapped[str | None] = mapped_column(String(200))
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)

    action: Mapped[Action] = relationship()
    round: Mapped[Round] = relationship()


# Withdrawn updates are invisible to every ORM query unless the statement asks for them with
# `.execution_options(include_withdrawn=True)` (the history and the withdraw command do). One rule in one
# place, so the report, the figures, `plan show`, reminders and "no change" all skip them without saying so.
INCLUDE_WITHDRAWN = "include_withdrawn"
# Built once: building the option per query (with a lambda) made every ORM select about 50% slower.
_NOT_WITHDRAWN = with_loader_criteria(Update, Update.withdrawn_at.is_(None), include_aliases=True)


@event.listens_for(Session, "do_orm_execute")
def hide_withdrawn(state: ORMExecuteState) -> None:
    if (
        state.is_select
        and not state.is_column_load  # refreshing an object already loaded: never hide it from itself
        and not state.is_relationship_load
        and not state.execution_options.get(INCLUDE_WITHDRAWN, False)
    ):
        state.statement = state.statement.options(_NOT_WITHDRAWN)


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
    round_id: Mapped[int | None] = mapped_column(_fk("rounds.id"), index=True)
    prompt_id: Mapped[int | None] = mapped_column(_fk("prompts.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(_fk("people.id", "SET NULL"))  # the recipient
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
    plan_id: Mapped[int] = mapped_column(_fk("plans.id"), index=True)
    round_id: Mapped[int | None] = mapped_column(_fk("rounds.id", "SET NULL"))
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
