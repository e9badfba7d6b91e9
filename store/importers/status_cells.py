"""A plan's status as printed: a status cell's word, a cell's fill colour, or a progress cell's first words.

Plans show status three ways, and many show it only one way: a "Status"/"RAG" column of words ("Green",
"G", "On track"), a cell filled with a colour and no word at all, or a progress update that opens with a
status ("Completed. The scheme was launched..."). `row_status` is the one place that weighs them.

Colours without a key of the plan's own (the family is taken from the colour's hue, see _HUE_BANDS):

  red, dark red, pink-red pastels  -> off_track    RAG: red is "off track / significant delay" everywhere.
  amber, orange, yellow            -> at_risk      RAG amber; plans fill orange and yellow for it too.
  green (light, dark, pastel)      -> on_track     RAG green.
  blue, light blue, cyan, pastel   -> completed    BRAG: blue is "complete", the fourth RAG colour many
                                                   councils and NHS trusts add (and this project's RAG).
  purple                           -> no status    Used for opposite things: "not yet due" in some NHS
                                                   trackers, "Excelling" in the NHS Equality Delivery
                                                   System's grades (a grade, not progress), "closed" in
                                                   others. Only a key ("Purple = not yet due") gives it
                                                   a meaning; the word "Purple" in a status cell likewise.
  mid grey                         -> not_started  BRAG + grey keys mostly read "not started / not yet
                                                   due"; the vocabulary's RAG table draws not started
                                                   grey. Withdrawn is also grey, but needs a key to say so.
  the faintest tints, very light   -> no status    the banding and section shading tables use: Office's
  grey, black, very dark grey                      "Lighter 80%" blues (DEEAF6) and oranges (FCE4D6), F2F2F2.
                                                   Pastel RAG shades (F4CCCC, FCE5CD, FFF2CC, D9EAD3) are a
                                                   shade darker and keep their colour's meaning.

A plan's key (`read_colour_key`: legend rows filled with a colour and labelled, or text such as
"Red - significant delay") overrides the defaults: a colour close to a key colour takes its status, else
the key's colour of the same family does ("Green = complete" makes every green complete), else the
default above applies.
"""

from __future__ import annotations

import colorsys
import re
from collections.abc import Sequence
from functools import lru_cache

from collector.core.vocabulary import Status, status_from_text, status_from_word
from store.importers.source import SourceLine

# --- colours --------------------------------------------------------------------------------------------

# Hue bands in degrees, [from, to): the family a saturated colour belongs to. Red wraps round 0.
_HUE_BANDS: tuple[tuple[str, float, float], ...] = (
    ("red", 0, 18),  # FF0000, C00000; orange starts around FF5000
    ("amber", 18, 70),  # FF9900, FFC000 (hue 45), FFFF00 (60)
    ("green", 70, 165),  # 92D050 (89), 00B050 (147)
    ("blue", 165, 255),  # cyan 00FFFF (180), 00B0F0 (196), 0070C0 (205), 002060
    ("purple", 255, 335),  # 7030A0 (274), magenta FF00FF (300)
    ("red", 335, 360),  # pinks and crimsons read as red
)
DEFAULT_STATUS: dict[str, Status | None] = {
    "red": Status.OFF_TRACK,
    "amber": Status.AT_RISK,
    "green": Status.ON_TRACK,
    "blue": Status.COMPLETED,
    "purple": None,
    "grey": Status.NOT_STARTED,
    "pale": None,  # white, near white, very light grey
    "dark": None,  # black, very dark grey
}
# Lightness and saturation thresholds (HLS, 0..1). From _PALE a colour is a faint tint whatever its hue
# (pastel RAG shades sit at 0.86-0.90, Office's lightest banding tints at 0.91-0.92); below _DARK it is
# black. A colour is grey when its chroma or its HLS saturation is low: pastel RAG shades (D9EAD3,
# E2EFDA) keep a saturation near 0.35, greys and the "tan" header shades stay below 0.25.
_PALE, _DARK = 0.905, 0.12
_GREY_CHROMA, _GREY_SATURATION = 0.05, 0.25
_PALE_GREY, _DARK_GREY = 0.9, 0.3
# A key colour within this CIE76 distance of a cell's colour is the same colour (another tool's shade).
KEY_TOLERANCE = 20.0

