"""Messages the bot sends outside a prompt: what it understood in a lead's own words (to confirm), the
outcome, receipts, escalations to coordinators and notices. Each stays within one message's block limit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot import limits
from bot.blocks.common import bullets, button, day, md, plain, section, status_label
from bot.limits import clip
from collector.channels.protocol import EscalationMessage, NoticeMessage, ReceiptMessage


@dataclass(frozen=True)
class Understood:
    ref: str
    status: str | None
    progress: str
    revised_target: str | None = None


def understood_blocks(lines: list[Understood], labels: dict[str, str], value: str) -> list[dict[str, Any]]:
    """What the bot read in a lead's message, with Confirm and Edit: nothing is recorded until they say so."""
    blocks = [section("Here is what I understood. Nothing is recorded until you confirm.")]
    for line in lines[: limits.BLOCKS_PER_MESSAGE - 3]:
        text = f"*{md(line.ref)}*: {status_label(line.status, labels)}"
        if line.revised_target:
            text += f", revised target {md(line.revised_target)}"
        if line.progress:
            text += f"\n“{md(clip(line.progress, 2000))}”"
        blocks.append(section(text))
    blocks.append(
        {
            "type": "actions",
            "block_id": "confirm",
            "elements": [
                button("Confirm", "text_confirm", value, style="primary"),
                button("Edit", "text_edit", value),
            ],
        }
    )
    return blocks


def outcome_blocks(text: str) -> list[dict[str, Any]]:
    return [section(text)]


# -- receipts, escalations, notices ------------------------------------------------------------------------


def receipt_message(message: ReceiptMessage) -> dict[str, Any]:
    lines = []
    for line in message.lines:
        text = f"*{md(line.ref)}*: {md(line.status or 'no status')}"
        if line.revised_target:
            text += f", revised target {md(line.revised_target)}"
        if line.progress:
            text += f" — “{md(clip(line.progress, 300))}”"
        lines.append(text)
    blocks = [
        section(
            f"Thank you. Recorded for the *{md(message.round_name)}* update "
            f"on the *{md(message.plan_title)}*:"
        )
    ]
    blocks += bullets(lines)
    if message.needs_review:
        blocks.append(section("A coordinator will look at:"))
        blocks += bullets([md(r) for r in message.needs_review])
    return {
        "text": f"Recorded: {len(message.lines)} updates for {message.plan_title}",
        "blocks": blocks[: limits.BLOCKS_PER_MESSAGE],
    }


def escalation_message(message: EscalationMessage) -> dict[str, Any]:
    lines = [f"*{md(m.lead)}*: {md(', '.join(m.refs))}" for m in message.missing]
    head = (
        f"The *{md(message.round_name)}* update on the *{md(message.plan_title)}* "
        f"was due {day(message.due)}. Still missing:"
    )
    blocks = [
        {"type": "header", "text": plain("Progress updates missing", limits.HEADER_TEXT)},
        section(head),
    ]
    blocks += bullets(lines)
    return {
        "text": f"Progress updates missing for {message.plan_title}",
        "blocks": blocks[: limits.BLOCKS_PER_MESSAGE],
    }


def notice_message(message: NoticeMessage) -> dict[str, Any]:
    blocks = [section(f"*{md(message.subject)}*"), *bullets([md(line) for line in message.lines])]
    return {"text": message.subject, "blocks": blocks[: limits.BLOCKS_PER_MESSAGE]}
