"""The report's first page: counts by status, response rates by lead, the trend, and what changed.

The status counts are a count of the rows, and the response figures are collector/rounds/figures.py's, so the
table, the charts and every format say the same thing.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from collector.rounds.figures import PlanFigures, RoundFigures
from reports.model import (
    STATUS_ORDER,
    Change,
    LeadResponse,
    Row,
    StatusCount,
    StatusView,
    Summary,
    TrendPoint,
)
from reports.rows import status_view
from reports.safe import one_line
from store.models.plans import Action

TREND_ROUNDS = 8  # the trend chart shows at most this many rounds, the latest last


def legend(labels: dict[str, Any]) -> list[StatusView]:
    """Every status in report order, with the plan's words, for keys and charts."""
    return [status_view(None if v == "none" else v, labels) for v in STATUS_ORDER]


def summarise(
    rows: list[Row], figures: RoundFigures, labels: dict[str, Any], unreachable: list[str]
) -> Summary:
    counts = Counter(row.status.value for row in rows)
    total = len(rows)
    leads = [
        LeadResponse(one_line(f.lead), f.asked, f.answered) for f in figures.leads if f.asked
    ]  # already ordered by rate, then name
    return Summary(
        total=total,
        counts=[
            StatusCount(view, counts[view.value], 100.0 * counts[view.value] / total if total else 0.0)
            for view in legend(labels)
            if counts[view.value]
        ],
        completed_now=sum(r.completed_now for r in rows),
        overdue=sum(r.overdue for r in rows),
        slipped=sum(bool(r.slipped) for r in rows),
        late=sum(r.late for r in rows),
        expected=sum(r.expected for r in rows),
        answered=sum(r.expected and r.answered for r in rows),
        by_lead=leads,
        not_answered=[one_line(lead) for lead in figures.not_answered],
        unreachable=unreachable,
        answered_without_status=sum(r.expected and r.state == "no_status" for r in rows),
    )


def trend(figures: PlanFigures) -> list[TrendPoint]:
    """The status mix at each round (the last TREND_ROUNDS), counted as each round's own report counts its
    rows (collector.rounds.figures.ActionFigure.shown), so the latest column is this report's table."""
    points = []
    names = [one_line(r.name) for r in figures.rounds]
    for index in range(max(0, len(names) - TREND_ROUNDS), len(names)):
        counts = figures.mix_at(index)
        points.append(TrendPoint(names[index], {v: counts[v] for v in STATUS_ORDER}))
    return points


def changes(
    rows: list[Row],
    new_since: datetime | None,
    actions: dict[int, Action],
    retired: list[tuple[str, str]],
) -> list[Change]:
    """Status moves, completions, slips, new and withdrawn actions since the previous round.

    `new_since` is when the previous round opened (None: there is no previous round, so nothing is new);
    `retired` lists (ref, text) of actions a re-import removed since then."""
    out: list[Change] = []
    for row in rows:
        before, now = row.previous, row.status
        if row.completed_now:
            out.append(Change("completed", row.ref, row.text, _move(before, now)))
        elif now.value == "withdrawn" and before is not None and before.value != "withdrawn" and row.answered:
            out.append(Change("withdrawn", row.ref, row.text, _move(before, now)))
        elif before is not None and row.state == "answered" and before.value != "none" and before != now:
            out.append(Change("status", row.ref, row.text, _move(before, now)))
        if row.slipped:
            out.append(Change("slipped", row.ref, row.text, row.slipped))
        elif row.retargeted:
            out.append(Change("target", row.ref, row.text, row.retargeted))
        created = actions[row.action_id].created_at
        if new_since is not None and created > new_since:
            out.append(Change("new", row.ref, row.text, "added to the plan"))
    out.extend(
        Change("withdrawn", one_line(ref), one_line(text), "removed from the plan") for ref, text in retired
    )
    return out


def _move(before: StatusView | None, now: StatusView) -> str:
    return f"{before.label} → {now.label}" if before is not None else now.label
