"""Fixtures for browser tests: one headless Chromium for the whole run, and the HTML we send people.

The report is the Harbourside committee's (tests/reports/world.py): two real rounds opened and answered
through the same code as production, with late, missing, withdrawn and hostile answers, compiled on SQLite
once per run, as a full progress report and as an exceptions report.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pytest

from collector.core.clock import FrozenClock
from reports.build import render
from reports.compile import compile_report
from reports.render.html import render_email_html
from store.db import make_engine, session_scope, upgrade
from tests.browser.browser import Page, axe_script, start_chromium
from tests.databases import fresh_database
from tests.reports import world as committee_world

if TYPE_CHECKING:
    from selenium.webdriver.remote.webdriver import WebDriver

LONDON = ZoneInfo("Europe/London")


@pytest.fixture(scope="session")
def chromium() -> Iterator[WebDriver]:
    """One browser for the run (starting one costs ~1.5 s); each test opens its own page in it."""
    driver = start_chromium()
    yield driver
    driver.quit()


@pytest.fixture
def page(chromium: WebDriver) -> Page:
    return Page(chromium, axe_script())


@pytest.fixture(scope="session")
def report_html(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """{"progress": html, "exceptions": html, "email": html}: the committee's Summer report, both kinds, and
    the email that carries the progress report's files to the committee."""
    with fresh_database("sqlite", tmp_path_factory.mktemp("browser-report")) as url:
        engine = make_engine(url)
        upgrade(engine)
        clock = FrozenClock(committee_world.SPRING)
        committee = committee_world.build(engine, clock)
        today = clock.now().astimezone(LONDON).date()
        pages = {}
        with session_scope(engine, read_only=True) as s:
            plan = committee_world.plan(s, committee)
            for kind in ("progress", "exceptions"):
                data = compile_report(s, plan, today=today, tz=LONDON, exceptions=kind == "exceptions")
                pages[kind] = render(data, "html").decode("utf-8")
                if kind == "progress":
                    pages["email"] = render_email_html(data, ["Summer 2027.pdf", "Summer 2027.xlsx"])
        engine.dispose()
    return pages


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    """Where screenshots go: SCREENSHOTS (a folder, to look at them by eye) or the test's tmp_path."""
    folder = Path(os.environ["SCREENSHOTS"]) if os.environ.get("SCREENSHOTS") else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    return folder
