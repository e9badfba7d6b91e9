"""The one path every Slack answer takes after its ack: store raw, record through intake, echo back.

Shared by selects, buttons, modals and confirmed plain-text replies, so each gets the same guarantees:
  * the raw payload is committed under its unique id before anything acts on it; a redelivery stops there;
  * a database that is busy (SQLite locked, PostgreSQL restarting) is waited out for a while, then the
    person is told it could not be saved, instead of the answer vanishing;
  * the prompt's messages are rebuilt from the record, and anything refused or sent to review is said.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

from slack_sdk.errors import SlackApiError
from sqlalchemy.exc import OperationalError

from bot import ingest, prompts
from bot.context import Bot
from bot.record import Choice, Outcome, record
from collector.rounds.delivery import Deliverer
from collector.rounds.work import Work
from store.db import session_scope
from store.inbound import Stored
from store.models.directory import Person
from store.models.rounds import Prompt
from store.people import contact_channel

log = logging.getLogger(__name__)

T = TypeVar("T")
PATIENCE = 30.0  # seconds a busy database is waited out before the person is told


def store_once(bot: Bot, body: dict[str, Any], external_id: str, *, kind: str = "action") -> Stored | None:
    """Store the payload raw before anything acts on it (waiting out a busy database); None when it is a
    redelivery already stored, so the caller does nothing more."""
    user = (body.get("user") or {}).get("id", "")
    stored = patiently(lambda: ingest.store(bot.engine, bot.clock, external_id, body, kind=kind, user=user))
    if stored.duplicate:
        log.info("%s: a redelivery, already stored as inbound %d; nothing done", external_id, stored.id)
        return None
    return stored


def patiently(step: Callable[[], T], *, patience: float = PATIENCE) -> T:
    """Run `step`, retrying while the database is busy; the last OperationalError is raised."""
    deadline, delay = time.monotonic() + patience, 0.2
    while True:
        try:
            return step()
        except OperationalError:
            if time.monotonic() + delay > deadline:
                raise
            log.warning("database busy; trying again in %.1f s", delay)
            time.sleep(delay)
            delay = min(delay * 2, 5.0)


Say = Callable[[str], None]


def answer(
    bot: Bot,
    body: dict[str, Any],
    external_id: str,
    *,
    token: str,
    choices: list[Choice],
    what: str,
    say: Say,
    no_change_unanswered: bool = False,
    kind: str = "action",
) -> Outcome | None:
    """Store the payload, record the choices, echo. None when the payload was a redelivery."""
    user = (body.get("user") or {}).get("id", "")
    try:
        stored = store_once(bot, body, external_id, kind=kind)
        if stored is None:
            return None
        person = bot.directory.person_for(user)

        def step() -> Outcome:
            with session_scope(bot.engine) as s:
                return record(
                    s,
                    bot.clock,
                    inbound_id=stored.id,
                    token=token,
                    person_id=person,
                    choices=choices,
                    what=what,
                    no_change_unanswered=no_change_unanswered,
                )

        outcome = patiently(step)
    except OperationalError:
        log.exception("%s: could not be saved, the database stayed busy", external_id)
        say("Sorry, your answer could not be saved just now. Please try again in a minute.")
        return None
    echo(bot, outcome, say)
    return outcome


def echo(bot: Bot, outcome: Outcome, say: Say) -> None:
    """Show the person what happened: refused (why), the prompt's messages updated, review explained."""
    if outcome.refused:
        say(outcome.refused)
        return
    if outcome.prompt_id is not None:
        prompts.refresh(bot, outcome.prompt_id)
    if outcome.review:
        say("Recorded what I could. A coordinator will look at: " + "; ".join(outcome.review)[:2500])


def responder(respond: Any) -> Say:
    """Say something only the clicking person sees, through the interaction's response_url."""

    def say(text: str) -> None:
        try:
            respond(text=text, response_type="ephemeral", replace_original=False)
        except Exception:  # response_url expired or unreachable: the answer itself is already handled
            log.warning("could not reply through response_url", exc_info=True)

    return say


def direct(bot: Bot, user: str) -> Say:
    """Say something in the person's DM with the app (modals have no response_url)."""

    def say(text: str) -> None:
        try:
            bot.client.chat_postMessage(channel=user, text=text)
        except SlackApiError as exc:
            log.warning("could not DM %s: %s", user, exc.response.get("error"))

    return say


def send_receipt(bot: Bot, inbound_id: int, prompt_id: int, receipt: Any) -> None:
    """A receipt through the delivery engine (claimed before sent, once per inbound message), as email
    does."""
    with session_scope(bot.engine, read_only=True) as s:
        prompt = s.get_one(Prompt, prompt_id)
        lead = s.get(Person, prompt.person_id) if prompt.person_id else None
        wanted = contact_channel(lead) if lead else None
        work = Work(
            f"receipt:{inbound_id}", "receipt", prompt.round_id, prompt.id, prompt.person_id, wanted,
            lead.display if lead else "", lambda _s: receipt,
        )  # fmt: skip
    Deliverer(bot.engine, bot.channels, bot.clock, actor="slack", via="slack").deliver([work])
