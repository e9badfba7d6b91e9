"""What every reader produces: a document as a sequence of lines, each a table row or a line of text.

Readers (docx, xlsx, csv, text) only turn a file into this shape; the interpreter decides what the rows
mean. Keeping that split means a new file format is one small reader, and every format gets the same
header recognition, page-break merging, ref splitting and lead parsing.

Cell text convention, whatever the format:
  * paragraphs inside a cell are separated by "\n";
  * a paragraph that was a list item (Word numbering/bullet style, <li>, a leading bullet glyph) starts
    with "• " (the bullet glyph the document used is dropped);
  * leading/trailing whitespace is stripped; non-breaking spaces become spaces; nothing else is changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class SourceLine:
    """One row of a table (several cells) or one line of text outside any table (one cell)."""

    cells: tuple[str, ...]
    where: str  # human location for messages: "line 14", "table 2 row 5", "sheet 'Plan' row 9"
    in_table: bool = True
    table: int | None = None  # index of the table (or sheet) the row belongs to; None for text lines
    # Cells left empty because they continue a vertically merged cell above (Word's vMerge): a lead or
    # target merged over several actions applies to each of them; an outcome merged over its actions
    # means "the same outcome". The interpreter decides which; readers only report it.
    merged_above: tuple[int, ...] = ()
    # Each cell's fill colour, as "RRGGBB" (upper case), or None for no fill, white or "auto". Same
    # positions as `cells`; () when no cell of the line is filled (most lines), so callers index with a
    # bounds check. A status shown only as a cell's colour is still a status (see colours.py).
    fills: tuple[str | None, ...] = ()

    @property
    def is_blank(self) -> bool:
        return not any(c.strip() for c in self.cells)

    def text(self) -> str:
        return " ".join(c for c in self.cells if c.strip())


@dataclass
class SourceDoc:
    """A whole file, read: its lines in document order, and what the reader noticed on the way."""

    path: str
    format: str  # "docx" | "xlsx" | "csv" | "text"
    lines: list[SourceLine] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
