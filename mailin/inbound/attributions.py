"""Attributions: the line or lines a client writes above a quoted original, found by shape. Kept apart
from the header blocks and rules (quote_heads.py) because an attribution is read over several lines, in any
word order, and is the one start that may also sit at the end of the reply's own text.

  * up to four lines ending in a colon that hold a date or time and a name or address, with or without a
    verb ("On Tue, 3 Mar 2027 at 09:12, Jo <jo@x> wrote:", "Am 03.03.2027 um 09:12 schrieb Jo:",
    "03.03.2027 09:12, Jo <jo@x>:"), also at the end of a line of the reply's own text (less a rule glued
    to it), or opening with the time ("Vào 14:24 ..., Jo <jo@x> đã viết:");
  * a colon-less "2027/3/3 Jo <jo@x>" right above `>` lines;
  * pieces a client scattered over blank lines up to a "> wrote:".
A reply's own line right above one (no blank line between) stays the reply's. Certain (an address or the
verb) or only likely (a date, a time and a full name): the caller cuts at a likely one only when own text
stays above it. Pure.
"""

from __future__ import annotations

import itertools
import re

from .quote_shapes import (
    AFTER_SENTENCE,
    COLON_END,
    DATE,
    DATE_OPENER,
    DATE_WORD,
    EMAIL_ADDRESS,
    GAP,
    MID_OPENER,
    NAME_FIRST,
    NAME_VERB,
    OPENER,
    REF_START,
    TIME,
    VERB,
    VERB_WORDS,
    WROTE,
    dated_or_addressed,
    is_quoted,
    next_content,
    own_above,
    sentence_break,
    unquote,
)

_MONTHS = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*"
_DATEISH = re.compile(rf"(?i)\d{{1,4}}[/.-]\d{{1,2}}[/.-]\d{{2,4}}|\b{_MONTHS}\b|\b\d{{4}}\b")


def _attribution_shape(text: str, *, anywhere: bool = False) -> bool | None:
    """None when `text` is not an attribution; else whether it is a certain one (an address or the verb
    "wrote" in it) rather than a likely one (date, time and a capitalised name only). `anywhere`: the
    words before the date and name may be any ("Wiadomość napisana przez Jo <jo@x> w dniu 3.03.2027 ...:"),
    which only a line right above `>` quoted text is allowed."""
    text = text.strip()
    if not COLON_END.search(text) or len(text) > 320 or REF_START.match(text):
        return None
    body = COLON_END.sub("", text)
    if len(body.split()) > 40 or sentence_break(body):
        return None
    dated, timed = bool(DATE.search(body)), bool(TIME.search(body))
    if not (dated or timed):
        return None
    if anywhere:
        return True if (EMAIL_ADDRESS.search(body) and dated and timed) else None
    if not (OPENER.match(body) or NAME_FIRST.match(body) or NAME_VERB.match(body)):
        return None
    if EMAIL_ADDRESS.search(body) or VERB.search(body):
        return True
    # Only likely: it needs a date, a time and, after them, a full name ("Action Plan Progress").
    opener = OPENER.match(body)
    rest = body[opener.end() :] if opener else body
    names = [w for w in re.findall(r"[^\W\d_][\w'’-]*|\S+", rest) if not DATE_WORD.fullmatch(w)]
    full_name = any(a[0].isupper() and b[0].isupper() and a.isalpha() for a, b in itertools.pairwise(names))
    return False if full_name and dated and timed else None


def _attribution_starts(first: str) -> list[int]:
    """Offsets in a line where an attribution may start: the line's start, a sentence's start, or a short
    capitalised word before a date ("... on track On Tue, 3 Mar ..."). An attribution is at most 320
    characters, so only the end of a long line is searched."""

    def opens(at: int) -> bool:
        return bool(OPENER.match(first, at) or NAME_FIRST.match(first, at) or NAME_VERB.match(first, at))

    starts = [0] if opens(0) else []
    for m in GAP.finditer(first, max(0, len(first) - 330)):
        after_sentence = AFTER_SENTENCE.search(first, max(0, m.start() - 4), m.start())
        if (after_sentence and opens(m.end())) or MID_OPENER.match(first, m.end()):
            starts.append(m.end())
    return starts


