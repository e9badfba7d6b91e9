"""Target dates as UK public bodies print them: financial and academic years, quarters, halves, seasons,
ranges, recurring targets, and the day-month forms older plans use. A target is met by the end of what it
names."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from collector.core.dates import (
    ACADEMIC,
    FINANCIAL,
    YEAR_STYLES,
    TargetKind,
    find_dates,
    parse_target,
    split_targets,
)


def _date_of(text: str, **kwargs: str) -> date | None:
    target = parse_target(text, **kwargs)  # type: ignore[arg-type]
    assert target is not None
    return target.date


@pytest.mark.parametrize(
    ("text", "on"),
    [
        ("2025/26", date(2026, 3, 31)),
        ("2025-26", date(2026, 3, 31)),
        ("2025\u201326", date(2026, 3, 31)),
        ("2025/2026", date(2026, 3, 31)),
        ("2025-2026", date(2026, 3, 31)),
        ("FY25/26", date(2026, 3, 31)),
        ("FY 2025-26", date(2026, 3, 31)),
        ("FY2025/26", date(2026, 3, 31)),
        ("financial year 2025/26", date(2026, 3, 31)),
        ("2025/26 financial year", date(2026, 3, 31)),
        ("by end of 2025/26", date(2026, 3, 31)),
        ("1999/00", date(2000, 3, 31)),
    ],
)
def test_a_financial_year_ends_on_31_march(text: str, on: date) -> None:
    assert _date_of(text) == on


@pytest.mark.parametrize(
    ("text", "on"),
    [
        ("2025-2027", date(2027, 12, 31)),  # not consecutive: a range of calendar years
        ("2025 to 2026", date(2026, 12, 31)),  # "to" joins calendar years
        ("2026", date(2026, 12, 31)),
        ("by 2026", date(2026, 12, 31)),
        ("during 2026", date(2026, 12, 31)),
    ],
)
def test_a_lone_year_or_a_range_of_years_ends_on_31_december(text: str, on: date) -> None:
    assert _date_of(text) == on


@pytest.mark.parametrize("text", ["2025/27", "25/26", "2025/24", "0000", "FY25/2026"])
def test_a_pair_that_is_not_one_financial_year_is_not_read_as_one(text: str) -> None:
    target = parse_target(text)
    assert target is not None and target.kind is TargetKind.TEXT


@pytest.mark.parametrize(
    ("text", "on"),
    [
        ("Q1 2025/26", date(2025, 6, 30)),
        ("Q2 2025/26", date(2025, 9, 30)),
        ("Q3 2025/26", date(2025, 12, 31)),
        ("Q4 2025/26", date(2026, 3, 31)),
        ("Q1 26/27", date(2026, 6, 30)),
        ("Q3 FY 2025/26", date(2025, 12, 31)),
        ("Quarter 3 2025-26", date(2025, 12, 31)),
        ("2025/26 Q3", date(2025, 12, 31)),
        ("FY25/26 Q4", date(2026, 3, 31)),
        ("Q2 2026", date(2026, 6, 30)),  # a calendar year's quarter: April to June
        ("Q4 2026", date(2026, 12, 31)),
    ],
)
def test_a_quarter_of_a_financial_year_counts_from_april(text: str, on: date) -> None:
    assert _date_of(text) == on


@pytest.mark.parametrize(
    ("text", "on"),
    [
        ("H1 2026/27", date(2026, 9, 30)),
        ("H2 2026/27", date(2027, 3, 31)),
        ("H1 2026", date(2026, 6, 30)),  # a calendar year's half
        ("H2 2026", date(2026, 12, 31)),
    ],
)
def test_a_half_of_a_financial_year_counts_from_april(text: str, on: date) -> None:
    assert _date_of(text) == on


@pytest.mark.parametrize(
    ("text", "style", "on"),
    [
        ("2025/26", ACADEMIC, date(2026, 7, 31)),
        ("2025/26", FINANCIAL, date(2026, 3, 31)),
        ("AY 2025/26", FINANCIAL, date(2026, 7, 31)),
        ("academic year 2025/26", FINANCIAL, date(2026, 7, 31)),
        ("2025/26 academic year", FINANCIAL, date(2026, 7, 31)),
        ("FY 2025/26", ACADEMIC, date(2026, 3, 31)),
        ("Q1 2025/26", ACADEMIC, date(2025, 10, 31)),
        ("H1 2025/26", ACADEMIC, date(2026, 1, 31)),
    ],
)
def test_an_academic_year_ends_on_31_july_where_the_plan_says_so(text: str, style: str, on: date) -> None:
    assert _date_of(text, year_style=style) == on


def test_an_unknown_year_style_is_refused() -> None:
    assert YEAR_STYLES == (FINANCIAL, ACADEMIC)
    with pytest.raises(ValueError, match="year_style"):
        parse_target("2025/26", year_style="calendar")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "on"),
    [
        ("Sept 2025 - July 2026", date(2026, 7, 31)),
        ("Sept 2025 \u2013 July 2026", date(2026, 7, 31)),
        ("Sept 2025 to July 2026", date(2026, 7, 31)),
        ("from Jan 2026 until Mar 2026", date(2026, 3, 31)),
        ("Jan-Mar 2026", date(2026, 3, 31)),
        ("April to June 2026", date(2026, 6, 30)),
        ("2025/26 - 2026/27", date(2027, 3, 31)),
    ],
)
def test_a_range_is_met_at_its_end(text: str, on: date) -> None:
    assert _date_of(text) == on


@pytest.mark.parametrize(
    "text",
    ["Annually (Oct)", "Annually", "Quarterly", "Every March", "Each autumn", "Every six months", "Termly",
     "Ongoing", "on-going"],
)  # fmt: skip
def test_a_recurring_target_is_ongoing_and_keeps_its_words(text: str) -> None:
    target = parse_target(text)
    assert target is not None
    assert (target.kind, target.text, target.date) == (TargetKind.ONGOING, text, None)


@pytest.mark.parametrize("text", ["TBC", "TBA", "to be confirmed"])
def test_a_target_to_be_confirmed_is_tbc(text: str) -> None:
    target = parse_target(text)
    assert target is not None and target.kind is TargetKind.TBC


@pytest.mark.parametrize(
    ("text", "on"),
    [
        ("Spring 2026", date(2026, 5, 31)),
        ("Summer 2026", date(2026, 8, 31)),
        ("Autumn 2026", date(2026, 11, 30)),
        ("Winter 2026", date(2027, 2, 28)),  # December 2026 to February 2027
        ("Winter 2027", date(2028, 2, 29)),
        ("Winter 2026/27", date(2027, 2, 28)),
        ("Spring 2025/26", date(2026, 5, 31)),  # spring and summer fall in a pair's second year
        ("Autumn 2025/26", date(2025, 11, 30)),
        ("Autumn term 2025", date(2025, 12, 31)),
        ("Spring term 2026", date(2026, 4, 30)),
        ("Summer term 2025/26", date(2026, 7, 31)),
    ],
)
def test_a_season_ends_with_its_last_month(text: str, on: date) -> None:
    assert _date_of(text) == on


@pytest.mark.parametrize(
    ("text", "on"),
    [
        ("early 2026", date(2026, 4, 30)),
        ("start of 2026", date(2026, 4, 30)),
        ("mid 2026", date(2026, 8, 31)),
        ("mid-2026", date(2026, 8, 31)),
        ("late 2026", date(2026, 12, 31)),
        ("end of 2026", date(2026, 12, 31)),
    ],
)
def test_a_qualified_year_is_read_in_thirds(text: str, on: date) -> None:
    assert _date_of(text) == on


@pytest.mark.parametrize(
    ("text", "on"),
    [
        ("Feb-12", date(2012, 2, 29)),
        ("Sept 07", date(2007, 9, 30)),
        ("Mar 2011", date(2011, 3, 31)),
        ("31/03/2012", date(2012, 3, 31)),
        ("2026-03-31", date(2026, 3, 31)),
        ("1st April 27", date(2027, 4, 1)),
        ("31 March 2027", date(2027, 3, 31)),
        ("March 2027", date(2027, 3, 31)),
        ("July 09 and ongoing", date(2009, 7, 31)),
    ],
)
def test_the_day_and_month_forms_older_plans_use_still_read(text: str, on: date) -> None:
    assert _date_of(text) == on


@pytest.mark.parametrize(
    ("text", "pieces"),
    [
        ("Sept 09 April 10 Ongoing", ["Sept 09", "April 10", "Ongoing"]),
        ("July-11 TBC", ["July-11", "TBC"]),
        ("Sept 2025 - July 2026", ["Sept 2025 - July 2026"]),
        ("Sept 2025 to July 2026", ["Sept 2025 to July 2026"]),
        ("2025/26", ["2025/26"]),
        ("2025/26 2026/27", ["2025/26", "2026/27"]),
        ("Q3 2025/26 Ongoing", ["Q3 2025/26", "Ongoing"]),
        ("Sept 09 from Jan 2026 until Mar 2026", ["Sept 09", "from Jan 2026 until Mar 2026"]),
        ("July 09 and ongoing TBC", ["July 09 and ongoing", "TBC"]),
        ("Awaiting outcome of the pilot", ["Awaiting outcome of the pilot"]),
        ("", []),
    ],
)
def test_a_run_of_targets_is_cut_where_each_begins(text: str, pieces: list[str]) -> None:
    assert split_targets(text) == pieces


@pytest.mark.parametrize("text", ["2027/28", "Spring 2027", "mid 2026", "2025-2027"])
def test_outside_a_target_the_periods_a_reply_reads_itself_are_left_alone(text: str) -> None:
    assert find_dates(text) == []
    assert find_dates(text, as_target=True) != []


def test_outside_a_target_a_labelled_period_is_still_a_date() -> None:
    assert find_dates("moved to Q3 2025/26") == [(9, 19, date(2025, 12, 31))]
    assert find_dates("FY 2026/27") == [(0, 10, date(2027, 3, 31))]


def test_a_target_keeps_its_printed_text_and_an_empty_cell_has_none() -> None:
    assert parse_target("  Q3\n 2025/26 ") == parse_target("Q3 2025/26")
    assert parse_target("  Q3\n 2025/26 ").text == "Q3 2025/26"  # type: ignore[union-attr]
    assert parse_target(" \n ") is None


_FORMATS = ["%d/%m/%Y", "%-d %B %Y", "%d %b %Y", "%Y-%m-%d"]


@given(st.dates(min_value=date(1000, 1, 1), max_value=date(9999, 12, 31)), st.sampled_from(_FORMATS))
def test_a_day_written_in_any_usual_format_reads_back_as_that_day(day: date, fmt: str) -> None:
    assert _date_of(day.strftime(fmt)) == day


_QUARTER_END = {1: (0, 6, 30), 2: (0, 9, 30), 3: (0, 12, 31), 4: (1, 3, 31)}


@given(st.integers(min_value=1901, max_value=2198), st.integers(min_value=1, max_value=4))
def test_a_quarter_of_any_financial_year_reads_as_its_last_day(year: int, quarter: int) -> None:
    later, month, day = _QUARTER_END[quarter]
    assert _date_of(f"Q{quarter} {year}/{(year + 1) % 100:02d}") == date(year + later, month, day)


@given(st.text())
def test_any_text_reads_without_error_and_keeps_its_printed_words(text: str) -> None:
    printed = " ".join(text.split())
    target = parse_target(text)
    assert (target is None) == (not printed)
    if target is not None:
        assert target.text == printed
        assert (target.date is not None) == (target.kind is TargetKind.DATE)
    split_targets(text)
