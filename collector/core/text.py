"""Plain-text helpers every layer shares: the slug that names plans, outbox files and report files, and
HTML fragments read as text.

One slug, so a plan's handle and the files about it fold names the same way: accents dropped (NFKD, marks
removed), anything else that is not an ASCII letter or digit a hyphen. Callers choose the length and the
word used when nothing is left.

One reading of HTML fragments, for text that carries some markup but is not a web page: cells of a Word
table exported as text, a reply pasted from Outlook with `<br>` and `&amp;` left in. Block tags end a
line, other tags go, entities are decoded. Whole HTML email bodies are laid out by mailin.inbound.html_text,
which needs a real parser (quotes, hidden elements, styles).
"""

from __future__ import annotations

import html
import re
import unicodedata

_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str, *, limit: int = 60, fallback: str = "") -> str:
    """`text` as lower-case ASCII words joined by hyphens, at most `limit` characters, never starting or
    ending with a hyphen: "Égalité & Diversity Plan 2025–26" -> "egalite-diversity-plan-2025-26".
    `fallback` when nothing is left (a name in a script with no ASCII letters)."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).lower()
    return _NOT_SLUG.sub("-", folded).strip("-")[:limit].rstrip("-") or fallback


# Each pattern is bounded ({0,n}) so no input can make it backtrack for long. A tag starts with a letter, so
# "Budget < 5% > 3%" in a reply is text, not markup.
_LINE_TAG = re.compile(r"<\s*/?\s*(?:br|p|div|li|tr|ul|ol|h[1-6])\b[^<>]{0,300}>", re.I)
_ITEM_TAG = re.compile(r"<\s*li\b[^<>]{0,300}>", re.I)
_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9:.-]{0,30}(?:\s[^<>]{0,2000})?/?>")
_ENTITY = re.compile(r"&(?:#\d{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z]{2,10});")


def markup_to_text(text: str, *, item: str | None = None, gap: str = "") -> str:
    """`text` with HTML fragments read: block tags (p, div, br, li, tr, lists, headings) end a line, other
    tags become `gap`, entities are decoded. `item` starts each list item's line (a bullet) when given."""
    if "<" in text:
        if item is not None:
            text = _ITEM_TAG.sub("\n" + item, text)
        text = _LINE_TAG.sub("\n", text)
        text = _TAG.sub(gap, text)
    if "&" in text:
        text = _ENTITY.sub(lambda m: html.unescape(m.group(0)), text)
    return text
