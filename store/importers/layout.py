"""From a SourceDoc's lines to logical rows: headers recognised per page, sections, page-break merges.

What this stage undoes is how plans get printed: the header row is repeated on every page (sometimes
worded differently, sometimes with a cell left blank), a row that ran over a page break arrives as two
rows, section headings are rows with one filled cell, a lead key follows the table, and one file may
hold two documents (a progress report and the updated plan after it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from collector.core.refs import parse_ref_cell, split_leading_ref
from collector.core.vocabulary import Status

from .cells import is_bullet, paragraphs
from .columns import Column, is_value_of
from .header_rows import find_headers, row_width
from .key import read_key
from .source import SourceDoc, SourceLine
from .status_cells import read_colour_key

_FURNITURE = re.compile(
    r"^(unclassified|official(-sensitive)?|official sensitive|restricted|protect|confidential|"
    r"not protectively marked|draft|page \d+( of \d+)?|\d+ of \d+|\d+)$",
    re.I,
)
_SECTION = re.compile(
    r"^\s*(?:(?:section|objective|theme|priority|outcome|part|area)\s+)?"
    r"(\d{1,2}(?:\.\d{1,2}){0,2}|[A-Z])(?:\s*[.):–-]\s*|\s+)(?=\S)(.+)$",
    re.S | re.I,
)
_TITLE_WORDS = re.compile(
    r"\b(plan|strategy|scheme|report|programme|framework|charter|review|(?:19|20)\d\d)\b", re.I
)
_ITEM_START = re.compile(r"^\(?([a-z]|[ivx]{1,4})\)\s")
_TERMINAL = re.compile(r"[.!?:;]\s*$")
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


@dataclass
class Row:
    values: dict[int, str]  # position -> normalised cell text
    columns: list[Column]
    where: str
    table: int | None = None
    merged: frozenset[int] = frozenset()  # positions continuing a vertically merged cell above
    fills: dict[int, str | None] = field(default_factory=dict)  # position -> cell fill colour ("RRGGBB")

    def fill_of(self, field_name: str) -> str | None:
        """The first fill colour among a field's cells."""
        return next(
            (f for c in self.columns if c.field == field_name and (f := self.fills.get(c.position))), None
        )

    def get(self, field_name: str) -> str:
        """All columns of a field joined (a spanned 'Actions' header covers the ref and text cells)."""
        parts = [self.values.get(c.position, "") for c in self.columns if c.field == field_name]
        return "\n".join(p for p in parts if p.strip())

    def has(self, field_name: str) -> bool:
        return any(c.field == field_name for c in self.columns)

    def filled(self) -> list[int]:
        return [i for i, v in self.values.items() if v.strip()]


@dataclass
class Section:
    ref: str | None
    title: str
    where: str


@dataclass
class Part:
    """One document inside the file: its title lines, then sections and rows in order."""

    title_lines: list[str] = field(default_factory=list)
    items: list[Row | Section] = field(default_factory=list)
    columns: list[Column] = field(default_factory=list)
    lead_key: dict[str, str] = field(default_factory=dict)
    skipped: int = 0
    notes: list[str] = field(default_factory=list)
    colour_key: dict[str, Status] = field(default_factory=dict)


def parse_section(text: str) -> Section | None:
    """'1. Governance and Management', '3.Offender management', 'Section 2: Workforce', 'Objective 1.2
    Reduce waiting times' -> Section."""
    flat = " ".join(text.split())
    match = _SECTION.match(flat)
    if match and not re.match(r"^\d", match.group(2)):
        if "." in match.group(1) and not match.group(2)[:1].isupper():
            return None  # "2.5 million people": a figure, not the heading of objective 2.5
        return Section(match.group(1), match.group(2).strip(), "")
    return None


def _signature(columns: list[Column]) -> frozenset[str]:
    return frozenset(c.field for c in columns if c.field != "extra")


def is_furniture(text: str) -> bool:
    return bool(_FURNITURE.match(" ".join(text.split()).strip("*# ")))


def split_parts(doc: SourceDoc, overrides: dict[str, str] | None = None) -> list[Part]:
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
                _emit_headings(part, fresh, before_table=True)
                _first_table_heading(part)
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
        _emit_headings(part, [t for t in pending if not _is_title_repeat(t, part)])
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
        section = _section_row(row)
        numbered = section is not None and section.ref is not None
        # A heading alone in the cell where this table's earlier headings stood is a heading again.
        like_before = section is not None and row.filled()[0] in heading_cells
        if (
            last_row is not None
            and not numbered
            and not like_before
            and _continues(row, last_row, after_break, section is not None)
        ):
            _merge(last_row, row)
        elif after_break and last_row is not None and (head := _lowercase_head(row)) is not None:
            _merge(last_row, head)  # the outcome runs on; the rest of the row is new
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
        _promote_split_headings(each)
        _carry_groups(each)
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


