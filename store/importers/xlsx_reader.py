"""Read an Excel workbook into lines: each visible sheet's rows, in sheet order.

openpyxl's read-only mode streams the sheet XML, so a 5,000-row plan costs a few megabytes rather
than a cell object per cell. Decisions:
  * Merged cells: read-only mode does not expose merged ranges, and it does not need to. Excel keeps a
    merged range's value in its top-left cell and writes the others empty, so they read as "": the same
    convention the Word reader uses (the value belongs to the first row/column of the merge). One code
    path for every size of workbook, no second full load.
  * Dates: a plan prints target dates as a month ("Mar-27", "February 2011"), and Excel turns what was
    typed as "Mar-27" into the 1st of that month. A date shows as "Feb 2011" when its cell format hides
    the day, or the day is the 1st or the last of its month; otherwise as "28 Feb 2011". The
    interpreter parses both forms.
  * Numbers: whole numbers print without ".0"; percentages as Excel shows them ("85%").
  * Hidden and very hidden sheets are skipped, with a note (they hold lookup lists and old versions).
  * Until the first row with two or more filled cells, a row with one filled cell is a title line
    (in_table=False), so the interpreter can take the plan's title from it.
"""

from __future__ import annotations

import calendar
import warnings
import zipfile
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from collector.errors import ImportFileError
from store.importers.read import clean_cell
from store.importers.source import SourceDoc, SourceLine

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# What openpyxl raises on a ZIP that is not a well-formed workbook.
_PARSE_ERRORS = (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, SyntaxError, OSError)


def read_xlsx(path: Path | str) -> SourceDoc:
    """Read a .xlsx: every visible sheet's non-empty rows, trailing empty cells trimmed."""
    name = str(path)
    source = SourceDoc(path=name, format="xlsx")
    with Path(path).open("rb") as f, warnings.catch_warnings():
        # openpyxl warns about features it drops (data validation extensions, conditional formats):
        # irrelevant to reading values, and noise for the person importing.
        warnings.simplefilter("ignore", UserWarning)
        try:
            # A file object, not the name: openpyxl refuses names not ending .xlsx, and read.py
            # dispatches on content, so a workbook saved as "plan.docx" is still read.
            workbook = load_workbook(f, read_only=True, data_only=True)
        except (*_PARSE_ERRORS, AttributeError, TypeError):
            raise _damaged(name) from None
        try:
            for index, sheet in enumerate(workbook.worksheets):
                if sheet.sheet_state != "visible":
                    source.notes.append(f"skipped hidden sheet '{sheet.title}'")
                    continue
                source.lines.extend(_sheet_lines(sheet, index))
        except _PARSE_ERRORS:  # sheets are parsed as they are read
            raise _damaged(name) from None
        finally:
            workbook.close()
    if not source.lines:
        source.notes.append("the workbook has no filled cells on a visible sheet")
    return source


def _damaged(name: str) -> ImportFileError:
    return ImportFileError(
        name,
        "not a valid Excel file (the file is damaged or not what its name says)",
        hint="open it in Excel and save it again as .xlsx",
    )


def _sheet_lines(sheet: Any, index: int) -> list[SourceLine]:
    lines: list[SourceLine] = []
    in_title = True
    # A sheet's stored dimension is sometimes wrong (written by other tools): read every row present.
    sheet.reset_dimensions()
    for r, row in enumerate(sheet.iter_rows(min_row=1, min_col=1), start=1):
        cells = [cell_text(cell.value, getattr(cell, "number_format", None)) for cell in row]
        while cells and not cells[-1]:
            cells.pop()
        if not cells:
            continue
        where = f"sheet '{sheet.title}' row {r}"
        filled = [c for c in cells if c]
        if in_title and len(filled) == 1:
            lines.append(SourceLine(cells=(filled[0],), where=where, in_table=False))
            continue
        in_title = False
        lines.append(SourceLine(cells=tuple(cells), where=where, in_table=True, table=index))
    return lines


def cell_text(value: Any, number_format: str | None = None) -> str:
    """A cell's value as the plan prints it (see the module docstring for dates and numbers)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return clean_cell(value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime | date):
        return format_date(value, number_format)
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, timedelta):
        return str(value)
    if isinstance(value, int | float):
        return _number(value, number_format)
    return clean_cell(str(value))


def format_date(value: date, number_format: str | None = None) -> str:
    """ "Feb 2011" for a month (1st, last day, or a format without the day), else "28 Feb 2011"."""
    last_day = calendar.monthrange(value.year, value.month)[1]
    month = f"{MONTHS[value.month - 1]} {value.year}"
    if value.day in (1, last_day) or not _shows_day(number_format):
        return month
    return f"{value.day} {month}"


def _shows_day(number_format: str | None) -> bool:
    if not number_format or number_format == "General":
        return True
    # Drop quoted literals and [colour]/[$-locale] sections before looking for a day token.
    fmt, quoted, bracket = [], False, False
    for ch in number_format:
        if ch == '"':
            quoted = not quoted
        elif ch == "[":
            bracket = True
        elif ch == "]":
            bracket = False
        elif not quoted and not bracket:
            fmt.append(ch.lower())
    return "d" in fmt


def _number(value: float, number_format: str | None) -> str:
    if number_format and "%" in number_format:
        percent = round(value * 100, 6)
        return f"{int(percent) if percent == int(percent) else percent}%"
    if isinstance(value, int) or value.is_integer():
        return str(int(value))
    return str(round(value, 10))
