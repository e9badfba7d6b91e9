"""What the round's figures mean, case by case, on the Harbourside round (tests/rounds/personas.py).

Each case is one that real plans got wrong: a co-lead's answer counted as the other lead's, an action's
answer leaving its items "No update received" and overdue, a first-round "no change" counted as a status,
and SLIPPED on a target brought forward or on "Ongoing" given a date.
"""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from collector.core.vocabulary import Status
from collector.replies.intake import apply
from collector.replies.paper import record_paper_update
from collector.replies.types import ParsedUpdate, Reply
from collector.rounds.figures import State
from collector.rounds.status import round_status
from reports.compile import compile_report
from reports.model import ReportData
from reports.rows import target_move
from store.db import session_scope
from store.models.plans import Action
from store.models.rounds import Round
from store.models.updates import Update
from tests.rounds.helpers import open_harbourside, prompts
from tests.rounds.personas import plan_of

LONDON = ZoneInfo("Europe/London")


def _reply(engine, clock, world, who: str, updates: list[ParsedUpdate], round_id: int) -> None:
    """`who` answers through their own prompt, as an email reply would arrive at intake."""
    prompt = prompts(engine, round_id)[who]
    clock.advance(timedelta(hours=1))
    with session_scope(engine) as s:
        reply = Reply(
            channel="email",
            text="(structured)",
            received_at=clock.now(),
            sender_person_id=world.people[who],
            prompt_id=prompt.id,
            structured=updates,
        )
        assert apply(s, reply, clock=clock).state == "applied"


def _report(engine, world, clock) -> ReportData:
    with session_scope(engine, read_only=True) as s:
        return compile_report(s, plan_of(s, world), today=clock.now().date(), tz=LONDON)


def _rows(report: ReportData) -> dict:
    return {row.ref: row for _, row in report.rows()}


@pytest.fixture
def spring(engine, world, clock) -> int:
    return open_harbourside(engine, world, clock).round.id


def test_a_co_leads_answer_covers_the_action_but_is_not_the_other_leads_response(
    engine, world, clock, spring
):
    _reply(engine, clock, world, "Jo", [ParsedUpdate("1.2", Status.ON_TRACK, "Network launched")], spring)

    report = _report(engine, world, clock)
    assert _rows(report)["1.2"].answered  # 1.2 is led by Jo and Sam: Jo's answer covers the action
    leads = {lead.lead: (lead.expected, lead.answered) for lead in report.summary.by_lead}
    assert leads["Jo Baker"] == (2, 1) and leads["Sam Ortiz"] == (3, 0)
    assert "Sam Ortiz" in report.summary.not_answered and "Jo Baker" not in report.summary.not_answered


def test_an_action_answered_as_a_whole_covers_its_items(engine, world, clock, spring):
    with session_scope(engine) as s:  # 2.3's items had targets that have passed
        for ref in ("2.3 a)", "2.3 b)"):
            item = s.get_one(Action, world.actions[ref])
            item.target_text, item.target_kind, item.target_date = "January 2027", "date", date(2027, 1, 31)
    # Alex (2.3's lead) answers 2.3 as a whole; a coordinator types it in, as said on the phone
    clock.advance(timedelta(hours=1))
    with session_scope(engine) as s:
        record_paper_update(
            s,
            "harbourside",
            "2.3",
            status=Status.ON_TRACK,
            progress="Both parts under way",
            revised_target=None,
            evidence=[],
            by="Alex Price",
            round_id=spring,
            clock=clock,
            actor="cli:test",
        )

    report = _report(engine, world, clock)
    rows = _rows(report)
    for ref in ("2.3 a)", "2.3 b)"):
        row = rows[ref]
        assert (row.status.value, row.status.label) == ("covered", "Reported with its action")
        assert (row.answered, row.overdue, row.is_exception) == (True, False, False)
        assert row.progress == "Reported under 2.3, as a whole."
    leads = {lead.lead: (lead.expected, lead.answered) for lead in report.summary.by_lead}
    assert leads["Alex Price"] == (2, 1)  # asked 1.3 (for HR) and 2.3 a): answered 2.3 a) through 2.3
    assert leads["Sam Ortiz"][1] == 0  # 2.3 b) is covered for the report, but Sam did not answer it


