"""Corrections as new facts, never erasure: what a coordinator's correction keeps, and withdrawing an update.

A correction is a newer update in the same round (the latest counts). When a coordinator gives only some
fields, say a status, the rest (the lead's narrative, revised target, evidence, who reported it) are carried
over from the update it corrects, and the new row names what it changed, so the report shows the lead's
words with "Status changed by ... on ...". Withdrawing marks an update withdrawn with who, when and why: the
row and its audit events stay, and every query skips it (store/models/updates.py), so the update
before it counts again.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from collector.core.clock import Clock
from collector.core.errors import NotFound, UserError
from collector.replies.parsing.refs import resolve_typed_ref
from store.audit import audit
from store.models.plans import Action
from store.models.rounds import Prompt
from store.models.updates import INCLUDE_WITHDRAWN, Update
from store.queries import find_plan, latest_in_round, update_history

# The fields a correction may give or leave to the update it corrects, as the report names them.
FIELDS = ("status", "progress", "revised target", "evidence")


def _fields(update: Update) -> dict[str, object]:
    """The fields a correction may change, each as a value that is falsy when not given."""
    return {
        "status": update.status,
        "progress": (update.progress or "").strip(),
        "revised target": (update.revised_target_text, update.revised_target_date)
        if update.revised_target_text or update.revised_target_date
        else None,
        "evidence": list(update.evidence or []),
    }


def complete(session: Session, row: Update, *, coordinator: str, clock: Clock) -> Update:
    """Add `row`, an update a coordinator entered or vouched for, keeping what it does not change.

    When the round already holds an update for the action and `row` leaves some fields empty, those come
    from that update, and `row` records which update it corrects and the fields it changed. Audited."""
    base = latest_in_round(session, row.action_id, row.round_id)
    mine = _fields(row)
    given = [name for name in FIELDS if mine[name]]
    row.entered_by = coordinator
    if base is not None and given and len(given) < len(FIELDS):
        theirs = _fields(base)
        changed = [name for name in given if mine[name] != theirs[name]]
        if "status" not in given:
            row.status = base.status
        if "progress" not in given:  # the lead's words, as and when they gave them
            row.progress, row.late = base.progress, base.late
            row.reported_text = row.reported_text or base.reported_text
        if "revised target" not in given:
            row.revised_target_text, row.revised_target_date = (
                base.revised_target_text,
                base.revised_target_date,
            )
        if "evidence" not in given:
            row.evidence = list(base.evidence or [])
        if row.submitted_by_id is None and row.submitted_for_id is None:  # no --by: still the lead's answer
            row.submitted_by_id, row.submitted_for_id = base.submitted_by_id, base.submitted_for_id
        row.corrects_id, row.corrected = base.id, changed
    session.add(row)
    session.flush()
    audit(
        session,
        at=clock.now(),
        actor=coordinator,
        via=row.via,
        event="update.corrected" if row.corrects_id else "update.entered",
        entity="update",
        entity_id=row.id,
        action_id=row.action_id,
        round_id=row.round_id,
        status=row.status,
        corrects=row.corrects_id,
        changed=row.corrected,
        inbound_message_id=row.inbound_message_id,
    )
    return row


def get_any(session: Session, update_id: int) -> Update:
    """An update by id, withdrawn or not."""
    update = session.get(Update, update_id, execution_options={INCLUDE_WITHDRAWN: True})
    if update is None:
        raise NotFound(f"no update {update_id}: `collector update list --plan PLAN` shows them")
    return update


def withdraw(session: Session, update_id: int, *, reason: str, actor: str, clock: Clock) -> Update:
    """Take an update off the record: kept, with who, when and why, but counted nowhere."""
    update = get_any(session, update_id)
    if update.withdrawn_at is not None:
        raise UserError(f"update {update_id} was already withdrawn on {update.withdrawn_at:%d %B %Y}")
    _withdraw(session, update, reason=reason, actor=actor, clock=clock)
    return update


def withdraw_from_message(
    session: Session, inbound_message_id: int, *, reason: str, actor: str, clock: Clock
) -> list[Update]:
    """Withdraw every update still on the record that came from one received message (a rejected reply)."""
    updates = list(
        session.scalars(
            select(Update)
            .where(Update.inbound_message_id == inbound_message_id)
            .order_by(Update.created_at, Update.id)
        )
    )
    for update in updates:
        _withdraw(session, update, reason=reason, actor=actor, clock=clock)
    return updates


def _withdraw(session: Session, update: Update, *, reason: str, actor: str, clock: Clock) -> None:
    reason = reason.strip()
    if not reason:
        raise UserError("say why the update is withdrawn: --reason TEXT")
    update.withdrawn_at, update.withdrawn_by, update.withdrawn_reason = clock.now(), actor, reason
    audit(
        session,
        at=clock.now(),
        actor=actor,
        event="update.withdrawn",
        entity="update",
        entity_id=update.id,
        action_id=update.action_id,
        round_id=update.round_id,
        reason=reason,
        inbound_message_id=update.inbound_message_id,
    )
    _unanswered_if_nothing_left(session, update)


def _unanswered_if_nothing_left(session: Session, update: Update) -> None:
    """A lead whose every answer this round was withdrawn has not answered: their prompt is open again, so
    reminders and the escalation chase them as anyone else who has not replied."""
    person_id = update.submitted_for_id or update.submitted_by_id
    if person_id is None:
        return
    prompt = session.scalar(
        select(Prompt).where(Prompt.round_id == update.round_id, Prompt.person_id == person_id)
    )
    if prompt is None or prompt.responded_at is None:
        return
    mine = (Update.submitted_for_id == person_id) | (
        Update.submitted_for_id.is_(None) & (Update.submitted_by_id == person_id)
    )
    left = select(Update.id).where(Update.round_id == update.round_id, mine, Update.id != update.id).limit(1)
    if session.scalar(left) is None:  # withdrawn updates are hidden from the query (store.models.updates)
        prompt.responded_at = None


def who(actor: str | None) -> str:
    """An actor as a reader would name them: "cli:sam" is sam."""
    return (actor or "a coordinator").removeprefix("cli:") or "a coordinator"


def correction_note(update: Update, tz: ZoneInfo) -> str | None:
    """The line a report shows beside a correction that kept the lead's words: "Status changed by sam on
    3 March 2027"; None for any other update (one with new words is a new answer, shown as such)."""
    if update.corrects_id is None or not update.corrected or "progress" in update.corrected:
        return None
    changed = " and ".join(update.corrected)
    day = _day(update.created_at, tz)
    return f"{changed[0].upper()}{changed[1:]} changed by {who(update.entered_by)} on {day}"


