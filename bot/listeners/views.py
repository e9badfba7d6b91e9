"""Modal submissions: the detail modal (one action) and the update-all modal.

The ack is where a modal can still say no: the signed state is verified and the fields are checked before
acking, and problems go back as `response_action: errors` on the field concerned, so the lead fixes them
in place. A good submission is acked (the modal closes) and recorded in a lazy listener.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from slack_bolt import Ack, App

from bot import ids, ingest
from bot.answers import answer, direct, patiently
from bot.context import Bot
from bot.record import Choice
from bot.text import AWAITING
from collector.core.vocabulary import InboundState, Status
from store.db import session_scope
from store.inbound import mark_applied
from store.models.records import InboundMessage

log = logging.getLogger(__name__)

EXPIRED = "This form could not be checked. Close it and open it again from the message."


def read(view: dict[str, Any], secret: str) -> tuple[dict[str, Any] | None, list[Choice], dict[str, str]]:
    """(metadata, choices, errors by block id) from a submitted view."""
    values = (view.get("state") or {}).get("values")
    values = values if isinstance(values, dict) else {}
    try:
        meta = ids.verify(view.get("private_metadata"), secret)
        action_ids = [int(a) for a in meta.get("a", [])]
        token = str(meta["t"])
    except (ids.BadMetadata, KeyError, TypeError, ValueError):
        return None, [], {_first_input(view): EXPIRED}
    detail = view.get("callback_id") == "detail"
    choices, errors = [], {}
    for a in action_ids:
        status = _get(values, f"status:{a}", "status", "selected_option")
        status_value = status.get("value") if isinstance(status, dict) else None
        progress = _get(values, f"progress:{a}", "progress", "value")
        target = _get(values, f"target:{a}", "target", "selected_date")
        evidence = _get(values, f"evidence:{a}", "evidence", "value")
        try:
            chosen = Status(status_value) if status_value else None
            if chosen is Status.NO_CHANGE:
                raise ValueError
        except ValueError:
            errors[f"status:{a}"] = "Choose one of the statuses listed."
            continue
        if detail and chosen is None:
            errors[f"status:{a}"] = "Choose a status."
        if evidence and not str(evidence).startswith(("https://", "http://")):
            errors[f"evidence:{a}"] = "Give a web link starting with https://"
        try:
            revised = date.fromisoformat(target) if target else None
        except (TypeError, ValueError):
            errors[f"target:{a}"] = "Pick a date."
            revised = None
        text = progress.strip() if isinstance(progress, str) and progress.strip() else None
        if chosen or text or revised or evidence:
            choices.append(Choice(a, chosen, text, revised, evidence or None))
    if not choices and not errors and action_ids:
        errors[f"status:{action_ids[0]}"] = "Choose a status for at least one action, or press Cancel."
    return {**meta, "t": token}, choices, errors


def _get(values: dict[str, Any], block: str, action: str, key: str) -> Any:
    found = (values.get(block) or {}).get(action) or {}
    return found.get(key) if isinstance(found, dict) else None


def _first_input(view: dict[str, Any]) -> str:
    for block in view.get("blocks") or []:
        if isinstance(block, dict) and block.get("type") == "input" and block.get("block_id"):
            return str(block["block_id"])
    return "status"


def register(app: App, bot: Bot) -> None:
    def ack_submission(ack: Ack, body: dict[str, Any]) -> None:
        _meta, _choices, errors = read(body.get("view") or {}, bot.secret)
        if errors:
            ack(response_action="errors", errors=errors)
        else:
            ack()

    def save(body: dict[str, Any]) -> None:
        view = body.get("view") or {}
        meta, choices, errors = read(view, bot.secret)
        if meta is None or errors:
            return
        user = (body.get("user") or {}).get("id", "")
        outcome = answer(
            bot,
            body,
            ingest.view_id(body),
            token=meta["t"],
            choices=choices,
            what=f"Slack: {view.get('callback_id')} form, {len(choices)} actions",
            say=direct(bot, user),
            kind="view",
        )
        if outcome is not None and not outcome.refused and meta.get("i"):
            patiently(lambda: _close_held(bot, int(meta["i"]), outcome.prompt_id))

    for callback in ("detail", "update_all"):
        app.view(callback)(ack=ack_submission, lazy=[save])


def _close_held(bot: Bot, inbound_id: int, prompt_id: int | None) -> None:
    """A plain-text reading the lead chose to edit: their edited answer replaced it."""
    with session_scope(bot.engine) as s:
        msg = s.get(InboundMessage, inbound_id)
        held = msg is not None and msg.state == InboundState.NEW and msg.reason == AWAITING
        if msg is not None and held and msg.prompt_id == prompt_id:
            mark_applied(msg, at=None, reason="edited by the lead in a Slack form before it was recorded")
