"""Fixtures for round tests: the Harbourside personas on both backends, a recording channel, the CLI."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from typer.testing import CliRunner

from collector.cli.app import app
from collector.cli.context import Runtime
from collector.core.clock import FrozenClock
from collector.core.settings import Settings
from store.db import session_scope
from tests.fakes.channels import RecordingChannel
from tests.rounds import personas

# Monday 1 March 2027, 09:30 in London (GMT): a round opens; the clocks go forward on Sunday 28 March and
# Easter (Good Friday 26 March, Easter Monday 29 March) falls in the reminder window of a round due 31 March.
MONDAY = datetime(2027, 3, 1, 9, 30, tzinfo=UTC)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(MONDAY)


@pytest.fixture
def world(engine, clock) -> personas.World:
    with session_scope(engine) as s:
        return personas.build(s, clock)


@pytest.fixture
def relay():
    """A recording aiosmtpd relay on loopback (tests/mail_out has the handler); .url is its SMTP_URL."""
    from aiosmtpd.controller import Controller

    from tests.mail_out.test_channel import RecordingRelay, free_port

    handler = RecordingRelay()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    handler.url = f"smtp://127.0.0.1:{controller.port}"
    yield handler
    controller.stop()


@pytest.fixture
def channel() -> RecordingChannel:
    return RecordingChannel()


@pytest.fixture
def channels(channel) -> dict:
    return {"outbox": channel}


@pytest.fixture
def cli(engine, database_url: str, clock, tmp_path, monkeypatch) -> Iterator:
    """Run a command in-process against the test's migrated database, outbox under tmp_path/var."""
    monkeypatch.setenv("COLUMNS", "200")  # rich tables: one row per line, so tests can read them
    runtimes: list[Runtime] = []

    def run(*args: str):
        settings = Settings(database_url=database_url, var_dir=tmp_path / "var")
        runtime = Runtime(settings, clock=clock, actor="cli:test")
        runtimes.append(runtime)
        return CliRunner().invoke(app, list(args), obj=runtime, catch_exceptions=False)

    yield run
    for runtime in runtimes:
        if runtime._engine is not None:
            runtime._engine.dispose()
