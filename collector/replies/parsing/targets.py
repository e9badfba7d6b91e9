"""Revised targets in an answer: "slipped to end of May", "new date: 30/09/2026", "by Q3", "due in autumn".

A date only counts when a cue introduces it. History ("signed off in Feb", "met on 3 March") has no cue and
is never a target. Cues come in three kinds (CUES, as data):
  slip      the target moved ("pushed back to 2013", "new target June 2012"): implies at least at risk
  forecast  when it will be done ("by Q3", "due in June"), unless the clause is past ("was due in March")
  future    a finished-sounding verb ("completed in June") that is a forecast only beside a future word
            ("will be completed in June"), never in "completed in June"
When several cues give dates, a slip beats a forecast and the later beats the earlier.

A careful coordinator also reads:
  hedges    "probably by June", "hopefully end of May": still the revised target, marked hedged (less sure)
  events    a meeting's or a workshop's date ("the panel is scheduled for 12 May", "interviews planned for
            June") is progress, not the action's target, unless the clause speaks of a deadline or target
  labels    a slip word then a date ("Delayed - end of Q1 2028/29") is a slip to that date
  wraps     a client's line wrap between cue and date ("Revised target\n31/03/2028") changes nothing
  current   against the action's current target (when known): a slip to a month written without its year
            is the first such month after the target; a "new" date not later than it is no slip; a forecast
            later than it is one
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

from collector.core.dates import month_end
from collector.core.reply_dates import WrittenDate, read_date

# Cue patterns are written with plain spaces; each space matches any run of spaces or tabs.
_TO = r"(?: (?:back )?(?:to|until|till|into))"
CUES: dict[str, tuple[str, ...]] = {
    "slip": (
        rf"slipp(?:ed|ing){_TO}",
        r"slip (?:to|into)",
        rf"push(?:ed|ing)? back{_TO}?",
        rf"pushed{_TO}",
        rf"put back{_TO}",
        rf"(?:pushed|put)(?: [\w']+){{1,3}}? back{_TO}",  # "pushed the launch back to September"
        rf"mov(?:ed|ing|e){_TO}",
        rf"(?:deferred|postponed|delayed|held over|re-?scheduled|re-?profiled|re-?planned|extended){_TO}",
        r"(?:re-?scheduled|re-?profiled|re-?planned) for",
        rf"(?:an )?extension{_TO}",
        rf"(?:carried|rolled) (?:over|forward){_TO}",
        r"(?:new|revised|amended|updated|new proposed) (?:target|completion|due|end|delivery|deadline|"
        r"timescale|date)(?: dates?)?(?: (?:of|is|now|will be|set (?:for|as)|agreed (?:as|for)))?",
        r"(?:target|deadline|due date|completion date|end date|timescale)(?: date)? (?:is now|now|(?:has )?"
        rf"(?:been )?(?:moved|changed|revised|amended|extended|reset)(?:{_TO}| for))",
        r"(?:revised|changed|amended|reset) to",
        rf"extend(?:ed|ing)? (?:the |its )?(?:deadline|target(?: date)?|timescale|end date)"
        rf"(?: for [\w.\x20]{{1,20}}?)?{_TO}",
        # "target revised from March 2026 to September 2026": the date after "to" is the new one.
        r"(?:revised|moved|changed|amended|extended|pushed back|put back|slipped|delayed|deferred|postponed) "
        r"from [^.;\n]{1,40}? to",
        r"now (?:due|expected|scheduled|planned|programmed|forecast|targeted|anticipated|likely|looking like|"
        r"looks like)(?: to (?:complete|finish|be (?:complete|completed|done|finished|ready)))?",
        r"(?:won't|will not|not) be (?:done|complete|completed|finished|ready|delivered|met|achieved|"
        r"in place) (?:until|till|before)",
        r"not (?:until|till|before)",
        r"(?:not (?:likely|expected|probably|anticipated)|unlikely) (?:to be (?:\w+ )?)?"
        r"(?:until|till|before)",
        r"no (?:earlier|sooner) than",
        r"will now (?:be|complete|finish|start|run)",
        # a slip word labelling a date: "Delayed - end of Q1 2028/29", "Slipped: June"
        r"(?:delayed|slipped|deferred|postponed|rescheduled|re-?profiled|pushed back|put back|extended)"
        r"(?=[\x20\t]*[-–:,])",
    ),
    "forecast": (
        r"by",
        r"(?:due|expect|expected|expecting|scheduled|planned|programmed|forecast|targeted|anticipated|aiming|aim|"
        r"hope|hoping|plan|planning|intend|likely)(?: to (?:complete|finish|conclude|be \w+|go live|launch|"
        r"publish|deliver|report))?",
        r"(?:complete|finish|conclude|deliver|publish|launch|implement|go live|sign off|report) "
        r"(?=in|by|on|at|around|during)",
        r"on (?:track|course|target|schedule) (?:for|to (?:complete|finish|be \w+))",
        r"completion(?: (?:is|now))?(?: (?:expected|due|date|anticipated|forecast|planned|scheduled))?",
        # a hedge straight before a date: "hopefully end of May", "probably June"
        r"probably|hopefully|possibly|perhaps|maybe|ideally|provisionally|tentatively|all being well",
    ),
    "future": (
        r"(?:completed|finished|done|ready|delivered|in place|live|implemented|published|launched|signed off|"
        r"agreed|complete) (?=in|by|for|on|around|during)",
    ),
}


def _spaced(pattern: str) -> str:
    """Each space in a cue matches spaces or tabs, or one line end (a mail client's wrap)."""
    return pattern.replace(" ", r"(?:[ \t]+|[ \t]*\n[ \t]*)")


_CUE = re.compile(
    "|".join(
        rf"(?<![\w'])(?P<{kind}>" + "|".join(map(_spaced, cues)) + r")\b" for kind, cues in CUES.items()
    ),
    re.I,
)
_FUTURE = re.compile(
    _spaced(
        r"\b(?:will|should|shall|would|hope|hoping|hopefully|expect|expected|expecting|aim|aiming|plan|planned|"
        r"planning|intend|intending|due|likely|going to|on course|on track|to be|now|anticipate|anticipated|"
        r"forecast|target|targeting|scheduled|set to|need|needs)\b|'ll\b"
    ),
    re.I,
)
_PAST = re.compile(
    _spaced(
        r"\b(?:was|were|had|did|originally|previously|initially|already|last|ago|completed|done|finished|"
        r"signed off|published|achieved|delivered|agreed|approved|met|held|closed|launched|went)\b"
    ),
    re.I,
)
_CLAUSE_START = re.compile(r"[.;!?\n][^.;!?\n]*$")
# Doubt about a date, in its clause before it ("we'll probably finish by June") or after ("June, hopefully").
_HEDGE = re.compile(
    _spaced(
        r"\b(?:probably|hopefully|possibly|perhaps|maybe|hope|hoping|hopeful|likely|might|could|"
        r"fingers crossed|all being well|with (?:any )?luck|if all goes well|touch wood|tentatively|"
        r"provisionally|provisional|ideally|optimistically|i think|we think|estimated|approximately|approx|"
        r"roughly|circa)\b"
    ),
    re.I,
)
_HEDGE_AFTER = re.compile(
    r"[ \t]*,?[ \t]*(?:-?ish\b|(?:hopefully|probably|possibly|maybe|perhaps|fingers crossed|all being well|"
    r"if all goes well|with (?:any )?luck)\b)",
    re.I,
)
# A date belongs to an event, not to the action's target, when its clause is about one of these...
_EVENT = re.compile(
    _spaced(
        r"\b(?:meetings?|meets|meet|panels?|board|committee|cabinet|workshops?|sessions?|seminars?|webinars?|"
        r"conference|events?|interviews?|forum|steering group|working group|task group|visits?|inspection|"
        r"hearing|away day|focus groups?|drop-ins?|roadshows?|presentations?|briefings?|training day)\b"
    ),
    re.I,
)
# ...unless the clause speaks of the action's deadline: "the board extended the deadline to December".
_DEADLINE = re.compile(
    r"\b(?:target|deadline|due date|completion|end date|timescale|finish|complete|go live|launch|deliver|"
    r"publish|implement|sign off)",
    re.I,
)
_EVENT_BREAK = re.compile(r"[.;!?\n,]|\s[-–—]\s|\s(?:and|but|so|while|whereas)\s", re.I)
_RANK = {"slip": 2, "forecast": 1, "future": 1}


@dataclass(frozen=True)
class RevisedTarget:
    text: str  # the date's words as written ("end of May", "Q3", "the autumn" -> "autumn")
    date: date | None
    slip: bool  # the target moved (implies at least at risk) rather than a forecast
    day: bool  # the words name a day, so revised_due is YYYY-MM-DD rather than YYYY-MM
    hedged: bool = False  # "probably by June": the target, less surely
    yearless: bool = False  # a month or day written without its year, placed on or after `today`
    later: bool = False  # a forecast later than the current target: a slip in all but name


def find_revised(text: str, today: date | None = None, field: str | None = None) -> RevisedTarget | None:
    """The revised target an answer gives: a "New target:" line's value first, else the best cue."""
    if field:
        written = read_date(field, 0, today)
        if written:
            hedged = _hedged(field, 0, written)
            yearless = _yearless(field, written, today)
            return RevisedTarget(_words(field, written), written.value, True, written.day, hedged, yearless)
    best: tuple[int, int, RevisedTarget] | None = None
    for match in _CUE.finditer(text):
        kind = match.lastgroup or "forecast"
        if not _fits(text, match.start(), kind) or _event(text, match.start(), match.group()):
            continue
        written = read_date(text, match.end(), today)
        if written is None:
            continue
        found = RevisedTarget(
            _words(text, written),
            written.value,
            kind == "slip",
            written.day,
            hedged=_hedged(text, match.start(), written),
            yearless=_yearless(text, written, today),
        )
        if best is None or (_RANK[kind], match.start()) >= best[:2]:
            best = (_RANK[kind], match.start(), found)
    return best[2] if best else None


def _words(text: str, written: WrittenDate) -> str:
    """The date's words, without a trailing full stop ("end of May." -> "end of May", "Sept." -> "Sept")."""
    return " ".join(text[written.start : written.end].split()).rstrip(".")


def _fits(text: str, at: int, kind: str) -> bool:
    """A forecast cue in a past clause is history ("was due in March"); a finished verb needs a future
    word beside it ("will be completed in June")."""
    if kind == "slip":
        return True
    window = text[max(0, at - 80) : at]
    opening = _CLAUSE_START.search(window)
    clause = window[opening.start() + 1 :] if opening else window
    if kind == "future":
        return bool(_FUTURE.search(clause))
    return not _PAST.search(clause) or bool(_FUTURE.search(clause))


def against(found: RevisedTarget | None, current: date | None) -> RevisedTarget | None:
    """The revised target read against the action's current one: "slipped to June" when the target is
    March next year is next year's June; a "new" date not later than the target is no slip; a forecast
    later than it is one."""
    if found is None or found.date is None or current is None:
        return found
    value = found.date
    if found.slip and found.yearless:
        for _ in range(2):  # a slip goes forward: the first such month after the current target
            if value > current:
                break
            value = _a_year_on(value)
    if found.slip:
        return replace(found, date=value, slip=value > current)
    return replace(found, slip=True, later=True) if value > current else found


def _a_year_on(value: date) -> date:
    """The same day a year later (28 February for 29 February; a month's last day stays its last day)."""
    last = value == month_end(value.year, value.month)
    return month_end(value.year + 1, value.month) if last else value.replace(year=value.year + 1)


def _hedged(text: str, cue: int, written: WrittenDate) -> bool:
    """Is the date said with doubt: "probably by June", "hopefully end of May", "June-ish"?"""
    window = text[max(0, cue - 80) : written.start]
    opening = _CLAUSE_START.search(window)
    clause = window[opening.start() + 1 :] if opening else window
    return bool(_HEDGE.search(clause) or _HEDGE_AFTER.match(text, written.end))


def _yearless(text: str, written: WrittenDate, today: date | None) -> bool:
    """Was the year worked out from `today` ("slipped to June") rather than written ("June 2027")?"""
    if today is None or written.value is None:
        return False
    if re.search(r"month|year|quarter", text[written.start : written.end], re.I):
        return False  # "the end of next month": relative to today, not a month written without its year
    alone = read_date(text, written.start)  # no today: a date without its year stays undated
    return alone is not None and alone.value is None


def _event(text: str, at: int, cue: str) -> bool:
    """Is the date after this cue an event's ("the panel is scheduled for 12 May") rather than a target?
    "by" always sets a deadline ("report to Cabinet by Q3")."""
    if cue.lower() == "by":
        return False
    clause = _EVENT_BREAK.split(text[max(0, at - 80) : at])[-1]
    return bool(_EVENT.search(clause)) and not _DEADLINE.search(f"{clause} {cue}")
