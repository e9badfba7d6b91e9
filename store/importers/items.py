"""Sub-items inside a cell: "a) ... b) ...", "(i) ... (ii) ...", bullet paragraphs; and per-item values.

A plan writes an action's parts as lettered items and then, in the target and lead columns, gives each
item its own value ("a) Feb-12 b) Feb-12 c) & d) ongoing", "a) ST b) DM & SE"). Letters must run in
order from a) so that "(see 2.4b)" or "e.g." inside a sentence never starts a list.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable
from dataclasses import dataclass

from .cells import is_bullet, paragraphs, unbullet

_LETTER = re.compile(r"(?:(?<=^)|(?<=[\s(:;,.]))\(?([a-z])\)\s*", re.M)
_ROMAN_NUMERALS = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii"]
_ROMAN = re.compile(r"(?:(?<=^)|(?<=[\s(:;,]))\(?(i{1,3}|iv|vi{0,3}|ix|xi{0,2})[).]\s+", re.M)
_VALUE_LETTER = re.compile(r"(?:(?<=^)|(?<=[\s(:;,.&]))\(?([a-z])\)\s*")
_GROUP_JOIN = re.compile(r"\s*(?:&|and|,)\s*$", re.I)


@dataclass
class Item:
    label: str  # "a", "ii", or "" for a bullet
    text: str


def _sequence(text: str, pattern: re.Pattern[str], order: list[str]) -> list[re.Match[str]]:
    """Markers that run in order from the first label; strays (a cross-reference "(2.4b)") are skipped."""
    picked: list[re.Match[str]] = []
    for m in pattern.finditer(text):
        label = m.group(1)
        expected = order[len(picked)] if len(picked) < len(order) else None
        if label == expected:
            picked.append(m)
    return picked


def split_items(text: str) -> tuple[str, list[Item]]:
    """(stem, items) for an action cell; no items when the cell is one plain statement."""
    paras = paragraphs(text)
    if any(is_bullet(p) for p in paras):
        stem = " ".join(p for p in paras if not is_bullet(p) and paras.index(p) < _first_bullet(paras))
        items: list[Item] = []
        for p in paras[_first_bullet(paras) :]:
            if is_bullet(p) or not items:
                items.append(Item("", unbullet(p)))
            else:  # a plain paragraph after a bullet belongs to it
                items[-1].text += " " + p
        return stem, items
    if len(paras) >= 3 and paras[0].endswith(":") and not _LETTER.match(paras[1]):
        # "Re-tender the contract:" then one line per step (a spreadsheet cell has no bullets)
        return paras[0], [Item("", p) for p in paras[1:]]
    joined = "\n".join(paras)
    for pattern, order in ((_LETTER, list(string.ascii_lowercase)), (_ROMAN, _ROMAN_NUMERALS)):
        marks = _sequence(joined, pattern, order)
        if marks:
            stem = joined[: marks[0].start()].strip()
            items = []
            for i, m in enumerate(marks):
                end = marks[i + 1].start() if i + 1 < len(marks) else len(joined)
                body = " ".join(joined[m.end() : end].split()).strip(" ,;")
                items.append(Item(m.group(1), body))
            return " ".join(stem.split()), items
    return " ".join(joined.split()), []


def _first_bullet(paras: list[str]) -> int:
    return next(i for i, p in enumerate(paras) if is_bullet(p))


def lettered_values(text: str) -> dict[str, str]:
    """'a) Feb-12 b) Jun-12 c) & d) ongoing' -> {a: Feb-12, b: Jun-12, c: ongoing, d: ongoing}."""
    flat_text = " ".join(text.split())
    # Value cells group letters out of order ("a),d)& e) SG & SIT, b)EH, c)KL"): take every marker.
    marks = list(_VALUE_LETTER.finditer(flat_text))
    values: dict[str, str] = {}
    waiting: list[str] = []
    for i, m in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(flat_text)
        body = flat_text[m.end() : end]
        waiting.append(m.group(1))
        if _GROUP_JOIN.fullmatch(body) or not body.strip(" ,;&"):
            continue  # "c) & d) ongoing": c waits for d's value
        value = _GROUP_JOIN.sub("", body).strip(" ,;")
        for label in waiting:
            values[label] = value
        waiting = []
    return values


def per_item_values(
    cell: str, items: list[Item], splitter: Callable[[str], list[str]] | None = None
) -> list[str | None]:
    """One value per item from a target or lead cell, or Nones where the cell does not say.

    Lettered values go to the item with that letter; otherwise paragraphs (one per item, as exported
    from per-bullet <p>s) or, for a single line, the splitter's pieces ("Sept 09 April 10 Ongoing")
    are handed out in order when their count matches the items.
    """
    if not items or not cell.strip():
        return [None] * len(items)
    lettered = lettered_values(cell)
    if lettered:
        return [lettered.get(item.label) for item in items]
    paras = [unbullet(p) for p in paragraphs(cell)]
    if len(paras) == 1 and splitter is not None:
        paras = splitter(paras[0])
    if len(paras) == len(items):
        return list(paras)
    return [None] * len(items)