def _emit_headings(part: Part, texts: list[str], *, before_table: bool = False) -> None:
    """Text between tables that reads as a numbered heading is a section. Just above a table's header row
    (a plan printed as one table per section), a short heading is a section even without a number; notes
    and footnotes ("* statutory duty", "(updated in blue)", sentences) are not."""
    for text in texts:
        section = parse_section(text)
        if section and len(text) < 200:
            part.items.append(section)
        elif before_table and text is texts[-1] and _looks_like_heading(text):
            part.items.append(Section(None, " ".join(text.split()).strip("*# "), ""))


def _first_table_heading(part: Part) -> None:
    """A plan printed as one table per section: once a later table shows a heading (above it or as its
    first row) while the first table has none, the last line above the first table was that table's
    heading, not part of the title."""
    first = next((i for i, item in enumerate(part.items) if isinstance(item, Row)), None)
    if first is None or any(isinstance(item, Section) for item in part.items[:first]):
        return
    if not any(isinstance(item, Section) for item in part.items[first:]):
        return
    if len(part.title_lines) >= 2 and _looks_like_heading(part.title_lines[-1]):
        title = part.title_lines.pop()
        part.items.insert(first, parse_section(title) or Section(None, " ".join(title.split()), ""))


def _looks_like_heading(text: str) -> bool:
    flat = " ".join(text.split()).strip("*# ")
    return bool(flat) and len(flat.split()) <= 10 and flat[0].isalnum() and not _TERMINAL.search(flat)


_TEXT_FIELDS = frozenset({"ref", "action", "outcome", "source", "extra"})
_VALUE_FIELDS = ("lead", "target", "status", "progress")


def _section_row(row: Row) -> Section | None:
    """A row with a single filled cell that reads as a heading: in a leading text column, or in the first
    column whatever that column holds (a heading merged across a table that starts with its lead or
    target column), unless the text is a value of that column's kind (a date, a status, a lead's code)."""
    filled = row.filled()
    if len(filled) != 1 or len(row.columns) < 3:
        return None
    column = next((c for c in row.columns if c.position == filled[0]), None)
    if column is None:
        return None
    text = " ".join(row.values[filled[0]].split())
    if not text or text[0].islower() or is_bullet(text):
        return None
    leading_text = column.field in _TEXT_FIELDS and filled[0] <= 1
    if not leading_text and (
        filled[0] != 0 or not _looks_like_heading(text) or is_value_of(column.field, text)
    ):
        return None
    section = parse_section(text)
    if section:
        section.where = row.where
        return section
    return Section(None, text, row.where)


_CHILD_REF = re.compile(r"^(?:\s*[.\-/]\s*\w|\s?[a-z]\b|\s?\(?[a-z]\))")


def _split_heading(row: Row) -> tuple[str, str] | None:
    """A heading printed over two cells, "2 | Workforce": a short ref in the ref column, heading-like
    text in a text column, nothing else in the row."""
    filled = row.filled()
    if len(filled) != 2:
        return None
    fields = {c.position: c.field for c in row.columns}
    ref = next((p for p in filled if fields.get(p) == "ref"), None)
    other = next((p for p in filled if p != ref), None)
    if ref is None or other is None or fields.get(other) not in _TEXT_FIELDS - {"ref"}:
        return None
    number, title = row.values[ref].strip(), " ".join(row.values[other].split())
    if len(number.split()) != 1 or not parse_ref_cell(number) or not _looks_like_heading(title):
        return None
    if title[0].islower() or is_bullet(title):
        return None
    return number.rstrip("."), title


def _promote_split_headings(part: Part) -> None:
    """Rows of a ref and a short title only are section headings when the evidence says so: the next
    numbered row's ref continues this one ("2" then "2.1", "2a"); or the table's numbered rows almost
    always give a lead, target, status or progress, this one gives none, and its number is of another
    series than the actions' (a letter over numbers) or repeats an action's ref (sections 1, 2, 3 over
    actions numbered 1 to 20). Otherwise the row stays an action."""
    numbered = [i for i in part.items if isinstance(i, Row) and i.get("ref").strip()]
    others = [r for r in numbered if _split_heading(r) is None]
    if not numbered:
        return
    valued = sum(1 for r in others if any(r.get(f).strip() for f in _VALUE_FIELDS)) / max(1, len(others))
    refs = [r.get("ref").strip().rstrip(".") for r in numbered]
    for index, item in enumerate(part.items):
        if not isinstance(item, Row) or (split := _split_heading(item)) is None:
            continue
        number, title = split
        following = next(
            (r for i in part.items[index + 1 :] if isinstance(i, Row) and (r := i.get("ref").strip())), ""
        )
        parent = following.startswith(number) and bool(_CHILD_REF.match(following[len(number) :]))
        unlike = bool(following) and number[:1].isdigit() != following[:1].isdigit()
        repeated = refs.count(number) > 1
        if parent or (valued >= 0.8 and (unlike or repeated)):
            part.items[index] = Section(number, title, item.where)


