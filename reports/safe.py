"""Making untrusted text harmless in a report: the helpers every renderer shares (reliability.md section 6).

Progress text comes from whoever replied, so it may hold markup, formulas, control characters or bidi
overrides. compile.py passes every string through clean_text() once; renderers then escape for their own
format (Jinja2 autoescape, python-docx's XML writer) or neutralise spreadsheet cells with neutralise_cell().
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

# XML 1.0 forbids these; python-docx raises ValueError on them and would kill the whole report (F10).
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
# Trojan Source (CVE-2021-42574): embeddings, overrides and isolates reorder how text is displayed. Right-to-
# left letters themselves are kept; only the invisible controls go, and renderers isolate each string.
_BIDI_CONTROLS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))
# OWASP CSV injection / ASVS V1.2.10: a spreadsheet runs a cell starting with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\0", "\n")
_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d+)?|\.\d+)([eE][+-]?\d+)?$")
TRUNCATED = " … [continues: the full text is in the spreadsheet and CSV versions]"


def clean_text(value: str | None) -> str:
    """`value` without XML-illegal control characters or bidi controls, with line ends normalised."""
    if not value:
        return ""
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    return _XML_ILLEGAL.sub("", text).translate(_BIDI_CONTROLS)


def one_line(value: str | None) -> str:
    """Names, titles and refs on one line, however many lines the plan's cell held."""
    return " ".join(clean_text(value).split())


def truncate(text: str, limit: int, marker: str = TRUNCATED) -> str:
    """`text` cut at a word boundary near `limit` characters, with a marker saying where the rest is.

    Paginated formats cap narratives: a 20,000-character update would otherwise be a table row several pages
    tall, which neither Word nor a browser prints well. The spreadsheet and CSV keep the whole text."""
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    cut = cut if cut > limit * 0.8 else limit
    return text[:cut].rstrip() + marker


def neutralise_cell(value: str) -> str:
    """A text cell a spreadsheet will show, never run: a leading `'` before anything formula-like.

    Leading whitespace does not protect a cell (spreadsheets strip it before looking), so it is looked
    past. A plain number written as text ("-5", "+44") is left alone: it cannot be a formula; callers that
    hold real numbers write them as numbers."""
    stripped = value.lstrip(" ")
    if not stripped or not stripped.startswith(_FORMULA_START):
        return value
    if _NUMBER.match(stripped.strip()):
        return value
    return "'" + value


def safe_url(value: str) -> str | None:
    """`value` when it is an http(s) link with a host, else None: no javascript:, data: or file: links."""
    url = one_line(value)
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    if any(c in url for c in "<>\"'` ") or any(unicodedata.category(c) == "Cc" for c in url):
        return None
    return url
