"""The prompt and reminder messages a lead receives: each asked action with its status select and what is
on record, split across messages when there are more actions than one message holds (bot/limits.py).
Pure: a PromptView in, JSON-ready dicts out. When the view carries the lead's update-page link (PUBLIC_URL
and WEB_SECRET set, docs/web.md), the last message's buttons end with a URL button to it, as email shows
the link: a lead who would rather answer in a browser finds it without asking.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bot import limits
from bot.blocks.common import (
    button,
    context,
    day,
    item_value,
    md,
    plain,
    section,
    status_label,
    status_select,
    url_button,
)
from bot.limits import clip
from collector.channels.protocol import AskedItem

PER_ACTION = 3  # blocks each action takes in a prompt message
HEAD, FOOT = 3, 3  # blocks around them in the first and last message
EXAMPLE = "1.1 done, signed off in Feb; 1.3 slipped to June"
WEB_ACTION = "open_web"  # the URL button's action_id: Slack still sends its click, which is only acked


@dataclass(frozen=True)
class Recorded:
    """What this round holds for one action (the latest update), as a lead reads it back."""

    status: str | None
    progress: str = ""
    revised_target: str | None = None
    evidence: tuple[str, ...] = ()
    by: str | None = None  # who answered, when it was not the lead themself


@dataclass(frozen=True)
class PromptView:
    """Everything one prompt's messages show: the asked items and what the round has recorded for them."""

    kind: str  # "prompt" | "reminder"
    token: str  # the prompt's reply token: names the prompt in every button
    lead: str
    plan_title: str
    round_name: str
    due: date | None
    items: tuple[AskedItem, ...]
    recorded: dict[int, Recorded] = field(default_factory=dict)  # action id -> what is on the record
    labels: dict[str, str] = field(default_factory=dict)  # the plan's own status labels
    open: bool = True  # the round still takes answers
    link: str | None = None  # the lead's update page (collector/core/links.py); None when links are off


def prompt_messages(view: PromptView) -> list[dict[str, Any]]:
    """The prompt (or reminder) as one or more messages: [{"text", "blocks"}], each within 50 blocks."""
    per_message = (limits.BLOCKS_PER_MESSAGE - HEAD - FOOT) // PER_ACTION
    groups = [view.items[i : i + per_message] for i in range(0, len(view.items), per_message)] or [()]
    out = []
    for n, group in enumerate(groups):
        blocks = (
            _head(view)
            if n == 0
            else [context(f"_{md(view.round_name)} update, continued ({n + 1} of {len(groups)})_")]
        )
        for item in group:
            blocks += _item(view, item)
        if n == len(groups) - 1:
            blocks += _foot(view)
        out.append({"text": _fallback(view, n, len(groups)), "blocks": blocks})
    return out


def _fallback(view: PromptView, n: int, total: int) -> str:
    """The notification text (and what screen readers and old clients show)."""
    what = "Reminder: progress update" if view.kind == "reminder" else "Progress update"
    part = f" (part {n + 1} of {total})" if total > 1 else ""
    return f"{what} for {view.plan_title}{part}: due {day(view.due)}"


def _head(view: PromptView) -> list[dict[str, Any]]:
    n = len(view.items)
    actions = "your action" if n == 1 else f"each of your {n} actions"
    if view.kind == "reminder":
        title = f"Reminder: {view.round_name} progress update"
        intro = (
            f"Hi {md(view.lead)}, we still need your update on {'this action' if n == 1 else f'{n} actions'} "
            f"for the *{md(view.plan_title)}*, due *{day(view.due)}*."
        )
    else:
        title = f"{view.round_name} progress update"
        intro = (
            f"Hi {md(view.lead)}, it's time for the *{md(view.round_name)}* update on the "
            f"*{md(view.plan_title)}*. Please tell us how {actions} is going by *{day(view.due)}*."
        )
    how = (
        "Pick a status for each action, or use *Add detail* to add progress, a revised target or evidence. "
        "You can change your answers until the round closes."
        if view.open
        else "This round has closed, so answers can no longer be changed here: ask the plan's coordinator."
    )
    return [
        {"type": "header", "text": plain(title, limits.HEADER_TEXT)},
        section(f"{intro}\n{how}"),
        {"type": "divider"},
    ]


def _item(view: PromptView, item: AskedItem) -> list[dict[str, Any]]:
    value = item_value(view.token, item.action_id)
    facts = [f"Part of {md(clip(item.part_of, 140))}"] if item.part_of else []
    if item.target:
        facts.append(f"Target: {md(item.target)}")
    if item.last_status:
        facts.append(f"Last reported: {status_label(item.last_status, view.labels)}")
    text = f"*{md(item.ref)}*  {md(item.text)}"
    text = clip(text, limits.SECTION_TEXT - 400) + ("\n" + " · ".join(facts) if facts else "")
    recorded = view.recorded.get(item.action_id)
    head: dict[str, Any] = section(text, block_id=f"u:{value}")
    if view.open:
        head["accessory"] = status_select("status", view.labels, recorded.status if recorded else None)
    blocks = [head, context(_recorded_line(recorded, item, view.labels))]
    if view.open:
        blocks.append(
            {"type": "actions", "block_id": f"d:{value}", "elements": [button("Add detail", "detail", value)]}
        )
    else:
        blocks.append({"type": "divider"})
    return blocks


def _recorded_line(recorded: Recorded | None, item: AskedItem, labels: dict[str, str]) -> str:
    if recorded is None:
        if item.answered_by:
            return f"Answered by {md(item.answered_by)} this round."
        return "Not answered yet."
    parts = [f":white_check_mark: Recorded: *{status_label(recorded.status, labels)}*"]
    if recorded.progress:
        parts.append(f"“{md(clip(recorded.progress, 1200))}”")
    if recorded.revised_target:
        parts.append(f"revised target {md(recorded.revised_target)}")
    if recorded.evidence:
        parts.append("evidence: " + ", ".join(f"<{e}|link>" for e in recorded.evidence[:3] if _safe_url(e)))
    if recorded.by:
        parts.append(f"by {md(recorded.by)}")
    return " · ".join(p for p in parts if p)


def _safe_url(url: str) -> bool:
    return url.startswith(("https://", "http://")) and not any(c in url for c in "<>| \n")


def _foot(view: PromptView) -> list[dict[str, Any]]:
    if not view.open:  # the buttons go with the round, the link's with them: the head says to ask instead
        return []
    elements = [
        button("No change to all", "no_change_all", view.token),
        button("Update all", "update_all", view.token, style="primary"),
    ]
    if view.link:
        elements.append(url_button("Answer on the web", WEB_ACTION, view.link))
    return [
        {"type": "divider"},
        {"type": "actions", "block_id": f"all:{view.token}", "elements": elements},
        context(f"Or reply here in your own words, for example: _{EXAMPLE}_"),
    ]
