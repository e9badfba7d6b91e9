"""Revised targets in an answer: "slipped to end of May", "new date: 30/09/2026", "by Q3", "due in autumn".

A date only counts when a cue introduces it. History ("signed off in Feb", "met on 3 March") has no cue and
is never a target. Cues come in three kinds (CUES, as data):
  slip      the target moved ("pushed back to 2013", "new target June 2012"): implies at least at risk
  forecast  when it will be done ("by Q3", "due in June"), unless the clause is past ("was due in March")
  future    a finished-sounding verb ("completed in June") that is a forecast only beside a future word
            ("will be completed in June"), never in "completed in June"
When several cues give dates, a slip beats a forecast and the later beats the earlier.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from .dates import WrittenDate, read_date

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
        r"no (?:earlier|sooner) than",
        r"will now (?:be|complete|finish|start|run)",
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
    ),
    "future": (
        r"(?:completed|finished|done|ready|delivered|in place|live|implemented|published|launched|signed off|"
        r"agreed|complete) (?=in|by|for|on|around|during)",
    ),
}


def _spaced(pattern: str) -> str:
    return pattern.replace(" ", r"[ \t]+")


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
_RANK = {"slip": 2, "forecast": 1, "future": 1}


@dataclass(frozen=True)
class RevisedTarget:
    text: str  # the date's words as written ("end of May", "Q3", "the autumn" -> "autumn")
    date: date | None
    slip: bool  # the target moved (implies at least at risk) rather than a forecast
    day: bool  # the words name a day, so revised_due is YYYY-MM-DD rather than YYYY-MM


def find_revised(text: str, today: date | None = None, field: str | None = None) -> RevisedTarget | None:
    """The revised target an answer gives: a "New target:" line's value first, else the best cue."""
    if field:
        written = read_date(field, 0, today)
        if written:
            return RevisedTarget(_words(field, written), written.value, True, written.day)
    best: tuple[int, int, RevisedTarget] | None = None
    for match in _CUE.finditer(text):
        kind = match.lastgroup or "forecast"
        if not _fits(text, match.start(), kind):
            continue
        written = read_date(text, match.end(), today)
        if written is None:
            continue
        found = RevisedTarget(_words(text, written), written.value, kind == "slip", written.day)
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


def revised_due(value: date | None, day: bool) -> str | None:
    """The `mail parse` contract's revised_due: YYYY-MM-DD when the words named a day, else YYYY-MM."""
    if value is None:
        return None
    return value.isoformat() if day else value.strftime("%Y-%m")
