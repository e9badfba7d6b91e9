"""A date as people write one in a reply, read at a given position: "end of May", "30/09/2026", "Q3",
"Sept 27", "2013", "2026/27", "next month", "the autumn".

Full dates go through collector.core.dates.find_dates, so a reply and a plan read "Sept 27" the same way
(September 2027). What a plan never needs is a date without its year ("slipped to June"): that is the next
June on or after `today`, and without `today` the words are kept and the date left unknown. A month means
its last day; a year alone its 31 December; a financial year ("2026/27") its 31 March; a quarter ("Q3")
its last month, as the plan importer reads "Q3 2027", and a quarter of a financial year its quarter from
April ("end of Q1 2028/29": 30 June 2028). A date may stand on the line after its cue, where a mail client
wrapped the line ("Revised target\n31/03/2028").
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from collector.core.dates import MONTHS, find_dates, month_end

_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_CONNECT = re.compile(
    r"[ \t]*\n?[ \t]*(?:[:=,–-][ \t]*\n?[ \t]*)?(?:(?:around|about|approx(?:imately)?|circa|roughly|"
    r"hopefully|probably|possibly|likely|now|in|on|at|by|for|until|till|during|within|to|sometime[ \t]+in|"
    r"some[ \t]+time[ \t]+in)[ \t]+){0,2}(?:(?:the|a|an)[ \t]+)?",
    re.I,
)
_QUALIFIER = re.compile(
    r"(?:the[ \t]+)?(?:end|close|beginning|start|middle|mid|early|late|latter[ \t]+part|first[ \t]+half|"
    r"second[ \t]+half|week[ \t]+commencing|w/c)(?:[ \t]+of)?[ \t-]*(?:the[ \t]+)?",
    re.I,
)
_DAY_MONTH = re.compile(rf"(\d{{1,2}})(?:st|nd|rd|th)?[ \t]+(?:of[ \t]+)?({_MONTH})\b\.?", re.I)
_MONTH_DAY = re.compile(rf"({_MONTH})\.?[ \t]+(\d{{1,2}})(?:st|nd|rd|th)\b", re.I)
_MONTH_ONLY = re.compile(rf"({_MONTH})\b\.?(?![ \t]*\d)", re.I)
_QUARTER = re.compile(r"Q([1-4])(?:[ \t]*(\d{4}|\d{2})(?![\d/]))?\b", re.I)
_FINANCIAL_YEAR = re.compile(r"(?:FY[ \t]?)?(20\d{2})[/-](20\d{2}|\d{2})\b", re.I)
_YEAR = re.compile(r"((?:19|20)\d{2})\b(?![/-]\d)")
_VAGUE = re.compile(
    r"(?:the[ \t]+)?(?:spring|summer|autumn|fall|winter|new[ \t]+year|new[ \t]+financial[ \t]+year|"
    r"tbc|tba|tbd|to[ \t]+be[ \t]+(?:confirmed|agreed|decided|determined|set))\b"
    r"(?:[ \t]+(?:20\d{2}(?:/\d{2})?))?",
    re.I,
)


@dataclass(frozen=True)
class WrittenDate:
    start: int  # the date's words in the text ("end of May"), qualifier included
    end: int
    value: date | None  # None: a season, "TBC", or a month with no year and no `today`
    day: bool  # the words name a day ("30 June"), not only a month, quarter or year


def _on_or_after(today: date | None, month: int, day: int | None = None) -> date | None:
    """The next such month (or day) on or after today; None without today (the year is ambiguous)."""
    if today is None:
        return None
    for year in (today.year, today.year + 1):
        last = calendar.monthrange(year, month)[1]
        if day is not None and day > last:
            continue
        value = date(year, month, day) if day is not None else month_end(year, month)
        if value >= today:
            return value
    return None


def _quarter_end(year: int, q: int) -> date:
    return month_end(year, q * 3)


def _financial_year_end(today: date, ahead: int = 0) -> date:
    year = today.year + (1 if today.month > 3 else 0) + ahead
    return date(year, 3, 31)


# Relative words -> the date they mean on `today`.
RELATIVE: dict[str, Callable[[date], date]] = {
    "this month": lambda t: month_end(t.year, t.month),
    "the month": lambda t: month_end(t.year, t.month),
    "month end": lambda t: month_end(t.year, t.month),
    "month": lambda t: month_end(t.year, t.month),  # only ever read after "end of the"
    "next month": lambda t: month_end(t.year + t.month // 12, t.month % 12 + 1),
    "this year": lambda t: date(t.year, 12, 31),
    "the year": lambda t: date(t.year, 12, 31),
    "the calendar year": lambda t: date(t.year, 12, 31),
    "year": lambda t: date(t.year, 12, 31),  # "the end of the year"
    "next year": lambda t: date(t.year + 1, 12, 31),
    "this quarter": lambda t: _quarter_end(t.year, (t.month - 1) // 3 + 1),
    "the quarter": lambda t: _quarter_end(t.year, (t.month - 1) // 3 + 1),
    "next quarter": lambda t: _quarter_end(t.year + (t.month > 9), ((t.month - 1) // 3 + 1) % 4 + 1),
    "the financial year": _financial_year_end,
    "this financial year": _financial_year_end,
    "financial year end": _financial_year_end,
    "the financial year end": _financial_year_end,
    "next financial year": lambda t: _financial_year_end(t, 1),
}
_RELATIVE = re.compile(
    r"(?:" + "|".join(p.replace(" ", r"[ \t]+") for p in sorted(RELATIVE, key=len, reverse=True)) + r")\b",
    re.I,
)


def read_date(text: str, pos: int, today: date | None = None) -> WrittenDate | None:
    """The date written at `pos` (after connecting words like "to", "in", "by the"), or None."""
    at = _CONNECT.match(text, pos).end()  # type: ignore[union-attr]  # the pattern matches empty
    start = at
    qualifier = _QUALIFIER.match(text, at)
    qualified = bool(qualifier and qualifier.end() > at)
    if qualifier and qualified:
        at = qualifier.end()
    found = _read_at(text, at, today)
    if found is None:
        return None
    end, value, day = found
    if text[start : start + 4].lower() == "the ":
        start += 4
    return WrittenDate(start, end, value, day and not qualified)


def _read_at(text: str, at: int, today: date | None) -> tuple[int, date | None, bool] | None:
    window = text[at : at + 40]
    dates = find_dates(window)
    if dates and dates[0][0] == 0:
        _, length, value = dates[0]
        two_digit_year = re.fullmatch(rf"(?:{_MONTH})\.?[\s\-/.,']*(\d\d)", window[:length], re.I)
        plausible = today is None or today.year - 1 <= value.year <= today.year + 2
        if not (two_digit_year and not plausible and int(two_digit_year[1]) <= 31):
            return at + length, value, window[:1].isdigit()
        # "June 30" with today in 2026 is 30 June, not June 2030.
        return at + length, _on_or_after(today, value.month, int(two_digit_year[1])), True
    for pattern, read in _READERS:
        match = pattern.match(text, at)
        if match:
            read_value, day = read(match, today)
            return match.end(), read_value, day
    return None


def _day_month(m: re.Match[str], today: date | None) -> tuple[date | None, bool]:
    return _on_or_after(today, MONTHS[m[2].lower()], int(m[1])) if 1 <= int(m[1]) <= 31 else None, True


def _month_day(m: re.Match[str], today: date | None) -> tuple[date | None, bool]:
    return _on_or_after(today, MONTHS[m[1].lower()], int(m[2])) if 1 <= int(m[2]) <= 31 else None, True


def _month(m: re.Match[str], today: date | None) -> tuple[date | None, bool]:
    return _on_or_after(today, MONTHS[m[1].lower()]), False


def _quarter(m: re.Match[str], today: date | None) -> tuple[date | None, bool]:
    q = int(m[1])
    if m[2]:
        year = int(m[2]) + (2000 if len(m[2]) == 2 else 0)
        return (_quarter_end(year, q) if 1900 < year < 2200 else None), False
    return _on_or_after(today, q * 3), False


def _financial_year(m: re.Match[str], today: date | None) -> tuple[date | None, bool]:
    first, second = int(m[1]), int(m[2]) + (2000 if len(m[2]) == 2 else 0)
    return (date(second, 3, 31) if second == first + 1 else None), False


def _year(m: re.Match[str], today: date | None) -> tuple[date | None, bool]:
    return date(int(m[1]), 12, 31), False


def _relative(m: re.Match[str], today: date | None) -> tuple[date | None, bool]:
    return (RELATIVE[" ".join(m.group(0).lower().split())](today) if today else None), False


def _vague(m: re.Match[str], today: date | None) -> tuple[date | None, bool]:
    return None, False


_READERS = (
    (_DAY_MONTH, _day_month),
    (_MONTH_DAY, _month_day),
    (_MONTH_ONLY, _month),
    (_QUARTER, _quarter),
    (_FINANCIAL_YEAR, _financial_year),
    (_YEAR, _year),
    (_RELATIVE, _relative),
    (_VAGUE, _vague),
)


def revised_due(value: date | None, day: bool) -> str | None:
    """The `mail parse` contract's revised_due: YYYY-MM-DD when the words named a day, else YYYY-MM."""
    if value is None:
        return None
    return value.isoformat() if day else value.strftime("%Y-%m")


def due_string(text: str | None, value: date | None) -> str | None:
    """revised_due for a revised target kept as its words and date (an Update row): one reading everywhere."""
    if value is None:
        return None
    written = read_date(text or "", 0, value)
    return revised_due(value, bool(written and written.day))
