"""The polite edges of a reply: "Hi Sam, apologies for the delay..." before, "Thanks, Jo" after.

They are nobody's progress. Only clauses that are *nothing but* courtesy are cut: "Apologies for the delay,
the strategy was signed off in Feb" loses the apology and keeps the news; "Thanks to the team it's done"
is news and stays. The extractor has already removed signatures and "Sent from my iPhone"; should a quoted
original ("-----Original Message-----", "On ... wrote:") slip through, nothing after it is read.
"""

from __future__ import annotations

import re

_CLAUSE = r"[^\n,.!?;]{0,80}"
_END = r"(?:[,.!?;:…]+|\s[-–—]+|\n|$)\s*"
# Each opening is one courtesy clause, tried again and again at the start of the reply.
OPENINGS = (
    r"(?:hi|hello|hey|hiya|dear|morning|afternoon|good\s+(?:morning|afternoon|evening))\b[^\n,.!:;–—-]{0,40}",
    r"(?:many\s+|my\s+)?(?:apologies|sorry)(?:\s+(?:for|about)\s+(?:the|my|this)\b" + _CLAUSE + ")?",
    r"(?:many\s+)?(?:thanks|thank\s+you)\s+(?:for|again)\b" + _CLAUSE,
    r"hope\s+(?:you(?:'re|\s+are)|all\s+is|this\s+finds)\b" + _CLAUSE,
    r"(?:please\s+)?(?:see|find)\s+(?:below|my\s+update|the\s+update|updates?|attached)\b" + _CLAUSE,
    r"(?:here(?:'s|\s+is|\s+are)|below\s+(?:is|are))\s+(?:my|the|an|our|a\s+quick|some)\b" + _CLAUSE,
    r"(?:my|our|quick)\s+updates?(?:\s+(?:is|are))?(?:\s+(?:below|as\s+follows))?",
    r"updates?\s+(?:below|as\s+follows)",
    r"as\s+requested",
    r"following\s+(?:your|the)\s+(?:email|reminder|request|message)\b" + _CLAUSE,
    r"just\s+(?:a\s+quick\s+(?:note|update)|to\s+let\s+you\s+know)\b" + _CLAUSE,
)
_OPENING = re.compile(r"\s*(?:" + "|".join(OPENINGS) + ")" + _END, re.I)
# Short sign-offs take at most a name after them ("Thanks, Jo"); the longer closing remarks take a clause.
SIGN_OFFS = (
    r"thanks?",
    r"thx",
    r"tia",
    r"ta",
    r"thank\s+you",
    r"many\s+thanks",
    r"cheers",
    r"(?:kind|best|warm|warmest)\s+(?:regards|wishes)",
    r"regards",
    r"best",
    r"all\s+the\s+best",
    r"yours(?:\s+sincerely)?",
    r"speak\s+soon",
)
CLOSING_REMARKS = (
    r"(?:many\s+)?(?:thanks|thank\s+you)\s+(?:for|again)",
    r"hope\s+(?:this|that|the\s+above)\s+helps",
    r"(?:please\s+|do\s+)?let\s+me\s+know",
    r"any\s+(?:questions|queries)",
    r"happy\s+to\s+(?:discuss|talk|chat|help)",
    r"shout\s+if",
    r"give\s+me\s+a\s+(?:shout|call|ring)",
    r"(?:feel\s+free|don't\s+hesitate)\s+to",
)
# Words that make a line news rather than courtesy: "Thanks - all on track" is an answer.
_NEWS = re.compile(
    r"\b(?:done|complete|track|target|progress|slip|delay|risk|start|change|behind|schedule|ongoing|"
    r"cancel|withdrawn|finish|green|amber|red)",
    re.I,
)
_SIGN_OFF = "(?:" + "|".join(SIGN_OFFS) + ")"
_SIGN_OFF_LINE = re.compile(
    r"[ \t]*[-–—]*[ \t]*(?:" + _SIGN_OFF + r"\b(?:[\s,.!:;-]{1,4}[A-Za-z'.-]{1,30}){0,3}[\s,.!:;-]*"
    r"|(?:" + "|".join(CLOSING_REMARKS) + r")\b[^\n\d]{0,100})$",
    re.I,
)
_SIGN_OFF_TAIL = re.compile(
    r"(?:(?<=[.!?;])|\s[-–—])\s*(?:"
    + _SIGN_OFF
    + "|"
    + "|".join(CLOSING_REMARKS)
    + r")\b[^.!?\n\d]{0,60}[.!]*\s*$",
    re.I,
)
_SHORT = 60  # a line after "Thanks" this short is a name, a job title or a team
_INITIALS = re.compile(r"(?<=[.!?])[ \t]+[A-Z][a-z]{0,2}\.?[ \t]*$")  # "... nothing to flag. J"
# The quoted original, should the extractor have missed it: nothing after it is the person's news.
_QUOTED_ORIGINAL = re.compile(
    r"^[ \t]*(?:-{2,}[ \t]*Original Message[ \t]*-{2,}|_{8,}[ \t]*$|From:[^\n]{0,300}\n[ \t]*(?:Sent|Date):"
    r"|On [^\n]{1,200}wrote:[ \t]*$)",
    re.I | re.M,
)


def opening_end(text: str) -> int:
    """Where the reply's news begins, past greetings and pleasantries."""
    pos = 0
    for _ in range(6):
        match = _OPENING.match(text, pos)
        if not match or match.end() == pos:
            break
        pos = match.end()
    return pos


def closing_start(text: str) -> int:
    """Where the sign-off begins ("Thanks,\\nJo"; "... slipped to June. Thanks"): len(text) if there is none.

    Walking up from the end, short lines (a name, a job title) may follow a sign-off; the first long
    line, or a line with news in it, ends the walk.
    """
    original = _QUOTED_ORIGINAL.search(text)
    if original and text[: original.start()].strip():
        text = text[: original.start()]
    tail_from = max(0, len(text) - 2000)
    lines = text[tail_from:].split("\n")
    offsets, pos = [], tail_from
    for line in lines:
        offsets.append(pos)
        pos += len(line) + 1
    cut = len(text)
    for i in range(len(lines) - 1, max(-1, len(lines) - 9), -1):
        line = lines[i].strip()
        if line and _SIGN_OFF_LINE.match(line) and not _NEWS.search(line):
            cut = offsets[i]
        elif line and (cut < len(text) or len(line) > _SHORT or _NEWS.search(line) or re.search(r"\d", line)):
            break
    if not text[opening_end(text) : cut].strip():
        cut = len(text)  # a reply that is all courtesy has no sign-off to cut: keep it for a person
    last_line = text.rfind("\n", 0, cut) + 1
    inline = _SIGN_OFF_TAIL.search(text, max(last_line, cut - 200), cut)
    if inline and inline.start() > last_line and not _NEWS.search(inline.group(0)):
        return inline.start()
    initials = _INITIALS.search(text, max(last_line, cut - 10), cut)
    return initials.start() if initials else cut
