"""Target dates as UK public bodies print them: "Feb-12", "31/03/2012", "2025/26", "Q3 2025/26",
"Spring 2026", "Sept 2025 - July 2026", "Annually (Oct)", "TBC".

The printed text is always kept; a date is parsed where there is one, and it is the day by which the target is
met, so a period means its last day:

- a month without a day is its last day ("March 2027": 31 March); a lone year its 31 December, and a range of
  years ("2025 to 2027") the last one's. Two-digit years are this century's up to 69.
- a year pair ("2025/26", "2025-26", "2025/2026", "FY25/26", "financial year 2025/26") is a UK financial
  year, ending 31 March 2026; consecutive years only, so "2025-2027" is a range of calendar years. With
  year_style="academic", or where the target says "AY"/"academic year", it is an academic year, ending
  31 July.
- quarters and halves of a year pair count from the start of that year (April; August for an academic year):
  "Q3 2025/26" is 31 Dec 2025, "H1 2026/27" 30 Sep 2026. Of a calendar year they are calendar ones:
  "Q2 2026" is 30 June 2026, "H1 2026" 30 June 2026.
- seasons are meteorological and end with their last month: spring 31 May, summer 31 August, autumn
  30 November; winter starts in December, so "Winter 2026" ends 28 Feb 2027. Terms end at the end of
  December (autumn), April (spring, after Easter) and July (summer). Against a year pair, autumn and winter
  fall in its first year and spring and summer in its second ("Spring 2025/26": 31 May 2026).
- a qualified year is read in thirds: "early 2026" 30 April, "mid 2026" 31 August, "late"/"end of 2026"
  31 December.
- a range ("Sept 2025 - July 2026", "from Jan 2026 until Mar 2026", "Jan-Mar 2026") is met at its end.
- recurring targets ("Annually (Oct)", "Quarterly", "Every March", "Each autumn") are ongoing.

find_dates reads bare year pairs, seasons, qualified years and year ranges only when told it is reading a
target (as_target=True): collector.core.reply_dates reuses find_dates for replies, reads those itself (a
season
stays undated in a reply), and takes a date that begins with a digit to name a day.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import lru_cache
from typing import Final, Literal

YearStyle = Literal["financial", "academic"]
FINANCIAL: Final = "financial"
ACADEMIC: Final = "academic"
YEAR_STYLES: Final[tuple[YearStyle, ...]] = (FINANCIAL, ACADEMIC)
# The month a year pair's year begins: UK financial years run April-March, academic years August-July.
_YEAR_START: Final[dict[str, int]] = {FINANCIAL: 4, ACADEMIC: 8}


class TargetKind(StrEnum):
    """What a plan's target cell holds."""

    DATE = "date"  # a date was parsed (month-only targets mean the end of that month)
    ONGOING = "ongoing"
    TBC = "tbc"
    TEXT = "text"  # free text ("Awaiting outcome of ... vote", "Pending outcome of pilot")


@dataclass
class TargetDraft:
    """A target as printed, with its date where one was read."""

    text: str  # as printed, always kept
    kind: TargetKind
    date: date | None = None


MONTHS = {
    "jan": 1,
    "january": 1,
    "feb": 2,
    "february": 2,
    "febuary": 2,
    "mar": 3,
    "march": 3,
    "apr": 4,
    "april": 4,
    "may": 5,
    "jun": 6,
    "june": 6,
    "jul": 7,
    "july": 7,
    "aug": 8,
    "august": 8,
    "sep": 9,
    "sept": 9,
    "september": 9,
    "oct": 10,
    "october": 10,
    "nov": 11,
    "november": 11,
    "dec": 12,
    "december": 12,
}
# (year of a pair it falls in: 0 first, 1 second; its last month counted from January of that year)
_SEASONS: Final[dict[str, tuple[int, int]]] = {
    "spring": (1, 5),
    "summer": (1, 8),
    "autumn": (0, 11),
    "winter": (0, 14),  # December to February: ends in the next year
}
_TERMS: Final[dict[str, tuple[int, int]]] = {"autumn": (0, 12), "spring": (1, 4), "summer": (1, 7)}
_THIRDS: Final[dict[str, int]] = {  # qualifier of a year -> the month it ends
    "early": 4,
    "start of": 4,
    "beginning of": 4,
    "mid": 8,
    "middle of": 8,
    "late": 12,
    "end of": 12,
}
_PART_MONTHS: Final[dict[str, int]] = {"q": 3, "qtr": 3, "quarter": 3, "h": 6, "half": 6}
_MIN_YEAR, _MAX_YEAR = 1900, 2200  # exclusive: a year outside is not a target year

