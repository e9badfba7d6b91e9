"""mailin.inbound.align: the lead's lines inside our own (unquoted) prompt, found by comparing with what we
sent.

The prompts are rendered by the real composer from generated actions (refs, texts long enough to wrap,
targets, last reports), so the copy is what a lead's client shows; the properties are checked for every
shape of prompt Hypothesis makes.
"""

from __future__ import annotations

import textwrap
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from collector.channels.protocol import AskedItem, PromptMessage, Recipient
from collector.core.vocabulary import Status
from collector.replies.parsing import parse_reply
from collector.replies.types import AskedAction
from mailin.compose import prompt_context, render
from mailin.inbound.align import added_answers

ACTIONS = [
    "Publish the workforce equality report",
    "Set up a staff network for carers",
    "Review the complaints process for accessibility and publish the findings with an action plan that "
    "the board has agreed, including the timetable for each change",
    "Translate the housing application forms into the five most requested languages",
    "Audit building access",
    "Train every recruiting manager in fair shortlisting before the autumn campaign starts",
]
NOTES = [
    "Completed in February, the report is on the intranet.",
    "Slipped: the board meets in June now.",
    "Two workshops held, a third booked for May.",
]

refs = st.sampled_from(["1.1", "1.2", "2.3 a)", "#4", "IA25-07", "3"])
texts = st.sampled_from(ACTIONS)


@st.composite
def prompts(draw) -> tuple[str, list[str]]:
    chosen = draw(st.lists(refs, min_size=1, max_size=4, unique=True))
    items = tuple(
        AskedItem(
            action_id=i,
            ref=ref,
            text=draw(texts),
            target=draw(st.none() | st.sampled_from(["March 2027", "Ongoing", "2026/27"])),
            last_status=draw(st.none() | st.sampled_from([s.value for s in Status])),
            last_progress=draw(st.none() | texts),
        )
        for i, ref in enumerate(chosen)
    )
    message = PromptMessage(
        "prompt", "Equality Action Plan", "Spring 2027", date(2027, 3, 31), Recipient(1, "Jo Baker"), items
    )
    return render("prompt", prompt_context(message))[1], chosen


def write_under(copy: str, ref: str, line: str) -> str:
    """The copy with the lead's line added under an action's Progress: line."""
    out, current = [], None
    for row in copy.splitlines():
        if row.startswith("["):
            current = row[1:].split("]")[0]
        out.append(row)
        if row == "Progress:" and current == ref:
            out.append(line)
    return "\n".join(out)


SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(prompt=prompts(), quote=st.sampled_from(["", "> ", ">> "]))
def test_an_untouched_copy_holds_no_answers(prompt, quote):
    copy, asked = prompt
    quoted = "\n".join(quote + line for line in copy.splitlines())
    assert added_answers(quoted, [copy], asked) is None


@SETTINGS
@given(prompt=prompts(), width=st.integers(40, 120))
def test_a_copy_rewrapped_at_any_width_holds_no_answers(prompt, width):
    copy, asked = prompt
    rewrapped = "\n".join(
        wrapped
        for line in copy.splitlines()
        for wrapped in (textwrap.wrap(line, width) if not line.startswith("[") else [line])
    )
    assert added_answers(rewrapped, [copy], asked) is None


@SETTINGS
@given(prompt=prompts(), data=st.data())
def test_a_line_written_in_an_actions_block_is_that_actions(prompt, data):
    copy, asked = prompt
    ref = data.draw(st.sampled_from(asked))
    note = data.draw(st.sampled_from(NOTES))
    added = added_answers(write_under(copy, ref, note), [copy], asked)
    assert added is not None
    heading, *lines = added.split("\n\n")[0].splitlines() if len(asked) else []
    assert heading.startswith(f"[{ref}]") and lines == [note]


@SETTINGS
@given(prompt=prompts(), status=st.sampled_from(["on track", "completed", "at risk"]))
def test_a_filled_status_line_reaches_the_parser_as_that_actions_status(prompt, status):
    copy, asked = prompt
    ref = asked[-1]
    filled = copy.replace("Status:\nProgress:", "Status:\nProgress:")  # every block, unfilled
    blocks = filled.split("\n[")
    for i, block in enumerate(blocks):
        if block.startswith(ref + "]") or (i == 0 and block.startswith(f"[{ref}]")):
            blocks[i] = block.replace("Status:", f"Status: {status}", 1)
    answered = added_answers("\n[".join(blocks), [copy], asked)
    assert answered is not None
    result = parse_reply(answered, [AskedAction(r, "") for r in asked])
    assert [(u.ref, u.status) for u in result.updates] == [(ref, Status(status.replace(" ", "_")))]


def test_header_blocks_and_greetings_outside_the_blocks_are_never_answers():
    items = (AskedItem(1, "1.1", "Publish the workforce equality report", "March 2027", "on_track"),)
    message = PromptMessage("prompt", "Plan", "Spring 2027", None, Recipient(1, "Jo Baker"), items)
    copy, asked = render("prompt", prompt_context(message))[1], ["1.1"]
    reply = (
        "Thanks, see below\n\nFrom: Action Plan Progress <progress@x.test>\nSent: 01 March 2027 09:30\n"
        f"To: Jo Baker\nSubject: Your update\n\n{copy}"
    )
    assert added_answers(reply, [copy], asked) is None