def attribution_span(lines: list[str], i: int, *, look_on: bool = True) -> tuple[int, str, bool] | None:
    """(lines it takes, own text before it on its first line, certain) when an attribution begins on line
    `i`: up to four lines ending in a colon, holding a date or time and a name or address. A line that
    cannot start one ("Jo" above "On 3 Mar ...") is left to the next line's check. `look_on`: whether to
    check that the next lines do not start one of their own (one line ahead only, never further)."""
    if is_quoted(lines[i]) or not lines[i].strip():
        return None
    if _bare_attribution(lines, i):
        return 1, "", True
    scattered = _scattered_attribution(lines, i)
    if scattered:
        return scattered, "", True
    if not any(x.rstrip().endswith((":", "：")) for x in lines[i : i + 4]):
        return None
    first = lines[i].strip()
    # A first line that starts nothing by itself ("On" wrapped away from "Tue, 3 Mar ...") may still start
    # a wrapped attribution, but only at a paragraph's start: a signature's "Jo" above "On 3 Mar ..." is not.
    starts = _attribution_starts(first)
    alone = bool(starts) and starts[0] == 0
    paragraph = i == 0 or not lines[i - 1].strip()
    joined = ""
    for span in range(1, 5):
        j = i + span - 1
        if j >= len(lines) or (span > 1 and (not lines[j].strip() or is_quoted(lines[j]))):
            return None
        joined = f"{joined} {lines[j].strip()}" if joined else first
        if not joined.rstrip().endswith((":", "：")):
            continue
        for p in _attribution_starts(joined):
            if p > len(first) or (p == 0 and not (alone or paragraph)):
                continue
            shape = _attribution_shape(joined[p:])
            if shape is not None and (p == 0 or shape):
                if p == 0 and look_on and _reply_lines_first(lines, i, span):
                    return None  # it starts further down; the lines above it are the reply's
                return span, _own_part(first[:p]), shape
        nxt = next_content(lines, i + span)
        if (
            (paragraph or _FINISHED_LINE.search(lines[i - 1].strip()))
            and nxt < len(lines)
            and is_quoted(lines[nxt])
            and _attribution_shape(joined, anywhere=True)
            and not (look_on and _reply_lines_first(lines, i, span))
        ):
            return span, "", True
        return None
    return None


def _bare_attribution(lines: list[str], i: int) -> bool:
    """A colon-less attribution right above `>` lines, as some clients write it: a date first, then the
    author ending with an address and nothing after it ("2027/3/3 Jo Baker <jo@x>", "3 Mar 2027 jo@x")."""
    text = lines[i].strip()
    if len(text) > 200 or "@" not in text or COLON_END.search(text):
        return False
    if not (OPENER.match(text) and DATE.search(text)) or sentence_break(text):
        return False
    ends = [m.end() for m in EMAIL_ADDRESS.finditer(text)]
    if not ends or text[ends[-1] :].strip(" >)]"):
        return False
    nxt = next_content(lines, i + 1)
    return nxt < len(lines) and is_quoted(lines[nxt])


_DIGIT = re.compile(r"\d")
_VERB_TAIL = re.compile(rf"(?i)^(?:\S+\s+)?(?:{VERB_WORDS})(?:\(a\))?\s*[:：]\s*$")


def _scattered_attribution(lines: list[str], i: int) -> int:
    """Lines taken by an attribution that a client broke over blank lines and marked its last piece as
    quoted ("On Tue, 11 Apr 2027 at 10:07 Jo Baker" / "" / "<" / "jo@x" / "> wrote:"): it opens with a date
    and a time, and within six lines ends in a line that is only the verb; 0 when there is none."""
    first = lines[i].strip()
    if (
        len(first) > 320
        or not _DIGIT.search(first)
        or not any(x.rstrip().endswith((":", "：")) for x in lines[i + 1 : i + 7])
        or COLON_END.search(first)
        or not (OPENER.match(first) and DATE.search(first) and TIME.search(first))
    ):
        return 0
    parts = [first]
    for k in range(i + 1, min(i + 7, len(lines))):
        piece = unquote(lines[k]).strip()
        if not piece:
            continue
        if _VERB_TAIL.match(piece):
            joined = " ".join([*parts, piece])
            return k - i + 1 if len(joined) <= 320 and _attribution_shape(joined) else 0
        if is_quoted(lines[k]) or COLON_END.search(piece):
            return 0
        parts.append(piece)
    return 0


