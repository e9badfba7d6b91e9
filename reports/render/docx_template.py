"""ReportData -> Word through an organisation's own .docx template (docxtpl), for councils with a house style.

The template holds Jinja2 tags (`{{ plan_title }}`, `{%tr for row in section.rows %}`...) and is given plain
values only: see template_context() for every name it may use. docxtpl renders with autoescape=True, because
its default silently drops "<" and "&" and lets text inject XML paragraphs (RELIABILITY.md F10); the text was
already cleaned of XML-illegal characters by compile.py. A tag the template uses but the context lacks is a
UserError naming it, not a silent blank.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from jinja2 import Environment, StrictUndefined, UndefinedError

from collector.errors import UserError
from reports.model import ReportData, Row
from reports.safe import truncate

NARRATIVE_LIMIT = 3000


def template_context(data: ReportData) -> dict[str, Any]:
    """The names a template can use; all strings, numbers, lists and dicts."""
    s = data.summary

    def row(r: Row) -> dict[str, Any]:
        return {
            "ref": r.ref,
            "text": r.text,
            "depth": r.depth,
            "leads": ", ".join(r.leads),
            "target": r.target or "—",
            "revised_target": r.revised_target or "",
            "status": r.status.label,
            "rag": r.status.rag,
            "previous": r.previous.label if r.previous else "",
            "progress": truncate(r.progress, NARRATIVE_LIMIT)
            if r.answered
            else ("" if r.carried_from else "No update received"),
            "reported_by": r.reported_by or "",
            "reported_at": f"{r.reported_at:%d %b %Y}" if r.reported_at else "",
            "flags": ", ".join(r.flags),
            "slipped": r.slipped or "",
        }

    return {
        "plan_title": data.plan_title,
        "period": data.period or "",
        "title": data.title,
        "round_name": data.round_name,
        "as_of": f"{data.as_of.day} {data.as_of:%B %Y}",
        "generated_on": f"{data.generated_on.day} {data.generated_on:%B %Y}",
        "due": f"{data.round_due.day} {data.round_due:%B %Y}" if data.round_due else "",
        "previous_round_name": data.previous_round_name or "",
        "exceptions": data.exceptions,
        "summary": {
            "total": s.total,
            "completed_now": s.completed_now,
            "overdue": s.overdue,
            "slipped": s.slipped,
            "response_rate": f"{s.response_percent:.0f}%" if s.expected else "—",
            "counts": [
                {"status": c.status.label, "count": c.count, "percent": f"{c.percent:.0f}%"} for c in s.counts
            ],
            "by_lead": [{"lead": r.lead, "due": r.expected, "received": r.answered} for r in s.by_lead],
            "not_answered": list(s.not_answered),
        },
        "changes": [{"kind": c.kind, "ref": c.ref, "text": c.text, "detail": c.detail} for c in data.changes],
        "sections": [{"heading": sec.heading, "rows": [row(r) for r in sec.rows]} for sec in data.sections],
    }


def render_docx_template(data: ReportData, template: Path) -> bytes:
    try:
        from docxtpl import DocxTemplate
    except ImportError as exc:
        raise UserError("a Word template needs docxtpl: pip install docxtpl") from exc
    try:
        document = DocxTemplate(str(template))
        document.render(
            template_context(data), jinja_env=Environment(undefined=StrictUndefined), autoescape=True
        )
    except UndefinedError as exc:
        raise UserError(f"{template}: the template uses something the report does not have ({exc})") from exc
    except (OSError, KeyError, ValueError) as exc:  # not a .docx, or a broken one
        raise UserError(f"{template}: cannot use it as a Word template ({exc})") from exc
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
