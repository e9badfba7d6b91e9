"""Plain text -> the new part a mail client shows: the quoted original and its attribution removed,
inline answers kept under the quoted action heading they answer. Pure: str in, str out.

When unsure we keep text: a lost answer costs more than a stray quoted line the update parser ignores.

Where the original starts is found by shape (quote_heads.quote_start). Followed by `>` lines, such a start
is only the attribution of a quote, and answers written between the quoted lines are kept; otherwise
everything from it is the original. A likely but uncertain attribution (no address, no verb) is only cut at
when own text stays above it, so a reply is never emptied. A forwarded message's text is never the reply:
the reply is the text above it (empty when nothing was written).
"""

from __future__ import annotations

import re

from .attributions import attribution_at
from .quote_heads import quote_start
from .quote_shapes import REF_START, is_quoted, next_content, own_above, unquote

_HEADING = re.compile(r"^\s*\[\s*\d+(?:\.\d+)*\s*[a-z]?\s*\)?\]\s*\S")
_EMPTY_LABEL = re.compile(r"(?i)^\s*(status|progress)\s*:\s*$")
_LABEL = re.compile(r"(?i)^\s*(status|progress|revised target|new target|target)\b")


def _scan(lines: list[str]) -> tuple[list[str], str | None]:
    """Find where the quoted original starts. A start followed by `>` lines is only that quote's
    attribution: it is dropped and the inline logic reads what follows. Any other start is a cut: the rest
    is the original. A likely (not certain) attribution is only cut at when own text stays above it, so a
    reply is never emptied by a line that merely looks like one."""
    out = list(lines)
    i = 0
    while i < len(out):
        found = quote_start(out, i)
        if found is None:
            i += 1
            continue
        first, span, own, style, certain = found
        keep = [own] if own else []
        nxt = next_content(out, first + span)
        if nxt < len(out) and is_quoted(out[nxt]):
            out[first : first + span] = keep
            i = first + len(keep)
            continue
        if not certain and not (own or own_above(out, first)):
            i += 1
            continue
        return out[:first] + keep, style
    return out, None


def hard_cut(lines: list[str]) -> tuple[int, str | None]:
    """Index of the first unquoted line that starts an unquoted original (a header block, a separator, an
    attribution with no `>` lines under it): everything from there is the original. Returns
    (len(lines), None) when there is none."""
    for i in range(len(lines)):
        found = quote_start(lines, i)
        if found is None:
            continue
        first, span, _own, style, certain = found
        nxt = next_content(lines, first + span)
        if (nxt >= len(lines) or not is_quoted(lines[nxt])) and (certain or own_above(lines, first)):
            return first, style
    return len(lines), None


_BRACKETED_LINK = re.compile(r"(?i)[(<\[]\s*(?:https?://|www\.|mailto:)[^\s()<>\[\]]*[)\]]?")


def _absorb_fragments(lines: list[str]) -> list[str]:
    """A short unprefixed line between two `>` lines is a piece of the quote its client re-wrapped (a long
    line, a URL broken at a slash, a bracketed link), not an answer: an answer sits under a short line such
    as a heading or "Status:", or is too long to be the tail of a wrapped line."""
    out = list(lines)
    for i in range(1, len(lines) - 1):
        line, before, after = lines[i], lines[i - 1], lines[i + 1]
        if is_quoted(line) or not line.strip() or not (is_quoted(before) and is_quoted(after)):
            continue
        prev = unquote(before).rstrip()
        piece = line.strip()
        if (
            _HEADING.match(prev)
            or _LABEL.match(piece)
            or REF_START.match(piece)
            or prev.endswith((".", "!", "?", ":"))
        ):
            continue
        wrapped = len(prev) >= 60 and len(prev) + len(piece) >= 72 and len(piece.split()) <= 6
        url = bool(re.search(r"(?:https?://|www\.)\S*$", prev)) and " " not in piece
        # A bracketed link alone, often with the `>` its client moved to the line's end: "(http://x/y) >".
        url = url or bool(_BRACKETED_LINK.fullmatch(piece.rstrip("> \t")))
        if wrapped or url:
            mark = re.match(r"^(?:\s*>)+ ?", before)
            out[i] = (mark.group(0) if mark else "> ") + piece
    return out


def _drop_attributions(lines: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(lines):
        span = attribution_at(lines, i)
        if span:
            i += span
            continue
        out.append(lines[i])
        i += 1
    return out


def _inline(lines: list[str]) -> list[str]:
    """Own lines interleaved with quoted ones: keep the own lines, and the quoted action headings that have
    own text under them (unquoted), so the parser knows which action each answer is for. An own line right
    under an empty quoted "Status:"/"Progress:" line gets that label when it has none."""
    out: list[str] = []
    heading: str | None = None
    label: str | None = None
    for line in lines:
        if is_quoted(line):
            inner = unquote(line)
            if _HEADING.match(inner):
                heading, label = inner.strip(), None
            elif _EMPTY_LABEL.match(inner):
                label = inner.strip()
            elif inner.strip():
                label = None
            continue
        if not line.strip():
            out.append("")
            continue
        if heading is not None:
            if out and out[-1].strip():
                out.append("")
            out.append(heading)
            heading = None
        if label is not None and not _LABEL.match(line):
            line = f"{label} {line.strip()}"
        label = None
        out.append(line)
    return out


def remove_quotes(text: str) -> tuple[str, str | None]:
    """(the new text, the client the quoting style suggests or None)."""
    lines, style = _scan(_absorb_fragments(text.split("\n")))
    quoted = [i for i, line in enumerate(lines) if is_quoted(line)]
    if quoted:
        first = quoted[0]
        lines = _drop_attributions(lines)
        quoted = [i for i, line in enumerate(lines) if is_quoted(line)]
        first = quoted[0] if quoted else len(lines)
        own_after = any(line.strip() and not is_quoted(line) for line in lines[first:])
        lines = _inline(lines) if own_after else lines[:first]
    elif lines:
        lines = _drop_attributions(lines)
    out = "\n".join(line.rstrip() for line in lines)
    return re.sub(r"\n{3,}", "\n\n", out).strip("\n"), style
