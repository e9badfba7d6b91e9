"""Plain-text helpers every layer shares: the slug that names plans, outbox files and report files.

One slug, so a plan's handle and the files about it fold names the same way: accents dropped (NFKD, marks
removed), anything else that is not an ASCII letter or digit a hyphen. Callers choose the length and the
word used when nothing is left.
"""

from __future__ import annotations

import re
import unicodedata

_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str, *, limit: int = 60, fallback: str = "") -> str:
    """`text` as lower-case ASCII words joined by hyphens, at most `limit` characters, never starting or
    ending with a hyphen: "Égalité & Diversity Plan 2025–26" -> "egalite-diversity-plan-2025-26".
    `fallback` when nothing is left (a name in a script with no ASCII letters)."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).lower()
    return _NOT_SLUG.sub("-", folded).strip("-")[:limit].rstrip("-") or fallback
