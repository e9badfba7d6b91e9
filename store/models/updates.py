"""Updates: what a lead reported about an action in a round, and the rule that hides withdrawn ones.

The rule is a session event, so it sits next to the table it filters and holds for every ORM query.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Date,
    ForeignKey,
    String,
    Text,
    event,
    false,
    text,
)
from sqlalchemy.orm import (
    Mapped,
    ORMExecuteState,
    Session,
    mapped_column,
    relationship,
    with_loader_criteria,
)

from store.models.base import Base, fk

if TYPE_CHECKING:
    from store.models.plans import Action
    from store.models.rounds import Round


class Update(Base):
    """One action's progress in one round. Append-only: the latest in a round counts.

    A correction is a newer update, never an edit: a coordinator's correction that gives only some fields
    (say a status) carries the others over from the update it corrects (`corrects_id`), and `corrected`
    names what it changed. A withdrawn update (`withdrawn_at`) stays in the table and the audit log, but
    every ordinary query skips it (see `hide_withdrawn` below), so it counts nowhere.
    """

    __tablename__ = "updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(fk("actions.id"), index=True)
    round_id: Mapped[int] = mapped_column(fk("rounds.id"), index=True)
    status: Mapped[str | None] = mapped_column(String(20))  # a collector.core.vocabulary.Status value
    progress: Mapped[str] = mapped_column(Text, default="")
    reported_text: Mapped[str | None] = mapped_column(Text)  # e.g. a date as printed in "Date completed"
    revised_target_text: Mapped[str | None] = mapped_column(Text)
    revised_target_date: Mapped[date | None] = mapped_column(Date)
    evidence: Mapped[list[Any]] = mapped_column(default=list)  # links
    submitted_by_id: Mapped[int | None] = mapped_column(fk("people.id", "SET NULL"))
    via: Mapped[str] = mapped_column(String(20))  # "import" | "slack" | "email" | "web" | "cli"
    inbound_message_id: Mapped[int | None] = mapped_column(fk("inbound_messages.id", "SET NULL"))
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
