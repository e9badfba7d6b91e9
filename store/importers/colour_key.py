"""The plan's own colour key: legend lines that say what its fill colours mean ("Red - significant delay").

A key overrides the default colour meanings (see colours.py). Legend lines are found wherever they sit and
skipped by the interpreter; a run of such lines inside one table is that table's body, not a legend.
"""

from __future__ import annotations

import re

from collector.core.vocabulary import Status, status_from_text

from .colours import COLOUR_CELL, COLOUR_NAME, colour_of_name, hex_colour
from .source import SourceLine
from .status_cells import WORD_HYPHEN

# A legend's heading or its table's header: "Key", "RAG key:", "Colour | Meaning", "Status definitions".
_KEY_HEADING = re.compile(
    r"^\W*(?:(?:b?rag|colou?r|status|progress|rating|traffic\s+light)\s+)*"
    r"(?:key|legend|ratings?|definitions?|meaning|description|colou?r|status|code|b?rag)s?\W*$",
    re.IGNORECASE,
)
# What introduces a key written on one line: "RAG key:", "Colour legend -", "Status:", "BRAG rating:".
_KEY_PREFIX = re.compile(
    r"^\W*(?:(?:(?:b?rag|colou?r|status|progress|rating|traffic\s+light)\s+)*(?:key|legend)\s*[:\-–—]?"
    r"|(?:b?rag|status|rating)(?:\s+(?:status|rating))?\s*[:\-–—])\s*",
    re.IGNORECASE,
)
_LETTER_CODE = re.compile(r"(?:^|(?<=\s))\(?[RAGB]\)?\s*[=:\-–—]\s*")
_LETTER_START = re.compile(r"^\W*([RAGB])\s*[=:\-–—]\s*(.*)$", re.DOTALL)
_CHUNKS = re.compile(r"[,;|\t\n]+")
_LABEL_WORDS = 12  # a legend's label is short; a longer cell is a description (allowed after a label)


def _is_heading(text: str) -> bool:
    return bool(_KEY_HEADING.match(text))


def _label_status(text: str) -> Status | None:
    """The status a legend label names ("Complete", "Some slippage - due late", "= on track")."""
    text = _LETTER_CODE.sub(" ", text)
    text = text.strip(" \t=:-–—()[]")
    if not text or len(text.split()) > _LABEL_WORDS:
        return None
    status = status_from_text(WORD_HYPHEN.sub(" ", text))
    return None if status is Status.NO_CHANGE else status


def _text_pairs(text: str) -> list[tuple[str, Status]]:
    """Colour-status pairs written out: "Red - not achieved", "B = Blue = Completed", "Complete (blue)",
    "G = on track", "RAG key: Red = off track, Amber = at risk, Green = on track" (one pair per chunk
    of a list, or per colour named)."""
    pairs = []
    for chunk in _CHUNKS.split(_KEY_PREFIX.sub("", text.strip(), count=1)):
        names = list(COLOUR_NAME.finditer(chunk))
        letter = _LETTER_START.match(chunk)
        if not names:
            pieces = [(letter.group(1), letter.group(2))] if letter else []
        elif len(names) == 1:
            name = names[0]
            rest = chunk[: name.start()] + " " + chunk[name.end() :]
            pieces = [(name.group(0), rest)]
        else:
            ends = [*(m.start() for m in names[1:]), len(chunk)]
            pieces = [(m.group(0), chunk[m.end() : end]) for m, end in zip(names, ends, strict=True)]
        for colour_name, rest in pieces:
            colour, status = colour_of_name(colour_name), _label_status(rest)
            if colour and status:
                pairs.append((colour, status))
    return pairs


def _is_colour_name(text: str) -> bool:
    """A cell that only names a colour or its letter ("Green", "G", "B = Blue"): its label is elsewhere."""
    bare = _LETTER_CODE.sub(" ", text).strip(" \t=:-–—()[]")
    return not bare or bool(COLOUR_CELL.match(bare))


