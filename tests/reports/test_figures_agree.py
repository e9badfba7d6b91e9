"""Property tests: for random plans through a real round, every figure agrees with every other.

The report's status table, trend, rows, response figures and per-lead rates; each format's own rendering of
them (HTML, Markdown, CSV, XLSX, and Word's text); `round status`; and the Slack Home tab. And they mean what
collector/rounds/figures.py says: a lead's rate is their own answers, an action answered as a whole covers
its items,
"no change" with nothing to carry is an answer without a status.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, Phase, event, given, settings
from sqlalchemy import select

from collector.rounds.status import round_status
from reports.build import render
from reports.compile import compile_report
from reports.model import ReportData
from store.db import session_scope
from store.models.plans import Plan
from store.models.rounds import Prompt, PromptAction, Round
from store.models.updates import Update
from tests.reports import format_figures, random_rounds

LONDON = ZoneInfo("Europe/London")
TODAY = date(2027, 3, 20)
LIGHT = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # no shrinking: each example is a whole round
)
HEAVY = settings(LIGHT, max_examples=3)  # Word: a second or so each


def _report(engine, played) -> ReportData:
    with session_scope(engine, read_only=True) as s:
        return compile_report(s, s.get_one(Plan, played.plan_id), today=TODAY, tz=LONDON)


def _from_rows(data: ReportData) -> format_figures.Figures:
    rows = [row for _, row in data.rows()]
    s = data.summary
    return format_figures.Figures(
        counts={c.status.label: c.count for c in s.counts},
        rows=Counter(row.status.label for row in rows),
        due=sum(row.expected for row in rows),
        received=sum(row.expected and row.answered for row in rows),
        leads={lead.lead: (lead.expected, lead.answered) for lead in s.by_lead},
        not_answered=list(s.not_answered),
    )


def _agree(name: str, got: format_figures.Figures, want: format_figures.Figures, *, rows_only=False) -> None:
    assert got.rows == want.rows or (not got.rows and name == "md"), name
    if rows_only:
        return
    assert got.counts == want.counts, name
    assert (got.due, got.received) == (want.due, want.received), name
    if name != "md":
        assert got.leads == want.leads, name
    assert got.not_answered == want.not_answered, name


def _check_report_itself(data: ReportData) -> None:
    want = _from_rows(data)
    assert Counter(want.counts) == want.rows  # the table is a count of the rows
    assert sum(want.counts.values()) == data.summary.total == sum(want.rows.values())
    trend = {k: v for k, v in data.trend[-1].counts.items() if v}
    assert trend == {c.status.value: c.count for c in data.summary.counts}  # the chart is the table
    assert (data.summary.expected, data.summary.answered) == (want.due, want.received)


def _check_meanings(engine, played, data: ReportData) -> None:
    """The figures mean what they say, read straight from the store."""
    rows = {row.action_id: row for _, row in data.rows()}
    with session_scope(engine, read_only=True) as s:
        updates = [
            (u.action_id, u.submitted_for_id or u.submitted_by_id, u.status)
            for u in s.scalars(select(Update).where(Update.round_id == played.round_id))
        ]
        prompts = [
            (
                p.person_id,
                p.lead_label,
                set(s.scalars(select(PromptAction.action_id).filter_by(prompt_id=p.id))),
            )
            for p in s.scalars(select(Prompt).filter_by(round_id=played.round_id))
        ]
        parents = {row.action_id: _parent(s, row.action_id) for row in rows.values()}
    by = {(action_id, who) for action_id, who, _status in updates}
    own_ids = {action_id for action_id, _who, _status in updates}
    for person_id, label, asked in prompts:
        answered = [a for a in asked if _answered_by(a, person_id, by, parents)]
        lead = next(x for x in data.summary.by_lead if x.lead == label)
        assert (lead.expected, lead.answered) == (len(asked), len(answered)), label
        if not answered:
            assert label in data.summary.not_answered
    for action_id, row in rows.items():
        parent = rows.get(parents[action_id])
        if action_id in own_ids:
            assert row.status.value != "covered"
        elif parent is not None and parent.answered and row.status.value not in ("completed", "withdrawn"):
            assert (row.status.value, row.overdue, row.answered) == ("covered", False, True), row.ref
        if row.status.value == "none":
            assert not row.answered
    for action_id, _who, status in updates:
        if status is None and rows[action_id].state != "answered":
            assert rows[action_id].status.label == "No status given"


def _parent(s, action_id: int) -> int | None:
    from store.models.plans import Action

    return s.get_one(Action, action_id).parent_id


def _answered_by(action_id: int | None, person_id: int | None, by: set, parents: dict) -> bool:
    while action_id is not None:
        if (action_id, person_id) in by or (action_id, None) in by:
            return True
        action_id = parents.get(action_id)
    return False


def _check_round_status_and_home(engine, played, data: ReportData) -> None:
    from bot import home

    with session_scope(engine, read_only=True) as s:
        status = round_status(s, s.get_one(Round, played.round_id))
        lines = [line for line in home._rounds(s) if line.plan_title == data.plan_title]
    t = status.totals
    assert (t["asked"], t["answered"]) == (data.summary.expected, data.summary.answered)
    assert {r.lead: (r.asked, r.answered) for r in status.rows if r.asked} == {
        lead.lead: (lead.expected, lead.answered) for lead in data.summary.by_lead
    }
    [line] = lines
    assert (line.asked, line.answered) == (data.summary.expected, data.summary.answered)


@pytest.mark.slow
@LIGHT
@given(spec=random_rounds.rounds)
def test_every_light_format_round_status_and_home_agree_with_the_rows(engine, clock, spec):
    played = random_rounds.play(engine, clock, spec)
    if played is None:
        return
    data = _report(engine, played)
    for state in {row.state for _, row in data.rows()}:
        event(f"an action {state}")  # --hypothesis-show-statistics: how often each case came up
    _check_report_itself(data)
    _check_meanings(engine, played, data)
    _check_round_status_and_home(engine, played, data)
    want = _from_rows(data)
    _agree("html", format_figures.from_html(render(data, "html")), want)
    _agree("md", format_figures.from_md(render(data, "md").decode()), want)
    _agree("xlsx", format_figures.from_xlsx(render(data, "xlsx")), want)
    _agree("csv", format_figures.from_csv(render(data, "csv")), want, rows_only=True)


@pytest.mark.slow
@HEAVY
@given(spec=random_rounds.rounds)
def test_the_word_paper_agrees_with_the_rows(engine, clock, spec):
    played = random_rounds.play(engine, clock, spec)
    if played is None:
        return
    data = _report(engine, played)
    _agree("docx", format_figures.from_docx(render(data, "docx")), _from_rows(data))
