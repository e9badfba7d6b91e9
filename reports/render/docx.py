"""ReportData -> a Word committee paper: title block, summary, chart, changes, then a table per section.

Built with python-docx, which escapes text itself; compile.py has already removed the XML-illegal control
characters that would make python-docx raise and kill the report (docs/reliability.md F10). A4 landscape, each
section's table with its header row repeated on every page, and "Page n of m" in the footer.
"""

from __future__ import annotations

import io
import struct
from collections.abc import Sequence
from datetime import date

from docx import Document
from docx.document import Document as DocxDocument
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table, _Cell

from reports import charts
from reports.model import CHANGE_LABELS, ReportData, Row, StatusView, Summary
from reports.render.chart_png import chart_png
from reports.render.docx_parts import (
    ACCENT,
    MUTED,
    cell_margins,
    cell_style,
    column_widths,
    complex_script,
    footer,
    hex_colour,
    keep_row_together,
    landscape_a4,
    repeat_header,
    shade,
    shade_paragraph,
    write,
)
from reports.render.words import REPORTER_HELD, committee_words, hold, moment, tall, target_items
from reports.safe import truncate

NARRATIVE_LIMIT = 3000  # as the HTML: a longer narrative is cut with a marker; the spreadsheet has it all
ACTION_COLUMNS = ("Ref", "Action", "Lead", "Target", "Status", "Progress this round", "Reported")
# mm, 269 in all: Lead and Reported hold a usual full name on one line (words.hold keeps it whole)
ACTION_WIDTHS = [17.0, 56.0, 34.0, 28.0, 26.0, 78.0, 30.0]
CHART_WIDTH, CHART_HEIGHT = 230.0, 70.0  # mm at most: with the title and tiles it stays on page 1
RED = RGBColor(0xB3, 0x26, 0x1E)


def render_docx(data: ReportData) -> bytes:
    data = committee_words(data)
    document = Document()
    _styles(document)
    landscape_a4(document)
    footer(document, f"{truncate(data.plan_title, 90, '…')} · {data.round_name}")
    _title_block(document, data)
    _summary(document, data)
    _changes(document, data)
    # Sections follow on: a page break before each left half-empty pages in a plan of short sections. A
    # heading keeps with its table's first row; a row moves whole to the next page unless it is tall.
    for section in data.sections:
        document.add_heading(section.heading, level=1).paragraph_format.keep_with_next = True
        _action_table(document, section.rows)
    if not data.sections:
        document.add_heading("Actions", level=1)
        empty = (
            "No action needs the committee's attention this round." if data.exceptions else "No actions yet."
        )
        document.add_paragraph(empty)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _styles(document: DocxDocument) -> None:
    normal = document.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(10)
    complex_script(normal)
    for name, size in (("Title", 24), ("Heading 1", 15), ("Heading 2", 12)):
        style = document.styles[name]
        style.font.name = "Arial"
        style.font.size = Pt(size)
        style.font.color.rgb = ACCENT
        style.font.bold = True
        complex_script(style, bold=True)
    document.styles["Heading 1"].paragraph_format.space_before = Pt(6)
    cell_style(document)
    document.styles["Heading 2"].paragraph_format.space_before = Pt(12)


def _title_block(document: DocxDocument, data: ReportData) -> None:
    kicker = document.add_paragraph()
    run = kicker.add_run("EXCEPTIONS REPORT" if data.exceptions else "PROGRESS REPORT")
    run.bold, run.font.size, run.font.color.rgb = True, Pt(9), MUTED
    complex_script(run, bold=True)
    document.add_paragraph(data.plan_title, style="Title")
    subtitle = document.add_paragraph()
    run = subtitle.add_run(data.round_name + (f" · Plan period {data.period}" if data.period else ""))
    run.font.size = Pt(13)
    complex_script(run)
    facts = [
        ("Round opened", _day(data.round_opened)),
        ("Updates due", _day(data.round_due)),
        ("Position as at", _day(data.as_of)),
        ("Report produced", _day(data.generated_on)),
    ]
    if data.previous_round_name:
        facts.append(("Compared with", data.previous_round_name))
    table = document.add_table(rows=2, cols=len(facts))
    for index, (label, value) in enumerate(facts):
        write(table.cell(0, index), label.upper(), size=7.5, colour=MUTED)
        write(table.cell(1, index), value, bold=True, size=10)
    if data.exceptions:
        note = document.add_paragraph()
        note.paragraph_format.space_before = Pt(8)
        note.add_run(
            "This paper lists only the actions that need the committee's attention: at risk, off track, "
            "overdue, or with no update this round. The summary covers the whole plan."
        ).italic = True


