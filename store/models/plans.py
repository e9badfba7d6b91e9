"""Plans and what they hold: coordinators, sections, actions, and who leads each action.

What an imported plan says lives here; people and teams are store/models/directory.py's.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    CheckConstraint,
    Date,
    Index,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import (
    Mapped,
    mapped_column,
    relationship,
)

from store.models.base import Base, fk

if TYPE_CHECKING:
    from store.models.directory import Person, Team


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

    plan_id: Mapped[int] = mapped_column(fk("plans.id"), primary_key=True)
    person_id: Mapped[int] = mapped_column(fk("people.id"), primary_key=True, index=True)


class Section(Base):
    __tablename__ = "sections"
    __table_args__ = (UniqueConstraint("plan_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(fk("plans.id"))
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
    plan_id: Mapped[int] = mapped_column(fk("plans.id"))
    section_id: Mapped[int | None] = mapped_column(fk("sections.id", "SET NULL"))
    parent_id: Mapped[int | None] = mapped_column(fk("actions.id"), index=True)
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


class ActionLead(Base):
    __tablename__ = "action_leads"
    __table_args__ = (CheckConstraint("person_id IS NULL OR team_id IS NULL", name="one_lead"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(fk("actions.id"), index=True)
    position: Mapped[int]
    label: Mapped[str] = mapped_column(String(200))  # as printed: "KL", "Joanne Tilley"
    code: Mapped[str | None] = mapped_column(String(50))  # as printed
    person_id: Mapped[int | None] = mapped_column(fk("people.id", "SET NULL"), index=True)
    team_id: Mapped[int | None] = mapped_column(fk("teams.id", "SET NULL"), index=True)

    action: Mapped[Action] = relationship(back_populates="leads")
    person: Mapped[Person | None] = relationship()
    team: Mapped[Team | None] = relationship()
