"""Normalise a reply's text before parsing: line ends, control characters, HTML remnants, odd spaces.

The email extractor hands over plain text, but people paste from Word, Outlook and Teams: non-breaking
spaces, zero-width joiners, `<br>` tags and `&amp;` survive. Every later step reads the normalised text;
`mask` blanks out URLs and email addresses *without changing the length*, so a position found in the masked
view (where "https://x/1.2/green" cannot look like a ref or a status) is the same position in the plain one.
"""

from __future__ import annotations

import re

from collector.core.text import markup_to_text

# Each pattern is bounded ({0,n}) so no input can make it backtrack for long.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SPACES = re.compile(r"[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
_INVISIBLE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad]")
_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029\x85]")
_QUOTE_MARK = re.compile(r"^[ ]{0,3}(?:>[ ]?){1,10}", re.M)
_QUOTES = str.maketrans(
    {"\u2018": "'", "\u2019": "'", "\u201b": "'", "\u2032": "'", "\u201c": '"', "\u201d": '"'}
)

URL = re.compile(
    r"<?(?:https?://|www\.)[^\s<>\"'|]{1,2000}"
    r"|\b[\w.-]{1,100}\.(?:sharepoint\.com|teams\.microsoft\.com|drive\.google\.com|docs\.google\.com)"
    r"(?:/[^\s<>\"'|]{0,2000})?",
    re.I,
)
EMAIL = re.compile(r"\b[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}\b")
# Cheap tests first: the patterns above cost a little at every word, so run them only where they can match.
URL_HINT = re.compile(r"https?:|www\.|sharepoint|microsoft|google", re.I)


def normalise(text: str) -> str:
    """The reply as plain text: '\\n' line ends, no control or invisible characters, tags and entities gone.

    Quote markers ("> ") at line starts are dropped: an inline answer under a quoted action reads the
    same whether or not the client kept the markers.
    """
    text = _LINE_BREAKS.sub("\n", markup_to_text(_LINE_BREAKS.sub("\n", text)))
    text = _CONTROL.sub(" ", text)
    text = _SPACES.sub(" ", text)
    text = _INVISIBLE.sub("", text)
    text = _QUOTE_MARK.sub("", text)
    return text.translate(_QUOTES)


def mask(text: str) -> str:
    """The same text with URLs and email addresses replaced by spaces (same length, same positions)."""
    if "." not in text:
        return text
    blank = lambda m: " " * (m.end() - m.start())  # noqa: E731 - a one-line substitution
    if URL_HINT.search(text):
        text = URL.sub(blank, text)
    return EMAIL.sub(blank, text) if "@" in text else text
