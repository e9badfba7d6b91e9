"""The real bolt app over real HTTP on loopback, against the Slack stand-in, on both database backends.

Harbourside's people (tests/rounds/personas.py): Sam (U02SAM) and Alex (U03ALEX) are on Slack; Jo by
email; Priya, the plan's coordinator, is given a Slack id here (U09PRIYA) and is SLACK_COORDINATORS.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, select

from bot.context import Bot
from bot.server import EVENTS_PATH, SlackServer
from collector.cli.wiring import slack_app
from collector.core.clock import FrozenClock
from collector.core.settings import Settings
from store.db import session_scope
from store.models.directory import Person
from tests.bot import slack
from tests.fakes.slack_api import TOKEN, SlackStandIn
from tests.rounds import personas

MONDAY = datetime(2027, 3, 1, 9, 30, tzinfo=UTC)
SAM, ALEX, PRIYA, STRANGER = "U02SAM", "U03ALEX", "U09PRIYA", "U0STRANGER"


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(MONDAY)


@pytest.fixture
def api() -> Iterator[SlackStandIn]:
    standin = SlackStandIn().start()
    standin.add_user(SAM, None, "Sam Ortiz")
    standin.add_user(ALEX, "alex.price@harbourside.gov.uk", "Alex Price")
    standin.add_user(PRIYA, "priya@harbourside.gov.uk", "Priya Shah")
    standin.add_user(STRANGER, "stranger@elsewhere.example", "Someone Else")
    yield standin
    standin.stop()


@pytest.fixture
def world(engine, clock) -> personas.World:
    with session_scope(engine) as s:
        built = personas.build(s, clock)
        priya = s.scalar(select(Person).where(Person.name == "Priya Shah"))
        priya.slack_user_id = PRIYA
    return built


@pytest.fixture
def settings(api: SlackStandIn, database_url: str, tmp_path) -> Settings:
    return Settings(
        database_url=database_url,
        var_dir=tmp_path / "var",
        slack_bot_token=TOKEN,
        slack_signing_secret=slack.SECRET,
        slack_api_url=api.api_url,
        slack_coordinators=PRIYA,
        slack_rate=1000,
    )


@dataclass
class Harness:
    """The running app and what a test does with it."""

    url: str
    api: SlackStandIn
    bot: Bot
    server: SlackServer

    def health(self) -> tuple[int, dict[str, Any]]:
        import json
        import urllib.error
        import urllib.request

        try:
            with urllib.request.urlopen(self.url + "/healthz", timeout=5) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    @property
    def events(self) -> str:
        return self.url + EVENTS_PATH

    def send(self, payload: dict[str, Any], **headers: str) -> slack.Answer:
        return slack.post(
            self.events, slack.interaction(payload), "application/x-www-form-urlencoded", headers
        )

    def command(self, user: str, text: str) -> slack.Answer:
        fields = slack.command(
            user, text, self.api.url + "/response", command=self.bot.settings.slack_command
        )
        return slack.post(self.events, slack.form(fields), "application/x-www-form-urlencoded")

    def event(self, payload: dict[str, Any], **headers: str) -> slack.Answer:
        import json

        return slack.post(self.events, json.dumps(payload).encode(), "application/json", headers)

    def action(
        self, user: str, action: dict[str, Any], message: dict[str, Any] | None = None, **kw: Any
    ) -> slack.Answer:
        return self.send(slack.block_action(user, action, self.api.url + "/response", message=message, **kw))


@contextmanager
def running(
    settings: Settings, engine: Engine, clock: FrozenClock, api: SlackStandIn, **kw: Any
) -> Iterator[Harness]:
    """The app built from `settings`, served on loopback (a test that needs other settings uses this);
    `kw` goes to SlackServer (workers, read_timeout, ...)."""
    app, bot = slack_app(settings, engine, clock)
    assert bot.link is not None
    bot.link.first_delay, bot.link.max_delay = 0.1, 0.4  # a Slack outage in a test is short
    server = SlackServer(
        ("127.0.0.1", 0), app, settings.slack_signing_secret or "", engine, link=bot.link, **kw
    )
    server.start_in_thread()
    try:
        yield Harness(server.url, api, bot, server)
    finally:
        server.shutdown()
        server.server_close()
        # lazy listeners still running would touch a database the next fixture tears down
        app.listener_runner.listener_executor.shutdown(wait=True)


@pytest.fixture
def harness(settings: Settings, engine, clock, api: SlackStandIn) -> Iterator[Harness]:
    with running(settings, engine, clock, api) as h:
        yield h


def wait_for(predicate: Callable[[], Any], timeout: float = 10.0) -> Any:
    """Poll until `predicate()` is truthy (lazy listeners finish after the ack); its value."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for the app")
        time.sleep(0.02)
