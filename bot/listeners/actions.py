"""Buttons and selects on prompt messages, on the bot's "here is what I understood" and in App Home.

Every handler acks at once with nothing (bolt's `ack`), then works in a lazy listener: Slack shows the
person their click landed, and the message updates in place when the answer is on the record. The URL
button to the lead's update page is only acked: the browser does the rest.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App
from slack_sdk.errors import SlackApiError

from bot import ids, ingest, prompts, text
from bot.answers import answer, responder, store_once
from bot.blocks.common import parse_item_value
from bot.blocks.messages import outcome_blocks
from bot.blocks.modals import detail_modal, notice_modal, update_all_modal
from bot.blocks.prompt import WEB_ACTION, PromptView, Recorded
from bot.context import Bot
from bot.record import Choice, check
from collector.core.vocabulary import Status
from collector.replies.review import parsed_updates
from store.db import session_scope
from store.inbound import mark_applied, mark_rejected
from store.models.records import InboundMessage
from store.models.rounds import Prompt

log = logging.getLogger(__name__)


def _ack(ack: Ack) -> None:
    ack()


def _first(body: dict[str, Any]) -> dict[str, Any]:
    first: dict[str, Any] = (body.get("actions") or [{}])[0]
    return first


def register(app: App, bot: Bot) -> None:
    def on_status(body: dict[str, Any], respond: Any) -> None:
        action = _first(body)
        try:
            token, action_id = parse_item_value(action.get("block_id", ""))
            status = Status(((action.get("selected_option") or {}).get("value")) or "")
        except ValueError:
            log.warning("status select with a block or value that is not ours: ignored")
            return
        answer(
            bot,
            body,
            ingest.action_id(body, action),
            token=token,
            choices=[Choice(action_id, status=status)],
            what=f"Slack: status {status.value} chosen for action {action_id}",
            say=responder(respond),
        )

    def on_no_change(body: dict[str, Any], respond: Any) -> None:
        action = _first(body)
        answer(
            bot,
            body,
            ingest.action_id(body, action),
            token=action.get("value", ""),
            choices=[],
            no_change_unanswered=True,
            what="Slack: no change to all",
            say=responder(respond),
        )

    def open_detail(body: dict[str, Any], client: Any) -> None:
        try:
            token, action_id = parse_item_value(_first(body).get("value", ""))
        except ValueError:
            return
        _open(bot, body, client, token, [action_id], source=_source(body))

    def open_all(body: dict[str, Any], client: Any) -> None:
        _open(bot, body, client, _first(body).get("value", ""), None, source=_source(body))

    def on_confirm(body: dict[str, Any], respond: Any) -> None:
        _confirm(bot, body, respond)

    def on_edit(body: dict[str, Any], client: Any) -> None:
        _edit(bot, body, client)

    app.action("status")(ack=_ack, lazy=[on_status])
    app.action("no_change_all")(ack=_ack, lazy=[on_no_change])
    app.action("detail")(ack=_ack, lazy=[open_detail])
    app.action("home_detail")(ack=_ack, lazy=[open_detail])
    app.action("update_all")(ack=_ack, lazy=[open_all])
    app.action("text_confirm")(ack=_ack, lazy=[on_confirm])
    app.action("text_edit")(ack=_ack, lazy=[on_edit])
    # the prompt's "Answer on the web" opens the link in the browser; Slack posts the click all the same
    # and shows the person an error unless it is acknowledged. There is nothing to record.
    app.action(WEB_ACTION)(_ack)


def _source(body: dict[str, Any]) -> str:
    return "home" if (body.get("container") or {}).get("type") == "view" else "message"


def _open(
    bot: Bot,
    body: dict[str, Any],
    client: Any,
    token: str,
    only: list[int] | None,
    *,
    source: str,
    held: int | None = None,
    overlay: dict[int, Recorded] | None = None,
) -> None:
    """Open the detail modal (one action) or the update-all modal, or a notice saying why not."""
    person = bot.directory.person_for((body.get("user") or {}).get("id", ""))
    with session_scope(bot.engine, read_only=True) as s:
        prompt, why = check(s, token, person)
        view = prompts.view_of(s, prompt) if prompt is not None and why is None else None
    if view is None:
        return _show(client, body, notice_modal("Cannot update", why or "Nothing to update."))
    if overlay:
        view = PromptView(**{**view.__dict__, "recorded": {**view.recorded, **overlay}})
    items = [i for i in view.items if only is None or i.action_id in only]
    if not items:
        return _show(client, body, notice_modal("Cannot update", "That action is no longer asked."))
    meta = {"t": token, "src": source, **({"i": held} if held else {})}
    if only is not None and len(items) == 1:
        modal = detail_modal(view, items[0], ids.sign({**meta, "a": [items[0].action_id]}, bot.secret))
    else:
        shown = PromptView(**{**view.__dict__, "items": tuple(items)})
        modal, n = update_all_modal(shown, "")
        modal["private_metadata"] = ids.sign({**meta, "a": [i.action_id for i in items[:n]]}, bot.secret)
    _show(client, body, modal)


def _show(client: Any, body: dict[str, Any], view: dict[str, Any]) -> None:
    try:
        client.views_open(trigger_id=body.get("trigger_id", ""), view=view)
    except SlackApiError as exc:  # expired_trigger_id: the click is older than 3 s by the time we got here
        log.warning("views.open failed: %s", exc.response.get("error"))


def _confirm(bot: Bot, body: dict[str, Any], respond: Any) -> None:
    action, say = _first(body), responder(respond)
    user = (body.get("user") or {}).get("id", "")
    stored = store_once(bot, body, ingest.action_id(body, action))
    if stored is None:
        return
    person = bot.directory.person_for(user)
    with session_scope(bot.engine) as s:
        msg, why = text.held(s, int(action.get("value") or 0), person)
        mine = s.get_one(InboundMessage, stored.id)
        mine.person_id, mine.processed_at = person, bot.clock.now()
        if msg is None:
            mark_rejected(mine, at=None, reason=why)
            result = None
        else:
            result = text.confirm(s, bot, msg)
            mark_applied(mine, at=None, reason=f"confirmed inbound message {msg.id}")
            mine.prompt_id, mine.round_id = msg.prompt_id, msg.round_id
            prompt_id = msg.prompt_id
    if result is None:
        say(why or "Nothing to confirm.")
        return
    done = f"Recorded {len(result.recorded)} update{'s' if len(result.recorded) != 1 else ''}. Thank you."
    if result.review:
        done += " A coordinator will look at: " + "; ".join(result.review)[:2000]
    try:
        respond(text=done, replace_original=True, blocks=outcome_blocks(f":white_check_mark: {done}"))
    except Exception:
        log.warning("could not update the confirmation message", exc_info=True)
    if prompt_id is not None:
        prompts.refresh(bot, prompt_id)


def _edit(bot: Bot, body: dict[str, Any], client: Any) -> None:
    """Open the update modal with the reading filled in; saving it records and closes the reading."""
    person = bot.directory.person_for((body.get("user") or {}).get("id", ""))
    with session_scope(bot.engine, read_only=True) as s:
        msg, why = text.held(s, int(_first(body).get("value") or 0), person)
        if msg is None or msg.prompt_id is None:  # a held reading always names its prompt
            return _show(client, body, notice_modal("Cannot edit", why or "Nothing to edit."))
        token = s.get_one(Prompt, msg.prompt_id).token
        by_ref = prompts.action_ids_by_ref(s, msg.prompt_id)
        overlay = {
            by_ref[u.ref]: Recorded(u.status.value if u.status else None, u.progress, u.revised_target_text)
            for u in parsed_updates(msg)
            if u.ref in by_ref
        }
        held_id = msg.id
    _open(bot, body, client, token, list(overlay), source="text", held=held_id, overlay=overlay)
