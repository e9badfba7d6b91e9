"""Fill colours and colour names: what status a colour shows, by the plan's key or by the defaults below.

Readers normalise every fill with hex_colour; status_cells.py (a row's evidence) and colour_key.py (the
plan's own legend) both read colours through colour_status and colour names through colour_of_name, so a
colour means one thing wherever it is printed.

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
from functools import lru_cache

from collector.core.vocabulary import Status

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
    squares: float = sum((x - y) ** 2 for x, y in zip(a, b, strict=True))
    return float(squares**0.5)


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


# --- colour names ---------------------------------------------------------------------------------------

_BASE_COLOURS = sorted({name.split()[-1] for name in NAMED_COLOURS}, key=len, reverse=True)
COLOUR_WORD = rf"(?:(?:dark|light|pale|bright)\s+)?(?:{'|'.join(_BASE_COLOURS)})"
COLOUR_NAME = re.compile(rf"\b{COLOUR_WORD}\b", re.IGNORECASE)
# A whole status cell of colours or letters: "Green", "G", "Amber/Green", "R-A".
COLOUR_CELL = re.compile(
    rf"^(?:{COLOUR_WORD}|[RAGB])(?:\s*[/\-–]\s*(?:{COLOUR_WORD}|[RAGB]))?$", re.IGNORECASE
)


def colour_of_name(name: str) -> str | None:
    """ "Light green", "G", "bright red" -> its canonical shade ("pale" reads as "light")."""
    words = " ".join(name.lower().replace("pale ", "light ").split())
    words = RAG_LETTERS.get(words, words)
    if not words:
        return None
    return NAMED_COLOURS.get(words) or NAMED_COLOURS.get(words.split()[-1])
