"""Pure Block Kit builders: what leads and coordinators see. Data in, JSON-ready dicts out; no I/O.

Every surface stays inside Block Kit's limits (bot/limits.py): text is clipped, a prompt with more actions
than one message holds is split across messages, a modal or home tab with more than fits says so. Ids that
come back in interactions are built and read here only (the `*_id`/`parse_*` pairs), so listeners never
guess at a format.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bot import limits
from bot.limits import clip
from collector.channels.protocol import (
    AskedItem,
    EscalationMessage,
    NoticeMessage,
    ReceiptMessage,
)
from collector.core.vocabulary import Status, label

ANSWERABLE = [s for s in Status if s is not Status.NO_CHANGE]
PER_ACTION = 3  # blocks each action takes in a prompt message
HEAD, FOOT = 3, 3  # blocks around them in the first and last message
HOME_REVIEW_ITEMS = 15
EXAMPLE = "1.1 done, signed off in Feb; 1.3 slipped to June"


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


def md(text: str) -> str:
    """Escape user text for mrkdwn: Slack reads <, > and & as markup (links, mentions)."""
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def day(value: date | None) -> str:
    return f"{value:%A} {value.day} {value:%B %Y}" if value else "no date set"


def status_label(value: str | None, labels: dict[str, str]) -> str:
    return label(Status(value), labels) if value else "no status"


def _text(text: str, *, kind: str = "mrkdwn", limit: int = limits.SECTION_TEXT) -> dict[str, Any]:
    return {"type": kind, "text": clip(text, limit), **({"emoji": True} if kind == "plain_text" else {})}


def _plain(text: str, limit: int) -> dict[str, Any]:
    return _text(text, kind="plain_text", limit=limit)


def section(text: str, **extra: Any) -> dict[str, Any]:
    return {"type": "section", "text": _text(text), **extra}


def context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [_text(text)]}


def button(text: str, action_id: str, value: str, style: str | None = None) -> dict[str, Any]:
    out = {"type": "button", "text": _plain(text, limits.BUTTON_TEXT), "action_id": action_id, "value": value}
    return out | ({"style": style} if style else {})


def _option(status: Status, labels: dict[str, str]) -> dict[str, Any]:
    return {"text": _plain(label(status, labels), limits.OPTION_TEXT), "value": status.value}


def status_select(action_id: str, labels: dict[str, str], current: str | None) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "static_select",
        "action_id": action_id,
        "placeholder": _plain("Choose a status", limits.PLACEHOLDER),
        "options": [_option(s, labels) for s in ANSWERABLE],
    }
    if current and current in {s.value for s in ANSWERABLE}:
        element["initial_option"] = _option(Status(current), labels)
    return element


# -- ids carried by interactive elements --------------------------------------------------------------------


def item_value(token: str, action_id: int) -> str:
    return f"{token}:{action_id}"


def parse_item_value(value: str) -> tuple[str, int]:
    """(token, action id) from an element's value or a block id; ValueError when it is not one of ours."""
    token, _, action = value.rpartition(":")
    if not token or not action.isdigit():
        raise ValueError(f"not an item value: {value[:60]!r}")
    return token.removeprefix("u:"), int(action)


# -- prompts and reminders ----------------------------------------------------------------------------------


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
        {"type": "header", "text": _plain(title, limits.HEADER_TEXT)},
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
    if not view.open:
        return []
    return [
        {"type": "divider"},
        {
            "type": "actions",
            "block_id": f"all:{view.token}",
            "elements": [
                button("No change to all", "no_change_all", view.token),
                button("Update all", "update_all", view.token, style="primary"),
            ],
        },
        context(f"Or reply here in your own words, for example: _{EXAMPLE}_"),
    ]


# -- modals -------------------------------------------------------------------------------------------------


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
        "placeholder": _plain("What has happened since the last report?", limits.PLACEHOLDER),
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
        "label": _plain(text, 2000),
        "element": element,
        "optional": optional,
    }
    return block | ({"hint": _plain(hint, 2000)} if hint else {})


def _modal(callback: str, title: str, blocks: list[dict[str, Any]], metadata: str) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": callback,
        "title": _plain(title, limits.VIEW_TITLE),
        "submit": _plain("Save", limits.VIEW_BUTTON),
        "close": _plain("Cancel", limits.VIEW_BUTTON),
        "private_metadata": metadata,
        "blocks": blocks,
    }


def notice_modal(title: str, text: str) -> dict[str, Any]:
    return {
        "type": "modal",
        "title": _plain(title, limits.VIEW_TITLE),
        "close": _plain("Close", limits.VIEW_BUTTON),
        "blocks": [section(md(text))],
    }


