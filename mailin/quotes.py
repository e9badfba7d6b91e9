"""Plain text -> the new part a mail client shows: the quoted original and its attribution removed,
inline answers kept under the quoted action heading they answer. Pure: str in, str out.

When unsure we keep text: a lost answer costs more than a stray quoted line the update parser ignores.
"""

from __future__ import annotations

import re

_MONTHS = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*"
_DATEISH = re.compile(rf"(?i)\d{{1,4}}[/.-]\d{{1,2}}[/.-]\d{{2,4}}|\b{_MONTHS}\b|\b\d{{4}}\b")
_ORIGINAL = re.compile(
    r"(?i)^\s*-{2,}\s*(original message|ursprüngliche nachricht|message d'origine)\s*-{2,}\s*$"
)
_UNDERSCORES = re.compile(r"^\s*_{10,}\s*$")
_HDR = re.compile(r"(?i)^\s*\*?(from|sent|date|to|cc|subject|reply-to)\s*:\*?")
_FROM = re.compile(r"(?i)^\s*\*?from\s*:\*?\s*\S")
_LOTUS_DASH = re.compile(r"(?i)^\s*-{3,}.*\bwrote:?\s*-{3,}\s*$")
_LOTUS_ON = re.compile(r"(?i)^\s*\S.*\bwrote on \d.*:\s*$")
_WROTE = re.compile(r"(?i)\b(wrote|schrieb|a écrit)\s*:\s*$")
_HEADING = re.compile(r"^\s*\[\s*\d+(?:\.\d+)*\s*[a-z]?\s*\)?\]\s*\S")
_EMPTY_LABEL = re.compile(r"(?i)^\s*(status|progress)\s*:\s*$")
_LABEL = re.compile(r"(?i)^\s*(status|progress|revised target|new target|target)\b")


def is_quoted(line: str) -> bool:
    return line.lstrip().startswith(">")


def unquote(line: str) -> str:
    return re.sub(r"^(\s*>)+ ?", "", line)


def _from_block(lines: list[str], i: int) -> bool:
    """An Outlook-style header block of the original: From: then Sent:/Date:, To:, Subject: lines."""
    if not _FROM.match(lines[i]):
        return False
    seen = set()
    for line in lines[i + 1 : i + 8]:
        m = _HDR.match(line)
        if m:
            seen.add(m.group(1).lower())
        elif line.strip():
            # Outlook on the web wraps a long To: list onto the next line
            continue
    return bool(seen & {"sent", "date"}) and bool(seen & {"to", "subject"})


def hard_cut(lines: list[str]) -> tuple[int, str | None]:
    """Index of the first unquoted line that starts an unquoted original (Outlook, Lotus Notes): everything
    from there is the original. Returns (len(lines), None) when there is none."""
    for i, line in enumerate(lines):
        if is_quoted(line):
            continue
        if _ORIGINAL.match(line):
            return i, "outlook"
        if _UNDERSCORES.match(line) and any(
            _from_block(lines, j) for j in range(i + 1, min(i + 3, len(lines)))
        ):
            return i, "outlook"
        if _from_block(lines, i):
            return i, "outlook"
        if _LOTUS_DASH.match(line) or _LOTUS_ON.match(line):
            return i, "lotus_notes"
    return len(lines), None


def _next_content(lines: list[str], i: int) -> int:
    while i < len(lines) and not lines[i].strip():
        i += 1
    return i


def attribution_at(lines: list[str], i: int) -> int:
    """How many lines (1 or 2) an attribution ("On ... wrote:") starting at `i` takes, or 0. It must be
    followed by quoted text (or nothing), so a sentence that happens to end in "wrote:" is kept."""
    line = lines[i]
    if is_quoted(line) or not line.strip():
        return 0
    for span in (1, 2):
        if i + span > len(lines):
            break
        joined = " ".join(x.strip() for x in lines[i : i + span])
        if span == 2 and (is_quoted(lines[i + 1]) or not lines[i + 1].strip()):
            break
        if not _WROTE.search(joined) or len(joined) > 300:
            continue
        on_style = joined.lower().startswith("on ") and _DATEISH.search(joined)
        nxt = _next_content(lines, i + span)
        if (nxt >= len(lines) or is_quoted(lines[nxt])) and (on_style or "@" in joined or span == 1):
            return span
    return 0


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
    lines = text.split("\n")
    cut, style = hard_cut(lines)
    lines = lines[:cut]
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
