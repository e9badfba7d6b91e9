"""The status vocabulary: canonical statuses, their RAG colours and labels, and the loose words people write;
and the states a received message passes through.

Decisions as data (Mailman's chains): the word table below is the one place that says what "in hand" or
"slipped" means; both the plan importer and the reply parser read it.
"""

from __future__ import annotations

import re
from enum import StrEnum


class Status(StrEnum):
    COMPLETED = "completed"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    NOT_STARTED = "not_started"
    WITHDRAWN = "withdrawn"
    NO_CHANGE = "no_change"  # reply-only: "same as last reported"


class InboundState(StrEnum):
    """Where a received message stands. The values are what the inbound_messages.state column stores; the
    moves between them are store.inbound's mark_* functions, the only code that writes the column."""

    NEW = "new"  # stored raw, not yet decided (a Slack reading held for the lead's confirmation stays new)
    APPLIED = "applied"
    NEEDS_REVIEW = "needs_review"
    REJECTED = "rejected"
    AUTO_REPLY = "auto_reply"
    BOUNCE = "bounce"
    FAILED = "failed"  # quarantined after repeated crashes; the raw bytes are kept


RAG: dict[Status, str] = {
    Status.COMPLETED: "Blue",
    Status.ON_TRACK: "Green",
    Status.AT_RISK: "Amber",
    Status.OFF_TRACK: "Red",
    Status.NOT_STARTED: "Grey",
    Status.WITHDRAWN: "Grey",
}

DEFAULT_LABELS: dict[Status, str] = {
    Status.COMPLETED: "Completed",
    Status.ON_TRACK: "On track",
    Status.AT_RISK: "At risk",
    Status.OFF_TRACK: "Off track",
    Status.NOT_STARTED: "Not started",
    Status.WITHDRAWN: "Withdrawn",
    Status.NO_CHANGE: "No change",
}

