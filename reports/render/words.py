"""How the report's words are set on the page, shared by every renderer: one rule each, in one place.

A committee reads "Sarah Eggenhuizen" over two lines in a narrow column as two people, and a target of
"a) Feb-12 b) Feb-12 c) & d) ongoing" broken after "b)" as nonsense; so a name is held together with
no-break spaces and a multi-item target is set one item a line. The store calls the round made from a plan's
own progress columns "Imported baseline"; the committee's word for it is the plan's position as imported.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime

from reports.model import ReportData, Row
from store.persist import BASELINE_ROUND

NBSP = "\u00a0"
AS_IMPORTED = "Position in the plan as imported"
TARGET_HELD = 14  # characters of a target item held on one line: what the Target column holds
# A row of more than TALL_LINES lines on paper (about a sixth of an A4 landscape page) may break across
# pages; a shorter one moves whole: a short row split over two pages is hard to read, a tall one kept whole
# leaves a gap.
TALL_LINES = 10
ACTION_LINE, FIELD_LINE, PROGRESS_LINE = 34, 40, 58  # characters a line holds in those columns on paper
FIELD_SHOWN, PROGRESS_SHOWN = 300, 3000  # characters of a plan field and of a narrative printed on paper
REPORTER_HELD = 14  # the Reported column is narrower, and holds one person: a longer name wraps between words
NAME_HELD = 20  # characters: a longer name (a team, a committee) may still wrap, under a hanging indent

_MARKER = re.compile(r"^\(?(?:[a-z]|[ivx]{1,4}|\d{1,2})\)[,;:.]?$", re.IGNORECASE)
_GLUED = re.compile(r"(?<=\))(?=\w)")  # "c)ongoing" -> "c) ongoing"
_JOINERS = {"&", "and", "or", "/", ",", "-", "+"}


def hold(text: str | None, limit: int = NAME_HELD) -> str:
    """A name (or a short date) with no-break spaces, so a line never ends inside it; longer text as it is."""
    if not text:
        return text or ""
    words = text.split()
    return NBSP.join(words) if len(text) <= limit else " ".join(words)


def target_items(text: str | None) -> list[str]:
    """A target as its items: "a) Feb-12 b) Feb-12 c) & d) ongoing" -> ["a) Feb-12", "b) Feb-12",
    "c) & d) ongoing"]. A new item starts at a marker once the item before it has a value, so markers
    joined by "&" stay together; each item is held with no-break spaces. Text without markers is one item."""
    if not text:
        return []
    items: list[list[str]] = [[]]
    has_value = False
    for token in _GLUED.sub(" ", text).split():
        if _MARKER.match(token) and has_value:
            items.append([])
            has_value = False
        elif not _MARKER.match(token) and token.casefold() not in _JOINERS:
            has_value = True
        items[-1].append(token)
    return [_held_item(words) for words in items if words]


def _held_item(words: list[str]) -> str:
    """A short item ("b) Feb-12", "c) & d) ongoing") is held whole; in a longer one ("a) December 2027") the
    markers stay tied to the first word and the rest may wrap."""
    words = [*words[:-1], words[-1].rstrip(",;")] if len(words) > 1 else words
    lead = 0
    while lead < len(words) - 1 and (_MARKER.match(words[lead]) or words[lead].casefold() in _JOINERS):
        lead += 1
    item = " ".join(words)
    if len(item) <= TARGET_HELD:
        return NBSP.join(words)
    return NBSP.join(words[: lead + 1]) + "".join(" " + word for word in words[lead + 1 :])


def moment(value: datetime | None) -> str:
    """When an update arrived, "3 Dec 2026, 16:31", its date never split across lines."""
    return hold(f"{value.day} {value:%b %Y}") + f", {value:%H:%M}" if value else ""


def round_label(name: str | None) -> str | None:
    """A round's name as the committee reads it."""
    return AS_IMPORTED if name == BASELINE_ROUND else name


def committee_words(data: ReportData) -> ReportData:
    """The report with the store's internal round name replaced by the committee's words (idempotent)."""
    names = [data.round_name, data.previous_round_name, *(p.round_name for p in data.trend)]
    carried = any(row.carried_from == BASELINE_ROUND for _, row in data.rows())
    if BASELINE_ROUND not in names and not carried:
        return data
    sections = data.sections
    if carried:
        sections = [replace(s, rows=[_row(r) for r in s.rows]) for s in data.sections]
    return replace(
        data,
        round_name=round_label(data.round_name) or data.round_name,
        previous_round_name=round_label(data.previous_round_name),
        trend=[replace(p, round_name=round_label(p.round_name) or p.round_name) for p in data.trend],
        sections=sections,
    )


def _row(row: Row) -> Row:
    if row.carried_from != BASELINE_ROUND:
        return row
    return replace(row, carried_from=round_label(row.carried_from))


def tall(row: Row) -> bool:
    """Whether the row is tall enough on paper to be allowed to break across pages (an estimate in lines)."""
    action = -(-len(row.text) // ACTION_LINE) + sum(
        1 + min(len(v), FIELD_SHOWN) // FIELD_LINE for v in row.fields.values()
    )
    progress = -(-min(len(row.progress), PROGRESS_SHOWN) // PROGRESS_LINE) + len(row.evidence)
    return max(action, progress, len(row.leads)) > TALL_LINES
