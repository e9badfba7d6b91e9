"""Free text -> per-action updates (refs, statuses, revised targets, links). Pure: no I/O, no clock.

Public surface: `parse_reply(text, asked, *, today=None) -> ParseResult` and `revised_due(update)`, the
`mail parse` contract's YYYY-MM / YYYY-MM-DD string for an update's revised target.
"""

from __future__ import annotations

from collector.replies import ParsedUpdate

from .dates import read_date
from .reply import parse_reply
from .targets import revised_due as _revised_due

__all__ = ["parse_reply", "revised_due"]


def revised_due(update: ParsedUpdate) -> str | None:
    """YYYY-MM-DD when the revised target's words name a day ("30/09/2026"), YYYY-MM otherwise ("June",
    "end of May", "Q3"), None when there is no revised date ("the autumn", "TBC")."""
    if update.revised_target_date is None:
        return None
    written = read_date(update.revised_target_text or "", 0, update.revised_target_date)
    return _revised_due(update.revised_target_date, bool(written and written.day))
