"""From a SourceDoc's lines to logical rows: the walk that finds headers, sections and page-break merges.

What this stage undoes is how plans get printed: the header row is repeated on every page (sometimes
worded differently, sometimes with a cell left blank), a row that ran over a page break arrives as two
rows, section headings are rows with one filled cell, a lead key follows the table, and one file may
hold two documents (a progress report and the updated plan after it). This module walks the lines once
and decides where each belongs; headings.py says which rows are section headings and page_breaks.py when
a row is the rest of the one above.
"""

from __future__ import annotations

import re

from .colour_key import read_colour_key
from .columns import Column
from .header_rows import find_headers, row_width
from .headings import (
    carry_groups,
    emit_headings,
    first_table_heading,
    promote_split_headings,
    section_row,
)
from .key import read_key
from .page_breaks import continues, is_furniture, lowercase_head, merge_rows
from .rows import Part, Row, Section
from .source import SourceDoc, SourceLine

_TITLE_WORDS = re.compile(
    r"\b(plan|strategy|scheme|report|programme|framework|charter|review|(?:19|20)\d\d)\b", re.I
)
# A cell merged down over several rows repeats its value on each of them for these fields; for the action,
# outcome and ref it means "the same one" and for progress it would duplicate a statement, so not those.
_MERGE_REPEATS = {
    "lead",
    "target",
    "status",
    "milestones",
    "success",
    "resources",
    "priority",
    "source",
    "duty",
    "extra",
}


def _signature(columns: list[Column]) -> frozenset[str]:
    return frozenset(c.field for c in columns if c.field != "extra")


def split_parts(doc: SourceDoc, overrides: dict[str, str] | None = None) -> list[Part]:
    """The file's documents (usually one), each its title lines, then sections and rows in print order."""
    key, key_lines = read_key(doc)
    colours, legend_lines = read_colour_key(doc.lines)
    key_lines = key_lines | legend_lines
    headers = find_headers(doc, key_lines, overrides, key)
    parts = [Part(lead_key=key, notes=list(headers.notes), colour_key=colours)]
    part = parts[0]
    columns: list[Column] | None = None
    header_at = -1
    # A workbook with one sheet per directorate or objective: each sheet without a heading of its own
    # is a section named as its sheet is.
    sheets = _plan_sheets(doc, headers.columns) if doc.format == "xlsx" else {}
    last_sheet: int | None = None
    pending: list[str] = []  # text lines since the last table row
    after_break = False  # a page break (repeated header, blank line, furniture) since the last row
    last_row: Row | None = None
    above: dict[int, str] = {}  # the previous table row's cells, for vertically merged cells
    heading_cells: set[int] = set()  # positions of the one-cell rows read as section headings
    for index, line in enumerate(doc.lines):
        if index in key_lines or _is_rule(line):
            continue
        if line.is_blank:
            after_break = after_break or columns is not None
            continue
        if not line.in_table:
            text = line.text()
            if not is_furniture(text):
                _add_text(part.title_lines if columns is None else pending, text)
            # Text between table rows (a page's protective marking, a repeated title) is a page break:
            # the next row may be the rest of the one before it.
            after_break = columns is not None
            continue
        filled = [c for c in line.cells if c.strip()]
        if len(filled) == 1 and index not in headers.columns and is_furniture(filled[0]):
            # A protective marking or page number that CSV and Excel give as a one-cell row: a page break.
            after_break = after_break or columns is not None
            continue
        if index in headers.columns:
            new_columns = headers.columns[index]
            fresh = [t for t in pending if not _is_title_repeat(t, part)]
            if columns is not None and _new_document(fresh, new_columns, columns, doc.format):
                part = Part(title_lines=fresh, lead_key=key, colour_key=colours)
                parts.append(part)
                last_row = None
            else:
                emit_headings(part, fresh, before_table=True)
                first_table_heading(part)
                if line.table != last_sheet and len(sheets) > 1 and not fresh:
                    part.items.append(Section(None, sheets[line.table], line.where))
            last_sheet = line.table
            pending = []
            columns, header_at = new_columns, index
            if not part.columns:
                part.columns = new_columns
            after_break = True
            if index not in headers.virtual:
                continue
        if columns is None:
            part.skipped += 1
            continue
        if sheets and line.table != last_sheet:
            sheet = line.where.split(" row ")[0]
            _note_once(part, f"{sheet} has no header row of its own: its rows were skipped")
            continue
        emit_headings(part, [t for t in pending if not _is_title_repeat(t, part)])
        pending = []
        row_columns = headers.wider.get((header_at, row_width(line.cells)), columns)
        values = dict(enumerate(line.cells))
        for position in line.merged_above:
            field_name = row_columns[position].field if position < len(row_columns) else "extra"
            if field_name in _MERGE_REPEATS and not values.get(position, "").strip():
                values[position] = above.get(position, "")
        above = dict(values)
        row = Row(
            values,
            row_columns,
            line.where,
            line.table,
            frozenset(line.merged_above),
            dict(enumerate(line.fills)),
        )
        section = section_row(row)
        numbered = section is not None and section.ref is not None
        # A heading alone in the cell where this table's earlier headings stood is a heading again.
        like_before = section is not None and row.filled()[0] in heading_cells
        if (
            last_row is not None
            and not numbered
            and not like_before
            and continues(row, last_row, after_break, section is not None)
        ):
            merge_rows(last_row, row)
        elif after_break and last_row is not None and (head := lowercase_head(row)) is not None:
            merge_rows(last_row, head)  # the outcome runs on; the rest of the row is new
            part.items.append(row)
            last_row = row
        elif section is not None:
            part.items.append(section)
            heading_cells.add(row.filled()[0])
            last_row = None
        else:
            part.items.append(row)
            last_row = row
        after_break = False
    for each in parts:
        promote_split_headings(each)
        carry_groups(each)
    return [p for p in parts if p.items or p is parts[0]]