def _day(at: datetime, tz: ZoneInfo) -> str:
    local = at.astimezone(tz)
    return f"{local.day} {local:%B %Y}"


def history_rows(
    session: Session,
    plan_ident: str,
    *,
    action: str | None = None,
    round_id: int | None = None,
    default_tz: str = "UTC",
) -> list[dict[str, Any]]:
    """`collector update list`: every update of a plan (withdrawn ones too), oldest first, as plain rows."""
    plan = find_plan(session, plan_ident)
    action_ids = None
    if action is not None:
        live = session.scalars(select(Action).where(Action.plan_id == plan.id, Action.retired_at.is_(None)))
        by_ref = {a.ref: a.id for a in live}
        matches = resolve_typed_ref(action, list(by_ref))
        if len(matches) != 1:
            raise NotFound(f"plan {plan.name} has no one action {action}: `collector plan show {plan.name}`")
        action_ids = [by_ref[matches[0]]]
    tz = ZoneInfo(plan.timezone or default_tz)
    return [
        {
            "id": update.id,
            "ref": act.ref,
            "round": round_.name,
            "at": update.created_at.isoformat(),
            "status": update.status,
            "progress": update.progress,
            "via": update.via,
            "corrects": update.corrects_id,
            "withdrawn": update.withdrawn_at is not None,
            "note": _note(update, tz),
        }
        for update, act, round_ in update_history(session, plan.id, action_ids=action_ids, round_id=round_id)
    ]


def _note(update: Update, tz: ZoneInfo) -> str:
    if update.withdrawn_at is not None:
        day = _day(update.withdrawn_at, tz)
        return f"withdrawn by {who(update.withdrawn_by)} on {day}: {update.withdrawn_reason}"
    note = correction_note(update, tz)
    return f"{note} (corrects update {update.corrects_id})" if note else ""
