"""ReportData -> Word through an organisation's own .docx template (docxtpl), for councils with a house style.

The template holds Jinja2 tags (`{{ plan_title }}`, `{%tr for row in section.rows %}`...) and is given plain
values only: see template_context() for every name it may use. docxtpl renders with autoescape=True, because
its default silently drops "<" and "&" and lets text inject XML paragraphs (reliability.md F10); the text was
already cleaned of XML-illegal characters by compile.py. A tag the template uses but the context lacks is a
UserError naming it, not a silent blank.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

from jinja2 import Environment, StrictUndefined, TemplateError, TemplateSyntaxError, UndefinedError
from markupsafe import Markup, escape

from collector.core.errors import UserError
from reports.model import ReportData, Row
from reports.render.words import committee_words
from reports.safe import truncate

NARRATIVE_LIMIT = 3000


def template_context(data: ReportData) -> dict[str, Any]:
    """The names a template can use; all strings, numbers, lists and dicts."""
    data = committee_words(data)
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

    context = {
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
            "without_status": s.answered_without_status,
            "counts": [
                {"status": c.status.label, "count": c.count, "percent": f"{c.percent:.0f}%"} for c in s.counts
            ],
            "by_lead": [{"lead": r.lead, "due": r.expected, "received": r.answered} for r in s.by_lead],
            "not_answered": list(s.not_answered),
        },
        "changes": [{"kind": c.kind, "ref": c.ref, "text": c.text, "detail": c.detail} for c in data.changes],
        "sections": [{"heading": sec.heading, "rows": [row(r) for r in sec.rows]} for sec in data.sections],
    }
    kept: dict[str, Any] = _kept_literal(context)
    return kept


# After rendering, docxtpl turns "{_{", "}_}", "{_%" and "%_}" anywhere in the XML into "{{", "}}", "{%", "%}"
# (its escape for tags meant to survive), user text included. Such text gets its "_" as a character reference,
# which the XML parser reads back as "_" but docxtpl's string replace does not match.
_DOCXTPL_MARKERS = re.compile(r"\{_(?=[{%])|(?<=[}%])_\}")


def _kept_literal(value: Any) -> Any:
    """`value` with every string docxtpl would rewrite made safe; other values unchanged."""
    if isinstance(value, str) and _DOCXTPL_MARKERS.search(value):
        escaped = str(escape(value))
        return Markup(escaped.replace("{_", "{&#95;").replace("_}", "&#95;}"))
    if isinstance(value, dict):
        return {key: _kept_literal(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_kept_literal(item) for item in value]
    return value


def render_docx_template(data: ReportData, template: Path) -> bytes:
    """The filled-in template's bytes; any fault in the template is a one-line UserError naming the file."""
    try:
        from docx.opc.exceptions import PackageNotFoundError
        from docxtpl import DocxTemplate
    except ImportError as exc:
        raise UserError("a Word template needs docxtpl: pip install docxtpl") from exc
    try:
        document = DocxTemplate(str(template))
        environment = Environment(undefined=StrictUndefined, autoescape=True)
        document.render(template_context(data), jinja_env=environment, autoescape=True)
    except UndefinedError as exc:
        raise UserError(
            f"{template.name}: the template uses something the report lacks ({_one_line(exc)}); "
            "see template_context() in reports/render/docx_template.py for the names it can use"
        ) from exc
    except TemplateSyntaxError as exc:
        near = _line_of(exc)
        raise UserError(
            f"{template.name}: a template tag is wrong ({_one_line(exc)})"
            + (f" near {near!r}" if near else "")
        ) from exc
    except TemplateError as exc:
        raise UserError(f"{template.name}: the template failed ({_one_line(exc)})") from exc
    except (OSError, KeyError, ValueError, PackageNotFoundError, zipfile.BadZipFile) as exc:  # not a .docx
        raise UserError(f"{template.name}: cannot use it as a Word template ({_one_line(exc)})") from exc
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _one_line(exc: BaseException) -> str:
    """Jinja2 and zipfile messages can span lines; the CLI prints a UserError as one line."""
    return " ".join(str(exc).split())[:200]


def _line_of(exc: TemplateSyntaxError) -> str:
    """The text of the paragraph the tag error is in: docxtpl keeps the 7 around it, the 4th being it."""
    lines = list(getattr(exc, "docx_context", ()))
    if not lines or exc.lineno is None:
        return ""
    return " ".join(lines[min(3, exc.lineno - 1, len(lines) - 1)].split())[:80]
