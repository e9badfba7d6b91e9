"""Fixtures for the mailbox reader: a real Dovecot, an OAuth 2.0 token stand-in, the Harbourside round."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest

from collector.core.clock import FrozenClock
from collector.core.settings import Settings
from collector.rounds.tick import tick
from mailin.inbound.imap_config import parse_mailbox_url
from mailin.inbound.imap_reader import MailboxReader
from store.db import session_scope
from tests.fakes.channels import RecordingChannel
from tests.mail_imap.dovecot import PASSWORD, USER, Dovecot
from tests.mail_imap.token_server import TokenServer
from tests.rounds import personas
from tests.rounds.helpers import open_harbourside, prompts

DOMAIN = "council.test"
MONDAY = datetime(2027, 3, 1, 9, 30, tzinfo=UTC)
JO = "jo.baker@harbourside.gov.uk"
CLIENT_ID, CLIENT_SECRET = "collector-app", "s3cret-value"


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(MONDAY)


@pytest.fixture
def tokens():
    server = TokenServer(CLIENT_ID, CLIENT_SECRET, USER)
    yield server
    server.close()


@pytest.fixture
def dovecot(tokens):
    server = Dovecot(introspection_url=tokens.url + "/introspect").start()
    yield server
    server.stop()


@pytest.fixture
def email() -> RecordingChannel:
    return RecordingChannel(name="email")


@pytest.fixture
def channels(email) -> dict:
    return {"email": email, "outbox": email}


@pytest.fixture
def settings(database_url, tmp_path, dovecot) -> Settings:
    return Settings(
        database_url=database_url,
        mail_domain=DOMAIN,
        var_dir=tmp_path / "var",
        mailbox_url=f"imap://{USER}@127.0.0.1:{dovecot.port}/INBOX",
        mailbox_password=PASSWORD,
        mail_listen="off",
    )


@pytest.fixture
def jo_prompt(engine, clock, channels):
    """The Harbourside round, opened and prompted: Jo's prompt (its token routes her reply)."""
    with session_scope(engine) as s:
        world = personas.build(s, clock)
    opened = open_harbourside(engine, world, clock)
    tick(engine, channels, clock)
    return prompts(engine, opened.round.id)["Jo"]


@pytest.fixture
def reader(engine, settings, clock):
    """A reader on the Dovecot mailbox, not started: tests call read_once or run it in a thread."""

    def make(**kwargs) -> MailboxReader:
        done = kwargs.pop("done", "move:Processed")
        url = kwargs.pop("url", settings.mailbox_url)
        kwargs.setdefault("password", PASSWORD)
        kwargs.setdefault("poll", 0.2)
        kwargs.setdefault("idle_slice", 0.5)
        return MailboxReader(engine, parse_mailbox_url(url, done), DOMAIN, clock, **kwargs)

    return make


class Running:
    """A reader running in a thread, stopped at the end of the test."""

    def __init__(self, reader: MailboxReader):
        self.reader = reader
        self.thread = threading.Thread(target=reader.run, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.reader.stop.set()
        self.thread.join(15)
        assert not self.thread.is_alive()