def _summary(document: DocxDocument, data: ReportData) -> None:
    s = data.summary
    document.add_heading("Summary", level=1)
    if s.total == 0:
        document.add_paragraph("The plan has no actions yet.")
        return
    rate = f"{s.response_percent:.0f}%" if s.expected else "—"
    tiles = [
        (str(s.total), "actions in the plan"),
        (str(s.completed_now), "completed this period"),
        (str(s.overdue), "overdue"),
        (str(s.slipped), "slipped this round"),
        (rate, _received(s) if s.expected else "no updates were due"),
    ]
    table = document.add_table(rows=2, cols=len(tiles))
    table.style = "Table Grid"
    for index, (big, small) in enumerate(tiles):
        write(table.cell(0, index), big, bold=True, size=18, colour=ACCENT)
        write(table.cell(1, index), small, size=8, colour=MUTED)
    document.add_paragraph()
    png = chart_png(data)
    document.add_picture(io.BytesIO(png), width=Mm(_chart_width(png)))
    document.add_heading("Status of all actions", level=2)
    counts = document.add_table(rows=1, cols=3)
    counts.style = "Table Grid"
    _header(counts, ("Status", "Actions", "Share"))
    for count in s.counts:
        cells = counts.add_row().cells
        _status_cell(cells[0], count.status)
        write(cells[1], str(count.count), align_right=True, size=9)
        write(cells[2], f"{count.percent:.0f}%", align_right=True, size=9)
    total = counts.add_row().cells
    write(total[0], "Total", bold=True, size=9)
    write(total[1], str(s.total), bold=True, align_right=True, size=9)
    write(total[2], "100%", bold=True, align_right=True, size=9)
    column_widths(counts, [45, 25, 25])
    _responses(document, data)


def _received(s: Summary) -> str:
    note = f" ({s.without_status})" if s.without_status else ""
    return f"of {s.expected} updates due were received{note}"


def _responses(document: DocxDocument, data: ReportData) -> None:
    s = data.summary
    if not s.by_lead:
        return
    document.add_heading("Responses by lead", level=2)
    table = document.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    _header(table, ("Lead", "Due", "Received", "Rate"))
    for lead in s.by_lead:
        cells = table.add_row().cells
        colour = RED if lead.answered == 0 else None
        write(cells[0], lead.lead, size=9, colour=colour, bold=lead.answered == 0)
        for cell, value in zip(cells[1:3], (lead.expected, lead.answered), strict=True):
            write(cell, str(value), size=9, align_right=True, colour=colour)
        write(cells[3], f"{lead.percent:.0f}%", size=9, align_right=True, colour=colour)
    column_widths(table, [70, 20, 22, 20])
    repeat_header(table)
    document.add_heading("Leads who did not answer", level=2)
    if s.not_answered:
        for name in s.not_answered:
            document.add_paragraph(name, style="List Bullet")
    else:
        document.add_paragraph("Every lead who was asked sent an update.")
    if s.unreachable:
        document.add_heading("Leads who could not be asked", level=2)
        for name in s.unreachable:
            document.add_paragraph(name, style="List Bullet")
    if s.late:
        document.add_paragraph(f"{s.late} update{'s' if s.late != 1 else ''} arrived after the due date.")


def _changes(document: DocxDocument, data: ReportData) -> None:
    if not data.previous_round_name:
        return
    document.add_heading("Changes since the last report", level=1).paragraph_format.keep_with_next = True
    if not data.changes:
        document.add_paragraph(f"Nothing changed since {data.previous_round_name}.")
        return
    table = document.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    _header(table, ("Change", "Ref", "Action", "What changed"))
    for change in data.changes:
        added = table.add_row()
        cells = added.cells
        write(cells[0], CHANGE_LABELS[change.kind], bold=True, size=8.5)
        write(cells[1], change.ref, bold=True, size=8.5)
        write(cells[2], truncate(change.text, 300, "…"), size=8.5)
        write(cells[3], change.detail, size=8.5)
        keep_row_together(added)
    column_widths(table, [30, 18, 140, 81])
    repeat_header(table)