# Loose phrases -> status. Longest phrases are tried first, so "not yet started" beats "started" and
# "no longer relevant" beats "relevant". Phrases are matched on word boundaries, case-insensitively.
LOOSE_WORDS: dict[str, Status] = {
    # completed
    "completed": Status.COMPLETED,
    "complete": Status.COMPLETED,
    "done": Status.COMPLETED,
    "finished": Status.COMPLETED,
    "achieved": Status.COMPLETED,
    "delivered": Status.COMPLETED,
    "in place": Status.COMPLETED,
    "in place and operating": Status.COMPLETED,
    "put in place": Status.COMPLETED,
    "implemented": Status.COMPLETED,
    "signed off": Status.COMPLETED,
    "closed": Status.COMPLETED,
    "launched": Status.COMPLETED,
    "published": Status.COMPLETED,
    "all done": Status.COMPLETED,
    "fully complete": Status.COMPLETED,
    "finalised": Status.COMPLETED,
    "up and running": Status.COMPLETED,
    "rolled out": Status.COMPLETED,
    "now live": Status.COMPLETED,
    "gone live": Status.COMPLETED,
    "embedded": Status.COMPLETED,
    "business as usual": Status.COMPLETED,
    "blue": Status.COMPLETED,
    # A plan's own key words ("Achieved / Partially achieved / Not achieved", "Some / Significant
    # slippage"). Partly done work is still going unless it was rated after its deadline: "partially
    # complete" is an update on work in hand, "partially achieved" a verdict that it fell short (amber).
    "partially complete": Status.ON_TRACK,
    "partially completed": Status.ON_TRACK,
    "part complete": Status.ON_TRACK,
    "partially achieved": Status.AT_RISK,
    "partly achieved": Status.AT_RISK,
    "minor slippage": Status.AT_RISK,
    "slight slippage": Status.AT_RISK,
    "significant slippage": Status.OFF_TRACK,
    "significant delay": Status.OFF_TRACK,
    "significantly delayed": Status.OFF_TRACK,
    "not achieved": Status.OFF_TRACK,
    "not yet due": Status.NOT_STARTED,
    # on track
    "on track": Status.ON_TRACK,
    "on target": Status.ON_TRACK,
    "on schedule": Status.ON_TRACK,
    "in progress": Status.ON_TRACK,
    "in hand": Status.ON_TRACK,
    "ongoing": Status.ON_TRACK,
    "progressing": Status.ON_TRACK,
    "underway": Status.ON_TRACK,
    "under way": Status.ON_TRACK,
    "green": Status.ON_TRACK,
    "progressing well": Status.ON_TRACK,
    "going to plan": Status.ON_TRACK,
    "as planned": Status.ON_TRACK,
    "on course": Status.ON_TRACK,
    "back on track": Status.ON_TRACK,
    "good progress": Status.ON_TRACK,
    # at risk
    "at risk": Status.AT_RISK,
    "amber": Status.AT_RISK,
    "some slippage": Status.AT_RISK,
    "delayed": Status.AT_RISK,
    "under discussion": Status.AT_RISK,
    "still under discussion": Status.AT_RISK,
    # A slip to a new date is amber: the action still happens, later. Red is for actions that are stuck.
    "slipped": Status.AT_RISK,
    "slipping": Status.AT_RISK,
    "slippage": Status.AT_RISK,
    "running late": Status.AT_RISK,
    "on hold": Status.AT_RISK,
    "paused": Status.AT_RISK,
    "postponed": Status.AT_RISK,
    "deferred": Status.AT_RISK,
    "pushed back": Status.AT_RISK,
    "slower than expected": Status.AT_RISK,
    # off track
    "off track": Status.OFF_TRACK,
    "behind": Status.OFF_TRACK,
    "off target": Status.OFF_TRACK,
    "significantly behind": Status.OFF_TRACK,
    "missed the deadline": Status.OFF_TRACK,
    "stuck": Status.OFF_TRACK,
    "behind schedule": Status.OFF_TRACK,
    "overdue": Status.OFF_TRACK,
    "red": Status.OFF_TRACK,
    "stalled": Status.OFF_TRACK,
    "blocked": Status.OFF_TRACK,
    # not started
    "not started": Status.NOT_STARTED,
    "not yet started": Status.NOT_STARTED,
    "yet to start": Status.NOT_STARTED,
    "not begun": Status.NOT_STARTED,
    "not commenced": Status.NOT_STARTED,
    "not yet begun": Status.NOT_STARTED,
    "yet to begin": Status.NOT_STARTED,
    # withdrawn
    "withdrawn": Status.WITHDRAWN,
    "no longer relevant": Status.WITHDRAWN,
    "no longer required": Status.WITHDRAWN,
    "cancelled": Status.WITHDRAWN,
    "canceled": Status.WITHDRAWN,
    "dropped": Status.WITHDRAWN,
    "superseded": Status.WITHDRAWN,
    "no longer needed": Status.WITHDRAWN,
    "no longer applicable": Status.WITHDRAWN,
    "scrapped": Status.WITHDRAWN,
    "abandoned": Status.WITHDRAWN,
    "descoped": Status.WITHDRAWN,
    # reply-only
    "no change": Status.NO_CHANGE,
    "no changes": Status.NO_CHANGE,
    "unchanged": Status.NO_CHANGE,
    "as before": Status.NO_CHANGE,
    "as above": Status.NO_CHANGE,
    "same as last time": Status.NO_CHANGE,
    "nothing to report": Status.NO_CHANGE,
    "nothing new": Status.NO_CHANGE,
    "as last reported": Status.NO_CHANGE,
    "as previously reported": Status.NO_CHANGE,
    "still the same": Status.NO_CHANGE,
}

_PHRASES = sorted(LOOSE_WORDS, key=len, reverse=True)
_LEADING = re.compile(
    r"^\W*(?:" + "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in _PHRASES) + r")\b", re.IGNORECASE
)
_CANONICAL = {s.value: s for s in Status} | {s.value.replace("_", " "): s for s in Status}
# "Not yet undertaken", "Not yet been put in place", "No audits yet undertaken", "Yet to be agreed": a
# statement that something has not happened yet, however it is worded.
_NOT_YET = re.compile(r"^\W*(not\s+yet|yet\s+to|no\s+\w+(\s+\w+)?\s+yet)\b", re.IGNORECASE)


def status_from_word(text: str) -> Status | None:
    """The status a short status cell or word means ("On target", "done", "at_risk"), else None."""
    key = " ".join(text.strip().strip(".!:;,-").lower().split())
    if not key:
        return None
    return _CANONICAL.get(key) or LOOSE_WORDS.get(key)


def status_from_text(text: str) -> Status | None:
    """The status a progress sentence opens with ("In place and operating ...", "Not yet undertaken").

    Only the opening words count: a narrative that mentions "completed" in its middle says nothing
    certain about the action as a whole, so it is left for a person to judge.
    """
    exact = status_from_word(text)
    if exact:
        return exact
    if _NOT_YET.match(text):
        return Status.NOT_STARTED
    match = _LEADING.match(text.strip())
    if not match:
        return None
    return LOOSE_WORDS[" ".join(match.group(0).strip(" \t\n\r-–.:;,").lower().split())]


def label(status: Status, overrides: dict[str, str] | None = None) -> str:
    """The plan's label for a status ("On target" where the plan says so), else our default."""
    if overrides and status.value in overrides:
        return overrides[status.value]
    return DEFAULT_LABELS[status]