# -- plain-text replies -------------------------------------------------------------------------------------


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
    blocks += _bullets(lines)
    if message.needs_review:
        blocks.append(section("A coordinator will look at:"))
        blocks += _bullets([md(r) for r in message.needs_review])
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
        {"type": "header", "text": _plain("Progress updates missing", limits.HEADER_TEXT)},
        section(head),
    ]
    blocks += _bullets(lines)
    return {
        "text": f"Progress updates missing for {message.plan_title}",
        "blocks": blocks[: limits.BLOCKS_PER_MESSAGE],
    }


def notice_message(message: NoticeMessage) -> dict[str, Any]:
    blocks = [section(f"*{md(message.subject)}*"), *_bullets([md(line) for line in message.lines])]
    return {"text": message.subject, "blocks": blocks[: limits.BLOCKS_PER_MESSAGE]}


def _bullets(lines: list[str]) -> list[dict[str, Any]]:
    """Lines as few sections as fit 3,000 characters each."""
    out, current = [], ""
    for line in lines:
        entry = "• " + clip(line, 2500)
        if current and len(current) + len(entry) + 1 > limits.SECTION_TEXT:
            out.append(section(current))
            current = ""
        current = f"{current}\n{entry}" if current else entry
    if current:
        out.append(section(current))
    return out


# -- App Home -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LeadAction:
    ref: str
    text: str
    status: str | None  # the latest status on record
    target: str | None
    value: str | None  # the update button's value (token:action id) while a round asks about it


@dataclass(frozen=True)
class RoundLine:
    name: str
    plan_title: str
    due: date | None
    leads_done: int
    leads: int
    answered: int
    asked: int
    delivery: str = ""  # how the prompts went: "3 sent, 1 unreachable" (round_status.delivery_line)


@dataclass(frozen=True)
class ReviewLine:
    id: int
    who: str
    reason: str
    text: str
    can_apply: bool


def home_view(
    lead: list[LeadAction] | None,
    rounds: list[RoundLine] | None,
    review: list[ReviewLine] | None,
    *,
    labels: dict[str, str] | None = None,
    review_total: int = 0,
) -> dict[str, Any]:
    """The App Home tab: a lead's actions; for coordinators, open rounds and the review queue too."""
    labels = labels or {}
    out: list[dict[str, Any]] = [
        {"type": "header", "text": _plain("Action plan progress", limits.HEADER_TEXT)}
    ]
    if rounds is not None:
        out += _home_rounds(rounds) + _home_review(review or [], review_total)
    room = limits.BLOCKS_PER_VIEW - len(out) - 3
    out.append(section("*Your actions*"))
    if not lead:
        out.append(context("You lead no actions in any plan we hold."))
    for n, action in enumerate(lead or []):
        if n >= room:
            out.append(context(f"…and {len(lead or []) - n} more."))
            break
        text = f"*{md(action.ref)}*  {md(clip(action.text, 1500))}\n{status_label(action.status, labels)}"
        text += f" · target {md(action.target)}" if action.target else ""
        block = section(text)
        if action.value:
            block["accessory"] = button("Update", "home_detail", action.value)
        out.append(block)
    if lead and not any(a.value for a in lead):
        out.append(
            context("No round is asking about these now: you will get a message when the next one opens.")
        )
    return {"type": "home", "blocks": out[: limits.BLOCKS_PER_VIEW]}


def _home_rounds(rounds: list[RoundLine]) -> list[dict[str, Any]]:
    out = [section("*Open rounds*")]
    if not rounds:
        out.append(context("No round is open. Start one with the slash command: `start PLAN YYYY-MM-DD`."))
    for r in rounds[:10]:
        rate = f"{100 * r.leads_done // r.leads}%" if r.leads else "n/a"
        out.append(
            section(
                f"*{md(r.name)}*: {md(r.plan_title)}, due {day(r.due)}\n"
                f"{r.leads_done} of {r.leads} leads done ({rate}); {r.answered} of {r.asked} actions answered"
                + (f"\nPrompts: {md(r.delivery)}" if r.delivery else "")
            )
        )
    return [*out, {"type": "divider"}]


def _home_review(review: list[ReviewLine], total: int) -> list[dict[str, Any]]:
    out = [section(f"*Review queue* ({total} waiting)")]
    if not review:
        out.append(context("Nothing waiting for review."))
    for item in review[:HOME_REVIEW_ITEMS]:
        out.append(
            section(
                f"*#{item.id}* from {md(item.who)}: {md(clip(item.reason, 600))}\n>{md(clip(item.text, 800))}"
            )
        )
        elements = [button("Reject", "review_reject", str(item.id), style="danger")]
        if item.can_apply:
            elements.insert(0, button("Apply as read", "review_apply", str(item.id), style="primary"))
        out.append({"type": "actions", "block_id": f"review:{item.id}", "elements": elements})
    if total > len(review[:HOME_REVIEW_ITEMS]):
        out.append(context(f"{total - HOME_REVIEW_ITEMS} more: `collector review list` shows them all."))
    return [*out, {"type": "divider"}]
