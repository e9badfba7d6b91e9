"""The report as flat rows, for the spreadsheet and the CSV: one header list, one list of values per action.

Both formats carry every word (no truncation below the spreadsheet's own 32,767-character cell limit) and
every column the plan had, so a committee officer can filter and sort what the paper summarises.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from reports.model import ReportData, Row, Section

BASE_COLUMNS = [
    "Section",
    "Ref",
    "Action",
    "Lead(s)",
    "Target",
    "Revised target",
    "Status",
    "RAG",
    "Status last round",
    "Progress this round",
    "Reported by",
    "Reported at",
    "Overdue",
    "Slipped",
    "Late answer",
    "Completed this period",
    "Evidence",
]


def headers(data: ReportData) -> list[str]:
    return BASE_COLUMNS + [c for c in data.columns if c not in BASE_COLUMNS]


def values(data: ReportData, section: Section, row: Row) -> list[str | datetime | None]:
    """One row's cells, in headers() order. Text stays text: the writers neutralise it."""
    progress = row.progress if row.answered else ("" if row.carried_from else "No update received")
    base: list[str | datetime | None] = [
        section.heading,
        row.ref,
        row.text,
        "; ".join(row.leads),
        row.target or "",
        row.revised_target or "",
        row.status.label,
        row.status.rag if row.status.rag != "None" else "",
        row.previous.label if row.previous else "",
        progress,
        row.reported_by or "",
        row.reported_at.replace(tzinfo=None) if row.reported_at else None,
        "Yes" if row.overdue else "",
        row.slipped or "",
        "Yes" if row.late else "",
        "Yes" if row.completed_now else "",
        "\n".join(row.evidence),
    ]
    extra = [row.fields.get(c, "") for c in data.columns if c not in BASE_COLUMNS]
    return base + extra


def rows(data: ReportData, sections: list[Section] | None = None) -> Iterator[list[str | datetime | None]]:
    for section in sections if sections is not None else data.sections:
        for row in section.rows:
            yield values(data, section, row)
