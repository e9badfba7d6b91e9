"""An answer's labelled lines: the prompt's "Status:" and "Progress:" filled in, and its echoes left alone.

The email prompt prints each action as "[1.1] text", "Target: Mar-27", "Last reported: on_track", then empty
"Status:" and "Progress:" lines for the person to fill in. Replying inline keeps all of it, so the heading's
text, the target and the last report are echoes of what we sent, never the person's words; and an answer
whose Status and Progress stay empty was not answered at all. A "Revised target:" left empty with a date
on the next line is that date: the mail client wrapped the line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from collector.core.reply_dates import read_date

# Line label -> what its value is. "echo" lines repeat the prompt and are never read as an answer.
FIELD_ROLES: dict[str, str] = {
    "status": "status",
    "current status": "status",
    "rag": "status",
    "rag status": "status",
    "rag rating": "status",
    "rating": "status",
    "progress": "progress",
    "progress update": "progress",
    "update": "progress",
    "comments": "progress",
    "comment": "progress",
    "commentary": "progress",
    "notes": "progress",
    "narrative": "progress",
    "revised target": "target",
    "revised target date": "target",
    "revised date": "target",
    "revised deadline": "target",
    "revised due date": "target",
    "new target": "target",
    "new target date": "target",
    "new date": "target",
    "new deadline": "target",
    "new due date": "target",
    "expected completion": "target",
    "expected completion date": "target",
    "forecast completion": "target",
    "target": "echo",
    "target date": "echo",
    "original target": "echo",
    "last reported": "echo",
    "last update": "echo",
    "previous update": "echo",
    "lead": "echo",
    "leads": "echo",
    "due": "echo",
}
_FIELD = re.compile(
    r"[ \t]*[-*•]?[ \t]*(?P<name>[A-Za-z][A-Za-z /]{0,30}?)[ \t]*(?::|=|[ \t][-–][ \t])[ \t]*(?P<value>.*)"
)
# An echoed "Target:" the person edited ("Target: now Sept 27") is an answer, not an echo.
_REVISED = re.compile(
    r"\b(?:revised|new|now|moved|slipped|pushed|extended|changed|deferred|delayed|postponed)\b", re.I
)
_WORDS = re.compile(r"[a-z0-9]+")


@dataclass
class Answer:
    """What one person wrote about one action, sorted by the line it was written on."""

    status: str | None = None  # the "Status:" value (None: no such line; "": left empty)
    lines: list[str] = field(default_factory=list)  # the person's own words: progress values, free lines
    target: str | None = None  # a "New target:" value
    prompt_form: bool = False  # the answer sits under the prompt's own labelled lines

    @property
    def answered(self) -> bool:
        return bool((self.status or "").strip() or self.lines or (self.target or "").strip())

    @property
    def progress(self) -> str:
        return "\n".join(self.lines)


def read_answer(content: str, action_text: str = "", heading: bool = False) -> Answer:
    """Sort an answer's lines. `heading`: the first line is the rest of the ref's own line ("[1.1] text")."""
    answer = Answer()
    first: str | None = None
    wrapped: str | None = None  # an empty "Revised target:" whose date the mail client put on the next line
    for i, raw in enumerate(content.split("\n")):
        line = raw.strip()
        role, value = _field(line)
        if wrapped is not None and line:
            if role is None and read_date(line, 0):
                answer.target, role = line, "wrapped"
                answer.lines.append(f"{wrapped} {line}")
            wrapped = None
        if role == "wrapped":
            continue
        if role == "status":
            answer.prompt_form = True
            answer.status = value if answer.status is None else f"{answer.status} {value}".strip()
        elif role == "progress":
            answer.prompt_form = True
            if value:
                answer.lines.append(value)
        elif role == "target":
            answer.target = value or answer.target
            if value:
                answer.lines.append(line)
            else:
                wrapped = line
        elif role == "echo":
            answer.prompt_form = True
        elif i == 0 and heading and line:
            first = line
        elif line:
            answer.lines.append(line)
    if first is not None and not (answer.prompt_form or _resembles(first, action_text)):
        answer.lines.insert(0, first)
    return answer


def _field(line: str) -> tuple[str | None, str]:
    match = _FIELD.match(line)
    if not match:
        return None, line
    role = FIELD_ROLES.get(" ".join(match["name"].lower().split()))
    value = match["value"].strip()
    if role == "echo" and match["name"].lower().startswith("target") and _REVISED.search(value):
        return "target", value
    return role, value


def _resembles(line: str, action_text: str) -> bool:
    """Is this line the action's own text, quoted back (perhaps cut short or re-wrapped)?"""
    words, action = _WORDS.findall(line.lower()), _WORDS.findall(action_text.lower())
    if len(words) < 3 or not action:
        return False
    if " ".join(action).startswith(" ".join(words)[:40]) or " ".join(words).startswith(" ".join(action)[:40]):
        return True
    return sum(w in set(action) for w in words) >= 0.8 * len(words)
