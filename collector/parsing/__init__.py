"""Free text -> per-action updates (refs, statuses, revised targets, links). Pure: no I/O, no clock.

Public surface: `parse_reply(text, asked, *, today=None) -> ParseResult` and `revised_due(update)`, the
`mail parse` contract's YYYY-MM / YYYY-MM-DD string for an update's revised target; `due_string(text,
value)` is the same for a stored update's words and date (the `plan show --json` contract).
"""

from __future__ import annotations

from datetime import date

from collector.replies import ParsedUpdate

from .dates import read_date
from .reply import parse_reply
from .targets import revised_due as _revised_due

__all__ = ["due_string", "parse_reply", "revised_due"]


def revised_due(update: ParsedUpdate) -> str | None:
    """YYYY-MM-DD when the revised target's words name a day ("30/09/2026"), YYYY-MM otherwise ("June",
    "end of May", "Q3"), None when there is no revised date ("the autumn", "TBC")."""
    return due_string(update.revised_target_text, update.revised_target_date)


def due_string(text: str | None, value: date | None) -> str | None:
    """revised_due for a revised target kept as its words and date (an Update row): one reading everywhere."""
    if value is None:
        return None
    written = read_date(text or "", 0, value)
    return _revised_due(value, bool(written and written.day))
