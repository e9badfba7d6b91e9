"""Target dates as plans print them: "Feb-12", "Sept 07", "Mar 2011", "31/03/2012", "Ongoing", "TBC".

The printed text is always kept; a date is parsed where there is one. A month without a day means the end
of that month (a target of "March 2012" is met on 31 March). Two-digit years are this century's up to 69.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

from .draft import TargetDraft, TargetKind

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
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_SEP = r"[\s\-/.,']*"
# Order matters: day-month-year before month-year before numeric forms.
# A two-digit year after a day is only read with an ordinal ("1st April 27"): "09 April 10" in a run of
# targets is "Sept 09, April 10", not 9 April 2010.
_DAY_MONTH_YEAR = re.compile(
    rf"\b(\d{{1,2}})(?:(?:st|nd|rd|th)?{_SEP}({_MONTH})\.?{_SEP}(\d{{4}})|(?:st|nd|rd|th){_SEP}({_MONTH})\.?{_SEP}(\d{{2}}))\b",
    re.I,
)
_MONTH_YEAR = re.compile(rf"\b({_MONTH})\.?{_SEP}(\d{{4}}|\d{{2}})\b(?!\s*(?:st|nd|rd|th)\b)", re.I)
_NUMERIC = re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{4}|\d{2})\b")
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_QUARTER = re.compile(r"\bQ([1-4])\s*(\d{4})\b", re.I)
_YEAR_ONLY = re.compile(r"^\s*(?:end of |by |during )?(\d{4})\s*$", re.I)

_ONGOING = re.compile(
    r"\b(on-?\s?going|continuous(ly)?|rolling|throughout|annual(ly)?|quarterly|monthly|"
    r"weekly|every year|each year|as required|as needed|business as usual|bau)\b",
    re.I,
)
_TBC = re.compile(r"\b(tbc|tba|tbd|to be (confirmed|agreed|decided|determined|set))\b", re.I)


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        year += 2000 if year < 70 else 1900
    return year


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def find_dates(text: str) -> list[tuple[int, int, date]]:
    """Every date in the text as (start, end, date), in order of appearance, without overlaps."""
    found: list[tuple[int, int, date]] = []
    taken: list[tuple[int, int]] = []

    def add(start: int, end: int, value: date | None) -> None:
        if value and not any(s < end and start < e for s, e in taken):
            found.append((start, end, value))
            taken.append((start, end))

    for m in _ISO.finditer(text):
        add(m.start(), m.end(), _safe(int(m[1]), int(m[2]), int(m[3])))
    for m in _DAY_MONTH_YEAR.finditer(text):
        month, year = (m[2], m[3]) if m[2] else (m[4], m[5])
        add(m.start(), m.end(), _safe(_year(year), MONTHS[month.lower()], int(m[1])))
    for m in _NUMERIC.finditer(text):
        add(m.start(), m.end(), _safe(_year(m[3]), int(m[2]), int(m[1])))  # UK order: day/month/year
    for m in _MONTH_YEAR.finditer(text):
        add(m.start(), m.end(), _safe_month(_year(m[2]), MONTHS[m[1].lower()]))
    for m in _QUARTER.finditer(text):
        add(m.start(), m.end(), _safe_month(int(m[2]), int(m[1]) * 3))
    return sorted(found)


def _safe(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _safe_month(year: int, month: int) -> date | None:
    return _month_end(year, month) if 1 <= month <= 12 and 1900 < year < 2200 else None


def parse_target(text: str) -> TargetDraft | None:
    """A target cell -> TargetDraft; None for an empty cell. The latest date wins when there are several."""
    printed = " ".join(text.split())
    if not printed:
        return None
    dates = find_dates(printed)
    if not dates:
        year_only = _YEAR_ONLY.match(printed)
        if year_only:
            return TargetDraft(printed, TargetKind.DATE, date(int(year_only[1]), 12, 31))
    if dates:
        return TargetDraft(printed, TargetKind.DATE, max(d for _, _, d in dates))
    if _TBC.search(printed):
        return TargetDraft(printed, TargetKind.TBC)
    if _ONGOING.search(printed):
        return TargetDraft(printed, TargetKind.ONGOING)
    return TargetDraft(printed, TargetKind.TEXT)


def split_targets(text: str) -> list[str]:
    """Cut a run of targets printed without separators ("July-11 TBC", "Sept 09 April 10 Ongoing")."""
    tokens: list[tuple[int, int]] = [(s, e) for s, e, _ in find_dates(text)]
    for pattern in (_TBC, _ONGOING):
        tokens.extend((m.start(), m.end()) for m in pattern.finditer(text))
    tokens.sort()
    # "July 09 and ongoing" is one target, not two.
    merged: list[tuple[int, int]] = []
    for start, end in tokens:
        if merged and re.fullmatch(r"\s*(and|&|then|\+)\s*", text[merged[-1][1] : start], re.I):
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    tokens = merged
    if len(tokens) < 2:
        return [text.strip()] if text.strip() else []
    pieces = []
    for i, (start, _end) in enumerate(tokens):
        stop = tokens[i + 1][0] if i + 1 < len(tokens) else len(text)
        begin = 0 if i == 0 else start
        pieces.append(text[begin:stop].strip(" ,;"))
    return [p for p in pieces if p]