_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_SEP = r"[\s\-/.,']*"
_DASH = "[-\u2013\u2014]"
_TO = rf"(?:\s*{_DASH}\s*|\s+(?:to|until|till|through|thru)\s+)"
_FY = r"FY|financial\s+year"
_AY = r"AY|academic\s+year"
_PAIR = (
    rf"(?:(?:(?P<fy>{_FY})|(?P<ay>{_AY}))\s*)?"
    rf"(?P<a>\d{{4}}|\d{{2}})\s*(?:/|{_DASH})\s*(?P<b>\d{{4}}|\d{{2}})(?!\w|[/.\-\u2013]\d)"
    rf"(?:\s+(?:(?P<fy2>{_FY})|(?P<ay2>{_AY}))\b)?"
)
_PART = r"(?P<unit>Qtr|Q|quarter|H|half)\.?\s*(?P<n>[1-4])"
_ORDINAL = r"(?!\s*(?:st|nd|rd|th)\b)"

_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
# A two-digit year after a day is only read with an ordinal ("1st April 27"): "09 April 10" in a run of
# targets is "Sept 09, April 10", not 9 April 2010.
_DAY_MONTH_YEAR = re.compile(
    rf"\b(\d{{1,2}})(?:(?:st|nd|rd|th)?{_SEP}({_MONTH})\.?{_SEP}(\d{{4}})|(?:st|nd|rd|th){_SEP}({_MONTH})\.?{_SEP}(\d{{2}}))\b",
    re.I,
)
_NUMERIC = re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{4}|\d{2})\b")
_SEASON = re.compile(
    rf"\b(?P<season>spring|summer|autumn|winter)(?P<term>\s+term)?\s*(?:of\s+)?"
    rf"(?P<a>\d{{4}})(?:\s*(?:/|{_DASH})\s*(?P<b>\d{{4}}|\d{{2}}))?(?!\w|[/.\-\u2013]\d)",
    re.I,
)
_PART_OF_PAIR = re.compile(rf"(?<![\w/]){_PART}\s*(?:of\s+)?(?:the\s+)?{_PAIR}", re.I)
_PAIR_THEN_PART = re.compile(rf"(?<![\w/]){_PAIR}\s*[,:\-\u2013]?\s*{_PART}\b", re.I)
_YEAR_PAIR = re.compile(rf"(?<![\w/]){_PAIR}", re.I)
_MONTH_RANGE = re.compile(rf"\b({_MONTH})\.?{_TO}({_MONTH})\.?{_SEP}(\d{{4}}|\d{{2}})\b{_ORDINAL}", re.I)
_MONTH_YEAR = re.compile(rf"\b({_MONTH})\.?{_SEP}(\d{{4}}|\d{{2}})\b{_ORDINAL}", re.I)
_CALENDAR_PART = re.compile(
    rf"(?<![\w/]){_PART}\s*(?:of\s+)?(?P<y>\d{{4}})(?!\w|\s*(?:/|{_DASH})\s*\d)", re.I
)
_QUALIFIED_YEAR = re.compile(
    rf"\b(?P<q>early|start\s+of|beginning\s+of|mid|middle\s+of|late|end\s+of)(?:\s*-\s*|\s+)(?:the\s+)?"
    rf"(?:year\s+)?(?P<y>\d{{4}})(?!\w|\s*(?:/|{_DASH})\s*\d)",
    re.I,
)
_YEAR_RANGE = re.compile(rf"(?<![\w/])(?P<a>\d{{4}}){_TO}(?P<b>\d{{4}})(?!\w|[/.\-\u2013]\d)", re.I)
_YEAR_ONLY = re.compile(r"^\s*(?:by |during |in |for )?(\d{4})\s*$", re.I)

_ONGOING = re.compile(
    r"\b(on-?\s?going|continuous(ly)?|rolling|throughout|annual(ly)?|quarterly|monthly|"
    r"weekly|yearly|termly|fortnightly|daily|bi-?annual(ly)?|half-?yearly|six-?monthly|"
    rf"(?:every|each)\s+(?:\w+\s+)?(?:{_MONTH}|spring|summer|autumn|winter|quarters?|terms?|months?|weeks?|"
    r"years?|financial\s+years?|academic\s+years?|half-?years?)|"
    r"as required|as needed|business as usual|bau)\b",
    re.I,
)
_TBC = re.compile(r"\b(tbc|tba|tbd|to be (confirmed|agreed|decided|determined|set))\b", re.I)
_AND = re.compile(r"\s*(and|&|then|\+)\s*", re.I)  # "July 09 and ongoing" is one target
_RANGE_JOIN = re.compile(_TO, re.I)  # between two dates: "Sept 2025 - July 2026" is one
_FROM = re.compile(r"\b(?:from|between)\s+$", re.I)


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        year += 2000 if year < 70 else 1900
    return year


