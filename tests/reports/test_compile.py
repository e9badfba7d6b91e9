"""The report's content, computed from the store: statuses, flags, summary, changes, exceptions."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pytest

from collector.core.errors import NotFound
from reports.compile import compile_report
from store.db import session_scope
from store.importers.pipeline import load_plan
from store.persist import save_plan
from store.queries import find_plan


def _rows(report):
    return {row.ref: row for _, row in report.rows()}


def test_each_action_shows_this_rounds_status_beside_the_last_rounds(report):
    rows = _rows(report)
    assert (rows["1.1"].status.label, rows["1.1"].previous.label) == ("Completed", "At risk")
    assert (rows["1.2"].status.label, rows["1.2"].previous.label) == ("At risk", "On track")
    assert rows["1.3"].status.rag == "Green"
    assert rows["1.1"].reported_by == "Jo Baker"
    assert rows["1.1"].reported_at.tzinfo is not None


def test_an_open_action_nobody_answered_for_says_no_update_received(report):
    row = _rows(report)["2.1"]
    assert (row.status.value, row.status.label, row.answered, row.expected) == (
        "none",
        "No update received",
        False,
        True,
    )
    assert row.previous.label == "Off track"


def test_an_action_closed_in_an_earlier_round_keeps_its_status_and_says_where_from(report):
    row = _rows(report)["1.4"]
    assert (row.status.label, row.carried_from, row.expected) == ("Completed", "Imported baseline", False)


def test_the_flags_completed_this_period_slipped_overdue_and_late(report):
    rows = _rows(report)
    assert rows["1.1"].flags == ["Completed this period"]
    assert rows["1.2"].flags == [] and rows["1.2"].slipped is None  # Ongoing given a date: dated, not slipped
    assert rows["1.2"].retargeted == "dated: from Ongoing to September 2027"
    assert rows["1.2"].revised_target == "September 2027"
    assert rows["2.1"].flags == ["Overdue"]  # revised to May 2027 in spring, nothing since, now July
    assert rows["2.3"].flags == ["Late answer"]  # due 30 June, answered 5 July


def test_a_slip_between_dates_says_how_far(compile_):
    rows = _rows(compile_("Spring 2027"))
    assert rows["1.1"].slipped == "from March 2027 to 30 June 2027 (3 months)"
    assert rows["2.1"].slipped is None  # a first target is not a slip


def test_the_summary_counts_statuses_and_responses_by_lead(report):
    s = report.summary
    assert [(c.status.value, c.count) for c in s.counts] == [
        ("completed", 2),
        ("on_track", 2),
        ("at_risk", 1),
        ("withdrawn", 2),
        ("covered", 1),  # 2.3 a): Alex answered 2.3 as a whole
        ("none", 2),
    ]
    assert s.total == 10 and sum(c.percent for c in s.counts) == pytest.approx(100)
    assert (s.expected, s.answered, round(s.response_percent)) == (6, 5, 83)
    assert (s.completed_now, s.overdue, s.slipped, s.late) == (1, 1, 0, 1)
    # each lead's OWN answers: Jo answered 1.2 for both its leads, but that is not Sam's answer
    assert {lead.lead: (lead.expected, lead.answered) for lead in s.by_lead} == {
        "Chris Doe for Facilities": (1, 0),
        "Sam Ortiz": (3, 1),
        "Alex Price": (2, 2),
        "Jo Baker": (2, 2),
    }
    assert s.not_answered == ["Chris Doe for Facilities"]
    assert s.unreachable == ["Nadia Khan (no email or Slack id)"]


def test_a_sub_action_with_no_lead_of_its_own_is_its_parents_leads(report):
    assert _rows(report)["2.3 a)"].leads == ["Alex Price"]


def test_the_trend_has_the_status_mix_at_every_round(report):
    assert [p.round_name for p in report.trend] == ["Imported baseline", "Spring 2027", "Summer 2027"]
    assert report.trend[1].counts["off_track"] == 1 and report.trend[2].counts["completed"] == 2
    assert all(sum(p.counts.values()) == 10 for p in report.trend)
    # the latest column is this report's own table, count for count
    assert {k: v for k, v in report.trend[-1].counts.items() if v} == {
        c.status.value: c.count for c in report.summary.counts
    }


def test_changes_since_the_last_report(report):
    assert [(c.kind, c.ref, c.detail) for c in report.changes] == [
        ("completed", "1.1", "At risk → Completed"),
        ("status", "1.2", "On track → At risk"),
        ("target", "1.2", "dated: from Ongoing to September 2027"),
        ("status", "1.3", "Not started → On track"),
        ("withdrawn", "2.3 b)", "On track → Withdrawn"),
    ]


def test_the_exceptions_variant_keeps_only_amber_red_overdue_and_unanswered(compile_):
    report = compile_(exceptions=True)
    assert [row.ref for _, row in report.rows()] == ["1.2", "2.1"]  # 2.3 a) is covered by 2.3's answer
    assert report.summary.total == 10  # the summary still covers the whole plan
    assert report.title == "Exceptions report: Summer 2027"


def test_an_earlier_round_is_reported_as_it_stood_when_it_closed(compile_):
    report = compile_("Spring 2027")
    assert (report.round_name, report.previous_round_name, report.as_of) == (
        "Spring 2027",
        "Imported baseline",
        date(2027, 4, 9),
    )
    assert _rows(report)["1.1"].status.label == "At risk"


def test_a_round_the_plan_does_not_have_is_a_user_error_listing_its_rounds(compile_):
    with pytest.raises(NotFound, match=r"no round Winter 2030: its rounds are \d+ \(Imported baseline\)"):
        compile_("Winter 2030")


def test_a_plan_with_no_updates_yet_still_reports_every_action_as_awaiting_one(engine, write_plan, clock):
    path = write_plan(
        [["Ref", "Action", "Lead", "Target"], ["1", "Publish the plan", "Jo Baker", "June 2027"]]
    )
    with session_scope(engine) as s:
        save_plan(s, load_plan(path), name="fresh", update=False, clock=clock)
    with session_scope(engine, read_only=True) as s:
        report = compile_report(
            s, find_plan(s, "fresh"), today=date(2027, 7, 1), tz=ZoneInfo("Europe/London")
        )
    [row] = [row for _, row in report.rows()]
    assert (row.status.label, row.answered, row.overdue) == ("No update received", False, True)
    assert report.changes == [] and report.summary.expected == 0
