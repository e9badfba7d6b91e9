"""PlanDraft: a plan as understood from a file, before anything is written to the store.

The interpreter builds one; `collector plan import --dry-run` prints it; store.persist writes it in one
transaction. Nothing here touches the database.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from collector.core.dates import TargetDraft
from collector.core.vocabulary import Status


@dataclass
class LeadDraft:
    """A lead as printed: a code ("KL"), a name ("Joanne Tilley"), or a code the plan's key expands."""

    name: str | None
    code: str | None = None
    is_team: bool = False

    @property
    def label(self) -> str:
        return self.name or self.code or ""


@dataclass
class ProgressDraft:
    """A progress cell from the plan, becoming an update of the imported baseline round."""

    text: str
    status: Status | None = None
    reported: str | None = None  # a date as printed in a "date completed" column


@dataclass
class ColumnMapping:
    header: str  # as printed
    field: str  # canonical field name (see store.importers.headers.FIELDS) or "extra"
    position: int
    confidence: float = 1.0  # how sure the reading is, 0-1
    reason: str = "header"  # the evidence: the header's words, the column's content, or --map


@dataclass
class ActionDraft:
    ref: str
    text: str
    section_ref: str | None = None
    leads: list[LeadDraft] = field(default_factory=list)
    target: TargetDraft | None = None
    fields: dict[str, str] = field(default_factory=dict)  # other columns, keyed by header as printed
    progress: list[ProgressDraft] = field(default_factory=list)
    sub_actions: list[ActionDraft] = field(default_factory=list)
    where: str = ""  # location of the row it came from, for messages
    ref_synthetic: bool = False  # the plan prints no ref; this one was numbered by position


@dataclass
class SectionDraft:
    ref: str
    title: str


@dataclass
class PlanDraft:
    title: str
    source: str
    period: str | None = None
    sections: list[SectionDraft] = field(default_factory=list)
    actions: list[ActionDraft] = field(default_factory=list)
    lead_key: dict[str, str] = field(default_factory=dict)  # code -> name, from the plan's own key
    columns: list[ColumnMapping] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def walk(self) -> Iterator[ActionDraft]:
        """Every action and sub-action, parents first."""
        stack = list(reversed(self.actions))
        while stack:
            action = stack.pop()
            yield action
            stack.extend(reversed(action.sub_actions))
