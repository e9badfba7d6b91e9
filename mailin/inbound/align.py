"""Answers typed into our own message: the lead's lines found by comparing a reply with the prompt we sent.

Most clients quote the original with `>`, and quotes.py keeps answers written between quoted lines. Outlook,
Outlook on the web and Notes quote nothing: the original follows a header block as plain text, and a lead
who types "on track" after its `Status:` line, or a sentence under an action's heading, leaves no mark a
shape-based reader can see. We can do better than any general reply parser here, because we know what we
sent: a line of the reply that is not a line of our message, standing inside one action's block of our
copy, is the lead's answer about that action.

    added_answers(text, sent, refs) -> str | None
    before_copy(reply, sent, markers) -> str

`before_copy` is the other half: a client whose header block no quote reader knows leaves our whole
message in the reply; it is cut where our copy begins, with the header paragraphs just above it (those
naming our address or subject, and the short label lines between them).

`text` is the whole message as text (quotes kept), `sent` the texts of the messages we sent for this prompt
(the prompt and its reminders), `refs` the refs asked. The result is the lead's additions in the prompt's
own form ("[1.2] ..." then "Status: ..." / "Progress: ..." / free lines), which the update parser reads as
inline answers; None when the copy holds nothing of the lead's. Pure: no I/O.

`text` may carry html_text.marked_text's marks around runs in a colour or font our message never used: the
style then says which words of a line are the lead's, so an answer typed on the same line as an action's
heading or label is still read, and kept with that action.

Only lines inside an action's block count. Text above our copy is the ordinary reply (quotes.py has it);
lines outside the blocks (a client's header block, our greeting, the how-to-answer notes of a reminder we
rendered differently) are never taken for answers.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

_QUOTE_MARKS = re.compile(r"^(?:\s*>)+\s?")
# html_text.marked_text's marks around runs in a colour or font our message never used (the lead's).
OPEN, CLOSE = "\ue001", "\ue002"
_MARKS = re.compile(f"[{OPEN}{CLOSE}]")
_HEADING = re.compile(r"^\[(?P<ref>[^\]]{1,40})\]\s*(?P<rest>.*)$")
_LABEL = re.compile(r"^(?P<label>[A-Z][A-Za-z ]{1,30}):\s*(?P<value>.*)$")
_RULE = re.compile(r"^[-=_*]{8,}$")
# A line this short must equal one of ours to be ours; a longer one may be a re-wrapped piece of our text.
_MIN_WORDS_FOR_PIECE = 4


@dataclass
class _Block:
    ref: str
    heading: str
    lines: list[str] = field(default_factory=list)


def _norm(line: str) -> str:
    return " ".join(_QUOTE_MARKS.sub("", _MARKS.sub("", line)).split())


def _by_style(line: str, inside: bool) -> tuple[str, str, bool]:
    """(the line without its marked runs, the marked runs joined, whether a run is still open at the end):
    a run may go on over a line break."""
    ours: list[str] = []
    lead: list[str] = []
    for piece in re.split(f"([{OPEN}{CLOSE}])", line):
        if piece in (OPEN, CLOSE):
            inside = piece == OPEN
        elif piece:
            (lead if inside else ours).append(piece)
    return _norm(" ".join(ours)), _norm(" ".join(lead)), inside


@dataclass
class _Ours:
    lines: set[str]  # our lines, normalised
    joined: str  # our whole text on one line, for pieces a client re-wrapped
    blanks: set[str]  # labels we print empty for the lead to fill ("Status", "Progress")
    filled: set[str]  # labels we print with a value ("Target"): such a line is ours whatever its value

    @staticmethod
    def of(sent: Sequence[str]) -> _Ours:
        lines = {n for text in sent for raw in text.splitlines() if (n := _norm(raw))}
        labelled = [m for n in lines if (m := _LABEL.match(n))]
        return _Ours(
            lines,
            " " + " ".join(_norm(text) for text in sent) + " ",
            {m["label"] for m in labelled if not m["value"]},
            {m["label"] for m in labelled if m["value"]},
        )

    def has(self, line: str, previous: str = "") -> bool:
        """Is the line ours: one of our lines, a piece of our text a client re-wrapped, or the short tail
        of the line before it, wrapped onto a line of its own ("review" after "... review review")?"""
        if line in self.lines:
            return True
        if len(line.split()) >= _MIN_WORDS_FOR_PIECE and f" {line} " in self.joined:
            return True
        return bool(previous) and f" {previous} {line} " in self.joined


def added_answers(text: str, sent: Sequence[str], refs: Sequence[str]) -> str | None:
    """The lead's lines inside the action blocks of our copy, in prompt form; None if there are none."""
    if not sent or not refs:
        return None
    ours = _Ours.of(sent)
    asked = set(refs)
    blocks: list[_Block] = []
    current: _Block | None = None
    previous = ""
    inside = False
    for raw in text.splitlines():
        line, before = _norm(raw), previous
        previous = line
        if not line:
            continue
        plain, lead, inside = (
            _by_style(raw, inside) if (inside or OPEN in raw or CLOSE in raw) else (line, "", False)
        )
        if lead:
            # The style says which words are the lead's: the rest of the line is ours (an action's heading,
            # an empty label) or nothing at all.
            heading = _HEADING.match(plain)
            if heading and heading["ref"] in asked and ours.has(plain):
                current = _Block(heading["ref"], plain, [lead])
                blocks.append(current)
                continue
            label = _LABEL.match(plain)
            if current is not None and (
                not plain or ours.has(plain) or (label and label["label"] in ours.blanks)
            ):
                blank = label and label["label"] in ours.blanks and not label["value"]
                current.lines.append(f"{label['label']}: {lead}" if blank and label else lead)
                continue
        heading = _HEADING.match(line)
        if heading and heading["ref"] in asked and ours.has(line):
            current = _Block(heading["ref"], line)
            blocks.append(current)
            continue
        if _RULE.match(line.replace(" ", "")):
            current = None  # our rule closes the list of actions
            continue
        if current is None or ours.has(line, before):
            continue
        label = _LABEL.match(line)
        if label and label["label"] in ours.blanks:
            if label["value"].strip():
                current.lines.append(f"{label['label']}: {label['value'].strip()}")
            continue
        if label and label["label"] in ours.filled:
            continue  # one of our lines ("Target: ..."), its value changed since we sent it
        current.lines.append(line)
    answered = [b for b in blocks if b.lines]
    if not answered:
        return None
    return "\n\n".join("\n".join([b.heading, *b.lines]) for b in answered)


