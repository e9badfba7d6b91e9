"""Column headers mapped to our fields: the fields themselves, and the matcher that names a header's field.

The names plans print are data in header_names.py; this module only compares a header with them (whole
name first, then with bracketed asides dropped, then by keyword) and scores whether a row is a header row.
Anything unrecognised is kept as a named field.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .header_names import EXACT, KEYWORDS

# field -> description (the names `--map 'Header=field'` accepts)
FIELDS: dict[str, str] = {
    "ref": "the action's number as printed (1.1, 3, 2.3 c)",
    "action": "what will be done (the action itself)",
    "outcome": "the outcome or objective the action serves",
    "lead": "who leads it: people, initials or teams",
    "target": "target date, deadline or timescale",
    "milestones": "milestones along the way",
    "success": "success measures, indicators, evidence of success",
    "resources": "resources, budget, costs",
    "priority": "priority (high/medium/low)",
    "source": "where the action comes from (legislation, audit, strategy)",
    "duty": "duties, equality strands or protected characteristics covered",
    "status": "a status or RAG column (On target, Completed, Red/Amber/Green)",
    "progress": "progress narrative, position statement or comments",
    "completed": "the date it was completed (doubles as progress in many plans)",
    "extra": "keep the column as a named field, unrecognised",
}

_LOOKUP = {name: field for field, names in EXACT.items() for name in names}
_COMPILED = [(field, re.compile(pattern)) for field, pattern in KEYWORDS]


def squash_header(text: str) -> str:
    """Lowercase, single spaces, no trailing punctuation or footnote marks: how headers are compared."""
    text = text.replace("\n", " ").replace("•", " ").lower()
    text = re.sub(r"[*:;†‡]+", " ", text)
    return " ".join(text.split()).strip(" .-")


def match_header(text: str, overrides: dict[str, str] | None = None) -> str | None:
    """The field a header names, or None when it is not a header we know."""
    if overrides:
        key = squash_header(text)
        for header, field in overrides.items():
            if squash_header(header) == key:
                return field
    return _match_known(text)


def is_exact_header(text: str, overrides: dict[str, str] | None = None) -> bool:
    """Is the header a whole known name (or the user's), rather than a keyword found inside it?"""
    key = squash_header(text)
    if overrides and any(squash_header(h) == key for h in overrides):
        return True
    return key in _LOOKUP or squash_header(re.sub(r"\(.*?\)", " ", key)) in _LOOKUP


@lru_cache(maxsize=4096)
def _match_known(text: str) -> str | None:
    """Cached: every row of a plan is tried as a header, and cells like "Ongoing" or "CS" repeat."""
    key = squash_header(text)
    if not key or len(key) > 80:
        return None
    if key in _LOOKUP:
        return _LOOKUP[key]
    without_brackets = squash_header(re.sub(r"\(.*?\)", " ", key))
    if without_brackets in _LOOKUP:
        return _LOOKUP[without_brackets]
    if len(key.split()) > 8:
        return None
    for field, pattern in _COMPILED:
        if pattern.search(key):
            return field
    return None


def header_score(
    cells: tuple[str, ...], overrides: dict[str, str] | None = None
) -> tuple[int, dict[int, str]]:
    """How header-like a row is: the number of cells naming a known field, and which they are.

    A header needs at least two known columns, one of them the action or outcome, and no long cells:
    a data row whose milestone happens to read "Review date" must not pass.
    """
    if any(len(cell) > 80 for cell in cells):
        return 0, {}
    found: dict[int, str] = {}
    filled = 0
    for i, cell in enumerate(cells):
        if not cell.strip():
            continue
        filled += 1
        field = match_header(cell, overrides)
        if field:
            found[i] = field
    fields = set(found.values())
    if len(found) < 2 or not fields & {"action", "outcome"} or len(found) * 2 < filled:
        return 0, {}
    return len(found), found
