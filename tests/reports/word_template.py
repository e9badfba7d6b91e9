"""A council's own Word template, built with python-docx the way a clerk would lay one out in Word.

A letterhead in the page header, the plan's title, a summary table filled by a `{%tr for %}` row loop, the
leads who did not answer as a `{%p for %}` paragraph loop, and one heading and table per plan section. Every
tag uses a name from reports.render.docx_template.template_context(), so a renamed key fails these tests.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt, RGBColor

COUNCIL = "HARBOURSIDE BOROUGH COUNCIL"


def _row(table, *cells: str) -> None:
    row = table.add_row()
    for cell, text in zip(row.cells, cells, strict=False):
        cell.text = text


def write(path: Path, *, extra: str | None = None) -> Path:
    """Write the template to `path`; `extra` adds one more paragraph (a tag the report lacks, say)."""
    document = Document()
    header = document.sections[0].header
    letterhead = header.paragraphs[0]
    run = letterhead.add_run(COUNCIL)
    run.bold, run.font.size, run.font.color.rgb = True, Pt(14), RGBColor(0x1D, 0x4F, 0x91)
    header.add_paragraph("Equality and Diversity Committee · {{ round_name }}")
    footer = document.sections[0].footer.paragraphs[0]
    footer.text = "{{ plan_title }} · produced {{ generated_on }}"
    footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT

    document.add_paragraph("{{ plan_title }}", style="Title")
    document.add_paragraph("{{ title }}{% if period %} · plan period {{ period }}{% endif %}")
    document.add_paragraph("Position as at {{ as_of }}. Updates were due by {{ due }}.")

    document.add_heading("Summary", level=1)
    document.add_paragraph(
        "{{ summary.total }} actions; {{ summary.completed_now }} completed this period, "
        "{{ summary.overdue }} overdue. Updates received: {{ summary.response_rate }}."
    )
    counts = document.add_table(rows=1, cols=3, style="Table Grid")
    for cell, text in zip(counts.rows[0].cells, ("Status", "Actions", "Share"), strict=True):
        cell.text = text
    _row(counts, "{%tr for c in summary.counts %}")
    _row(counts, "{{ c.status }}", "{{ c.count }}", "{{ c.percent }}")
    _row(counts, "{%tr endfor %}")
    _row(counts, "Total", "{{ summary.total }}", "100%")

    document.add_heading("Leads who did not answer", level=2)
    document.add_paragraph("{%p for lead in summary.not_answered %}")
    document.add_paragraph("{{ lead }}", style="List Bullet")
    document.add_paragraph("{%p endfor %}")

    document.add_paragraph("{%p for section in sections %}")
    document.add_heading("{{ section.heading }}", level=1)
    actions = document.add_table(rows=1, cols=5, style="Table Grid")
    for cell, text in zip(
        actions.rows[0].cells, ("Ref", "Action", "Lead", "Status", "Progress"), strict=True
    ):
        cell.text = text
    _row(actions, "{%tr for row in section.rows %}")
    _row(
        actions,
        "{{ row.ref }}",
        "{{ row.text }}",
        "{{ row.leads }}",
        "{{ row.status }}",
        "{{ row.progress }}",
    )
    _row(actions, "{%tr endfor %}")
    document.add_paragraph("{%p endfor %}")
    if extra is not None:
        document.add_paragraph(extra)
    document.save(str(path))
    return path
