"""Working days and due moments: weekends and England's bank holidays skipped, 09:00 local in UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from collector.core.workdays import (
    at_local,
    due_reminder,
    end_of_day,
    escalation_at,
    format_due,
    is_working_day,
    reminder_dates,
    retry_delay,
    working_days_after,
    working_days_before,
)

LONDON = ZoneInfo("Europe/London")


def test_weekends_and_bank_holidays_are_not_working_days():
    assert not is_working_day(date(2027, 3, 26))  # Good Friday
    assert not is_working_day(date(2027, 3, 29))  # Easter Monday
    assert not is_working_day(date(2027, 5, 31))  # the late-May bank holiday
    assert not is_working_day(date(2027, 3, 27)) and not is_working_day(date(2027, 3, 28))
    assert is_working_day(date(2027, 3, 30))


def test_counting_working_days_steps_over_easter():
    assert working_days_before(date(2027, 3, 31), 2) == date(2027, 3, 25)
    assert working_days_before(date(2027, 3, 31), 7) == date(2027, 3, 18)
    assert working_days_before(date(2027, 3, 27), 0) == date(2027, 3, 27)  # 0 is the day itself
    assert working_days_after(date(2027, 3, 25), 1) == date(2027, 3, 30)


def test_the_reminder_days_of_a_round_due_after_easter_and_after_the_late_may_holiday():
    assert reminder_dates(date(2027, 3, 31), [7, 2, 0]) == [
        date(2027, 3, 18),
        date(2027, 3, 25),
        date(2027, 3, 31),
    ]
    assert reminder_dates(date(2027, 6, 2), [2, 0]) == [date(2027, 5, 28), date(2027, 6, 2)]


def test_nine_oclock_local_is_0900z_in_winter_and_0800z_in_summer():
    assert at_local(date(2027, 3, 25), LONDON) == datetime(2027, 3, 25, 9, tzinfo=UTC)
    assert at_local(date(2027, 3, 31), LONDON) == datetime(2027, 3, 31, 8, tzinfo=UTC)
    assert end_of_day(date(2027, 3, 31), LONDON) == datetime(2027, 3, 31, 23, tzinfo=UTC)


def test_only_the_latest_missed_reminder_day_is_due():
    due = date(2027, 3, 31)
    after_downtime = datetime(2027, 3, 31, 12, tzinfo=UTC)

    assert due_reminder(due, [7, 2, 0], LONDON, after_downtime, prompted_on=date(2027, 3, 1)) == due
    assert due_reminder(
        due, [7, 2, 0], LONDON, datetime(2027, 3, 31, 7, 59, tzinfo=UTC), prompted_on=date(2027, 3, 1)
    ) == date(2027, 3, 25)
    assert (
        due_reminder(
            due, [7, 2, 0], LONDON, datetime(2027, 3, 18, 8, 59, tzinfo=UTC), prompted_on=date(2027, 3, 1)
        )
        is None
    )


def test_a_reminder_day_on_or_before_the_day_of_the_prompt_never_counts():
    assert (
        due_reminder(
            date(2027, 3, 31),
            [7, 2, 0],
            LONDON,
            datetime(2027, 3, 24, 12, tzinfo=UTC),
            prompted_on=date(2027, 3, 24),
        )
        is None
    )
    assert (
        due_reminder(
            date(2027, 3, 31),
            [7, 2, 0],
            LONDON,
            datetime(2027, 3, 25, 12, tzinfo=UTC),
            prompted_on=date(2027, 3, 25),
        )
        is None
    )


def test_escalation_falls_due_working_days_after_the_due_date_at_nine():
    assert escalation_at(date(2027, 3, 31), 3, LONDON) == datetime(2027, 4, 5, 8, tzinfo=UTC)
    assert escalation_at(date(2027, 3, 24), 3, LONDON) == datetime(2027, 3, 31, 8, tzinfo=UTC)  # over Easter


def test_backoff_doubles_up_to_an_hour_and_dates_read_well():
    assert [retry_delay(n).seconds // 60 for n in (1, 2, 3, 7, 20)] == [1, 2, 4, 60, 60]
    assert format_due(date(2027, 3, 14)) == "Sun 14 Mar"
    assert format_due(date(2027, 3, 5), long=True) == "Friday 5 March 2027"
