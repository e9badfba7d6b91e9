"""The committee's HTML report in a real browser: WCAG 2.2 AA by axe-core, at desktop and phone widths.

A committee member may open the report on a laptop or a phone, and a public body's papers must meet WCAG
2.2 AA; axe-core checks what it can automatically (contrast, names, structure), and each check asserts too
that the page does not scroll sideways. The screenshots are for a person to look at (SCREENSHOTS=/tmp/shots).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.browser import DESKTOP, PHONE, Page, blocking, everything

# Up to 2 s a page (axe-core walks ~1,000 elements of the full report) after a shared set-up of ~3 s (the
# committee's two rounds, then Chromium): slow, so run with --slow and always in CI.
pytestmark = pytest.mark.slow


@pytest.mark.parametrize("kind", ["progress", "exceptions", "email"])
@pytest.mark.parametrize("width", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_report_has_no_serious_accessibility_failures(
    page: Page, report_html: dict[str, str], tmp_path: Path, kind: str, width: int
) -> None:
    page.open(report_html[kind], tmp_path, width=width, name=kind)
    results = page.axe()

    assert blocking(results) == [], everything(results)
    assert page.width() <= width  # no sideways scrolling: WCAG 1.4.10 reflow


@pytest.mark.parametrize("kind", ["progress", "exceptions"])
@pytest.mark.parametrize("width", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_report_is_photographed(
    page: Page, report_html: dict[str, str], shots: Path, kind: str, width: int
) -> None:
    page.open(report_html[kind], shots, width=width, name=kind)

    png = page.screenshot(shots / f"report-{kind}-{width}.png")

    assert png[:8] == b"\x89PNG\r\n\x1a\n" and int.from_bytes(png[16:20], "big") == width
