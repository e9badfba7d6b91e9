"""The lead's update page in Debian's Chromium: opened from the link in the prompt .eml, filled in and sent
with the keyboard alone (Tab, arrow keys, typing, Enter), on a phone's width, with axe-core finding no
serious or critical WCAG 2.2 AA problem on the form or on the page that confirms it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import select

from store.db import session_scope
from store.models.updates import Update
from tests.browser.browser import PHONE, Page, axe_script, blocking, everything, start_chromium
from tests.web.conftest import Site

if TYPE_CHECKING:
    from selenium.webdriver.remote.webdriver import WebDriver

JO = "jo.baker@harbourside.gov.uk"


@pytest.fixture(scope="module")
def chromium() -> Iterator[WebDriver]:
    driver = start_chromium()
    yield driver
    driver.quit()


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_lead_answers_with_the_keyboard_alone(chromium: WebDriver, site: Site, engine):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    page = Page(chromium, axe_script())
    page.resize(PHONE, 900)
    chromium.get(site.local(site.link_for(JO)))
    assert "Your" in chromium.title and page.width() <= PHONE  # no sideways scrolling on a phone
    results = page.axe()
    assert blocking(results) == [], everything(results)

    def keys(*typed: str) -> None:
        ActionChains(chromium).send_keys(*typed).perform()

    def focused() -> str:
        return str(chromium.execute_script("return document.activeElement.id"))

    one, two = site.world.actions["1.1"], site.world.actions["1.2"]
    keys(Keys.TAB)
    assert focused() == f"status-{one}"
    keys(*[Keys.ARROW_DOWN] * 5)  # Choose a status, Not started, On track, At risk, Off track, Completed
    keys(Keys.TAB, "Published on the intranet.")
    assert focused() == f"progress-{one}"
    keys(Keys.TAB, Keys.TAB, Keys.TAB)  # past the revised target (it has not moved) and the evidence file
    assert focused() == f"status-{two}"
    keys(*[Keys.ARROW_DOWN] * 3, Keys.TAB, "Waiting for a room.", Keys.TAB, "June 2027")
    assert focused() == f"target-{two}"
    value = "return document.getElementById(arguments[0]).value"
    values = [
        chromium.execute_script(value, f"status-{one}"),
        chromium.execute_script(value, f"status-{two}"),
    ]
    assert values == ["completed", "at_risk"]
    keys(Keys.TAB, Keys.TAB)  # past the evidence file to "Send update"
    assert chromium.execute_script("return document.activeElement.tagName") == "BUTTON"
    keys(Keys.ENTER)

    recorded = chromium.find_element("id", "recorded").text
    assert "Thank you: recorded" in recorded and "Waiting for a room." in recorded
    results = page.axe()
    assert blocking(results) == [], everything(results)
    with session_scope(engine, read_only=True) as s:
        rows = {
            u.action_id: (u.status, u.revised_target_text)
            for u in s.scalars(select(Update).where(Update.via == "web"))
        }
    assert rows == {one: ("completed", None), two: ("at_risk", "June 2027")}
