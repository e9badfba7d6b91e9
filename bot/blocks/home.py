"""The App Home tab: a lead's actions with an Update button while a round asks about them; for
coordinators, the open rounds and the review queue too. Clipped to the tab's block limit, saying what more
there is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from bot import limits
from bot.blocks.common import button, context, day, md, plain, section, status_label
from bot.limits import clip

HOME_REVIEW_ITEMS = 15


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
        {"type": "header", "text": plain("Action plan progress", limits.HEADER_TEXT)}
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