# Colour names as legends and status cells write them -> a canonical shade (Excel's standard colours).
NAMED_COLOURS: dict[str, str] = {
    "red": "FF0000",
    "dark red": "C00000",
    "light red": "FF7C80",
    "pink": "FFC7CE",
    "amber": "FFC000",
    "orange": "FF9900",
    "yellow": "FFFF00",
    "green": "00B050",
    "light green": "92D050",
    "dark green": "00703C",
    "blue": "0070C0",
    "light blue": "00B0F0",
    "dark blue": "002060",
    "purple": "7030A0",
    "violet": "7030A0",
    "lilac": "B4A7D6",
    "grey": "A6A6A6",
    "gray": "A6A6A6",
    "light grey": "D9D9D9",
    "light gray": "D9D9D9",
    "dark grey": "595959",
    "dark gray": "595959",
    "black": "000000",
}
# RAG/BRAG letters, as a whole status cell ("G", "A/G") or a legend's code ("B = Blue = Completed").
RAG_LETTERS: dict[str, str] = {"r": "red", "a": "amber", "g": "green", "b": "blue"}
# Worst first: a cell rated "Amber/Green" or "Red/Amber" takes the worse of its two colours.
_SEVERITY = (
    Status.OFF_TRACK,
    Status.AT_RISK,
    Status.NOT_STARTED,
    Status.ON_TRACK,
    Status.COMPLETED,
    Status.WITHDRAWN,
    Status.NO_CHANGE,
)

_HEX = re.compile(r"[0-9A-Fa-f]{6}")


def hex_colour(value: str | None) -> str | None:
    """A colour as "RRGGBB" upper case ("#ff0000", ARGB "FFFF0000", "F00" too); None for none or white.

    The readers' one normalisation, so a fill compares equal whichever format wrote it.
    """
    if not value or not isinstance(value, str):
        return None
    text = value.strip().lstrip("#")
    if len(text) == 8:
        text = text[2:]  # ARGB: Excel's alpha byte says nothing about how the fill looks
    elif len(text) == 3:
        text = "".join(ch * 2 for ch in text)
    if not _HEX.fullmatch(text):
        return None  # "auto", theme names, damaged values
    text = text.upper()
    return None if text == "FFFFFF" else text


def _rgb(colour: str) -> tuple[float, float, float]:
    return int(colour[0:2], 16) / 255, int(colour[2:4], 16) / 255, int(colour[4:6], 16) / 255


@lru_cache(maxsize=4096)  # a plan has a few dozen distinct colours and thousands of cells
def colour_family(colour: str) -> str:
    """The family a "RRGGBB" colour belongs to: red, amber, green, blue, purple, grey, pale or dark."""
    r, g, b = _rgb(colour)
    hue, lightness, saturation = colorsys.rgb_to_hls(r, g, b)
    chroma = max(r, g, b) - min(r, g, b)
    if lightness >= _PALE:
        return "pale"
    if lightness < _DARK:
        return "dark"
    if chroma < _GREY_CHROMA or saturation < _GREY_SATURATION:
        if lightness >= _PALE_GREY:
            return "pale"
        return "grey" if lightness >= _DARK_GREY else "dark"
    degrees = hue * 360
    return next(name for name, start, end in _HUE_BANDS if start <= degrees < end)


@lru_cache(maxsize=4096)
def _lab(colour: str) -> tuple[float, float, float]:
    """CIE L*a*b* (D65) of an sRGB colour: distances there match how different two shades look."""

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    r, g, b = (linear(c) for c in _rgb(colour))
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883
    fx, fy, fz = f(x), f(y), f(z)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def colour_distance(one: str, other: str) -> float:
    """CIE76 distance between two "RRGGBB" colours (about 2.3 is the least an eye tells apart)."""
    a, b = _lab(one), _lab(other)
    return sum((x - y) ** 2 for x, y in zip(a, b, strict=True)) ** 0.5


