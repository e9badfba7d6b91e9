"""Finding a document's header rows and the role of every column under each, before rows are read.

A header row is recognised by its words when it can be (two known column names, one of them the
action), and otherwise by its place and shape: the first row of a table whose cells are all short labels
(no dates, no refs, no sentences) above rows that are not. Only one of its cells needs to be a name we
know, or none when the rows below make the contrast plain, so "Deliverable | Owner | Completion by" is a
header although "Deliverable" is in no list. A table with no header at all is read by content alone.

Columns are then decided per table from evidence (columns.py), pooling every page that repeats the same
header, so a role is judged on the whole column rather than one page's few rows.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from collector.core.dates import find_dates
from collector.core.errors import ImportFileError
from collector.core.refs import parse_ref_cell, split_leading_ref

from .cells import flat
from .columns import Column, Profile, decide, header_prior, is_value_of, profile, rank_same_kind
from .headers import header_score, is_exact_header, match_header, squash_header
from .source import SourceDoc, SourceLine

_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def column_letter(position: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: how a spreadsheet user names a column."""
    if position < 26:
        return _LETTERS[position]
    return _LETTERS[position // 26 - 1] + _LETTERS[position % 26]


@dataclass
class Headers:
    """Header rows by line index, their columns, and which header rows are virtual (a table without a
    header: its first row is data as well)."""

    columns: dict[int, list[Column]] = field(default_factory=dict)
    virtual: set[int] = field(default_factory=set)
    # Rows wider than their header (a header cell spanning two of theirs, typically "Actions" over the
    # ref and the text once the header is no longer repeated): their own column layout, by width.
    wider: dict[tuple[int, int], list[Column]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _positional(overrides: dict[str, str] | None) -> tuple[dict[int, str], dict[str, str]]:
    """Split --map overrides into by-position ("#3") and by-header-name ones."""
    by_position: dict[int, str] = {}
    by_name: dict[str, str] = {}
    for key, value in (overrides or {}).items():
        match = re.fullmatch(r"#(\d{1,3})", key.strip())
        if match:
            by_position[int(match.group(1))] = value
        else:
            by_name[key] = value
    return by_position, by_name


def _label_like(cell: str) -> bool:
    """Could this cell be a column header? Short, no dates, not a ref, not a sentence."""
    text = flat(cell)
    if not text:
        return True
    if len(text) > 60 or len(text.split()) > 8 or text.endswith("."):
        return False
    if parse_ref_cell(text) or find_dates(text) or split_leading_ref(text)[0] is not None:
        return False
    return not re.fullmatch(r"[\d.,%£$ -]+", text)


def _partial_header(
    line: SourceLine, following: SourceLine | None, names: dict[str, str] | None
) -> dict[int, str] | None:
    """A first table row of short labels above a row that is data: a header, recognised or not."""
    filled = [i for i, c in enumerate(line.cells) if c.strip()]
    if len(filled) < 2 or not all(_label_like(line.cells[i]) for i in filled):
        return None
    if following is None or not following.in_table:
        return None
    below = [c for c in following.cells if c.strip()]
    if len(below) < 2 or all(_label_like(c) for c in below):
        return None
    known = {i: f for i in filled if (f := match_header(line.cells[i], names))}
    longest = max(len(flat(c).split()) for c in below)
    if not known and (len(filled) < 3 or longest < 4):
        return None
    return known


def find_headers(
    doc: SourceDoc, skip: set[int], overrides: dict[str, str] | None, key: dict[str, str]
) -> Headers:
    """Every header row of the document and its columns, decided from header words and content."""
    by_position, by_name = _positional(overrides)
    lines = doc.lines
    kept = [i for i, line in enumerate(lines) if i not in skip and not line.is_blank and not _is_rule(line)]
    found_at: dict[int, dict[int, str]] = {}
    blocks: dict[int, list[int]] = {}
    current: int | None = None
    new_table, last_table = True, object()
    for n, i in enumerate(kept):
        line = lines[i]
        if not line.in_table:
            new_table = True
            continue
        if line.table != last_table:
            new_table, last_table = True, line.table
        score, found = header_score(line.cells, by_name or None)
        if not score and new_table:
            following = next((lines[j] for j in kept[n + 1 :] if lines[j].in_table), None)
            partial = _partial_header(line, following, by_name or None)
            # A table as wide as the one before it, after a page break, is most often that table going
            # on: its first row is a header only if a cell of it is a whole column name we know.
            going_on = current is not None and row_width(line.cells) == row_width(lines[current].cells)
            above = found_at.get(current, {}) if current is not None else {}
            named = any(
                is_exact_header(line.cells[p], by_name or None)
                and not is_value_of(above.get(p), line.cells[p])
                for p in partial or ()
            )
            if partial is not None and (named or not going_on):
                found, score = partial, 1
        new_table = False
        if score:
            found_at[i], blocks[i], current = found, [], i
        elif current is not None:
            blocks[current].append(i)
    headers = Headers()
    if not found_at:
        first = next(
            (i for i in kept if lines[i].in_table and sum(1 for c in lines[i].cells if c.strip()) >= 2), None
        )
        if first is None:
            return headers
        found_at[first] = {}
        blocks[first] = [first, *(i for i in kept if i > first and lines[i].in_table)]
        headers.virtual.add(first)
        headers.notes.append("the table has no header row: every column's role was read from its content")
    _decide_columns(doc, found_at, blocks, by_position, by_name, key, headers)
    _check_overrides(doc, found_at, by_position, by_name)
    return headers


def _decide_columns(
    doc: SourceDoc,
    found_at: dict[int, dict[int, str]],
    blocks: dict[int, list[int]],
    by_position: dict[int, str],
    by_name: dict[str, str],
    key: dict[str, str],
    headers: Headers,
) -> None:
    lines = doc.lines
    # Pages that repeat one header pool their rows: a column is judged on the whole table.
    pools: dict[tuple[str, ...], list[int]] = defaultdict(list)
    signature: dict[int, tuple[str, ...]] = {}
    for i in found_at:
        signature[i] = (
            tuple(squash_header(c) for c in lines[i].cells) if i not in headers.virtual else (str(i),)
        )
        pools[signature[i]].extend(blocks[i])
    previous: list[Column] | None = None
    for i in sorted(found_at):
        line = lines[i]
        pool = [
            lines[j].cells for j in pools[signature[i]] if sum(1 for c in lines[j].cells if c.strip()) >= 2
        ]
        width = len(line.cells)
        own = [_fit(r, width) for r in pool if row_width(r) <= width]
        cells = list(line.cells) if i not in headers.virtual else [""] * max(map(len, pool or [line.cells]))
        columns = _columns_for(cells, found_at[i], previous, own or pool, by_position, by_name, key)
        headers.columns[i] = columns
        previous = columns
        exact = doc.format in ("text", "docx")  # readers that give every row its full width
        for other in sorted(
            {row_width(r) for r in pool if row_width(r) > width or (exact and row_width(r) < width)}
        ):
            rows = [_fit(r, other) for r in pool if row_width(r) == other]
            layout = _spanned(cells, found_at[i], rows, by_position, by_name, key)
            if layout is not None:
                headers.wider[(i, other)] = layout


def row_width(cells: tuple[str, ...]) -> int:
    """A row's width as the file gives it (readers that trim trailing empty cells give less)."""
    return len(cells)


def _fit(cells: tuple[str, ...], width: int) -> tuple[str, ...]:
    return tuple(cells[:width]) + ("",) * (width - len(cells))


def _spanned(
    cells: list[str],
    found: dict[int, str],
    rows: list[tuple[str, ...]],
    by_position: dict[int, str],
    by_name: dict[str, str],
    key: dict[str, str],
) -> list[Column] | None:
    """Columns for rows wider or narrower than their header: try each place a header cell could span
    the extra cells (or each blank header cell that is only the rest of a span, for narrower rows) and
    keep the layout under which the rows' content agrees best with the headers."""
    best: tuple[float, list[Column]] | None = None
    for widened, shifted in _layouts(cells, found, len(rows[0])):
        columns = _columns_for(widened, shifted, None, rows, by_position, by_name, key)
        agreement = sum(c.confidence for c in columns if c.reason.startswith("header and content"))
        agreement -= sum(0.5 for c in columns if "header says" in c.reason)
        if best is None or agreement > best[0]:
            best = (agreement, columns)
    return best[1] if best else None


def _layouts(
    cells: list[str], found: dict[int, str], width: int
) -> Iterator[tuple[list[str], dict[int, str]]]:
    """Candidate header layouts of another width: (header cells, recognised fields by position)."""
    extra = width - len(cells)
    if extra > 0:
        for p in range(1, len(cells) + 1):
            yield (
                [*cells[:p], *[""] * extra, *cells[p:]],
                {(k if k < p else k + extra): f for k, f in found.items()},
            )
    elif extra == -1:
        for b in range(1, len(cells)):
            if not cells[b].strip():
                yield (
                    [*cells[:b], *cells[b + 1 :]],
                    {(k if k < b else k - 1): f for k, f in found.items() if k != b},
                )


# What the header says of a column before its content is read: (field, named exactly, given by --map).
Prior = tuple[str | None, bool, bool]


def _columns_for(
    cells: list[str],
    found: dict[int, str],
    previous: list[Column] | None,
    data: list[tuple[str, ...]],
    by_position: dict[int, str],
    by_name: dict[str, str],
    key: dict[str, str],
) -> list[Column]:
    same_width = previous is not None and len(previous) == len(cells)
    names: list[str] = []
    priors: list[Prior] = []
    for i, cell in enumerate(cells):
        header = " ".join(cell.split())
        if i in by_position:
            names.append(header or f"Column {column_letter(i)}")
            priors.append((by_position[i], True, True))
        elif header:
            field_name, exact = header_prior(header, by_name or None)
            overridden = bool(by_name) and any(squash_header(h) == squash_header(header) for h in by_name)
            names.append(header)
            priors.append((found.get(i, field_name), exact, overridden))
        elif same_width and previous is not None:
            names.append(previous[i].header)
            priors.append((previous[i].field, False, False))
        elif names and priors[-1][0] not in (None, "ref"):
            names.append(names[-1])  # a blank cell under a header spanning two columns
            priors.append((priors[-1][0], False, False))
        else:
            names.append(f"Column {column_letter(i)}")
            priors.append((None, False, False))
    profiles = [profile([row[i] if i < len(row) else "" for row in data], key) for i in range(len(cells))]
    roles = [
        decide(names[i], *priors[i][:2], profiles[i], overridden=priors[i][2]) for i in range(len(cells))
    ]
    fields = [r.field for r in roles]
    if not {"action", "outcome"} & set(fields):
        pick = _action_column(fields, profiles, priors)
        if pick is not None:
            fields[pick] = "action"
            roles[pick].reason = "content: the first column of long text (no header names the action)"
            roles[pick].confidence = 0.6
    fields = rank_same_kind(names, fields)
    return [
        Column(names[i], fields[i], i, round(roles[i].confidence, 2), roles[i].reason)
        for i in range(len(cells))
    ]


def _action_column(fields: list[str], profiles: list[Profile], priors: list[Prior]) -> int | None:
    """With no column named as the action, the leftmost well-filled column of prose is."""
    candidates = [
        i
        for i, f in enumerate(fields)
        if f == "extra" and not priors[i][2] and profiles[i].filled and profiles[i].fill >= 0.4
    ]
    prose = [i for i in candidates if profiles[i].words >= 3]
    if prose:
        return prose[0]
    return max(candidates, key=lambda i: profiles[i].words, default=None)


def _check_overrides(
    doc: SourceDoc, found_at: dict[int, dict[int, str]], by_position: dict[int, str], by_name: dict[str, str]
) -> None:
    """A --map naming a column the file does not have is the user's mistake: say so, with the columns."""
    headers = {squash_header(c) for i in found_at for c in doc.lines[i].cells if c.strip()}
    width = max((len(doc.lines[i].cells) for i in found_at), default=0)
    missing = [name for name in by_name if squash_header(name) not in headers]
    missing += [column_letter(p) for p in by_position if p >= width]
    if missing:
        shown = sorted({" ".join(c.split()) for i in found_at for c in doc.lines[i].cells if c.strip()})
        raise ImportFileError(
            doc.path,
            f"--map names a column the file does not have: {', '.join(missing)}",
            hint=f"its headers are: {'; '.join(shown[:12]) or 'none'} "
            f"(columns A-{column_letter(max(width - 1, 0))})",
        )


def _is_rule(line: SourceLine) -> bool:
    """A Markdown table rule ('---|---') or a row of dashes: drawing, not content."""
    return all(re.fullmatch(r"[-=_:|+\s]*", cell) for cell in line.cells)
