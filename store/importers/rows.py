"""The interpreter's intermediate shapes: a logical table Row, a Section heading, and a Part (one document).

Layout turns a SourceDoc's lines into these, headings.py and page_breaks.py reshape them, and interpret.py
turns them into PlanDrafts; they live apart so every stage reads the same few types without importing the
stage before it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from collector.core.vocabulary import Status

from .columns import Column


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
