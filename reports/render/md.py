"""ReportData -> a short Markdown summary: the body of the committee's email and Slack post.

Two flavours of the same words. CommonMark ("markdown"): user text has every ASCII punctuation character
that could start markup backslash-escaped, so it can never become a link, an image, raw HTML or a heading.
Slack mrkdwn ("slack"): Slack has no backslash escapes, so `&`, `<` and `>` become entities (as its API asks;
this is also what stops `<!channel>` or `<https://evil|bank>` in user text) and `* _ ~ \\`` are followed by
a zero-width space, which breaks the pairs that would make bold, italic, strike or code.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from reports.model import ReportData, Row
from reports.render.words import committee_words
from reports.safe import one_line, truncate

FLAVOURS = ("markdown", "slack")
ATTENTION_LIMIT = 25  # rows listed under "needs attention"; the attached files hold the rest
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-!|<>&~])")  # what can open markup, a link or HTML


def escape(text: str, flavour: str = "markdown") -> str:
    """`text` on one line, inert in `flavour`."""
    line = one_line(text)
    if flavour == "slack":
        line = line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return re.sub(r"([*_~`])", "\\1\u200b", line)
    return _MARKDOWN_SPECIAL.sub(r"\\\1", line)


def render_md(data: ReportData, flavour: str = "markdown") -> str:
    if flavour not in FLAVOURS:
        raise ValueError(f"unknown Markdown flavour {flavour!r}")
    data = committee_words(data)

    def e(text: str) -> str:
        return escape(text, flavour)

    def bold(text: str) -> str:
        return f"*{text}*" if flavour == "slack" else f"**{text}**"

    def heading(text: str) -> str:
        return bold(text) if flavour == "slack" else f"## {text}"

    s = data.summary
    lines = [
        bold(e(data.plan_title)) if flavour == "slack" else f"# {e(data.plan_title)}",
        f"{e(data.title)}" + (f" · plan period {e(data.period)}" if data.period else ""),
        f"Position as at {data.as_of.day} {data.as_of:%B %Y}"
        + (f"; updates were due {data.round_due.day} {data.round_due:%B %Y}" if data.round_due else ""),
        "",
        heading("Summary"),
    ]
    if s.total == 0:
        lines.append("The plan has no actions yet.")
        return "\n".join(lines) + "\n"
    note = f"; {s.without_status}" if s.without_status else ""
    rate = f"{s.response_percent:.0f}% ({s.answered} of {s.expected}{note})"
    rate = rate if s.expected else "no updates were due"
    lines += [
        f"- Actions: {s.total}; completed this period: {s.completed_now}; overdue: {s.overdue}; "
        f"slipped: {s.slipped}",
        f"- Updates received: {rate}",
        "- Status: " + "; ".join(f"{e(c.status.label)} {c.count} ({c.percent:.0f}%)" for c in s.counts),
    ]
    if s.not_answered:
        lines.append("- No update from: " + ", ".join(e(lead) for lead in s.not_answered))
    if s.unreachable:
        lines.append("- Could not be asked: " + ", ".join(e(lead) for lead in s.unreachable))
    if data.previous_round_name and data.changes:
        lines += ["", heading(f"Changes since {e(data.previous_round_name)}")]
        for change in data.changes[:ATTENTION_LIMIT]:
            lines.append(f"- {e(change.ref)} {e(truncate(change.text, 90, '…'))}: {e(change.detail)}")
        if len(data.changes) > ATTENTION_LIMIT:
            lines.append(f"- … and {len(data.changes) - ATTENTION_LIMIT} more in the attached report")
    attention = [row for _, row in data.rows() if row.is_exception]
    if attention:
        lines += ["", heading("Needs attention")]
        lines += [_attention(row, e) for row in attention[:ATTENTION_LIMIT]]
        if len(attention) > ATTENTION_LIMIT:
            lines.append(f"- … and {len(attention) - ATTENTION_LIMIT} more in the attached report")
    return "\n".join(lines) + "\n"


def _attention(row: Row, e: Callable[[str], str]) -> str:
    why = [row.status.label] + [f for f in row.flags if f in ("Overdue", "Slipped")]
    lead = f" ({e(', '.join(row.leads))})" if row.leads else ""
    return f"- {e(row.ref)} {e(truncate(row.text, 90, '…'))}{lead}: {e(', '.join(why))}"
