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
    (in_table=False), so the interpreter can take the plan's title from it. Its fill is its text cell's,
    or else the first fill in the row: a legend row "[green swatch] On track" keeps its colour.
  * Fills: a cell's solid fill as "RRGGBB" (see colours.py for what colours mean). Read-only cells
    carry a style id; the colour is worked out once per style id, so thousands of cells cost a dict
    lookup each. RGB, indexed (the workbook's palette, else Excel's default) and theme colours (the
    workbook's theme, with Excel's tint applied) are read; pattern fills other than solid, gradients and
    conditional formats are not (conditional RAG formats colour a word that the cell already holds).
"""

from __future__ import annotations

import calendar
import colorsys
import warnings
import zipfile
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from lxml import etree
from openpyxl import load_workbook
from openpyxl.styles.colors import COLOR_INDEX
from openpyxl.utils.exceptions import InvalidFileException

from collector.core.errors import ImportFileError
from store.importers.colours import hex_colour
from store.importers.read import clean_cell
from store.importers.source import SourceDoc, SourceLine

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# What openpyxl raises on a ZIP that is not a well-formed workbook.
_PARSE_ERRORS = (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, SyntaxError, OSError)


def read_xlsx(path: Path | str, *, sheets: list[str] | None = None) -> SourceDoc:
    """Read a .xlsx: every visible sheet's non-empty rows (or only the named sheets'), trailing empty cells
    trimmed."""
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
            titles = workbook.sheetnames
            chosen = chosen_sheets(name, titles, sheets)
            fills = _Fills(workbook)
            for index, sheet in enumerate(workbook.worksheets):
                if chosen is not None:
                    if sheet.title not in chosen:
                        continue
                elif sheet.sheet_state != "visible":
                    source.notes.append(f"skipped hidden sheet '{sheet.title}'")
                    continue
                source.lines.extend(_sheet_lines(sheet, index, fills))
        except _PARSE_ERRORS:  # sheets are parsed as they are read
            raise _damaged(name) from None
        finally:
            workbook.close()
    if chosen is not None and len(chosen) < len(titles):
        others = [t for t in titles if t not in chosen]
        source.notes.append(f"read only {_quoted(chosen)} (--sheet); skipped {_quoted(others)}")
    if not source.lines:
        source.notes.append("the workbook has no filled cells on a visible sheet")
    return source


def chosen_sheets(name: str, titles: list[str], wanted: list[str] | None) -> list[str] | None:
    """The sheet titles --sheet names (matched ignoring case and outer spaces), None for all of them."""
    if not wanted:
        return None
    by_key = {t.strip().casefold(): t for t in titles}
    unknown = [w for w in wanted if w.strip().casefold() not in by_key]
    if unknown:
        raise ImportFileError(
            name,
            f"no sheet named {_quoted(unknown)}",
            hint=f"its sheets are {_quoted(titles)}",
        )
    picked = {by_key[w.strip().casefold()] for w in wanted}
    return [t for t in titles if t in picked]


def _quoted(titles: list[str]) -> str:
    return ", ".join(f"'{t}'" for t in titles)


def _damaged(name: str) -> ImportFileError:
    return ImportFileError(
        name,
        "not a valid Excel file (the file is damaged or not what its name says)",
        hint="open it in Excel and save it again as .xlsx",
    )


def _sheet_lines(sheet: Any, index: int, fill_of: _Fills) -> list[SourceLine]:
    lines: list[SourceLine] = []
    in_title = True
    rows: list[tuple[list[str], list[str | None], str]] = []
    # A sheet's stored dimension is sometimes wrong (written by other tools): read every row present.
    sheet.reset_dimensions()
    for r, row in enumerate(sheet.iter_rows(min_row=1, min_col=1), start=1):
        cells = [cell_text(cell.value, getattr(cell, "number_format", None)) for cell in row]
        while cells and not cells[-1]:
            cells.pop()
        if not cells:
            continue
        fills = [fill_of(cell) for cell in row]
        where = f"sheet '{sheet.title}' row {r}"
        filled = [i for i, c in enumerate(cells) if c]
        if in_title and len(filled) == 1:
            own = fills[filled[0]] or next((f for f in fills if f), None)
            title_fills = (own,) if own else ()
            lines.append(
                SourceLine(cells=(cells[filled[0]],), where=where, in_table=False, fills=title_fills)
            )
            continue
        in_title = False
        rows.append((cells, fills, where))
    # Trailing empty cells are dropped (Excel stores cells that were only formatted), except that a cell
    # whose only content is its fill colour (a RAG cell) stays, within the width the sheet's text uses.
    width = max((len(cells) for cells, _, _ in rows), default=0)
    for cells, fills, where in rows:
        coloured = [i for i, f in enumerate(fills[:width]) if f]
        if coloured and coloured[-1] >= len(cells):
            cells.extend([""] * (coloured[-1] + 1 - len(cells)))
        kept = fills[: len(cells)]
        row_fills = tuple(kept) if any(kept) else ()
        lines.append(SourceLine(cells=tuple(cells), where=where, in_table=True, table=index, fills=row_fills))
    return lines


class _Fills:
    """A read-only cell's fill colour ("RRGGBB" or None), worked out once per style id.

    A plan has a few dozen cell styles and thousands of cells; each cell then costs one dict lookup.
    """

    def __init__(self, workbook: Any):
        self.workbook = workbook
        self.by_style: dict[int, str | None] = {0: None}  # style 0 is the workbook's default: no fill
        self._theme: list[str] | None = None

    def __call__(self, cell: Any) -> str | None:
        style_id = getattr(cell, "_style_id", 0)  # an EmptyCell (a gap in the row) has no style
        try:
            return self.by_style[style_id]
        except KeyError:
            colour = self.by_style[style_id] = self._style_fill(style_id)
            return colour

    def _style_fill(self, style_id: int) -> str | None:
        try:
            fill = self.workbook._fills[self.workbook._cell_styles[style_id].fillId]
        except (IndexError, AttributeError, TypeError):
            return None
        if getattr(fill, "patternType", None) != "solid":
            return None  # no fill, Excel's built-in gray125, a hatch pattern or a gradient
        return self._colour(fill.fgColor)

    def _colour(self, color: Any) -> str | None:
        kind = getattr(color, "type", None)
        if kind == "rgb":
            return hex_colour(color.rgb if isinstance(color.rgb, str) else None)
        if kind == "indexed":
            palette = getattr(self.workbook, "_colors", None) or COLOR_INDEX
            index = color.indexed
            return hex_colour(palette[index]) if 0 <= index < len(palette) else None  # 64, 65: system
        if kind == "theme":
            return self._theme_colour(color.theme, color.tint or 0.0)
        return None

    def _theme_colour(self, index: int, tint: float) -> str | None:
        if self._theme is None:
            self._theme = theme_palette(getattr(self.workbook, "loaded_theme", None))
        if not 0 <= index < len(self._theme):
            return None
        return hex_colour(apply_tint(self._theme[index], tint))


_DRAWING_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
# Excel numbers theme colours lt1, dk1, lt2, dk2, accent1..6: the theme file lists the first two pairs
# dark-first, so they swap.
_THEME_ORDER = ("lt1", "dk1", "lt2", "dk2", "accent1", "accent2", "accent3", "accent4", "accent5", "accent6")


def theme_palette(theme_xml: bytes | None) -> list[str]:
    """The workbook theme's colours in Excel's theme-index order (empty when there is no theme)."""
    if not theme_xml:
        return []
    try:
        root = etree.fromstring(theme_xml)
    except etree.XMLSyntaxError:
        return []
    scheme = root.find(f".//{{{_DRAWING_NS}}}clrScheme")
    if scheme is None:
        return []
    colours: list[str] = []
    for name in _THEME_ORDER:
        slot = scheme.find(f"{{{_DRAWING_NS}}}{name}")
        value = None
        if slot is not None and len(slot):
            value = slot[0].get("val") if slot[0].tag.endswith("srgbClr") else slot[0].get("lastClr")
        colours.append(value or "")
    return colours


def apply_tint(rgb: str, tint: float) -> str:
    """Excel's tint: towards white (tint > 0) or black (tint < 0) in HLS lightness."""
    colour = (rgb or "")[-6:]
    if len(colour) != 6 or not tint:
        return colour
    try:
        r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (0, 2, 4))
    except ValueError:
        return colour
    hue, lightness, saturation = colorsys.rgb_to_hls(r, g, b)
    lightness = lightness * (1 + tint) if tint < 0 else lightness * (1 - tint) + tint
    r, g, b = colorsys.hls_to_rgb(hue, min(1.0, max(0.0, lightness)), saturation)
    return "".join(f"{round(c * 255):02X}" for c in (r, g, b))


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
