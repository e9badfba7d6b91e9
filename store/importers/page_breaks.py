"""Page breaks undone: a row that ran over a page break arrives as two rows, and is put back together.

A break shows as a repeated header, a blank line, page furniture ("OFFICIAL", "Page 2 of 5") or nothing at
all; rows are joined only when their cells say so (see continues), because a wrong join loses an action.
"""

from __future__ import annotations

import re

from .cells import ends_sentence, is_bullet, paragraphs
from .rows import Row

_FURNITURE = re.compile(
    r"^(unclassified|official(-sensitive)?|official sensitive|restricted|protect|confidential|"
    r"not protectively marked|draft|page \d+( of \d+)?|\d+ of \d+|\d+)$",
    re.I,
)
_ITEM_START = re.compile(r"^\(?([a-z]|[ivx]{1,4})\)\s")


def is_furniture(text: str) -> bool:
    return bool(_FURNITURE.match(" ".join(text.split()).strip("*# ")))


def continues(row: Row, previous: Row, after_break: bool, heading_like: bool = False) -> bool:
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
        unfinished = bool(before) and not ends_sentence(before)
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
        if before and not ends_sentence(before):
            return True
    return False


def lowercase_head(row: Row) -> Row | None:
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


def merge_rows(into: Row, tail: Row) -> None:
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
            is_bullet(first) or _ITEM_START.match(first) or (ends_sentence(head) and first[:1].isupper())
        )
        into.values[position] = head + ("\n" if new_paragraph else " ") + text