def _reply_lines_first(lines: list[str], i: int, span: int) -> bool:
    """Whether an attribution read from line `i` over `span` lines really starts on a later line of them,
    the lines before it being the reply's own ("Hello" or "Thanks," over "On 3 Mar ... wrote:"): lines that
    neither open an attribution themselves nor are its opening words wrapped away ("On", "Le mar.")."""
    for k in range(i + 1, i + span):
        piece = lines[k - 1].strip()
        starts = _attribution_starts(piece)
        if _lead_fragment(piece) or (starts and starts[0] == 0):
            return False
        if _opens_on_own(lines, k):
            return True
    return False


def _opens_on_own(lines: list[str], k: int) -> bool:
    """Whether an attribution of its own starts on line `k`, with a date or weekday opening the line or
    after own text on it: the lines above it are then the reply ("Thanks" over "On 3 Mar ... wrote:"), not
    the attribution's first words. One that opens with its author's name ("Jo Baker <jo@x>, 3 Mar ...:")
    may be a name wrapped over two lines, so the line above is the reply's only when it reads as a
    finished line (a sentence, a "Label: value") or nothing of the reply's own stands above it."""
    if k >= len(lines) or is_quoted(lines[k]) or not lines[k].strip():
        return False
    if not _DIGIT.search(" ".join(lines[k : k + 4])):
        return False  # an attribution holds a date or a time
    found = attribution_span(lines, k, look_on=False)
    line = lines[k].strip()
    if found is None:
        return False
    if found[1] or DATE_OPENER.match(line) or _FINISHED_LINE.search(lines[k - 1].strip()):
        return True
    named = (NAME_FIRST.match(line) or NAME_VERB.match(line)) and not _ADDRESS_FIRST.match(line)
    return bool(named) and not own_above(lines, k - 1)


_ADDRESS_FIRST = re.compile(r"[<(\[]|(?:mailto:)?[\w.+'-]+@")
_FINISHED_LINE = re.compile(r"[.!?…,]$|^[^:]{1,30}:\s+\S")


# The words a client writes before an attribution's date ("On", "Le", "Am", "Il giorno", "W dniu", "Den",
# "Vào"): a line of only these, weekdays and date parts is an attribution wrapped after its first words.
_LEAD_WORDS = frozenset(
    ["on", "le", "am", "el", "em", "il", "giorno", "w", "dniu", "den", "op", "ar", "dydd", "vào", "the", "at"]
)


def _lead_fragment(text: str) -> bool:
    words = [w for w in re.split(r"[\s,.]+", text.lower()) if w]
    return bool(words) and all(w in _LEAD_WORDS or w.isdigit() or DATE_WORD.fullmatch(w) for w in words)


def _own_part(text: str) -> str:
    """Own text before an attribution on the same line, less a rule glued to it ("Thanks--- On ...")."""
    text = text.rstrip()
    bare = text.rstrip("-_=~*")
    return bare.rstrip() if len(text) - len(bare) >= 2 else text


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
        if len(joined) > 300 or not WROTE.search(joined):
            continue
        if span == 2 and _own_over(*lines[i : i + 2]):
            break
        on_style = joined.lower().startswith("on ") and _DATEISH.search(joined)
        nxt = next_content(lines, i + span)
        if (nxt >= len(lines) or is_quoted(lines[nxt])) and (on_style or "@" in joined or span == 1):
            return span
    return 0


def _own_over(line: str, below: str) -> bool:
    """Whether `line` is the reply's own, over an attribution that starts whole on the line `below` ("Thanks"
    over "Jo Baker <jo@x> wrote:"): it holds no date, time or address and does not run on with a comma,
    and the line below names its author itself rather than going on with an address ("<jo@x> wrote:")."""
    if len(line) > 300:
        return True  # too long to start an attribution
    return (
        bool(WROTE.search(below))
        and not dated_or_addressed(line)
        and not line.rstrip().endswith(",")
        and not re.match(r"\s*(?:[<(\[]|[\w.+'-]+@)", below)
    )