def _action_table(document: DocxDocument, rows: list[Row]) -> None:
    table = document.add_table(rows=1, cols=len(ACTION_COLUMNS))
    table.style = "Table Grid"
    _header(table, ACTION_COLUMNS)
    for row in rows:
        added = table.add_row()  # keep the row: table.rows[-1] re-walks the whole table each time
        _action_row(added.cells, row)
        if not tall(row):
            keep_row_together(added)
    column_widths(table, ACTION_WIDTHS)
    cell_margins(table)
    repeat_header(table)


def _action_row(cells: Sequence[_Cell], row: Row) -> None:
    indent = "  " * min(row.depth, 2)
    write(cells[0], indent + hold(row.ref), bold=row.depth == 0, size=8.5)
    write(cells[1], truncate(row.text, 900, "…"), size=8.5)
    for header, value in row.fields.items():
        write(cells[1], f"{header}: {truncate(value, 300, '…')}", size=7.5, colour=MUTED, new_paragraph=True)
    write(cells[2], "\n".join(hold(lead) for lead in row.leads) or "—", size=8.5)
    write(cells[3], "\n".join(target_items(row.target)) or "—", size=8.5)
    if row.revised_target:
        revised = "\n".join(target_items(row.revised_target))
        write(cells[3], f"Revised:\n{revised}", size=8, bold=True, new_paragraph=True)
    _status_cell(cells[4], row.status)
    if row.previous is not None:
        write(cells[4], f"Last round: {row.previous.label}", size=7.5, colour=MUTED, new_paragraph=True)
    for flag in row.flags:
        write(
            cells[4],
            flag.upper(),
            size=7,
            bold=True,
            colour=RED if flag == "Overdue" else MUTED,
            new_paragraph=True,
        )
    if row.slipped:
        write(cells[4], row.slipped, size=7.5, new_paragraph=True)
    if row.answered:
        write(cells[5], truncate(row.progress, NARRATIVE_LIMIT) or "No narrative given.", size=8.5)
        for link in row.evidence:
            write(cells[5], link, size=7.5, colour=ACCENT, new_paragraph=True)
        write(cells[6], hold(row.reported_by, REPORTER_HELD) or "—", size=8.5)
        write(cells[6], moment(row.reported_at), size=7.5, colour=MUTED, new_paragraph=True)
    elif row.carried_from:
        write(cells[5], f"Closed; last reported in {row.carried_from}.", size=8.5, colour=MUTED)
        write(cells[6], "—", size=8.5)
    else:
        write(cells[5], "No update received", size=8.5, bold=True, italic=True, colour=RED)
        write(cells[6], "—", size=8.5)


def _status_cell(cell: _Cell, view: StatusView) -> None:
    """The RAG chip: the cell's first paragraph is the status word on its colour (never colour alone)."""
    fill, ink = charts.PALETTE[view.value]
    paragraph = write(cell, view.label, bold=True, size=8.5, colour=hex_colour(ink))
    shade_paragraph(paragraph, fill)


def _header(table: Table, titles: Sequence[str]) -> None:
    for cell, title in zip(table.rows[0].cells, titles, strict=True):
        shade(cell, "#1D4F91")
        write(cell, title, bold=True, size=8.5, colour=RGBColor(0xFF, 0xFF, 0xFF))


def _chart_width(png: bytes) -> float:
    """The chart's width in mm: as wide as the page allows, but never taller than CHART_HEIGHT (a trend chart
    placed 23 cm wide is 10 cm tall, and pushed itself and everything after it off a long-titled page 1)."""
    width, height = struct.unpack(">II", png[16:24])  # the PNG's IHDR
    return float(min(CHART_WIDTH, CHART_HEIGHT * width / height))


def _day(value: date | None) -> str:
    return f"{value.day} {value:%B %Y}" if value else "—"