def _from_key(colour: str, key: dict[str, Status]) -> Status | None:
    """The key's status for a colour: the nearest key colour if close, else the nearest of its family."""
    shades = {c: s for k, s in key.items() if (c := hex_colour(k))}
    if not shades:
        return None
    nearest = min(shades, key=lambda k: colour_distance(colour, k))
    if colour_distance(colour, nearest) <= KEY_TOLERANCE:
        return shades[nearest]
    family = colour_family(colour)
    if family in ("pale", "dark"):
        return None
    kin = [k for k in shades if colour_family(k) == family]
    return shades[min(kin, key=lambda k: colour_distance(colour, k))] if kin else None


def colour_status(hex_rgb: str, key: dict[str, Status] | None = None) -> Status | None:
    """The status a fill colour shows: the plan's key first, else the defaults in the module docstring."""
    colour = hex_colour(hex_rgb)
    if colour is None:
        return None
    if key:
        keyed = _from_key(colour, key)
        if keyed is not None:
            return keyed
    return DEFAULT_STATUS[colour_family(colour)]


# --- words ----------------------------------------------------------------------------------------------

_BASE_COLOURS = sorted({name.split()[-1] for name in NAMED_COLOURS}, key=len, reverse=True)
_COLOUR_WORD = rf"(?:(?:dark|light|pale|bright)\s+)?(?:{'|'.join(_BASE_COLOURS)})"
_COLOUR_NAME = re.compile(rf"\b{_COLOUR_WORD}\b", re.IGNORECASE)
# A whole status cell of colours or letters: "Green", "G", "Amber/Green", "R-A".
_COLOUR_CELL = re.compile(
    rf"^(?:{_COLOUR_WORD}|[RAGB])(?:\s*[/\-–]\s*(?:{_COLOUR_WORD}|[RAGB]))?$", re.IGNORECASE
)
# A colour opening a progress text counts only when punctuation or the end follows it: "Green." and
# "Amber: delayed" are ratings, "Green spaces" and "Blue badge" are not.
_LEADING_COLOURS = re.compile(
    rf"^(?P<colours>{_COLOUR_WORD}(?:\s*[/\-–]\s*{_COLOUR_WORD})?)\s*(?:$|[.:;,!()\[\]\-–—=|/])",
    re.IGNORECASE,
)
# Labels that introduce a rating rather than say one: "RAG: Green", "Status - Completed", "BRAG rating:".
_RATING_LABEL = re.compile(
    r"^\W*(?:overall\s+)?(?:b?rag|status|progress|rating)(?:\s+(?:status|rating|rated))?\s*[:=\-–—]\s*",
    re.IGNORECASE,
)
# Hyphens inside a word pair ("On-track", "Not-started") read as spaces.
_WORD_HYPHEN = re.compile(r"(?<=[A-Za-z])-(?=[A-Za-z])")


def _colour_of_name(name: str) -> str | None:
    """ "Light green", "G", "bright red" -> its canonical shade ("pale" reads as "light")."""
    words = " ".join(name.lower().replace("pale ", "light ").split())
    words = RAG_LETTERS.get(words, words)
    if not words:
        return None
    return NAMED_COLOURS.get(words) or NAMED_COLOURS.get(words.split()[-1])


def _worst(statuses: Sequence[Status | None]) -> Status | None:
    known = [s for s in statuses if s is not None]
    return min(known, key=_SEVERITY.index) if known else None


def _colour_words_status(text: str, key: dict[str, Status] | None) -> Status | None:
    """ "Green", "G", "Amber/Green" -> the (worse) status of the named colours, through the key."""
    names = re.split(r"\s*[/\-–]\s*", text.strip())
    colours = [c for n in names if (c := _colour_of_name(n))]
    return _worst([colour_status(c, key) for c in colours])


