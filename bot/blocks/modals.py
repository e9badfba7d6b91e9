"""The modals a lead fills in: one action in detail (status, progress, revised target, evidence), every
asked action at once, and a notice when there is nothing to update. Their input block ids carry the action
id, so bot/listeners/views.py reads the answers back without guessing.
"""

from __future__ import annotations

from typing import Any

from bot import limits
from bot.blocks.common import context, md, plain, section, status_select
from bot.blocks.prompt import PromptView, Recorded
from bot.limits import clip
from collector.channels.protocol import AskedItem


def detail_modal(view: PromptView, item: AskedItem, metadata: str) -> dict[str, Any]:
    """One action: status, progress, revised target (date picker) and an evidence link."""
    recorded = view.recorded.get(item.action_id)
    blocks = [
        section(
            f"*{md(item.ref)}*  {md(item.text)}" + (f"\nTarget: {md(item.target)}" if item.target else "")
        )
    ]
    blocks += _inputs(f"{item.action_id}", view.labels, recorded, optional_status=False)
    return _modal("detail", f"Update {item.ref}", blocks, metadata)


def update_all_modal(view: PromptView, metadata: str) -> tuple[dict[str, Any], int]:
    """Every asked action (as many as a modal holds): a status and a line of progress each. Returns the
    view and how many actions it shows."""
    room = (limits.BLOCKS_PER_VIEW - 2) // 3
    shown = view.items[:room]
    blocks = [context("Leave an action's status empty to keep what is recorded for it.")]
    for item in shown:
        recorded = view.recorded.get(item.action_id)
        blocks.append(section(f"*{md(item.ref)}*  {md(clip(item.text, 600))}"))
        blocks += _inputs(f"{item.action_id}", view.labels, recorded, optional_status=True, brief=True)
    if len(view.items) > room:
        blocks.append(
            context(f"{len(view.items) - room} more actions: use *Add detail* on the message for those.")
        )
    return _modal("update_all", "Update all actions", blocks, metadata), len(shown)


def _inputs(
    key: str, labels: dict[str, str], recorded: Recorded | None, *, optional_status: bool, brief: bool = False
) -> list[dict[str, Any]]:
    status = status_select("status", labels, recorded.status if recorded else None)
    progress: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": "progress",
        "multiline": True,
        "max_length": limits.PLAIN_INPUT_MAX,
        "placeholder": plain("What has happened since the last report?", limits.PLACEHOLDER),
    }
    if recorded and recorded.progress:
        progress["initial_value"] = clip(recorded.progress, limits.PLAIN_INPUT_MAX)
    blocks = [
        _input(f"status:{key}", "Status", status, optional=optional_status),
        _input(f"progress:{key}", "Progress", progress, optional=True),
    ]
    if brief:
        return blocks
    picker: dict[str, Any] = {"type": "datepicker", "action_id": "target"}
    evidence: dict[str, Any] = {"type": "url_text_input", "action_id": "evidence"}
    if recorded and recorded.evidence:
        evidence["initial_value"] = recorded.evidence[0]
    hint = "Only if the target date has moved."
    return [
        *blocks,
        _input(f"target:{key}", "Revised target", picker, optional=True, hint=hint),
        _input(
            f"evidence:{key}", "Evidence link", evidence, optional=True, hint="A link to a report, minutes…"
        ),
    ]


def _input(
    block_id: str, text: str, element: dict[str, Any], *, optional: bool, hint: str = ""
) -> dict[str, Any]:
    block = {
        "type": "input",
        "block_id": block_id,
        "label": plain(text, 2000),
        "element": element,
        "optional": optional,
    }
    return block | ({"hint": plain(hint, 2000)} if hint else {})


def _modal(callback: str, title: str, blocks: list[dict[str, Any]], metadata: str) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": callback,
        "title": plain(title, limits.VIEW_TITLE),
        "submit": plain("Save", limits.VIEW_BUTTON),
        "close": plain("Cancel", limits.VIEW_BUTTON),
        "private_metadata": metadata,
        "blocks": blocks,
    }


def notice_modal(title: str, text: str) -> dict[str, Any]:
    return {
        "type": "modal",
        "title": plain(title, limits.VIEW_TITLE),
        "close": plain("Close", limits.VIEW_BUTTON),
        "blocks": [section(md(text))],
    }
