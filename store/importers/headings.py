"""Section headings in a plan's table: one-cell rows, "2 | Workforce" over two cells, headings above
tables, and an objective column that groups the actions under it.

Each rule needs evidence from the plan itself (a number continued by the next ref, a heading where earlier
headings stood, a merged cell), because a short row can as well be an action whose other cells are blank.
"""

from __future__ import annotations

import re

from collector.core.refs import parse_ref_cell, split_leading_ref

from .cells import ends_sentence, is_bullet
from .columns import is_value_of
from .rows import Part, Row, Section

_SECTION = re.compile(
    r"^\s*(?:(?:section|objective|theme|priority|outcome|part|area)\s+)?"
    r"(\d{1,2}(?:\.\d{1,2}){0,2}|[A-Z])(?:\s*[.):–-]\s*|\s+)(?=\S)(.+)$",
    re.S | re.I,
)


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


def emit_headings(part: Part, texts: list[str], *, before_table: bool = False) -> None:
    """Text between tables that reads as a numbered heading is a section. Just above a table's header row
    (a plan printed as one table per section), a short heading is a section even without a number; notes
    and footnotes ("* statutory duty", "(updated in blue)", sentences) are not."""
    for text in texts:
        section = parse_section(text)
        if section and len(text) < 200:
            part.items.append(section)
        elif before_table and text is texts[-1] and _looks_like_heading(text):
            part.items.append(Section(None, " ".join(text.split()).strip("*# "), ""))


def first_table_heading(part: Part) -> None:
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
    return bool(flat) and len(flat.split()) <= 10 and flat[0].isalnum() and not ends_sentence(flat)


_TEXT_FIELDS = frozenset({"ref", "action", "outcome", "source", "extra"})
_VALUE_FIELDS = ("lead", "target", "status", "progress")


def section_row(row: Row) -> Section | None:
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


def promote_split_headings(part: Part) -> None:
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


def carry_groups(part: Part) -> None:
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
    present = [ref for ref in refs if ref]
    if len(present) != len(refs):
        return  # unnumbered: the outcome-led reading decides (interpret)
    stems = [ref.rpartition(".")[0] for ref in present]
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
