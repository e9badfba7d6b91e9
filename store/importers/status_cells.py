"""A plan's status as printed: a status cell's word, a cell's fill colour, or a progress cell's first words.

Plans show status three ways, and many show it only one way: a "Status"/"RAG" column of words ("Green",
"G", "On track"), a cell filled with a colour and no word at all, or a progress update that opens with a
status ("Completed. The scheme was launched..."). `row_status` is the one place that weighs them.
A fill colour's meaning is colours.py's; the plan's own colour legend is read by colour_key.py.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from collector.core.vocabulary import Status, status_from_text, status_from_word

from .colours import COLOUR_CELL, COLOUR_NAME, COLOUR_WORD, colour_of_name, colour_status

# Worst first: a cell rated "Amber/Green" or "Red/Amber" takes the worse of its two colours.
_SEVERITY = (
    Status.OFF_TRACK,
    Status.AT_RISK,
    Status.NOT_STARTED,
    Status.ON_TRACK,
    Status.COMPLETED,
    Status.WITHDRAWN,
    Status.NO_CHANGE,
)
# A colour opening a progress text counts only when punctuation or the end follows it: "Green." and
# "Amber: delayed" are ratings, "Green spaces" and "Blue badge" are not.
_LEADING_COLOURS = re.compile(
    rf"^(?P<colours>{COLOUR_WORD}(?:\s*[/\-–]\s*{COLOUR_WORD})?)\s*(?:$|[.:;,!()\[\]\-–—=|/])",
    re.IGNORECASE,
)
# Labels that introduce a rating rather than say one: "RAG: Green", "Status - Completed", "BRAG rating:".
_RATING_LABEL = re.compile(
    r"^\W*(?:overall\s+)?(?:b?rag|status|progress|rating)(?:\s+(?:status|rating|rated))?\s*[:=\-–—]\s*",
    re.IGNORECASE,
)
# Hyphens inside a word pair ("On-track", "Not-started") read as spaces.
WORD_HYPHEN = re.compile(r"(?<=[A-Za-z])-(?=[A-Za-z])")


def _worst(statuses: Sequence[Status | None]) -> Status | None:
    known = [s for s in statuses if s is not None]
    return min(known, key=_SEVERITY.index) if known else None


def _colour_words_status(text: str, key: dict[str, Status] | None) -> Status | None:
    """ "Green", "G", "Amber/Green" -> the (worse) status of the named colours, through the key."""
    names = re.split(r"\s*[/\-–]\s*", text.strip())
    colours = [c for n in names if (c := colour_of_name(n))]
    return _worst([colour_status(c, key) for c in colours])


def leading_status(progress_text: str, key: dict[str, Status] | None = None) -> tuple[Status | None, str]:
    """The status a progress cell opens with, and the text as printed (kept whole: the status is extra).

    Only the opening words count ("The completed survey..." says nothing about the action); a rating label
    in front ("RAG: Green.") is looked past. Words come from the vocabulary's table; a colour word is read
    as a colour, through the plan's key. "No change" is a reply's word, not a plan's status.
    """
    head = _RATING_LABEL.sub("", progress_text.strip(), count=1)
    opening = _LEADING_COLOURS.match(head)
    if opening:
        return _colour_words_status(opening.group("colours"), key), progress_text
    if COLOUR_NAME.match(head):
        return None, progress_text  # "Green spaces...", "Blue badge...": a colour, not a rating
    status = status_from_text(WORD_HYPHEN.sub(" ", head))
    return (None if status is Status.NO_CHANGE else status), progress_text


def cell_word_status(status_cell: str, key: dict[str, Status] | None = None) -> Status | None:
    """What a status cell's word says: a status word, a colour or RAG letter, or a rating opening it."""
    text = status_cell.strip()
    if not text:
        return None
    if COLOUR_CELL.match(text):
        return _colour_words_status(text, key)
    word = status_from_word(WORD_HYPHEN.sub(" ", text))
    if word is not None:
        return None if word is Status.NO_CHANGE else word
    return leading_status(status_cell, key)[0]


def row_status(
    status_cell: str,
    progress_cell: str,
    fills: Sequence[str | None],
    colour_key: dict[str, Status] | None = None,
) -> Status | None:
    """A row's status from its evidence, strongest first.

    1. the status cell's word ("On target", "G", "Amber/Green", "Purple" through the key);
    2. the status cell's fill (`fills[0]`: pass None there when the plan has no status column);
    3. the progress cell's opening words ("Completed. The scheme...");
    4. the fill of the progress cell or any other text cell (`fills[1:]`, the first that means a status).
    A word beats a colour because a person typed it; a status column beats a progress narrative because
    it is the plan's own rating.
    """
    key = colour_key or None
    status = cell_word_status(status_cell, key)
    if status is None and fills and fills[0]:
        status = colour_status(fills[0], key)
    if status is None and progress_cell.strip():
        status = leading_status(progress_cell, key)[0]
    if status is None:
        status = next((s for f in fills[1:] if f and (s := colour_status(f, key))), None)
    return status
