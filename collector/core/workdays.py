"""Working days and the moments reminders and escalations fall due: pure functions of dates and a time zone.

Working days are Monday to Friday except the bank holidays of England and Wales, which come from data (the
`holidays` package), not code (reliability.md section 4). Everything is computed on local dates and turned
into a UTC instant only at the end, at 09:00 local: so a reminder is due at 08:00Z in summer and 09:00Z in
winter, and nothing ever falls in the 01:00-02:00 hour that the clock changes double or skip (F7).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

SEND_AT = time(9, 0)  # reminders and escalations go out at or after this local time


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def working_days_before(day: date, n: int) -> date:
    """The date n working days before `day`; n=0 is `day` itself, whatever day of the week it is."""
    while n > 0:
        day -= timedelta(days=1)
        n -= is_working_day(day)
    return day


def working_days_after(day: date, n: int) -> date:
    """The date n working days after `day` (n=0: `day`)."""
    while n > 0:
        day += timedelta(days=1)
        n -= is_working_day(day)
    return day


def zone(name: str | None, default: str) -> ZoneInfo:
    """The plan's time zone, else the installation's (settings.timezone)."""
    return ZoneInfo(name or default)


def local_date(instant: datetime, tz: ZoneInfo) -> date:
    return instant.astimezone(tz).date()


def at_local(day: date, tz: ZoneInfo, when: time = SEND_AT) -> datetime:
    """`when` on `day` in `tz`, as a UTC instant."""
    return datetime.combine(day, when, tzinfo=tz).astimezone(UTC)


def end_of_day(day: date, tz: ZoneInfo) -> datetime:
    """The instant `day` ends in `tz` (the local midnight after it), in UTC: when a round closes."""
    return at_local(day + timedelta(days=1), tz, time(0, 0))


def reminder_dates(due: date, days_before: Iterable[int]) -> list[date]:
    """The reminder days of a round due on `due`, earliest first (each n working days before; 0 = due)."""
    return sorted({working_days_before(due, int(n)) for n in days_before if int(n) >= 0})


def due_reminder(
    due: date, days_before: Iterable[int], tz: ZoneInfo, now: datetime, *, prompted_on: date
) -> date | None:
    """The reminder day a prompt first sent on `prompted_on` should have had its latest reminder for.

    Only the LATEST reminder day whose 09:00 has passed counts: after downtime a prompt gets one catch-up
    reminder, not one per missed day. Days on or before the day the prompt went out never count (a round
    opened 3 working days before its due date has no "7 days before" reminder).
    """
    passed = [d for d in reminder_dates(due, days_before) if d > prompted_on and at_local(d, tz) <= now]
    return passed[-1] if passed else None


def escalation_at(due: date, after_days: int, tz: ZoneInfo) -> datetime:
    """When a round's escalation falls due: 09:00 local, `after_days` working days after the due date."""
    return at_local(working_days_after(due, after_days), tz)


def retry_delay(attempts: int) -> timedelta:
    """Backoff after a temporary channel failure: 1, 2, 4 ... minutes, at most an hour."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 60))


def format_due(day: date | None, *, long: bool = False) -> str:
    """'Fri 14 Mar' (long: 'Friday 14 March 2027'); portable, unlike strftime's %-d."""
    if day is None:
        return "no due date"
    if long:
        return f"{day:%A} {day.day} {day:%B %Y}"
    return f"{day:%a} {day.day} {day:%b}"