def _named_colour(text: str) -> str | None:
    """The shade a colour-name cell names ("Green", "G", "B = Blue")."""
    name = COLOUR_NAME.search(text)
    return colour_of_name(name.group(0) if name else text.strip(" \t=:-–—()[]"))


def _line_entries(line: SourceLine) -> list[tuple[str, Status]] | None:
    """A line's colour-status pairs if the whole line reads as a legend, else None.

    Cells are read left to right: a filled cell with a label is a pair; a filled or colour-named cell
    without one waits for the next cell's label; text before any pair must be a heading ("Key"), and
    text after one may be a description. Any other text (an action, a lead) means it is no legend.
    """
    if line.merged_above:
        return None  # a body row continuing merged cells above, not a legend
    entries: list[tuple[str, Status]] = []
    waiting: str | None = None  # a swatch or colour name whose label comes in a later cell
    for i, text in enumerate(line.cells):
        text = text.strip()
        fill = hex_colour(line.fills[i]) if i < len(line.fills) else None  # a faint swatch still counts
        if not text:
            waiting = fill or waiting
            continue
        if fill is not None:
            status = _label_status(COLOUR_NAME.sub(" ", text))
            if status:
                entries.append((fill, status))
                waiting = None
            elif _is_colour_name(text):
                waiting = fill
            elif not _is_heading(text) and not entries:
                return None
            continue
        if pairs := _text_pairs(text):
            entries.extend(pairs)
            waiting = None
        elif _is_colour_name(text):
            waiting = _named_colour(text) or waiting
        elif waiting and (label := _label_status(text)):
            entries.append((waiting, label))
            waiting = None
        elif not entries and not _is_heading(text):
            return None
    return entries or None


def read_colour_key(lines: list[SourceLine]) -> tuple[dict[str, Status], set[int]]:
    """The plan's own colour key, wherever it sits, and the indexes of its lines (for the interpreter
    to skip): a colour -> status map ("RRGGBB" keys; named colours as NAMED_COLOURS' shades).

    A legend is a run of legend-like lines (see _line_entries) naming at least two colours, or one
    with a heading ("Key", "RAG key:") next to it or in it. A run sandwiched between rows of one table
    is that table's body (rows with only a status and its colour), not a legend. Where two legends
    disagree about a colour, the first one read wins.
    """
    found = {i: e for i, line in enumerate(lines) if (e := _line_entries(line))}
    key: dict[str, Status] = {}
    skipped: set[int] = set()
    for run in _runs(sorted(found)):
        colours = {c for i in run for c, _ in found[i]}
        heading = _heading_above(lines, run[0])
        titled = heading is not None or any(_KEY_PREFIX.match(lines[i].text()) for i in run)
        if (len(colours) < 2 and not titled) or _inside_table(lines, run):
            continue
        for i in run:
            for colour, status in found[i]:
                key.setdefault(colour, status)
        skipped.update(run)
        if heading is not None:
            skipped.add(heading)
    return key, skipped


def _runs(indexes: list[int]) -> list[list[int]]:
    runs: list[list[int]] = []
    for i in indexes:
        if runs and i == runs[-1][-1] + 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs


def _heading_above(lines: list[SourceLine], first: int) -> int | None:
    """The index of a legend heading ("Key", "Colour | Meaning") just above a run, if there is one."""
    i = first - 1
    return i if i >= 0 and _is_heading_line(lines[i]) else None


def _inside_table(lines: list[SourceLine], run: list[int]) -> bool:
    """True when the lines on both sides of the run are rows of the same table as the run."""
    table = lines[run[0]].table
    if table is None or not lines[run[0]].in_table:
        return False
    before, after = run[0] - 1, run[-1] + 1
    if before >= 0 and _is_heading_line(lines[before]):
        before -= 1
    sides = [lines[j] for j in (before, after) if 0 <= j < len(lines)]
    return len(sides) == 2 and all(s.in_table and s.table == table for s in sides)


def _is_heading_line(line: SourceLine) -> bool:
    texts = [c for c in line.cells if c.strip()]
    return bool(texts) and all(_is_heading(t) for t in texts)