def leading_status(progress_text: str, key: dict[str, Status] | None = None) -> tuple[Status | None, str]:
    """The status a progress cell opens with, and the text as printed (kept whole: the status is extra).

    Only the opening words count ("The completed survey..." says nothing about the action); a rating label
    in front ("RAG: Green.") is looked past. Words come from the vocabulary's table; a colour word is read
    as a colour, through the plan's key. "No change" is a reply's word, not a plan's status.
    """
    head = _RATING_LABEL.sub("", progress_text.strip(), count=1)
    opening = _LEADING_COLOURS.match(head)
    if opening:
        return _colour_words_status(opening.group("colours"), key), progress_text
    if _COLOUR_NAME.match(head):
        return None, progress_text  # "Green spaces...", "Blue badge...": a colour, not a rating
    status = status_from_text(_WORD_HYPHEN.sub(" ", head))
    return (None if status is Status.NO_CHANGE else status), progress_text


def cell_word_status(status_cell: str, key: dict[str, Status] | None = None) -> Status | None:
    """What a status cell's word says: a status word, a colour or RAG letter, or a rating opening it."""
    text = status_cell.strip()
    if not text:
        return None
    if _COLOUR_CELL.match(text):
        return _colour_words_status(text, key)
    word = status_from_word(_WORD_HYPHEN.sub(" ", text))
    if word is not None:
        return None if word is Status.NO_CHANGE else word
    return leading_status(status_cell, key)[0]


def row_status(
    status_cell: str,
    progress_cell: str,
    fills: Sequence[str | None],
    colour_key: dict[str, Status] | None = None,
) -> Status | None:
    """A row's status from its evidence, strongest first.

    1. the status cell's word ("On target", "G", "Amber/Green", "Purple" through the key);
    2. the status cell's fill (`fills[0]`: pass None there when the plan has no status column);
    3. the progress cell's opening words ("Completed. The scheme...");
    4. the fill of the progress cell or any other text cell (`fills[1:]`, the first that means a status).
    A word beats a colour because a person typed it; a status column beats a progress narrative because
    it is the plan's own rating.
    """
    key = colour_key or None
    status = cell_word_status(status_cell, key)
    if status is None and fills and fills[0]:
        status = colour_status(fills[0], key)
    if status is None and progress_cell.strip():
        status = leading_status(progress_cell, key)[0]
    if status is None:
        status = next((s for f in fills[1:] if f and (s := colour_status(f, key))), None)
    return status


# --- the plan's own key ---------------------------------------------------------------------------------

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
    status = status_from_text(_WORD_HYPHEN.sub(" ", text))
    return None if status is Status.NO_CHANGE else status


def _text_pairs(text: str) -> list[tuple[str, Status]]:
    """Colour-status pairs written out: "Red - not achieved", "B = Blue = Completed", "Complete (blue)",
    "G = on track", "RAG key: Red = off track, Amber = at risk, Green = on track" (one pair per chunk
    of a list, or per colour named)."""
    pairs = []
    for chunk in _CHUNKS.split(_KEY_PREFIX.sub("", text.strip(), count=1)):
        names = list(_COLOUR_NAME.finditer(chunk))
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
        for name, rest in pieces:
            colour, status = _colour_of_name(name), _label_status(rest)
            if colour and status:
                pairs.append((colour, status))
    return pairs


def _is_colour_name(text: str) -> bool:
    """A cell that only names a colour or its letter ("Green", "G", "B = Blue"): its label is elsewhere."""
    bare = _LETTER_CODE.sub(" ", text).strip(" \t=:-–—()[]")
    return not bare or bool(_COLOUR_CELL.match(bare))


def _named_colour(text: str) -> str | None:
    """The shade a colour-name cell names ("Green", "G", "B = Blue")."""
    name = _COLOUR_NAME.search(text)
    return _colour_of_name(name.group(0) if name else text.strip(" \t=:-–—()[]"))


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
            status = _label_status(_COLOUR_NAME.sub(" ", text))
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
