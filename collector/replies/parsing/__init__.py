"""Free text -> per-action updates (refs, statuses, revised targets, links). Pure: no I/O, no clock.

Public surface: `parse_reply(text, asked, *, today=None) -> ParseResult` and `revised_due(update)`, the
`mail parse` contract's YYYY-MM / YYYY-MM-DD string for an update's revised target; `due_string(text,
value)` is the same for a stored update's words and date (the `plan show --json` contract).
"""

from __future__ import annotations

from collector.core.reply_dates import due_string
from collector.replies.types import ParsedUpdate

from .reply import parse_reply

__all__ = ["due_string", "parse_reply", "revised_due"]


def revised_due(update: ParsedUpdate) -> str | None:
    """YYYY-MM-DD when the revised target's words name a day ("30/09/2026"), YYYY-MM otherwise ("June",
    "end of May", "Q3"), None when there is no revised date ("the autumn", "TBC")."""
    return due_string(update.revised_target_text, update.revised_target_date)
