"""Action refs as printed: "1.1", "3.10", "1.2a", "2.4 2.5" (a cell holding two refs), "Action 4.2:".

Refs are strings, never numbers: "3.10" follows "3.9" and is not "3.1". `ref_key` sorts them naturally.
"""

from __future__ import annotations

import re

_DOTTED = r"\d{1,3}(?:\.\d{1,3})+[a-z]?"
_REF_TOKEN = rf"(?:{_DOTTED}|\d{{1,3}}[a-z]?)"
_PREFIX = r"(?:(?:action|ref|item|no\.?)\s*)?"
# "1.1 Develop", "1.1: Develop", "[1.1] Develop", "4. Develop" (a bare number needs its dot or bracket).
_LEADING = re.compile(
    rf"^\[?{_PREFIX}(?P<refs>{_DOTTED}(?:\s*(?:,|/|&|and|-|–)?\s*{_DOTTED})*)\]?(?:[.):]\s*|\s+|$)"
    rf"|^\[?{_PREFIX}(?P<bare>\d{{1,3}}[a-z]?)(?:[.):\]]\s+|\]?$)",
    re.I,
)
_ALONE = re.compile(
    rf"^\s*{_PREFIX}({_REF_TOKEN}(?:\s*(?:,|/|&|and|-|–)?\s*{_REF_TOKEN})*)\s*[.):]?\s*$", re.I
)
_SPLIT = re.compile(r"\s*(?:,|/|&|\band\b|-|–|\s)\s*", re.I)


def parse_ref_cell(cell: str) -> str | None:
    """A ref column's value ("1.1", "2.4 2.5") normalised ("1.1", "2.4/2.5"); None if it holds no ref."""
    match = _ALONE.match(" ".join(cell.split()))
    if not match:
        return None
    return "/".join(p for p in _SPLIT.split(match.group(1)) if p)


def split_leading_ref(text: str) -> tuple[str | None, str]:
    """('1.1', 'Develop ...') from '1.1 Develop ...'; (None, text) when the text does not open with a ref."""
    stripped = text.lstrip()
    match = _LEADING.match(stripped)
    if not match:
        return None, text
    raw = match.group("refs") or match.group("bare")
    ref = "/".join(p for p in _SPLIT.split(raw) if p)
    return ref, stripped[match.end() :].lstrip()


def ref_key(ref: str) -> tuple:
    """Natural sort key: '3.9' < '3.10' < '4'; letters after numbers ('1.2a' after '1.2')."""
    parts = re.findall(r"\d+|[a-z]+", ref.lower())
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in parts)