def test_no_change_with_nothing_to_carry_is_an_answer_without_a_status(engine, world, clock, spring):
    # 1.1 has a baseline status (on track) to carry; 1.2 has none
    _reply(
        engine,
        clock,
        world,
        "Jo",
        [ParsedUpdate("1.1", Status.NO_CHANGE, ""), ParsedUpdate("1.2", Status.NO_CHANGE, "")],
        spring,
    )

    rows = _rows(report := _report(engine, world, clock))
    assert (rows["1.1"].status.value, rows["1.1"].state) == ("on_track", "answered")
    assert (rows["1.2"].status.value, rows["1.2"].status.label) == ("no_status", "No status given")
    assert rows["1.2"].state == "no_status" and rows["1.2"].answered
    assert (
        report.summary.answered_without_status == 1 and report.summary.without_status == "1 without a status"
    )


def test_round_status_and_the_report_count_the_same_answers(engine, world, clock, spring):
    _reply(engine, clock, world, "Jo", [ParsedUpdate("1.2", Status.AT_RISK, "Room booked late")], spring)
    _reply(engine, clock, world, "Alex", [ParsedUpdate("a)", Status.ON_TRACK, "Mapped")], spring)

    report = _report(engine, world, clock)
    with session_scope(engine, read_only=True) as s:
        status = round_status(s, s.get_one(Round, spring))
    assert (status.totals["asked"], status.totals["answered"]) == (6, 2)
    assert (report.summary.expected, report.summary.answered) == (6, 2)
    assert {r.lead: (r.asked, r.answered) for r in status.rows} == {
        lead.lead: (lead.expected, lead.answered) for lead in report.summary.by_lead
    }


def _action(kind: str, day: date | None, text: str) -> Action:
    return Action(target_kind=kind, target_date=day, target_text=text)


def _state(day: date | None = None, text: str | None = None) -> State:
    return State("on_track", "Spring", text, day, None)


def test_slipped_only_when_the_new_date_is_later():
    june = _action("date", date(2027, 6, 30), "June 2027")
    later = target_move(june, _state(), _state(date(2027, 9, 30), "September 2027"))
    assert later == ("slipped", "from June 2027 to September 2027 (3 months)")
    earlier = target_move(june, _state(), _state(date(2027, 5, 31), "May 2027"))
    assert earlier == ("target", "brought forward from June 2027 to May 2027 (1 month)")
    assert target_move(june, _state(), _state(date(2027, 6, 30), "30 June 2027")) is None
    assert target_move(june, _state(), _state()) is None  # no new target this round


def test_a_first_date_for_an_ongoing_or_tbc_target_is_dated_not_slipped():
    for printed in ("Ongoing", "TBC"):
        action = _action("ongoing" if printed == "Ongoing" else "tbc", None, printed)
        move = target_move(action, _state(), _state(date(2027, 9, 30), "September 2027"))
        assert move == ("target", f"dated: from {printed} to September 2027")


def test_a_later_revised_date_than_the_last_revision_is_a_slip_even_when_the_plan_said_earlier():
    action = _action("date", date(2027, 3, 31), "March 2027")
    before = _state(date(2027, 6, 30), "June 2027")
    assert target_move(action, before, _state(date(2027, 5, 31), "May 2027"))[0] == "target"
    assert target_move(action, before, _state(date(2027, 7, 31), "July 2027"))[0] == "slipped"


def test_no_change_is_carried_from_the_imported_baseline_only_when_it_has_a_status(
    engine, world, clock, spring
):
    _reply(engine, clock, world, "Alex", [ParsedUpdate("1.3", Status.NO_CHANGE, "")], spring)
    with session_scope(engine, read_only=True) as s:
        update = s.scalar(select(Update).where(Update.action_id == world.actions["1.3"]))
        assert (update.status, update.progress) == (None, "No change reported; no earlier status.")
