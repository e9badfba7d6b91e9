"""Whose text is it: the colour and font of each run of an HTML reply, compared with the message we sent.

A lead who answers inside the copy of our prompt often types in another colour (Outlook's "mark my comments",
a habit of writing answers in red or blue) or in their own font. When the text alone cannot tell their words
from ours (an answer typed on the same line as an action's heading), the style can: a run whose colour or
font family our message never used is the lead's. This is a second signal beside the text comparison in
align.py, used only when it is plausible: if most of the text reads as foreign, the client restyled the whole
copy and the signal says nothing.

    Palette.of(our_html) -> Palette      the colours and font families we used
    Style.of(element, parent) -> Style   an element's effective colour and family (inherited, then its own)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # lxml is imported when first needed
    from lxml.etree import _Element

_COLOUR_DECL = re.compile(r"(?:^|;)\s*color\s*:\s*([^;!]+)", re.IGNORECASE)
_FAMILY_DECL = re.compile(r"(?:^|;)\s*font-family\s*:\s*([^;!]+)", re.IGNORECASE)
_SHORTHAND = re.compile(r"(?:^|;)\s*font\s*:\s*([^;!]+)", re.IGNORECASE)
_RGB = re.compile(r"rgba?\(\s*(\d{1,3})%?\s*[, ]\s*(\d{1,3})%?\s*[, ]\s*(\d{1,3})%?")
# Values that name no colour of their own: the run looks like its surroundings.
_NO_COLOUR = {"inherit", "initial", "unset", "currentcolor", "windowtext", "auto", "windowframe", "revert"}
# CSS's basic named colours, so "black" and "#000000" are one colour.
_NAMED = {
    "black": "#000000", "silver": "#c0c0c0", "gray": "#808080", "grey": "#808080", "white": "#ffffff",
    "maroon": "#800000", "red": "#ff0000", "purple": "#800080", "fuchsia": "#ff00ff", "green": "#008000",
    "lime": "#00ff00", "olive": "#808000", "yellow": "#ffff00", "navy": "#000080", "blue": "#0000ff",
    "teal": "#008080", "aqua": "#00ffff", "orange": "#ffa500",
}  # fmt: skip
_GENERIC = {"serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui", "inherit", "initial"}


def colour(value: str | None) -> str | None:
    """A colour as one canonical string ("#rrggbb" where it can be), or None for "no colour of its own"."""
    if not value:
        return None
    v = value.strip().lower().replace(" ", "")
    if not v or v in _NO_COLOUR:
        return None
    if v in _NAMED:
        return _NAMED[v]
    if re.fullmatch(r"#[0-9a-f]{3}", v):
        return "#" + "".join(c * 2 for c in v[1:])
    if re.fullmatch(r"#[0-9a-f]{6}", v):
        return v
    if m := _RGB.match(value.strip().lower()):
        return "#" + "".join(f"{min(int(x), 255):02x}" for x in m.groups())
    return v


def family(value: str | None) -> str | None:
    """The first named font family of a font-family list ("Calibri", not a generic fallback), lower-cased."""
    if not value:
        return None
    for name in value.split(","):
        name = name.strip().strip("'\"").strip().lower()
        if name and name not in _GENERIC:
            return name
    return None


def _shorthand_family(value: str) -> str | None:
    """The family of a `font:` shorthand: what follows the size ("bold 11pt Calibri, sans-serif")."""
    m = re.search(r"\d[\w.%]*(?:/[\w.%]+)?\s+(.+)$", value.strip())
    return family(m.group(1)) if m else None


@dataclass(frozen=True)
class Style:
    colour: str | None = None
    family: str | None = None

    @staticmethod
    def of(el: _Element, parent: Style) -> Style:
        """The style a run inside `el` shows: the element's own declarations over what it inherits."""
        c, f = parent.colour, parent.family
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if tag == "font":
            c = colour(el.get("color")) or c
            f = family(el.get("face")) or f
        style = el.get("style") or ""
        if style:
            if m := _COLOUR_DECL.search(style):
                c = colour(m.group(1)) or c
            if m := _FAMILY_DECL.search(style):
                f = family(m.group(1)) or f
            elif m := _SHORTHAND.search(style):
                f = _shorthand_family(m.group(1)) or f
        return Style(c, f) if (c, f) != (parent.colour, parent.family) else parent


@dataclass(frozen=True)
class Palette:
    """The colours and font families our message used: a run in any other is not ours."""

    colours: frozenset[str]
    families: frozenset[str]

    @staticmethod
    def of(html: str) -> Palette:
        import lxml.html

        colours: set[str] = set()
        families: set[str] = set()
        if html.strip():
            for el in lxml.html.document_fromstring(html).iter():
                if not isinstance(el.tag, str):
                    continue  # comments and processing instructions carry no style
                own = Style.of(el, Style())
                colours |= {own.colour} if own.colour else set()
                families |= {own.family} if own.family else set()
        return Palette(frozenset(colours), frozenset(families))

    def foreign(self, style: Style) -> bool:
        return (style.colour is not None and style.colour not in self.colours) or (
            style.family is not None and style.family not in self.families
        )
