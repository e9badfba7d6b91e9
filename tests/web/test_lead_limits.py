"""The lead page's rate limit over real HTTP: past the per-link limit a 429 with Retry-After, per link and
per client address, and free again once the window has slid past. The window's clock is a test clock."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from bot.server import SlackServer
from collector.cli.wiring import channels_for
from tests.web.conftest import SECRET, Site
from web.app import WebConfig, build_app
from web.limits import Rule, SlidingWindow

JO, ALEX = "jo.baker@harbourside.gov.uk", "alex.price@harbourside.gov.uk"


class Ticks:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@contextmanager
def _limited(engine, clock, settings, ticks: Ticks, per_link: Rule, per_address: Rule) -> Iterator[str]:
    config = WebConfig(SECRET, 14, per_link=per_link, per_address=per_address, monotonic=ticks)
    pages = build_app(engine, channels_for(settings, clock), clock, config)
    server = SlackServer(("127.0.0.1", 0), None, "", engine, pages=pages)
    server.start_in_thread()
    try:
        yield server.url
    finally:
        server.shutdown()
        server.server_close()


def test_one_link_is_limited_then_freed(site: Site, engine, clock, settings):
    ticks = Ticks()
    with _limited(engine, clock, settings, ticks, Rule(3, 60.0), Rule(100, 60.0)) as base:
        link = site.link_for(JO)
        url = base + link[link.index("/u/") :]
        assert [site.get(url).status for _ in range(3)] == [200, 200, 200]
        refused = site.get(url)
        assert refused.status == 429 and refused.headers["retry-after"] == "60"
        assert "Too many requests" in refused.body
        assert site.post(url, {"csrf": "x"}).status == 429  # a POST counts against the same link
        other = site.link_for(ALEX)
        assert site.get(base + other[other.index("/u/") :]).status == 200  # another link is not held up
        ticks.now += 61
        assert site.get(url).status == 200


def test_one_address_is_limited_across_links(site: Site, engine, clock, settings):
    ticks = Ticks()
    with _limited(engine, clock, settings, ticks, Rule(100, 60.0), Rule(4, 60.0)) as base:
        answers = [site.get(f"{base}/u/made-up-{n}.sig").status for n in range(4)]
        assert answers == [404, 404, 404, 404]
        refused = site.get(f"{base}/u/made-up-5.sig")
        assert refused.status == 429 and int(refused.headers["retry-after"]) >= 1


def test_the_window_slides():
    ticks = Ticks()
    window = SlidingWindow(Rule(2, 10.0), ticks)
    assert window.hit("k") == 0
    ticks.now += 4
    assert window.hit("k") == 0
    assert window.hit("k") == 6  # the first hit leaves the window in 6 s
    ticks.now += 6
    assert window.hit("k") == 0
    assert window.hit("k") == 4
