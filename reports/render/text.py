"""ReportData -> the plain-text summary a committee member reads in the email's text part.

The same facts as the Markdown summary (render/md.py) in the same order, but written for a person reading
text, not for a Markdown renderer: headings underlined, list items with a hanging indent, lines wrapped at
76 characters, and nothing escaped (a text/plain part is never interpreted, so "EQUALITIES & DIVERSITY" and
"1.1 a)" stay as the plan prints them). Text is already cleaned of control characters (reports/safe.py).
"""

from __future__ import annotations

import textwrap

from reports.model import ReportData, Row
from reports.render.md import ATTENTION_LIMIT
from reports.safe import one_line, truncate

WIDTH = 76


def _wrap(text: str, first: str = "", rest: str = "") -> list[str]:
    return textwrap.wrap(one_line(text), WIDTH, initial_indent=first, subsequent_indent=rest) or [""]


def _heading(title: str, rule: str = "-") -> list[str]:
    title = one_line(title)
    return [title, rule * min(len(title), WIDTH)]


def _item(text: str) -> list[str]:
    return _wrap(text, "  * ", "    ")


def render_text(data: ReportData) -> str:
    """The summary as plain text: title, position date, the figures, changes and what needs attention."""
    s = data.summary
    lines = _heading(data.plan_title, "=")
    lines += _wrap(data.title + (f" · plan period {data.period}" if data.period else ""))
    due = f"; updates were due {data.round_due.day} {data.round_due:%B %Y}" if data.round_due else ""
    lines += _wrap(f"Position as at {data.as_of.day} {data.as_of:%B %Y}{due}")
    lines += ["", *_heading("Summary")]
    if s.total == 0:
        return "\n".join([*lines, "The plan has no actions yet."]) + "\n"
    rate = (
        f"{s.response_percent:.0f}% ({s.answered} of {s.expected})" if s.expected else "no updates were due"
    )
    lines += _item(
        f"Actions: {s.total}; completed this period: {s.completed_now}; overdue: {s.overdue}; "
        f"target moved: {s.slipped}"
    )
    lines += _item(f"Updates received: {rate}")
    lines += _item("Status: " + "; ".join(f"{c.status.label} {c.count} ({c.percent:.0f}%)" for c in s.counts))
    if s.not_answered:
        lines += _item("No update from: " + ", ".join(s.not_answered))
    if s.unreachable:
        lines += _item("Could not be asked: " + ", ".join(s.unreachable))
    if data.previous_round_name and data.changes:
        lines += ["", *_heading(f"Changes since {data.previous_round_name}")]
        for change in data.changes[:ATTENTION_LIMIT]:
            lines += _item(f"{change.ref} {truncate(change.text, 90, '…')}: {change.detail}")
        lines += _more(len(data.changes))
    attention = [row for _, row in data.rows() if row.is_exception]
    if attention:
        lines += ["", *_heading("Needs attention")]
        for row in attention[:ATTENTION_LIMIT]:
            lines += _attention(row)
        lines += _more(len(attention))
    return "\n".join(lines) + "\n"


def _more(count: int) -> list[str]:
    return (
        _item(f"… and {count - ATTENTION_LIMIT} more in the attached report")
        if count > ATTENTION_LIMIT
        else []
    )


def _attention(row: Row) -> list[str]:
    why = [row.status.label] + [f for f in row.flags if f in ("Overdue", "Slipped")]
    lead = f" ({', '.join(row.leads)})" if row.leads else ""
    return _item(f"{row.ref} {truncate(row.text, 90, '…')}{lead}: {', '.join(why)}")
