"""The report's first page: counts by status, response rates by lead, the trend, and what changed."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from reports.history import State
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
from store.models import Action

TREND_ROUNDS = 8  # the trend chart shows at most this many rounds, the latest last


def legend(labels: dict[str, Any]) -> list[StatusView]:
    """Every status in report order, with the plan's words, for keys and charts."""
    return [status_view(None if v == "none" else v, labels) for v in STATUS_ORDER]


def summarise(rows: list[Row], labels: dict[str, Any], unreachable: list[str]) -> Summary:
    counts = Counter(row.status.value for row in rows)
    total = len(rows)
    by_lead: dict[str, list[int]] = {}
    for row in rows:
        if not row.expected:
            continue
        for lead in row.leads or ["No lead named"]:
            tally = by_lead.setdefault(lead, [0, 0])
            tally[0] += 1
            tally[1] += row.answered
    leads = [LeadResponse(lead, expected, answered) for lead, (expected, answered) in by_lead.items()]
    leads.sort(key=lambda r: (r.percent, r.lead.casefold()))
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
        not_answered=sorted((r.lead for r in leads if r.answered == 0), key=str.casefold),
        unreachable=unreachable,
    )


def trend(round_names: list[str], states: dict[int, list[State]]) -> list[TrendPoint]:
    """The status mix at each round (the last TREND_ROUNDS), over the actions the report covers."""
    points = []
    first = max(0, len(round_names) - TREND_ROUNDS)
    for index in range(first, len(round_names)):
        counts = Counter((timeline[index].status or "none") for timeline in states.values())
        counts = Counter({("none" if k == "no_change" else k): v for k, v in counts.items()})
        points.append(TrendPoint(round_names[index], {v: counts[v] for v in STATUS_ORDER}))
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
        elif (
            before is not None and row.answered and "none" not in (now.value, before.value) and before != now
        ):
            out.append(Change("status", row.ref, row.text, _move(before, now)))
        if row.slipped:
            out.append(Change("slipped", row.ref, row.text, row.slipped))
        created = actions[row.action_id].created_at
        if new_since is not None and created > new_since:
            out.append(Change("new", row.ref, row.text, "added to the plan"))
    out.extend(
        Change("withdrawn", one_line(ref), one_line(text), "removed from the plan") for ref, text in retired
    )
    return out


def _move(before: StatusView | None, now: StatusView) -> str:
    return f"{before.label} → {now.label}" if before is not None else now.label
