"""Write an action plan as a Word table and as an Excel sheet, the way councils lay their plans out.

Used by make_examples.py (the Riverside example) and by bench/import_bench.py (a 5,000-action plan),
so the benchmark measures the same layout the example shows: a title above the table, a header row
that repeats on every page, numbered section rows spanning the table, sub-items typed as "a) ..."
paragraphs, bulleted milestones and success measures, and a key of lead initials after the table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, RGBColor
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

COLUMNS = ("Ref", "Action", "Lead officer", "Target date", "Milestones", "Success measure", "Progress")
WIDTHS_CM = (1.3, 7.5, 2.6, 2.6, 5.0, 5.0, 3.6)
HEADER_FILL = "1F4E79"
SECTION_FILL = "DEEAF6"
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# Excel turns "Mar-27" typed into a cell into the date 1 March 2027 shown as "mmm-yy"; so do we.
_EXCEL_MONTH = re.compile(r"^(" + "|".join(MONTHS) + r")-(\d\d)$")


@dataclass
class Action:
    ref: str
    action: list[str]  # paragraphs: the action, then any sub-items typed as "a) ...", "b) ..."
    lead: str
    target: str
    milestones: list[str] = field(default_factory=list)  # bullet points
    success: list[str] = field(default_factory=list)  # bullet points
    progress: str = ""
    numbered: bool = False  # the sub-items are a Word numbered list rather than typed "a)" labels


@dataclass
class Section:
    title: str  # "1. Knowing our communities"
    actions: list[Action]


@dataclass
class Plan:
    title: str
    subtitle: str
    sections: list[Section]
    lead_key: list[tuple[str, str]]  # (code, name)


def write_docx(plan: Plan, path: Path) -> None:
    """A landscape Word document: title, subtitle, the plan table, then the lead key table."""
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    section.left_margin = section.right_margin = Cm(1.5)
    doc.add_paragraph(plan.title, style="Title")
    doc.add_paragraph(plan.subtitle)
    styles = {name: doc.styles[name] for name in ("List Bullet", "List Number")}

    table = doc.add_table(rows=1, cols=len(COLUMNS))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for column, width in zip(table.columns, WIDTHS_CM, strict=True):
        column.width = Cm(width)
    header = table.rows[0]
    header._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))  # repeat on every page
    for cell, title in zip(header.cells, COLUMNS, strict=True):
        _shade(cell, HEADER_FILL)
        run = cell.paragraphs[0].add_run(title)
        run.bold = True
        run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)

    for plan_section in plan.sections:
        row = table.add_row()
        merged = row.cells[0].merge(row.cells[-1])
        _shade(merged, SECTION_FILL)
        merged.paragraphs[0].add_run(plan_section.title).bold = True
        for action in plan_section.actions:
            cells = table.add_row().cells
            _fill(cells[0], [action.ref])
            action_style = styles["List Number"] if action.numbered else None
            _fill(cells[1], action.action[:1])
            for item in action.action[1:]:
                cells[1].add_paragraph(item, style=action_style)
            _fill(cells[2], [action.lead])
            _fill(cells[3], [action.target])
            _fill(cells[4], action.milestones, styles["List Bullet"])
            _fill(cells[5], action.success, styles["List Bullet"])
            _fill(cells[6], [action.progress])

    doc.add_paragraph()
    doc.add_paragraph("Lead key", style="Heading 2")
    key = doc.add_table(rows=1, cols=2)
    key.style = doc.styles["Table Grid"]
    for cell, title in zip(key.rows[0].cells, ("Code", "Lead"), strict=True):
        cell.paragraphs[0].add_run(title).bold = True
    for code, name in plan.lead_key:
        code_cell, name_cell = key.add_row().cells
        code_cell.text, name_cell.text = code, name
    doc.save(str(path))


def _fill(cell, paragraphs: list[str], style=None) -> None:
    """Put paragraphs in a fresh cell (which already holds one empty paragraph)."""
    first, *rest = paragraphs or [""]
    p = cell.paragraphs[0]
    p.text = first
    if style is not None and first:
        p.style = style
    for text in rest:
        cell.add_paragraph(text, style=style)


def _shade(cell, fill: str) -> None:
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shd)


def write_xlsx(plan: Plan, path: Path) -> None:
    """An Excel workbook: title rows, frozen header, merged section rows, a lead key sheet."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Action plan"
    ws["A1"] = plan.title
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = plan.subtitle
    header_row = 4
    for col, title in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=header_row, column=col, value=title)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
    for col, width in enumerate(WIDTHS_CM, start=1):
        ws.column_dimensions[chr(64 + col)].width = width * 5
    ws.freeze_panes = f"A{header_row + 1}"
    ws.print_title_rows = f"{header_row}:{header_row}"

    wrap = Alignment(wrap_text=True, vertical="top")
    section_font, section_fill = Font(bold=True), PatternFill("solid", fgColor=SECTION_FILL)
    r = header_row
    for plan_section in plan.sections:
        r += 1
        cell = ws.cell(row=r, column=1, value=plan_section.title)
        cell.font, cell.fill = section_font, section_fill
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=len(COLUMNS))
        for action in plan_section.actions:
            r += 1
            values = (
                action.ref,
                "\n".join(action.action),
                action.lead,
                action.target,
                "\n".join(f"• {m}" for m in action.milestones),
                "\n".join(f"• {s}" for s in action.success),
                action.progress,
            )
            for col, value in enumerate(values, start=1):
                if value:
                    cell = ws.cell(row=r, column=col, value=value)
                    cell.alignment = wrap
            month = _EXCEL_MONTH.match(action.target)
            if month:
                target = ws.cell(row=r, column=4)
                target.value = datetime(2000 + int(month[2]), MONTHS.index(month[1]) + 1, 1)
                target.number_format = "mmm-yy"

    key = wb.create_sheet("Lead key")
    key.append(["Code", "Lead"])
    key["A1"].font = key["B1"].font = Font(bold=True)
    for code, name in plan.lead_key:
        key.append([code, name])
    lists = wb.create_sheet("Lists")  # the drop-down values a plan owner keeps out of sight
    for status in ("Not started", "On target", "Slipped", "Completed"):
        lists.append([status])
    lists.sheet_state = "hidden"
    wb.save(str(path))
