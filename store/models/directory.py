"""The directory: people (with how to reach them), who answers for whom, and teams.

Kept apart from the plans because the directory outlives any one plan and is imported on its own.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    String,
    false,
)
from sqlalchemy.orm import (
    Mapped,
    mapped_column,
    relationship,
)

from store.models.base import Base, fk


class Person(Base):
    __tablename__ = "people"
    __table_args__ = (CheckConstraint("preferred_channel IN ('email', 'slack')", name="preferred_channel"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str | None] = mapped_column(String(200))  # a plan may give only a code
    code: Mapped[str | None] = mapped_column(String(50))
    email: Mapped[str | None] = mapped_column(String(320), unique=True)  # NULLs never collide
    slack_user_id: Mapped[str | None] = mapped_column(String(50))
    preferred_channel: Mapped[str | None] = mapped_column(String(10))
    manager_id: Mapped[int | None] = mapped_column(fk("people.id", "SET NULL"))
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

    person_id: Mapped[int] = mapped_column(fk("people.id"), primary_key=True)
    delegate_id: Mapped[int] = mapped_column(fk("people.id"), primary_key=True, index=True)


class Team(Base):
    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    code: Mapped[str | None] = mapped_column(String(50))
    contact_id: Mapped[int | None] = mapped_column(fk("people.id", "SET NULL"))
    prompt_members: Mapped[bool] = mapped_column(default=False, server_default=false())

    contact: Mapped[Person | None] = relationship()
    members: Mapped[list[Person]] = relationship(secondary="team_members", viewonly=True)


class TeamMember(Base):
    __tablename__ = "team_members"

    team_id: Mapped[int] = mapped_column(fk("teams.id"), primary_key=True)
    person_id: Mapped[int] = mapped_column(fk("people.id"), primary_key=True, index=True)
