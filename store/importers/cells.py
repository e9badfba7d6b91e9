"""Cell text helpers shared by the readers and the interpreter: HTML fragments, bullets, paragraphs.

Text exports of Word tables carry cell formatting as HTML fragments (<p>, <ul><li>) and bullet glyphs
inline; readers turn both into the convention in source.py ("\n" between paragraphs, "• " before a list
item) so the interpreter never sees markup.
"""

from __future__ import annotations

import re

from collector.core.text import markup_to_text

BULLET = "• "
# Glyphs documents use for bullets; a private-use Symbol-font bullet (U+F0B7) shows up in Word exports.
BULLET_GLYPHS = "•▪◦●○■□➢►▶✓✔\uf0b7\uf0a7\uf0d8"
_GLYPH_SPLIT = re.compile(rf"\s*[{re.escape(BULLET_GLYPHS)}]\s*")
_SPACES = re.compile(r"[ \t\u00a0\u2007\u202f]+")


def normalise_cell(raw: str, *, html: bool = False) -> str:
    """Turn a cell into the paragraph convention: inline bullets split, spaces squashed; with html=True
    (text exports of Word tables) <p>/<li> markup becomes paragraphs and entities are decoded. Only
    exports get html: in a real Word or Excel cell "Budget < 5% > 3%" is text."""
    text = raw
    if html and "<" in text and ">" in text:
        text = markup_to_text(text, item=BULLET, gap=" ")
    paragraphs: list[str] = []
    for line in text.replace("\r", "\n").split("\n"):
        paragraphs.extend(_split_glyphs(line))
    return "\n".join(p for p in paragraphs if p)


def _split_glyphs(line: str) -> list[str]:
    """'▪ one ▪ two' -> ['• one', '• two']; a line without glyphs is returned squashed."""
    line = _SPACES.sub(" ", line).strip()
    if not line:
        return []
    if not any(g in line for g in BULLET_GLYPHS):
        return [line]
    parts = _GLYPH_SPLIT.split(line)
    out = []
    if parts[0].strip():
        head = parts[0].strip()
        out.append(head[len(BULLET) :].strip() if head.startswith(BULLET) else head)
        if head.startswith(BULLET):
            out[-1] = BULLET + out[-1]
    out.extend(BULLET + p.strip() for p in parts[1:] if p.strip())
    return out


def paragraphs(cell: str) -> list[str]:
    """The non-empty paragraphs of a normalised cell."""
    return [p.strip() for p in cell.split("\n") if p.strip()]


def is_bullet(paragraph: str) -> bool:
    return paragraph.startswith(BULLET)


def unbullet(paragraph: str) -> str:
    return paragraph[len(BULLET) :].strip() if paragraph.startswith(BULLET) else paragraph.strip()


def flat(cell: str) -> str:
    """A cell on one line, bullets dropped: for one-line displays and comparisons."""
    return " ".join(unbullet(p) for p in paragraphs(cell))


_TERMINAL = re.compile(r"[.!?:;]\s*$")


def ends_sentence(text: str) -> bool:
    """Text closing with a full stop, colon and the like: a sentence finished, so what follows is new.

    Shared by page-break merging (an unfinished sentence runs on over the break) and heading detection (a
    heading has no closing stop)."""
    return bool(_TERMINAL.search(text))
