"""A real Chromium for tests: Debian's chromium driven through its own chromedriver, and axe-core in it.

Selenium talks to /usr/bin/chromedriver, which Debian builds from the same source and version as
/usr/bin/chromium, so the pair always match and nothing is downloaded (Selenium Manager is never asked:
the driver's path is given). axe-core is the copy the axe-selenium-python package ships, a pinned dev
dependency, so a test run needs no network. docs/accessibility.md says why these and not Playwright.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import pytest

if TYPE_CHECKING:
    from selenium.webdriver.remote.webdriver import WebDriver

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
DESKTOP = 1280  # px: the report's own max-width, a committee member's laptop
PHONE = 390  # px: a current phone held upright (CSS pixels)
# WCAG 2.0, 2.1 and 2.2 at levels A and AA: what UK public bodies must meet.
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = {"serious", "critical"}


def _missing(what: str) -> NoReturn:
    """Locally a missing browser skips; CI must run these tests, so there it fails (as PostgreSQL does)."""
    if os.environ.get("CI"):
        pytest.fail(f"CI must run the browser tests: {what} (.ci/run installs chromium and chromium-driver)")
    pytest.skip(f"{what} (Debian's chromium and chromium-driver; CI installs them)")


def start_chromium() -> WebDriver:
    """A headless Chromium under Selenium, or a skip (locally) / failure (CI) when it is not installed."""
    for path in (CHROMIUM, CHROMEDRIVER):
        if not (os.path.exists(path) or shutil.which(os.path.basename(path))):
            _missing(f"{path} is not installed")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        _missing("selenium is not installed (pip install -e '.[dev]')")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium") or CHROMIUM
    for argument in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(argument)
    driver_path = CHROMEDRIVER if os.path.exists(CHROMEDRIVER) else shutil.which("chromedriver") or ""
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    driver.set_script_timeout(60)
    return driver


@cache
def axe_script() -> str:
    """axe.min.js from the axe-selenium-python package (never committed here), read once a run."""
    spec = importlib.util.find_spec("axe_selenium_python")  # found, not imported: the package is untyped
    if spec is None or spec.origin is None:
        _missing("axe-selenium-python is not installed (pip install -e '.[dev]')")
    path = Path(spec.origin).parent / "node_modules" / "axe-core" / "axe.min.js"
    return path.read_text(encoding="utf-8")


@dataclass
class Page:
    """One browser tab at a chosen width, on a page written to disk (file:// keeps it off any network)."""

    driver: WebDriver
    script: str

    def open(self, html: str, folder: Path, *, width: int, name: str = "page") -> None:
        path = folder / f"{name}.html"
        path.write_text(html, encoding="utf-8")
        self.resize(width, 900)
        self.driver.get(path.as_uri())

    def resize(self, width: int, height: int) -> None:
        """The viewport itself (not the window), as a phone has it when width is small: the page's
        viewport meta applies, and CSS pixels are device pixels so a screenshot is the width asked."""
        self.driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600},
        )

    def width(self) -> int:
        """How wide the page's content is: wider than the viewport means sideways scrolling."""
        return int(self.driver.execute_script("return document.documentElement.scrollWidth"))

    def axe(self) -> dict[str, Any]:
        """axe-core's results for the page, against the WCAG 2.2 AA rules only."""
        self.driver.execute_script(self.script)
        options = json.dumps({"runOnly": {"type": "tag", "values": WCAG_AA}, "resultTypes": ["violations"]})
        call = (
            "const done = arguments[arguments.length - 1];"
            f"axe.run(document, {options}).then(done, e => done({{error: String(e)}}));"
        )
        results: dict[str, Any] = self.driver.execute_async_script(call)
        assert "error" not in results, results.get("error")
        return results

    def screenshot(self, path: Path) -> bytes:
        """The whole page, top to bottom, at the current width: written to `path`, and returned."""
        width = int(self.driver.execute_script("return window.innerWidth"))
        height = int(self.driver.execute_script("return document.documentElement.scrollHeight"))
        self.resize(width, height)
        png: bytes = self.driver.get_screenshot_as_png()
        path.write_bytes(png)
        return png


def blocking(results: dict[str, Any]) -> list[str]:
    """The serious and critical violations, one readable line per rule and element."""
    found = []
    for rule in results["violations"]:
        if rule["impact"] in BLOCKING:
            for node in rule["nodes"]:
                summary = node.get("failureSummary", "").replace("\n", " ")
                found.append(f"{rule['id']} ({rule['impact']}): {node['target']} {summary}")
    return found


def everything(results: dict[str, Any]) -> list[str]:
    """Every violation whatever its impact: printed when a test fails, and listed in the docs."""
    return [f"{rule['id']} ({rule['impact']}, {len(rule['nodes'])} nodes)" for rule in results["violations"]]
