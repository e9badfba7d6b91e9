"""ReportData: everything a progress report says, computed once, read by every renderer.

One data model with many renderers (docs/style.md 14): compile.py fills it from the store, and the HTML, Word,
PDF, spreadsheet, CSV and Markdown renderers read only this, so each format says exactly the same thing.
Text here is already cleaned of control and bidi-override characters (reports/safe.py); each renderer still
escapes or neutralises it for its own format.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

# The order statuses are listed in, everywhere: done first, then by how worried a committee should be; then
# the answers that gave no status, the items their action's answer covers, and no update at all.
STATUS_ORDER = (
    "completed",
    "on_track",
    "at_risk",
    "off_track",
    "not_started",
    "withdrawn",
    "no_status",
    "covered",
    "none",
)
NO_UPDATE = "No update received"
NO_STATUS = "No status given"
COVERED = "Reported with its action"
# What each kind of change is called, in every format.
CHANGE_LABELS = {
    "status": "Status moved",
    "completed": "Completed",
    "slipped": "Slipped",
    "target": "Target changed",
    "new": "New action",
    "withdrawn": "Withdrawn",
}


@dataclass(frozen=True)
class StatusView:
    """A status as a reader sees it: the value, the plan's word for it and its RAG colour name.

    value "none" is an open action nobody reported on this round, "no_status" one answered without a status,
    "covered" an item its action's answer covers (collector/rounds/figures.py); the word always travels with
    the
    colour, so no format ever says something by colour alone."""

    value: str
    label: str
    rag: str  # "Blue" | "Green" | "Amber" | "Red" | "Grey" | "None"


@dataclass
class Row:
    """One action (or sub-action) in the report."""

    action_id: int
    ref: str
    text: str
    depth: int  # 0 for an action, 1 for a sub-action
    leads: list[str]
    target: str | None  # as printed in the plan
    revised_target: str | None  # the latest revised target reported, when it differs from the plan's
    status: StatusView  # this round's (or, for an action closed earlier, its closing status)
    previous: StatusView | None  # as it stood at the previous round; None when there is no previous round
    progress: str
    reported_by: str | None
    reported_at: datetime | None  # in the plan's time zone
    carried_from: str | None  # a closed action's status comes from this earlier round's report
    expected: bool  # was due an update this round (asked, and open when the round began)
    answered: bool  # has an answer this round: its own, or its action's as a whole (covered)
    state: str = "not_asked"  # collector.rounds.figures: answered, no_status, covered, no_answer, not_asked
    overdue: bool = False
    slipped: str | None = None  # a later target only: "from June 2026 to September 2026 (3 months)"
    retargeted: str | None = None  # any other move: "brought forward from ...", "dated: from Ongoing to ..."
    late: bool = False
    completed_now: bool = False
    evidence: list[str] = field(default_factory=list)  # http(s) links only
    fields: dict[str, str] = field(default_factory=dict)  # the plan's other columns, header -> value

    @property
    def flags(self) -> list[str]:
        """The row's flags in words, for formats that list them."""
        out = []
        if self.completed_now:
            out.append("Completed this period")
        if self.overdue:
            out.append("Overdue")
        if self.slipped:
            out.append("Slipped")
        if self.late:
            out.append("Late answer")
        return out

    @property
    def is_exception(self) -> bool:
        """What the exceptions report keeps: amber, red, overdue and unanswered."""
        return self.status.rag in ("Amber", "Red") or self.overdue or (self.expected and not self.answered)


@dataclass
class Section:
    ref: str | None
    title: str
    rows: list[Row]

    @property
    def heading(self) -> str:
        return f"{self.ref}. {self.title}" if self.ref and not self.title.startswith(self.ref) else self.title


@dataclass(frozen=True)
class StatusCount:
    status: StatusView
    count: int
    percent: float  # of all actions in the report, 0-100


@dataclass(frozen=True)
class LeadResponse:
    lead: str
    expected: int  # actions due an update
    answered: int

    @property
    def percent(self) -> float:
        return 100.0 * self.answered / self.expected if self.expected else 0.0


@dataclass
class Summary:
    total: int
    counts: list[StatusCount]
    completed_now: int
    overdue: int
    slipped: int
    late: int
    expected: int  # actions due an update this round
    answered: int  # of those, answered (their own update, or their action's as a whole)
    by_lead: list[LeadResponse]  # each lead's OWN answers: a co-lead's answer is not theirs
    not_answered: list[str]  # leads due an update who sent none themselves
    answered_without_status: int = 0  # of `answered`, how many gave no status
    unreachable: list[str] = field(default_factory=list)  # leads the round could not ask: "Name (why)"

    @property
    def response_percent(self) -> float:
        return 100.0 * self.answered / self.expected if self.expected else 0.0

    @property
    def without_status(self) -> str:
        """ "2 without a status" when some answers gave none (they count as received, not as a status)."""
        return f"{self.answered_without_status} without a status" if self.answered_without_status else ""


@dataclass(frozen=True)
class TrendPoint:
    """The status mix at one round, for the trend chart."""

    round_name: str
    counts: dict[str, int]  # status value -> number of actions, in STATUS_ORDER


@dataclass(frozen=True)
class Change:
    """One line of "changes since the last report"."""

    kind: str  # a key of CHANGE_LABELS
    ref: str
    text: str
    detail: str  # "At risk → On track", "from June 2026 to September 2026 (3 months)"


@dataclass
class ReportData:
    plan_id: int
    plan_name: str
    plan_title: str
    period: str | None
    round_id: int | None
    round_name: str
    round_kind: str | None
    round_opened: date | None
    round_due: date | None
    previous_round_name: str | None
    generated_on: date
    as_of: date  # overdue is judged against this day
    exceptions: bool
    sections: list[Section]
    summary: Summary
    trend: list[TrendPoint]
    changes: list[Change]
    legend: list[StatusView]
    columns: list[str] = field(default_factory=list)  # the plan's other column headers, in order

    @property
    def title(self) -> str:
        kind = "Exceptions report" if self.exceptions else "Progress report"
        return f"{kind}: {self.round_name}"

    def rows(self) -> list[tuple[Section, Row]]:
        return [(section, row) for section in self.sections for row in section.rows]