def month_end(year: int, month: int) -> date:
    """The last day of a month: what a target or a reply that names only a month means."""
    return date(year, month, calendar.monthrange(year, month)[1])


def _safe(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _safe_month(year: int, month: int) -> date | None:
    return month_end(year, month) if 1 <= month <= 12 and _MIN_YEAR < year < _MAX_YEAR else None


def _months_on(year: int, months: int) -> date | None:
    """The end of the `months`-th month counted from January of `year` (13 is next January)."""
    return _safe_month(year + (months - 1) // 12, (months - 1) % 12 + 1)


def _month_number(name: str) -> int | None:
    """A month's number; None for a look-alike only case-insensitive matching accepts ("ſept")."""
    return MONTHS.get(name.lower()) or MONTHS.get(name.casefold())


def _words(text: str) -> str:
    return " ".join(text.lower().split())


def _pair_first_year(m: re.Match[str], labelled: bool) -> int | None:
    """The first year of a pair of consecutive years; a two-digit first year only if labelled ("FY25/26")."""
    a, b = m["a"], m["b"]
    if len(a) == 2 and (not labelled or len(b) == 4):
        return None
    first = _year(a)
    follows = int(b) == first + 1 if len(b) == 4 else int(b) == (first + 1) % 100
    return first if follows and _MIN_YEAR < first < _MAX_YEAR else None


def _pair_style(m: re.Match[str], style: str) -> str:
    """The year pair's own label ("AY", "financial year") wins over the plan's setting."""
    if m["ay"] or m["ay2"]:
        return ACADEMIC
    if m["fy"] or m["fy2"]:
        return FINANCIAL
    return style


def _part_end(first: int, start_month: int, m: re.Match[str]) -> date | None:
    size, n = _PART_MONTHS[m["unit"].lower()], int(m["n"])
    if n * size > 12:  # "H3"
        return None
    return _months_on(first, start_month - 1 + n * size)


def _iso(m: re.Match[str], style: str) -> date | None:
    return _safe(int(m[1]), int(m[2]), int(m[3]))


def _day_month_year(m: re.Match[str], style: str) -> date | None:
    name, year = (m[2], m[3]) if m[2] else (m[4], m[5])
    month = _month_number(name)
    return _safe(_year(year), month, int(m[1])) if month else None


def _numeric(m: re.Match[str], style: str) -> date | None:
    return _safe(_year(m[3]), int(m[2]), int(m[1]))  # UK order: day/month/year


def _season(m: re.Match[str], style: str) -> date | None:
    in_pair, months = (_TERMS if m["term"] else _SEASONS).get(m["season"].lower(), (0, 0))
    if not months:  # "winter term"
        return None
    if m["b"] is None:
        return _months_on(int(m["a"]), months)
    first = _pair_first_year(m, labelled=True)
    return _months_on(first + in_pair, months) if first else None


def _part_of_pair(m: re.Match[str], style: str) -> date | None:
    first = _pair_first_year(m, labelled=True)
    return _part_end(first, _YEAR_START[_pair_style(m, style)], m) if first else None


def _year_pair(m: re.Match[str], style: str) -> date | None:
    labelled = any(m[g] for g in ("fy", "ay", "fy2", "ay2"))
    first = _pair_first_year(m, labelled)
    return _months_on(first, _YEAR_START[_pair_style(m, style)] - 1 + 12) if first else None


def _month_year(m: re.Match[str], style: str) -> date | None:
    month = _month_number(m[1])
    return _safe_month(_year(m[2]), month) if month else None


def _month_range(m: re.Match[str], style: str) -> date | None:
    month = _month_number(m[2])
    return _safe_month(_year(m[3]), month) if month and _month_number(m[1]) else None


def _calendar_part(m: re.Match[str], style: str) -> date | None:
    return _part_end(int(m["y"]), 1, m)


def _qualified_year(m: re.Match[str], style: str) -> date | None:
    return _safe_month(int(m["y"]), _THIRDS[_words(m["q"])])


def _year_range(m: re.Match[str], style: str) -> date | None:
    first, last = int(m["a"]), int(m["b"])
    return _safe_month(last, 12) if _MIN_YEAR < first < last else None


# When a form is read: always; only in a target; or outside a target only if it begins with a letter.
_ALWAYS, _TARGET, _LETTERED = "always", "target", "lettered"
Reader = Callable[[re.Match[str], str], date | None]
# Order matters: where two forms overlap, the earlier one is read ("Spring 2025/26" is a season, not a year).
_FORMS: Final[tuple[tuple[re.Pattern[str], Reader, str], ...]] = (
    (_ISO, _iso, _ALWAYS),
    (_DAY_MONTH_YEAR, _day_month_year, _ALWAYS),
    (_NUMERIC, _numeric, _ALWAYS),
    (_SEASON, _season, _TARGET),
    (_PART_OF_PAIR, _part_of_pair, _LETTERED),
    (_PAIR_THEN_PART, _part_of_pair, _LETTERED),
    (_YEAR_PAIR, _year_pair, _LETTERED),
    (_MONTH_RANGE, _month_range, _ALWAYS),
    (_MONTH_YEAR, _month_year, _ALWAYS),
    (_CALENDAR_PART, _calendar_part, _ALWAYS),
    (_QUALIFIED_YEAR, _qualified_year, _TARGET),
    (_YEAR_RANGE, _year_range, _TARGET),
)


def _check_style(year_style: str) -> None:
    if year_style not in YEAR_STYLES:
        raise ValueError(f"year_style must be one of {', '.join(YEAR_STYLES)}, not {year_style!r}")


def _reads(when: str, matched: str, as_target: bool) -> bool:
    return as_target or when == _ALWAYS or (when == _LETTERED and matched[:1].isalpha())


def find_dates(
    text: str, *, year_style: YearStyle = FINANCIAL, as_target: bool = False
) -> list[tuple[int, int, date]]:
    """Every date in the text as (start, end, date), in order of appearance, without overlaps.

    as_target: the text is a target cell, where a bare "2025/26", a season or "mid 2026" is a target too.
    """
    _check_style(year_style)
    return list(_find_dates(text, year_style, as_target))


@lru_cache(maxsize=4096)
def _find_dates(text: str, year_style: YearStyle, as_target: bool) -> tuple[tuple[int, int, date], ...]:
    """find_dates' work, remembered: plans repeat their target cells ("Mar-27", "Ongoing") many times."""
    found: list[tuple[int, int, date]] = []
    for pattern, read, when in _FORMS:
        for m in pattern.finditer(text):
            start, end = m.span()
            if any(s < end and start < e for s, e, _ in found) or not _reads(when, m[0], as_target):
                continue
            value = read(m, year_style)
            if value:
                found.append((start, end, value))
    return tuple(sorted(found))


def _lone_year(printed: str) -> date | None:
    match = _YEAR_ONLY.match(printed)
    return _safe_month(int(match[1]), 12) if match else None


def parse_target(text: str, *, year_style: YearStyle = FINANCIAL) -> TargetDraft | None:
    """A target cell -> TargetDraft; None for an empty cell. The latest date wins when there are several
    (so a range counts at its end)."""
    printed = " ".join(text.split())
    if not printed:
        return None
    dates = find_dates(printed, year_style=year_style, as_target=True)
    latest = max((d for _, _, d in dates), default=None) or _lone_year(printed)
    if latest:
        return TargetDraft(printed, TargetKind.DATE, latest)
    if _TBC.search(printed):
        return TargetDraft(printed, TargetKind.TBC)
    if _ONGOING.search(printed):
        return TargetDraft(printed, TargetKind.ONGOING)
    return TargetDraft(printed, TargetKind.TEXT)


def _target_spans(text: str, year_style: YearStyle) -> list[tuple[int, int]]:
    """Where each target in a run starts and ends: dates and words, joined where they make one target."""
    tokens = [(s, e, True) for s, e, _ in find_dates(text, year_style=year_style, as_target=True)]
    tokens += [(m.start(), m.end(), False) for p in (_TBC, _ONGOING) for m in p.finditer(text)]
    spans: list[tuple[int, int, bool]] = []
    for start, end, dated in sorted(tokens):
        if spans:
            first, last, was_dated = spans[-1]
            gap = text[last:start] if start > last else ""
            if start < last or _AND.fullmatch(gap) or (was_dated and dated and _RANGE_JOIN.fullmatch(gap)):
                spans[-1] = (first, max(last, end), dated)
                continue
        opening = _FROM.search(text, spans[-1][1] if spans else 0, start)
        spans.append((opening.start() if opening else start, end, dated))
    return [(s, e) for s, e, _ in spans]


def split_targets(text: str, *, year_style: YearStyle = FINANCIAL) -> list[str]:
    """Cut a run of targets printed without separators ("July-11 TBC", "Sept 09 April 10 Ongoing"); a range
    ("Sept 2025 - July 2026") stays one target."""
    spans = _target_spans(text, year_style)
    if len(spans) < 2:
        return [text.strip()] if text.strip() else []
    pieces = []
    for i, (start, _end) in enumerate(spans):
        stop = spans[i + 1][0] if i + 1 < len(spans) else len(text)
        begin = 0 if i == 0 else start
        pieces.append(text[begin:stop].strip(" ,;"))
    return [p for p in pieces if p]
