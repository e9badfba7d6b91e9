"""Plain-text DMs: "1.1 done, signed off in Feb; 1.3 slipped to June".

The text goes through the shared update parser (collector.replies.parsing). When every update it finds is
confident,
nothing is recorded yet: the bot answers with what it understood and Confirm / Edit buttons, and the stored
message waits (state "new", processed_at set, parsed = what was read). Confirm records exactly that through
intake; Edit opens the modal with it filled in. Anything unclear goes through intake as it is, which
records what is certain and sends the rest to the review queue, and the lead is told which. A reading nobody
confirms within HOLD goes to the review queue too (bot/sweep.py), so no answer is left waiting unseen.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import ingest, prompts
from bot.blocks.messages import Understood, understood_blocks
from bot.context import Bot
from collector.channels import messages
from collector.core.vocabulary import InboundState
from collector.replies import intake
from collector.replies.answerers import principals
from collector.replies.parsing import parse_reply
from collector.replies.review import parsed_updates
from collector.replies.types import CONFIDENT, AskedAction, ParsedUpdate, Reply
from store.db import session_scope
from store.models.plans import Action, Plan
from store.models.records import InboundMessage
from store.models.rounds import Prompt, PromptAction, Round

log = logging.getLogger(__name__)

HOLD = timedelta(hours=24)
AWAITING = "awaiting the lead's confirmation in Slack"


def handle(bot: Bot, inbound_id: int) -> None:
    """Read one stored DM and answer it (idempotent: a message already handled is left alone)."""
    with session_scope(bot.engine, read_only=True) as s:
        msg = s.get(InboundMessage, inbound_id)
        if msg is None or msg.state != InboundState.NEW or msg.processed_at is not None:
            return
        event = ingest.payload(msg).get("event") or {}
    user, text = event.get("user", ""), (event.get("text") or "").strip()
    person = bot.directory.person_for(user) if user else None
    reply_to = event.get("channel") or user
    prompt_id: int | None
    with session_scope(bot.engine) as s:
        msg = s.get_one(InboundMessage, inbound_id)
        if msg.state != InboundState.NEW or msg.processed_at is not None:
            return
        msg.person_id = person
        prompt = _open_prompt(s, person)
        parsed = _confident(s, prompt, text, bot.clock.now().date()) if prompt is not None else None
        if parsed and prompt is not None:
            msg.prompt_id, msg.round_id = prompt.id, prompt.round_id
            msg.parsed = {"text": text, "updates": [u.as_json() for _, u in parsed], "unknown_refs": []}
            msg.processed_at, msg.reason = bot.clock.now(), AWAITING
            labels = dict(s.get_one(Plan, s.get_one(Round, prompt.round_id).plan_id).status_labels or {})
            lines = [
                Understood(ref, u.status.value if u.status else None, u.progress, u.revised_target_text)
                for ref, u in parsed
            ]
            shown = understood_blocks(lines, labels, str(msg.id))
            result, prompt_id = None, prompt.id
        else:
            reply = Reply(
                channel="slack",
                text=text,
                received_at=msg.received_at,
                sender_person_id=person,
                sender_address=f"slack:{user}",
                prompt_id=prompt.id if prompt else None,
                inbound_message_id=msg.id,
            )
            result = intake.apply(s, reply, clock=bot.clock)
            prompt_id = result.prompt.id if result.prompt else None
    if result is None:
        _post(bot, reply_to, "Here is what I understood.", shown)
        return
    if prompt_id is not None:
        prompts.refresh(bot, prompt_id)
    _post(bot, reply_to, _summary(result), None)


def _open_prompt(s: Session, person_id: int | None) -> Prompt | None:
    """The one open prompt this person answers (theirs, or as a delegate); None when none or several."""
    if person_id is None:
        return None
    answers_for = [person_id, *principals(s, person_id)]
    query = (
        select(Prompt)
        .join(Round, Prompt.round_id == Round.id)
        .where(Prompt.person_id.in_(answers_for), Round.kind == "collection", Round.state == "open")
    )
    found = list(s.scalars(query))
    return found[0] if len({p.person_id for p in found}) == 1 and len(found) == 1 else None


def _confident(s: Session, prompt: Prompt, text: str, today: date) -> list[tuple[str, ParsedUpdate]] | None:
    """(ref as printed, update) for each action the text answers, when every one is confident."""
    asked = list(
        s.scalars(
            select(Action)
            .join(PromptAction, PromptAction.action_id == Action.id)
            .where(PromptAction.prompt_id == prompt.id)
        )
    )
    # The lead sees (and writes) refs as printed in full, "2.3 a)"; intake matches an action's own ref.
    qualified = messages.qualified_refs(s, {a.id for a in asked})
    own = {qualified[a.id]: a.ref for a in asked}
    result = parse_reply(text, [AskedAction(qualified[a.id], a.text) for a in asked], today=today)
    if not result.updates or result.unknown_refs or any(u.confidence < CONFIDENT for u in result.updates):
        return None
    return [(u.ref, ParsedUpdate(**{**u.__dict__, "ref": own[u.ref]})) for u in result.updates]


def _summary(result: intake.IntakeResult) -> str:
    if result.state == InboundState.APPLIED:
        return f"Thank you: recorded {len(result.recorded)} update{'s' if len(result.recorded) != 1 else ''}."
    done = f"Recorded {len(result.recorded)}. " if result.recorded else ""
    why = "; ".join(result.review)[:2000]
    return f"{done}I wasn't sure about everything, so a coordinator will look at it: {why}"


def _post(bot: Bot, channel: str, text: str, shown: list[dict[str, Any]] | None) -> None:
    try:
        bot.client.chat_postMessage(channel=channel, text=text, blocks=shown)
    except Exception:
        log.warning("could not answer in %s", channel, exc_info=True)


def held(s: Session, inbound_id: int, person_id: int | None) -> tuple[InboundMessage | None, str | None]:
    """The waiting reading a Confirm/Edit button names, if this person may act on it: (message, why not)."""
    msg = s.get(InboundMessage, inbound_id)
    if msg is None or msg.channel != "slack" or msg.reason != AWAITING:
        return None, "That reading has already been dealt with."
    if msg.state != InboundState.NEW:
        return None, "That reading has already been dealt with."
    if person_id is None or msg.person_id != person_id:
        return None, "Only the person who wrote the message can confirm it."
    return msg, None


def confirm(s: Session, bot: Bot, msg: InboundMessage) -> intake.IntakeResult:
    """Record the reading as the lead confirmed it (through intake, pointing at the DM's raw payload)."""
    updates = [ParsedUpdate(**{**u.__dict__, "confidence": 1.0}) for u in parsed_updates(msg)]
    reply = Reply(
        channel="slack",
        text=(msg.parsed or {}).get("text", ""),
        received_at=msg.received_at,
        sender_person_id=msg.person_id,
        prompt_id=msg.prompt_id,
        inbound_message_id=msg.id,
        structured=updates,
    )
    msg.reason = None
    return intake.apply(s, reply, clock=bot.clock)
