"""The plan's key of initials (code -> full name), in whatever form and wherever the plan prints it.

Plans print leads as initials and explain them once, in a key: a table ("Initials | Name", "Code |
Name | Role", or headerless "AP | Amira Patel | TD | Tom Davies"), lines of text ("AP = Amira Patel",
"AP - Amira Patel", "AP: Amira Patel, Head of HR", several on a line), under a heading ("Key", "Lead
key", "Abbreviations") or on a sheet of its own; before the table or after it.

Why the rules are as they are:
  * A key line is only as trustworthy as its context. Under a key heading or a key header row, any code
    followed by a capitalised value is an entry. Without one, only forms nothing else looks like count: a
    table of its own made of code/name pairs, rows of two or more pairs at a table's start or end, a run of
    two or more text lines of pairs, or one line with "=" or with two or more pairs. A lone "EDI: Our
    commitments" or "NHS Foundation Trust" is a heading or a title, not a key.
  * Outside a heading's context a value must read as a name (capitalised words, small joining words
    allowed): ordinary plan rows ("1.1 | Develop a policy | HR | Mar 2026") fail on both the code and the
    name, and their header row ("Ref | Action | Lead") is not made of key header words.
  * Codes are normalised (norm_code) the same way here and when a lead cell is looked up, so "P.K.",
    "(PK)", a fullwidth "ＰＫ" or Cyrillic look-alikes ("АВ" typed on a Cyrillic keyboard layout),
    printed in the key or in a cell, meet as one code.
  * A key entry often adds the person's role ("AP - Amira Patel, Head of HR"): the key keeps the name.

This module walks the document and decides where a key sits; key_entries.py reads one line or row as
entries and lead_codes.py spells codes and tests names.
"""

from __future__ import annotations

from dataclasses import dataclass

from .key_entries import Pairs, heading_rest, key_header, line_entries, line_pairs, row_pairs
from .lead_codes import is_code, is_name, key_name, norm_code
from .source import SourceDoc, SourceLine

# --- reading the whole document -------------------------------------------------------------------------


@dataclass
class _Found:
    pairs: Pairs
    lines: list[int]


def read_key(doc: SourceDoc) -> tuple[dict[str, str], set[int]]:
    """The plan's lead key (code -> name) wherever it sits, and the indexes of the lines it occupies (for
    the interpreter to skip). Codes are normalised with norm_code; a later entry for a code wins."""
    key: dict[str, str] = {}
    used: set[int] = set()
    lines = doc.lines
    spans = _table_spans(lines)
    i = 0
    while i < len(lines):
        found = (
            _under_heading(lines, i)
            or _under_header(lines, i)
            or _text_run(lines, i)
            or _table_run(lines, i, spans)
        )
        if found is None or not found.pairs:
            i += 1
            continue
        key.update(found.pairs)
        used.update(found.lines)
        i = max(found.lines) + 1
    return key, used


def _single_text(line: SourceLine) -> str | None:
    """The text of a line that is one piece of text (a text line, or a table row with one filled cell)."""
    filled = [c for c in line.cells if c.strip()]
    return filled[0] if len(filled) == 1 else None


def _under_heading(lines: list[SourceLine], i: int) -> _Found | None:
    text = _single_text(lines[i])
    rest = heading_rest(text) if text is not None else None
    if rest is None:
        return None
    inline = line_pairs(rest, loose=True) if rest else []
    if rest and not inline:
        return None
    found = _follow(lines, i + 1, None)
    return _Found(inline + found.pairs, [i, *found.lines])


def _under_header(lines: list[SourceLine], i: int) -> _Found | None:
    if not lines[i].in_table or key_header(lines[i].cells) is None:
        return None
    found = _follow(lines, i, None)
    return found if found.pairs else None


