"""Fixtures for report tests: the Harbourside committee world on both backends, and its compiled report."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from collector.core.clock import FrozenClock
from reports.compile import compile_report
from reports.model import ReportData
from store.db import make_engine, session_scope, upgrade
from tests.reports import world as committee_world

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(committee_world.SPRING)


@pytest.fixture
def committee(engine, clock) -> committee_world.Committee:
    return committee_world.build(engine, clock)


@pytest.fixture
def compile_(engine, committee, clock):
    """Compile the committee's report: compile_(round_ref=None, exceptions=False) -> ReportData."""

    def run(round_ref: str | None = None, *, exceptions: bool = False) -> ReportData:
        with session_scope(engine, read_only=True) as s:
            plan = committee_world.plan(s, committee)
            return compile_report(
                s,
                plan,
                round_ref,
                today=clock.now().astimezone(LONDON).date(),
                tz=LONDON,
                exceptions=exceptions,
            )

    return run


@pytest.fixture
def report(compile_) -> ReportData:
    return compile_()


@pytest.fixture(scope="session")
def sqlite_report(tmp_path_factory) -> ReportData:
    """The committee's Summer report compiled once on SQLite, for tests about formats rather than data."""
    from tests.databases import fresh_database

    with fresh_database("sqlite", tmp_path_factory.mktemp("report")) as url:
        engine = make_engine(url)
        upgrade(engine)
        clock = FrozenClock(committee_world.SPRING)
        committee = committee_world.build(engine, clock)
        with session_scope(engine, read_only=True) as s:
            plan = committee_world.plan(s, committee)
            today = clock.now().astimezone(LONDON).date()
            data = compile_report(s, plan, today=today, tz=LONDON)
        engine.dispose()
    return data


@pytest.fixture(scope="session")
def rendered(sqlite_report):
    """Each format's bytes for the committee's report, rendered at most once per test session."""
    from reports.build import render

    cache: dict[str, bytes] = {}

    def get(name: str) -> bytes:
        if name not in cache:
            cache[name] = render(sqlite_report, name)
        return cache[name]

    return get


@pytest.fixture
def cli(engine, database_url: str, clock, tmp_path, monkeypatch):
    """Run `collector ...` in-process against the test's database, with var/ under tmp_path."""
    from typer.testing import CliRunner

    from collector.cli.app import app
    from collector.cli.context import Runtime
    from collector.core.settings import Settings

    monkeypatch.setenv("COLUMNS", "200")
    runtimes: list[Runtime] = []

    def run(*args: str, **settings):
        config = Settings(database_url=database_url, var_dir=tmp_path / "var", **settings)
        runtime = Runtime(config, clock=clock, actor="cli:test")
        runtimes.append(runtime)
        return CliRunner().invoke(app, list(args), obj=runtime)

    yield run
    for runtime in runtimes:
        if runtime._engine is not None:
            runtime._engine.dispose()
