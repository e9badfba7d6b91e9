"""One action's row: its status this round and last, its targets, flags, narrative and who reported it.

Whether the action was answered, covered by its action's answer or due an update is
collector/rounds/figures.py's
to say; this module only words it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from collector.core.vocabulary import RAG, Status, label
from collector.replies.corrections import correction_note
from collector.rounds.figures import CLOSED, COVERED, NO_STATUS, ActionFigure, State
from reports import model
from reports.model import NO_UPDATE, Row, StatusView
from reports.safe import clean_text, one_line, safe_url
from store.models.plans import Action
from store.models.rounds import Round
from store.models.updates import Update


@dataclass(frozen=True)
class RowContext:
    """What every row of one report shares."""

    round: Round | None
    previous: Round | None
    as_of: date
    tz: ZoneInfo
    labels: dict[str, Any]  # the plan's own status words
    people: dict[int, str]  # person id -> display name


def status_view(value: str | None, labels: dict[str, Any]) -> StatusView:
    """The StatusView of a shown status (collector.rounds.figures.ActionFigure.shown): a status value,
    "no_status"
    ("No status given"), "covered" (its action's answer covers it), or none ("No update received")."""
    if value == NO_STATUS:
        return StatusView(NO_STATUS, model.NO_STATUS, "None")
    if value == COVERED:
        return StatusView(COVERED, model.COVERED, "None")
    if value is None or value in ("none", "no_change"):
        return StatusView("none", NO_UPDATE, "None")
    try:
        status = Status(value)
    except ValueError:
        return StatusView("none", one_line(value), "None")
    return StatusView(status.value, label(status, labels), RAG.get(status, "Grey"))


def build_row(
    action: Action,
    ref: str,
    depth: int,
    leads: list[str],
    figure: ActionFigure | None,
    ctx: RowContext,
    cover_ref: str | None = None,
) -> Row:
    """The row for `action` from its figure this round (None: the plan has no rounds yet)."""
    now = figure.now if figure is not None else State(None, None, None, None, None)
    before = figure.before if figure is not None else None
    update = now.update
    status = status_view(figure.shown if figure is not None else None, ctx.labels)
    carried = now.status_round if update is None and status.value in CLOSED else None
    covered = figure is not None and figure.state == COVERED
    row = Row(
        action_id=action.id,
        ref=one_line(ref),
        text=clean_text(action.text).strip(),
        depth=depth,
        leads=leads,
        target=one_line(action.target_text) or None,
        revised_target=_revised(action, now),
        status=status,
        previous=status_view(before.status, ctx.labels) if before is not None else None,
        progress=clean_text(update.progress).strip()
        if update is not None
        else (f"Reported under {one_line(cover_ref)}, as a whole." if covered and cover_ref else ""),
        reported_by=_with_correction(_who(update, ctx.people), update, ctx.tz)
        if update is not None
        else None,
        reported_at=update.created_at.astimezone(ctx.tz) if update is not None else None,
        carried_from=one_line(carried) or None,
        expected=figure is not None and figure.expected,
        answered=figure is not None and figure.answered,
        state=figure.state if figure is not None else "not_asked",
        late=update is not None and _late(update, ctx),
        evidence=[u for u in (safe_url(str(e)) for e in (update.evidence or [])) if u] if update else [],
        fields={one_line(k): clean_text(str(v)).strip() for k, v in (action.fields or {}).items() if v},
    )
    target_day = _target_day(action, now)
    row.overdue = (
        not covered and target_day is not None and target_day < ctx.as_of and now.status not in CLOSED
    )
    row.completed_now = status.value == "completed" and update is not None
    row.completed_now &= before is None or before.status != "completed"
    if update is not None and before is not None and (move := target_move(action, before, now)) is not None:
        kind, words = move
        row.slipped, row.retargeted = (words, None) if kind == "slipped" else (None, words)
    return row


def _who(update: Update, people: dict[int, str]) -> str | None:
    by = people.get(update.submitted_by_id) if update.submitted_by_id else None
    on_behalf = people.get(update.submitted_for_id) if update.submitted_for_id else None
    if by and on_behalf:
        return f"{by} for {on_behalf}"
    return by or ("Imported from the plan" if update.via == "import" else None)


def _with_correction(who: str | None, update: Update, tz: ZoneInfo) -> str | None:
    """Who reported it, and who changed what since, when a coordinator corrected the lead's answer."""
    note = correction_note(update, tz)
    return "; ".join(part for part in (who, note) if part) or None


def _late(update: Update, ctx: RowContext) -> bool:
    if update.late:
        return True
    due = ctx.round.due_date if ctx.round is not None else None
    return due is not None and update.created_at.astimezone(ctx.tz).date() > due


def _revised(action: Action, state: State) -> str | None:
    """The latest revised target, when it says something the plan's target does not."""
    text = one_line(state.revised_text) or (f"{state.revised_date:%d %B %Y}" if state.revised_date else "")
    if not text or text == one_line(action.target_text):
        return None
    if state.revised_date is not None and state.revised_date == action.target_date:
        return None
    return text


def _target_day(action: Action, state: State) -> date | None:
    """The day the action is now due: the latest revised date, else the plan's when it is a real date
    (an "Ongoing" or "TBC" target, or a month the importer could only guess, is never overdue)."""
    if state.revised_date is not None:
        return state.revised_date
    return action.target_date if action.target_kind == "date" else None


def target_move(action: Action, before: State, now: State) -> tuple[str, str] | None:
    """How this round moved the target, as (kind, words); None when it did not move. The one rule for
    SLIPPED: a date later than the one before. An earlier date is "brought forward"; a first date for an
    "Ongoing", "TBC" or undated target is "dated"; any other new wording is "changed". Only "slipped" is a
    slip (kind "slipped"); the rest are kind "target"."""
    old_date = before.revised_date or action.target_date
    old_text = one_line(before.revised_text) or one_line(action.target_text)
    new_date, new_text = now.revised_date, one_line(now.revised_text)
    if new_date is None and not new_text:
        return None  # this round gave no new target
    if new_date is not None and old_date is not None:
        if new_date == old_date:
            return None
        months = (new_date.year - old_date.year) * 12 + new_date.month - old_date.month
        size = _months(months) if months else _days(new_date, old_date)
        span = f"from {_when(old_date, old_text)} to {_when(new_date, new_text)} ({size})"
        return ("slipped", span) if new_date > old_date else ("target", f"brought forward {span}")
    if new_date is not None:
        return "target", f"dated: from {old_text or 'no target'} to {_when(new_date, new_text)}"
    if new_text.casefold() != old_text.casefold():
        return "target", f"changed from {old_text or 'no target'} to {new_text}"
    return None


def _months(months: int) -> str:
    return f"{abs(months)} month{'s' if abs(months) != 1 else ''}"


def _days(a: date, b: date) -> str:
    days = abs((a - b).days)
    return f"{days} day{'s' if days != 1 else ''}"


def _when(day: date, text: str) -> str:
    return text or f"{day:%d %B %Y}"
