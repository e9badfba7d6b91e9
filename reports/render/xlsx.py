"""ReportData -> an Excel workbook: a Summary sheet, a Changes sheet, then one sheet per plan section.

Every sheet of actions has a frozen header row and a filter. openpyxl stores any string starting with "=" as
a formula (reliability.md F11), so every text cell is neutralised (reports/safe.py) AND typed as a string;
counts and percentages are real numbers. Written in openpyxl's write-only mode: a 2,000-action plan never
holds the whole workbook's cell objects in memory.
"""

from __future__ import annotations

import io
import re
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from reports import charts
from reports.model import ReportData, Section
from reports.render.table import headers, values
from reports.render.words import committee_words
from reports.safe import neutralise_cell, truncate

CELL_LIMIT = 32_000  # Excel refuses a cell over 32,767 characters
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1D4F91")
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
WIDTHS = {"Action": 50, "Progress this round": 70, "Section": 22, "Lead(s)": 22, "Evidence": 40}
_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def render_xlsx(data: ReportData) -> bytes:
    data = committee_words(data)
    book = Workbook(write_only=True)
    _summary_sheet(book, data)
    if data.previous_round_name:
        _changes_sheet(book, data)
    used: set[str] = {"Summary", "Changes"}
    for section in data.sections or [Section(None, "Actions", [])]:
        _section_sheet(book, data, section, _sheet_name(section.heading, used))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def text_cell(sheet: WriteOnlyWorksheet, value: str, *, font: Font | None = None, wrap: bool = False) -> Cell:
    """A cell that is text whatever it starts with: neutralised, then typed "s" so it is never a formula."""
    cell = WriteOnlyCell(
        sheet, value=neutralise_cell(truncate(value, CELL_LIMIT, " … [cut at Excel's cell limit]"))
    )
    cell.data_type = "s"
    cell.alignment = WRAP if wrap else TOP
    if font is not None:
        cell.font = font
    return cell


def _cell(
    sheet: WriteOnlyWorksheet, value: str | float | int | datetime | None, wrap: bool = False
) -> Cell | None:
    if value is None:
        return None
    if isinstance(value, str):
        return text_cell(sheet, value, wrap=wrap)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, datetime):
        cell.number_format = "yyyy-mm-dd hh:mm"
    cell.alignment = TOP
    return cell


def _header_row(sheet: WriteOnlyWorksheet, titles: list[str]) -> list[Cell]:
    row = []
    for title in titles:
        cell = text_cell(sheet, title, font=HEADER_FONT)
        cell.fill = HEADER_FILL
        row.append(cell)
    return row


def _sheet_name(heading: str, used: set[str]) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\, unique in the workbook (ignoring case)."""
    base = _SHEET_CHARS.sub(" ", heading).strip().strip("'")[:31] or "Section"
    name, n = base, 2
    while name.casefold() in {u.casefold() for u in used}:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(name)
    return name


def _section_sheet(book: Workbook, data: ReportData, section: Section, name: str) -> None:
    sheet = book.create_sheet(name)
    titles = headers(data)
    for index, title in enumerate(titles, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = WIDTHS.get(title, 16)
    sheet.freeze_panes = "C2"  # the header row, and the section and ref columns, stay in view
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(titles))}{max(len(section.rows), 1) + 1}"
    sheet.append(_header_row(sheet, titles))
    wrapped = {i for i, t in enumerate(titles) if t in ("Action", "Progress this round", "Evidence")}
    for row in section.rows:
        cells = [_cell(sheet, v, wrap=i in wrapped) for i, v in enumerate(values(data, section, row))]
        status_at = titles.index("Status")
        status_cell = cells[status_at]
        if status_cell is not None:
            fill, ink = charts.PALETTE[row.status.value]
            status_cell.fill = PatternFill("solid", fgColor=fill.lstrip("#").upper())
            status_cell.font = Font(bold=True, color=ink.lstrip("#").upper())
        sheet.append(cells)


def _summary_sheet(book: Workbook, data: ReportData) -> None:
    s = data.summary
    sheet = book.create_sheet("Summary")
    sheet.column_dimensions["A"].width = 40
    for column in "BCD":
        sheet.column_dimensions[column].width = 14
    bold = Font(bold=True)
    title = text_cell(sheet, data.plan_title, font=Font(bold=True, size=14, color="1D4F91"))
    sheet.append([title])
    sheet.append([text_cell(sheet, data.title, font=Font(bold=True, size=12))])
    for label, value in (
        ("Plan period", data.period or ""),
        ("Round opened", _day(data.round_opened)),
        ("Updates due", _day(data.round_due)),
        ("Position as at", _day(data.as_of)),
        ("Report produced", _day(data.generated_on)),
        ("Compared with", data.previous_round_name or ""),
    ):
        sheet.append([text_cell(sheet, label, font=bold), text_cell(sheet, value)])
    sheet.append([])
    sheet.append(_header_row(sheet, ["Status", "Actions", "Share"]))
    for count in s.counts:
        share = WriteOnlyCell(sheet, value=count.percent / 100)
        share.number_format = "0%"
        sheet.append([text_cell(sheet, count.status.label), count.count, share])
    sheet.append([text_cell(sheet, "Total", font=bold), s.total])
    sheet.append([])
    for label, number in (
        ("Completed this period", s.completed_now),
        ("Overdue", s.overdue),
        ("Slipped this round", s.slipped),
        ("Late answers", s.late),
        ("Updates due this round", s.expected),
        ("Updates received", s.answered),
        ("Received without a status", s.answered_without_status),
    ):
        sheet.append([text_cell(sheet, label, font=bold), number])
    rate = WriteOnlyCell(sheet, value=s.response_percent / 100 if s.expected else None)
    rate.number_format = "0%"
    sheet.append([text_cell(sheet, "Response rate", font=bold), rate])
    sheet.append([])
    sheet.append(_header_row(sheet, ["Lead", "Due", "Received", "Rate"]))
    for lead in s.by_lead:
        share = WriteOnlyCell(sheet, value=lead.percent / 100)
        share.number_format = "0%"
        sheet.append([text_cell(sheet, lead.lead), lead.expected, lead.answered, share])
    sheet.append([])
    sheet.append(_header_row(sheet, ["Leads who did not answer"]))
    for name in s.not_answered:
        sheet.append([text_cell(sheet, name)])
    if s.unreachable:
        sheet.append([])
        sheet.append(_header_row(sheet, ["Leads who could not be asked"]))
        for name in s.unreachable:
            sheet.append([text_cell(sheet, name)])


def _changes_sheet(book: Workbook, data: ReportData) -> None:
    sheet = book.create_sheet("Changes")
    for column, width in zip("ABCD", (18, 10, 60, 45), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:D{max(len(data.changes), 1) + 1}"
    sheet.append(_header_row(sheet, ["Change", "Ref", "Action", "What changed"]))
    for change in data.changes:
        sheet.append(
            [
                text_cell(sheet, change.kind),
                text_cell(sheet, change.ref),
                text_cell(sheet, change.text, wrap=True),
                text_cell(sheet, change.detail, wrap=True),
            ]
        )


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""
