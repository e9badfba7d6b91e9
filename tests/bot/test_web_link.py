"""The lead's update-page link in Slack: with PUBLIC_URL and WEB_SECRET set, a prompt's DM (and a reminder)
ends with an "Answer on the web" URL button carrying the signed link, its click is acknowledged, and the
button survives the message being rebuilt after an answer. Without PUBLIC_URL there is no button."""

from __future__ import annotations

from typing import Any

from pydantic import SecretStr
from sqlalchemy import Engine, select

from bot import limits
from bot.blocks.prompt import WEB_ACTION
from collector.core.clock import FrozenClock
from collector.core.links import PATH, read_lead_token
from collector.core.settings import Settings
from store.db import session_scope
from store.models.directory import Person
from store.models.rounds import Prompt
from store.models.updates import Update
from tests.bot import slack
from tests.bot.conftest import PRIYA, SAM, Harness, running, wait_for
from tests.fakes.slack_api import SlackStandIn
from tests.rounds import personas

PUBLIC = "https://progress.harbourside.example"
WEB_SECRET = "w" * 40


def _start(h: Harness) -> None:
    answer = h.command(PRIYA, "start harbourside 2027-03-31")
    assert answer.status == 200
    wait_for(lambda: any("Sent" in r.get("text", "") for r in h.api.state.responses))


def _web_buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        e
        for b in message["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e.get("action_id") == WEB_ACTION
    ]


def _sams_token(engine: Engine) -> str:
    with session_scope(engine, read_only=True) as s:
        query = select(Prompt.token).join(Person, Person.id == Prompt.person_id)
        return s.scalars(query.where(Person.slack_user_id == SAM, Prompt.channel == "slack")).one()


def _assert_link(message: dict[str, Any], token: str) -> None:
    [button] = _web_buttons(message)
    assert button["type"] == "button" and button["text"]["text"] == "Answer on the web"
    assert button["url"].startswith(PUBLIC + PATH)
    assert read_lead_token(WEB_SECRET, button["url"][len(PUBLIC + PATH) :]) == token
    assert limits.problems(message["blocks"]) == []


def _linked(settings: Settings) -> None:
    settings.public_url = PUBLIC
    settings.web_secret = SecretStr(WEB_SECRET)


def test_the_prompt_carries_the_signed_link_and_keeps_it_after_an_answer(
    settings: Settings, engine: Engine, clock: FrozenClock, api: SlackStandIn, world: personas.World
) -> None:
    _linked(settings)
    with running(settings, engine, clock, api) as h:
        _start(h)
        message = wait_for(lambda: h.api.posts_to(SAM))[0]
        token = _sams_token(engine)
        _assert_link(message, token)

        [button] = _web_buttons(message)
        click = {k: button[k] for k in ("type", "action_id", "text", "url")}
        click["block_id"] = next(b for b in message["blocks"] if button in b.get("elements", []))["block_id"]
        answer = h.action(SAM, click, message)
        assert answer.status == 200 and answer.seconds < 3

        section = next(
            b for b in message["blocks"] if b["type"] == "section" and b["text"]["text"].startswith("*1.2*")
        )
        assert h.action(SAM, slack.select_status(section, "on_track"), message).status == 200
        wait_for(lambda: h.api.calls("chat.update"))
        updated = h.api.posts_to(SAM)[0]
        assert "Recorded: *On track*" in str(updated["blocks"])
        _assert_link(updated, token)
        with session_scope(engine, read_only=True) as s:  # the link's click recorded nothing
            assert list(s.scalars(select(Update.status).where(Update.via == "slack"))) == ["on_track"]

        h.command(PRIYA, "remind Sam Ortiz")
        wait_for(lambda: [r for r in h.api.state.responses if "Reminded: Sam Ortiz" in r.get("text", "")])
        _assert_link(h.api.posts_to(SAM)[-1], token)


def test_without_public_url_there_is_no_button(
    settings: Settings, engine: Engine, clock: FrozenClock, api: SlackStandIn, world: personas.World
) -> None:
    settings.web_secret = SecretStr(WEB_SECRET)  # a secret alone makes no link
    with running(settings, engine, clock, api) as h:
        _start(h)
        message = wait_for(lambda: h.api.posts_to(SAM))[0]
        assert _web_buttons(message) == []
        assert "/u/" not in str(message["blocks"])