def _carry_groups(part: Part) -> None:
    """An outcome or objective column that groups numbered actions: filled on the first action of each
    group and blank (or merged down) below it. Each action belongs to the group above it, so the group's
    text is carried down; when the plan has no sections of its own, the groups are its sections (numbered
    by the refs' common stem: objective "2" over actions 2.1 and 2.2), else a field of every action.

    The evidence is a merged cell, or refs whose stem changes exactly where the column is filled; a
    column that is merely blank on some rows (an optional "expected outcome") is left alone."""
    rows = [i for i in part.items if isinstance(i, Row) and i.get("action").strip()]
    if len(rows) < 2 or not any(c.field == "outcome" for c in part.columns):
        return
    refs = [parse_ref_cell(r.get("ref")) or split_leading_ref(r.get("action"))[0] for r in rows]
    if not all(refs):
        return  # unnumbered: the outcome-led reading decides (interpret)
    stems = [ref.rpartition(".")[0] for ref in refs]  # type: ignore[union-attr]
    filled = [bool(r.get("outcome").strip()) for r in rows]
    merged = any(c.position in r.merged for r in rows for c in r.columns if c.field == "outcome")
    starts = [i == 0 or stems[i] != stems[i - 1] for i in range(len(rows))]
    stemmed = all(stems) and all(s for f, s in zip(filled, starts, strict=True) if f)
    if not filled[0] or all(filled) or not (merged or stemmed):
        return
    as_sections = not any(isinstance(i, Section) for i in part.items)
    current = ""
    for row, stem in zip(rows, stems, strict=True):
        column = next(c for c in row.columns if c.field == "outcome")
        text = row.values.get(column.position, "").strip()
        if text:
            current = text
            if as_sections:
                title = " ".join(text.split())
                number = stem if stemmed and stem else None
                at = next(i for i, item in enumerate(part.items) if item is row)  # rows may be equal
                part.items.insert(at, Section(number, title, row.where))
        if as_sections:
            row.values[column.position] = ""
        elif not text:
            row.values[column.position] = current


def _continues(row: Row, previous: Row, after_break: bool, heading_like: bool = False) -> bool:
    """Is this row the rest of the one above, cut by a page break (shown or not)?

    After a break (a repeated header, a blank line, page furniture) one signal is enough: the row has no
    ref, lead or target of its own and its text starts in lower case, continues a lettered list, or
    follows a sentence left unfinished. Without a visible break two must agree: the text above is
    unfinished and this one starts in lower case.
    """
    if row.get("ref").strip() or row.get("lead").strip() or row.get("target").strip():
        return False
    if row.get("status").strip():
        return False
    for field_name in ("action", "outcome", "source"):
        text = row.get(field_name).strip()
        if not text:
            continue
        before = previous.get(field_name).strip()
        unfinished = bool(before) and not _TERMINAL.search(before)
        if not after_break:
            return unfinished and text[0].islower()
        # A capitalised row alone in a leading column reads as a heading, not as the sentence's end.
        return text[0].islower() or bool(_ITEM_START.match(text)) or (unfinished and not heading_like)
    if not after_break:
        return False
    if not heading_like:
        return True  # only detail columns (progress, milestones) carry on
    # A heading-like cell alone in a detail column that leads the table: the rest of that column's text
    # above only when that text was left unfinished; otherwise a section heading.
    for position in row.filled():
        field_name = next((c.field for c in row.columns if c.position == position), "extra")
        before = previous.get(field_name).strip()
        if before and not _TERMINAL.search(before):
            return True
    return False


def _lowercase_head(row: Row) -> Row | None:
    """After a page break, a text cell whose first paragraph starts in lower case finishes the sentence
    above even when the rest of the row (a new bullet, its lead and deadline) is new. Split that paragraph
    off into a row of its own (removing it from `row`) so it can be merged upwards."""
    if row.get("ref").strip():
        return None
    moved: dict[int, str] = {}
    for column in row.columns:
        if column.field not in {"outcome", "source", "action"}:
            continue
        paras = paragraphs(row.values.get(column.position, ""))
        if paras and paras[0][0].islower() and not _ITEM_START.match(paras[0]):
            moved[column.position] = paras[0]
            row.values[column.position] = "\n".join(paras[1:])
    return Row(moved, row.columns, row.where) if moved else None


def _merge(into: Row, tail: Row) -> None:
    """Append the tail's cells to the row above, column by column (matched by field: the two pages may
    lay the columns out differently)."""
    for column in tail.columns:
        text = tail.values.get(column.position, "")
        if not text.strip():
            continue
        target = next(
            (c for c in into.columns if c.field == column.field and c.header == column.header), None
        )
        target = target or next((c for c in into.columns if c.field == column.field), None)
        if target is None:
            continue
        # Under a spanned header ("Actions" over the ref and text cells) the text runs on in the last
        # filled cell of that field, not in the ref cell.
        spans = [c.position for c in into.columns if c.field == column.field]
        position = next((p for p in reversed(spans) if into.values.get(p, "").strip()), target.position)
        head = into.values.get(position, "")
        if not head.strip():
            into.values[position] = text
            continue
        first = paragraphs(text)[0]
        new_paragraph = (
            is_bullet(first) or _ITEM_START.match(first) or (_TERMINAL.search(head) and first[:1].isupper())
        )
        into.values[position] = head + ("\n" if new_paragraph else " ") + text
