"""The console in Debian's Chromium: a coordinator asks for a link with the keyboard, opens it from the
outbox .eml, and reads the plans and a plan at a phone's width and a desktop's, with axe-core finding no
serious or critical WCAG 2.2 AA problem on any of the pages (screenshots go to SCREENSHOTS when set)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.browser.browser import PHONE, Page, axe_script, blocking, everything, start_chromium
from tests.web.test_console import PRIYA, _console

if TYPE_CHECKING:
    from selenium.webdriver.remote.webdriver import WebDriver

PLAIN = "http://progress.harbourside.test"  # the test server is plain HTTP: no Secure cookie to refuse


@pytest.fixture(scope="module")
def chromium() -> Iterator[WebDriver]:
    driver = start_chromium()
    yield driver
    driver.quit()


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_coordinator_signs_in_and_reads_the_plan(chromium: WebDriver, engine, clock, settings, tmp_path):
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    page = Page(chromium, axe_script())

    shots = Path(os.environ.get("SCREENSHOTS") or tmp_path)
    seen: list[str] = []

    def shows(text: str) -> None:
        """Wait for the page a click leads to: its <main> holding `text` (the old page may linger)."""

        def there(driver: WebDriver) -> bool:
            return text in driver.find_element("tag name", "main").text

        waiting = (StaleElementReferenceException, NoSuchElementException)
        WebDriverWait(chromium, 10, ignored_exceptions=waiting).until(there)

    def accessible() -> None:
        seen.append(chromium.current_url.rsplit("/", 1)[-1] or "page")
        for width in (PHONE, 1200):
            page.resize(width, 900)
            assert page.width() <= width  # no sideways scrolling
            results = page.axe()
            assert blocking(results) == [], (chromium.current_url, everything(results))
            page.screenshot(shots / f"console-{len(seen)}-{seen[-1]}-{width}.png")

    with _console(engine, clock, settings, public=PLAIN) as site:
        chromium.delete_all_cookies()
        chromium.get(site.url + "/signin")
        accessible()
        ActionChains(chromium).send_keys(
            Keys.TAB, Keys.TAB, Keys.TAB
        ).perform()  # skip link, home link, field
        assert chromium.execute_script("return document.activeElement.id") == "email"
        ActionChains(chromium).send_keys(PRIYA, Keys.ENTER).perform()
        shows("on its way")
        accessible()
        chromium.get(site.url + site.wait_for(PRIYA, 1)[-1][len(PLAIN) :])
        accessible()
        chromium.find_element("css selector", "main form button").click()
        shows("Equality Action Plan")
        assert chromium.current_url.endswith("/console")
        accessible()
        chromium.find_element("link text", "Equality Action Plan 2026–28").click()
        shows("Publish the workforce equality report")
        accessible()
        chromium.find_element("css selector", "header button").click()
        shows("signed out")
        accessible()
