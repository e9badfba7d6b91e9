"""Tidy the person's words into an update's progress text: no ref label, no bare status label, no clutter.

"1.1 done - signed off by Cabinet in Feb" keeps "signed off by Cabinet in Feb": the "done" was only a label
and lives on as the status. "We are behind because of staffing" is a sentence and stays whole.
"""

from __future__ import annotations

import re

# What may stand before a label that is cut ("Status: done -", "now complete."), and what must follow it.
_BEFORE_LABEL = re.compile(
    r"[\W_]*(?:(?:status|rag(?:\s+status)?|update|currently|now|overall|position|it\s+is|is|are|was|were|"
    r"both|all|has|have|been|fully)\W*)*",
    re.I,
)
_AFTER_LABEL = re.compile(r"[ \t]*(?:[)\]]\s*)?(?:(?:[-–—;,.!]|:(?![\w]))+[ \t]*|\n|$)")
# A status emoji or shortcode is a label even with only a space after it: "✅ done", ":warning: IT delays".
_SYMBOL_AFTER = re.compile(r"[ \t]+|$")
_LEADING = re.compile(r"^(?:[\s\-–—;,.|/&*•·>)\]]|:(?![a-z_]+:))+")
_SPACE_BEFORE_STOP = re.compile(r"[ \t]+([.,;:!?])(?=\s|$)")
_TRAILING = re.compile(r"[\s\-–—;,|/&*•·(\[]+$")


def strip_label(text: str, start: int, end: int) -> str:
    """`text` without the status label at text[start:end], if it is only a label; else `text` unchanged."""
    if not _BEFORE_LABEL.fullmatch(text[:start]):
        return text
    symbol = text[start:end].startswith(":") or not any(c.isalnum() for c in text[start:end])
    after = _AFTER_LABEL.match(text, end) or (_SYMBOL_AFTER.match(text, end) if symbol else None)
    if after is None:
        return text
    return text[after.end() :]


def tidy(text: str) -> str:
    """One space between words, no empty lines, no separators left dangling at either end."""
    lines = (" ".join(line.split()) for line in text.split("\n"))
    joined = "\n".join(line for line in lines if line)
    joined = _SPACE_BEFORE_STOP.sub(r"\1", joined)  # "We've done ." once a ref is cut out
    return _TRAILING.sub("", _LEADING.sub("", joined))
