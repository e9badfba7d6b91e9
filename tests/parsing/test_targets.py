"""Revised targets: the cue and the date's words as written, the year a month without one falls in (from
`today`), history that is not a target, and the revised_due string the `mail parse` contract prints."""

from __future__ import annotations

from datetime import date

import pytest

from collector.core.vocabulary import Status
from collector.replies.parsing import revised_due
from collector.replies.parsing.targets import find_revised

from .conftest import TODAY, parse


@pytest.mark.parametrize(
    ("text", "written", "on"),
    [
        ("new target June 2012", "June 2012", date(2012, 6, 30)),
        ("new date: 30/09/2026", "30/09/2026", date(2026, 9, 30)),
        ("slipped to end of May", "end of May", date(2026, 5, 31)),
        ("pushed back to 2013", "2013", date(2013, 12, 31)),
        ("moved to Q3", "Q3", date(2026, 9, 30)),
        ("should be done by Q3", "Q3", date(2026, 9, 30)),
        ("now due in the autumn", "autumn", None),
        ("revised deadline Sept 27", "Sept 27", date(2027, 9, 30)),
        ("target date now March 2027", "March 2027", date(2027, 3, 31)),
        ("deferred to the 2027/28 financial year", "2027/28", date(2028, 3, 31)),
        ("slipped to the end of next month", "end of next month", date(2026, 5, 31)),
        ("will be signed off by 30th June", "30th June", date(2026, 6, 30)),
        ("delayed, new date TBC", "TBC", None),
    ],
)
def test_it_reads_a_revised_target_as_written(text: str, written: str | None, on: date | None) -> None:
    found = find_revised(text, TODAY)
    assert (found.text if found else None, found.date if found else None) == (written, on)


@pytest.mark.parametrize(
    ("today", "on"),
    [
        (date(2026, 4, 15), date(2026, 6, 30)),  # June is still ahead
        (date(2026, 6, 20), date(2026, 6, 30)),  # this June has not ended yet
        (date(2026, 7, 1), date(2027, 6, 30)),  # this June is over: next June
        (None, None),  # no today: which June? the words are kept, the date is not guessed
    ],
)
def test_a_month_without_a_year_is_the_next_one_on_or_after_today(
    today: date | None, on: date | None
) -> None:
    (update,) = parse("1.1 slipped to June", today=today).updates
    assert update.revised_target_text == "June"
    assert update.revised_target_date == on


def test_june_30_is_a_day_when_2030_would_be_absurd_but_sept_27_is_a_month() -> None:
    assert find_revised("moved to June 30", TODAY).date == date(2026, 6, 30)  # type: ignore[union-attr]
    assert find_revised("moved to Sept 27", TODAY).date == date(2027, 9, 30)  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "text",
    ["signed off in Feb", "met on 3 March", "consultation closed 3 March", "completed by March as planned",
     "was due in March", "signed off by Cabinet in Feb", "training booked for June"],
)  # fmt: skip
def test_a_date_that_is_only_history_is_not_a_revised_target(text: str) -> None:
    assert find_revised(text, TODAY) is None


def test_a_slip_with_no_status_is_at_least_at_risk_and_says_why() -> None:
    (update,) = parse("1.1 new target date 31/03/2027").updates
    assert update.status == Status.AT_RISK
    assert any("slipped" in reason for reason in update.reasons)


def test_a_forecast_date_implies_no_status() -> None:
    (update,) = parse("1.1 report to Cabinet by Q3").updates
    assert update.status is None
    assert update.revised_target_date == date(2026, 9, 30)


def test_a_stated_status_is_kept_beside_a_slip() -> None:
    (update,) = parse("1.1 on track, though the new target is end of July").updates
    assert update.status == Status.ON_TRACK
    assert update.revised_target_date == date(2026, 7, 31)


def test_a_slip_beats_a_forecast_and_the_later_beats_the_earlier() -> None:
    assert find_revised("due by March, now pushed back to June, then moved to July", TODAY).text == "July"  # type: ignore[union-attr]
    assert find_revised("moved to Q3 and should be done by May", TODAY).text == "Q3"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("text", "due"),
    [("new date 30/09/2026", "2026-09-30"), ("slipped to end of May", "2026-05"),
     ("moved to Q3 2027", "2027-09"), ("pushed back to 2013", "2013-12"),
     ("new target 2026-11-30", "2026-11-30"), ("now due in the autumn", None), ("on track", None)],
)  # fmt: skip
def test_revised_due_is_a_day_only_when_the_words_name_one(text: str, due: str | None) -> None:
    (update,) = parse(f"1.1 {text}").updates
    assert revised_due(update) == due


def test_the_revised_target_stays_in_the_progress_text() -> None:
    (update,) = parse("1.1 slipped to end of May because of the election").updates
    assert update.progress == "slipped to end of May because of the election"