_RUN = 3  # consecutive lines of ours that mark the start of our copy
_LABEL_WORDS = 3  # a header paragraph's other lines are as short as "To", "cc", "Jo Baker <jo@x>"


def before_copy(reply: str, sent: Sequence[str], markers: Sequence[str] = ()) -> str:
    """The reply up to where an unquoted copy of our message starts; the reply itself when it holds none.
    `markers` are what a client's header block about our message shows: our address, our subject."""
    if not sent:
        return reply
    ours = _Ours.of(sent)
    lines = reply.splitlines()
    normed = [_norm(line) for line in lines]
    filled = [i for i, line in enumerate(normed) if line]
    start = None
    for k in range(len(filled) - _RUN + 1):
        run = filled[k : k + _RUN]
        if all(ours.has(normed[i], normed[filled[k + j - 1]] if j else "") for j, i in enumerate(run)):
            start = run[0]
            break
    if start is None:
        return reply
    kept = lines[:start]
    folded = [m.casefold() for m in markers if m.strip()]
    # Paragraphs above the copy, bottom up, while they read as a client's header block; the cut is at the
    # topmost one naming our address or subject (label-only lines above that are the lead's, e.g. "Jo").
    end = len(kept)
    cut = end
    while end > 0:
        while end > 0 and not kept[end - 1].strip():
            end -= 1
        begin = end
        while begin > 0 and kept[begin - 1].strip():
            begin -= 1
        paragraph = [line for line in kept[begin:end] if line.strip()]
        if not paragraph:
            break
        text = " ".join(paragraph).casefold()
        named = any(m in text for m in folded)
        if not named and not all(len(line.split()) <= _LABEL_WORDS for line in paragraph):
            break
        if named:
            cut = begin
        end = begin
    return "\n".join(kept[:cut]).rstrip()