def _follow(lines: list[SourceLine], start: int, columns: list[tuple[int, int]] | None) -> _Found:
    """Entries after a key heading or header row, up to the first line that is not one. Text lines keep
    the form of the first (with separators or bare), so a title after "AP = Amira Patel" ("NHS Trust
    Equality Plan") is not read as a bare entry."""
    found = _Found([], [])
    form: bool | None = None  # bare?
    for j in range(start, len(lines)):
        line = lines[j]
        if line.is_blank:
            continue
        header = key_header(line.cells) if line.in_table else None
        if header is not None:
            columns = header
            found.lines.append(j)
            continue
        text = _single_text(line)
        if text is not None and (not line.in_table or columns is None):
            pairs, bare = line_entries(text, loose=True)
            form = bare if form is None else form
            pairs = pairs if bare == form else []
        else:
            pairs = row_pairs(line.cells, columns, loose=True) if line.in_table else []
        if not pairs:
            break
        found.pairs.extend(pairs)
        found.lines.append(j)
    if found.pairs or not found.lines:
        return found
    return _Found([], [])


def _text_run(lines: list[SourceLine], i: int) -> _Found | None:
    """Text lines of entries with no heading: two or more in a row, or one line with '=' or with several
    entries. A lone bare line ('NHS Foundation Trust') is a title, not a key."""
    found = _Found([], [])
    lone_ok = False
    for j in range(i, len(lines)):
        line = lines[j]
        if line.is_blank:
            continue
        pairs, bare = line_entries(line.cells[0]) if not line.in_table else ([], True)
        if not pairs:
            break
        if not found.lines:
            lone_ok = not bare and ("=" in line.cells[0] or len(pairs) > 1)
        found.pairs.extend(pairs)
        found.lines.append(j)
    if not found.lines or (len(found.lines) == 1 and not lone_ok):
        return None
    return found


def _table_spans(lines: list[SourceLine]) -> dict[int, tuple[int, int]]:
    """Line index -> (first, last) line index of the table it belongs to (consecutive rows, same table)."""
    spans: dict[int, tuple[int, int]] = {}
    start = None
    for j, line in enumerate([*lines, SourceLine(cells=("",), where="", in_table=False)]):
        same = start is not None and line.in_table and line.table == lines[start].table
        if start is not None and not same:
            for k in range(start, j):
                spans[k] = (start, j - 1)
            start = None
        if line.in_table and start is None and j < len(lines):
            start = j
    return spans


def _table_run(lines: list[SourceLine], i: int, spans: dict[int, tuple[int, int]]) -> _Found | None:
    """Rows of code/name pairs with no header: a whole table of them (a key sheet), or rows of two or more
    pairs opening or closing a table (a two-up key printed under the plan; its last row may be half)."""
    if not lines[i].in_table or i not in spans:
        return None
    first, last = spans[i]
    if i == first and (whole := _whole_table(lines, first, last)) is not None:
        return whole
    found = _Found([], [])
    for j in range(i, last + 1):
        if lines[j].is_blank:
            continue
        pairs = row_pairs(lines[j].cells, loose=False)
        if not pairs or (len(pairs) < 2 and not found.lines):
            break
        found.pairs.extend(pairs)
        found.lines.append(j)
    if not found.lines or not (i == first or found.lines[-1] == _last_filled(lines, first, last)):
        return None
    return found


def _last_filled(lines: list[SourceLine], first: int, last: int) -> int:
    return next((j for j in range(last, first - 1, -1) if not lines[j].is_blank), last)


def _whole_table(lines: list[SourceLine], first: int, last: int) -> _Found | None:
    """A table (or sheet) that is nothing but entries: code/name pairs, or code, name and a role."""
    found = _Found([], [])
    for j in range(first, last + 1):
        if lines[j].is_blank:
            continue
        pairs = row_pairs(lines[j].cells, loose=False) or _with_role(lines[j].cells)
        if not pairs:
            return None
        found.pairs.extend(pairs)
        found.lines.append(j)
    return found if found.lines else None


def _with_role(cells: tuple[str, ...]) -> Pairs:
    """'AP | Amira Patel | Head of HR' with no header: the third cell must read as a role or contact."""
    values = [" ".join(c.split()) for c in cells if c.strip()]
    role = len(values) == 3 and (is_name(values[2]) or "@" in values[2])
    if role and is_code(values[0]) and is_name(key_name(values[1])):
        return [(norm_code(values[0]), key_name(values[1]))]
    return []
