"""ReportData -> one self-contained HTML file: inline CSS, inline SVG charts, print CSS for paper and PDF.

Every template is autoescaped whatever its name (reliability.md F9: select_autoescape() skips `*.j2`), with
StrictUndefined so a missing value fails a test instead of printing a silent blank. User text is never part
of a template and never marked safe; links are http(s) only; each user string is isolated with dir="auto".
A Content-Security-Policy meta tag forbids scripts outright, so even a missed escape could not run one.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from reports import charts
from reports.model import CHANGE_LABELS, ReportData
from reports.render.words import REPORTER_HELD, committee_words, hold, moment, tall, target_items
from reports.safe import truncate

NARRATIVE_LIMIT = 3000  # characters of progress text on paper; the spreadsheet and CSV keep all of it
FIELD_LIMIT = 300


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("reports", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["day"] = _day
    env.filters["moment"] = lambda value: moment(value) or "—"
    env.filters["pct"] = lambda value: f"{value:.0f}%"
    env.filters["clip"] = truncate
    env.filters["status_class"] = lambda view: view.value.replace("_", "-")
    env.filters["hold"] = hold
    env.filters["target_items"] = target_items
    env.filters["tall"] = tall
    return env


def _day(value: date | None) -> str:
    return f"{value.day} {value:%B %Y}" if value else "—"


def context(data: ReportData) -> dict[str, Any]:
    """What the template reads: the report in the committee's words, and chart geometry (charts.py)."""
    data = committee_words(data)
    mix = {c.status.value: c.count for c in data.summary.counts}
    return {
        "r": data,
        "s": data.summary,
        "mix": charts.mix_bar(mix, data.legend, 1000.0, 36.0),
        "trend": charts.trend_columns(data.trend, data.legend, 1000.0, 200.0),
        "trend_legend": [v for v in data.legend if any(p.counts.get(v.value) for p in data.trend)],
        "palette": charts.PALETTE,
        "change_labels": CHANGE_LABELS,
        "narrative_limit": NARRATIVE_LIMIT,
        "field_limit": FIELD_LIMIT,
        "reporter_held": REPORTER_HELD,
    }


def render_html(data: ReportData) -> str:
    return environment().get_template("report.html").render(context(data))


def render_email_html(data: ReportData, files: list[str]) -> str:
    """The short HTML body of the email that carries the report files."""
    return environment().get_template("email.html").render({**context(data), "files": files})