def _note_once(part: Part, note: str) -> None:
    if note not in part.notes:
        part.notes.append(note)


def _plan_sheets(doc: SourceDoc, header_lines: dict[int, list[Column]]) -> dict[int | None, str]:
    """Sheet index -> sheet name, for the sheets that hold a header row of the plan."""
    out: dict[int | None, str] = {}
    for index in header_lines:
        line = doc.lines[index]
        match = re.match(r"sheet '(.*)' row \d+$", line.where)
        if match and line.table not in out:
            out[line.table] = match.group(1)
    return out


def _new_document(fresh: list[str], new: list[Column], old: list[Column], fmt: str) -> bool:
    """Does a header row start a second document (a progress report followed by the plan it reports on)?
    Only with evidence of both kinds: a title-like line of its own above it, and columns that differ in
    more than one name. Sheets of one workbook are one plan."""
    if fmt == "xlsx" or not fresh:
        return False
    titled = any(_TITLE_WORDS.search(t) and len(t.split()) >= 3 for t in fresh)
    names = {c.header.casefold() for c in new} ^ {c.header.casefold() for c in old}
    return titled and (_signature(new) != _signature(old) or len(names) >= 2)


def _is_rule(line: SourceLine) -> bool:
    """A Markdown table rule ('---|---') or a row of dashes: drawing, not content."""
    return all(re.fullmatch(r"[-=_:|+\s]*", cell) for cell in line.cells)


def _add_text(lines: list[str], text: str) -> None:
    """Keep a bold span (**...** over several lines, as Markdown-ish exports print titles) as one line."""
    if lines and lines[-1].startswith("**") and not lines[-1].endswith("**"):
        lines[-1] += " " + text
    else:
        lines.append(text)


def _squash_title(text: str) -> str:
    return "".join(text.split()).strip("*#").casefold()


def _is_title_repeat(text: str, part: Part) -> bool:
    return any(_squash_title(text) == _squash_title(t) for t in part.title_lines)
