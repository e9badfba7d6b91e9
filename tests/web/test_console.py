"""The console's sign-in and read-only plan pages over real HTTP, on the server bot/server.py runs: the link
read from the outbox .eml, used once, expiring; the same answer for every address; CSRF on every form; a
coordinator kept to their own plans; the session cookie's flags."""

from __future__ import annotations

import http.client
import re
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.server import SlackServer
from collector.cli.wiring import channels_for, web_pages
from collector.core.clock import FrozenClock
from collector.rounds.figures import plan_rounds, round_figures
from store.db import session_scope
from store.models.console import SigninToken
from store.models.directory import Person
from store.models.plans import Plan, PlanCoordinator
from tests.rounds import personas
from tests.rounds.helpers import open_harbourside, run
from tests.web.conftest import PUBLIC, SECRET, Answer
from web.app import WebConfig, build_app
from web.auth import RateLimit
from web.console import ConsoleConfig

PRIYA = "priya@harbourside.gov.uk"
ADMIN = "head.of.policy@harbourside.gov.uk"
OTHER = "olu@harbourside.gov.uk"  # coordinates the other plan only


@dataclass
class Browser:
    """A client that keeps cookies by hand (the cookie is Secure, the test server plain HTTP) and does not
    follow redirects, so each answer's headers can be read."""

    url: str
    cookies: dict[str, str] = field(default_factory=dict)
    set_cookies: list[str] = field(default_factory=list)

    def call(self, method: str, path: str, fields: dict[str, str] | None = None) -> Answer:
        parsed = urllib.parse.urlsplit(self.url)
        conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=20)
        headers = {}
        body = None
        if fields is not None:
            body = urllib.parse.urlencode(fields).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            conn.request(method, path, body=body, headers=headers)
            r = conn.getresponse()
            text = r.read().decode()
            self.set_cookies = r.headers.get_all("Set-Cookie") or []
            for raw in self.set_cookies:
                name, _, rest = raw.partition("=")
                value = rest.split(";", 1)[0]
                if value in ("", "null") or "expires=Thu, 01 Jan 1970" in raw:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = value
            return Answer(r.status, text, {k.lower(): v for k, v in r.getheaders()})
        finally:
            conn.close()

    def get(self, path: str) -> Answer:
        return self.call("GET", path)

    def post(self, path: str, fields: dict[str, str]) -> Answer:
        return self.call("POST", path, fields)

    def csrf(self, path: str = "/signin") -> str:
        found = re.search(r'name="csrf" value="([^"]+)"', self.get(path).body)
        assert found
        return found.group(1)


@dataclass
class Console:
    url: str
    outbox: Path
    clock: FrozenClock
    plan_id: int
    other_plan_id: int
    public: str = PUBLIC

    def browser(self) -> Browser:
        return Browser(self.url)

    def links(self, address: str) -> list[str]:
        """Every sign-in link mailed to `address`, oldest first, from the outbox's .eml files."""
        import email
        from email.policy import default

        out = []
        for p in sorted(self.outbox.glob("*.eml")):
            msg = email.message_from_bytes(p.read_bytes(), policy=default)
            if address in str(msg["To"]) and "sign-in link" in str(msg["Subject"]):
                text = msg.get_body(("plain",)).get_content()  # type: ignore[union-attr]
                out += [
                    line.strip() for line in text.splitlines() if line.startswith(self.public + "/signin/")
                ]
        return out

    def wait_for(self, address: str, count: int) -> list[str]:
        """The links mailed to `address` once there are `count` (they are mailed after the answer)."""
        deadline = time.monotonic() + 10
        while len(links := self.links(address)) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(links) == count, links
        return links

    def sign_in(self, address: str) -> Browser:
        b = self.browser()
        before = len(self.links(address))
        assert b.post("/signin", {"csrf": b.csrf(), "email": address}).status == 200
        link = self.wait_for(address, before + 1)[-1]
        path = link[len(self.public) :]
        assert b.get(path).status == 200  # the link shows a button; only pressing it signs in
        answer = b.post(path, {"csrf": b.csrf(path)})
        assert answer.status == 303 and answer.headers["location"] == "/console", answer
        return b


@contextmanager
def _console(engine, clock, settings, public: str = PUBLIC, per_client: int = 30) -> Iterator[Console]:
    with session_scope(engine) as s:
        world = personas.build(s, clock)
        now = clock.now()
        other = Plan(name="other", title="Other <b>plan</b>", created_at=now, updated_at=now)
        olu = Person(name="Olu Ade", email=OTHER, created_at=now, updated_at=now)
        s.add_all([other, olu])
        s.flush()
        s.add(PlanCoordinator(plan_id=other.id, person_id=olu.id))
        other_id = other.id
    channels = channels_for(settings, clock)
    open_harbourside(engine, world, clock)
    run(engine, channels, clock)
    pages = build_app(
        engine,
        channels,
        clock,
        WebConfig(SECRET, 14),
        ConsoleConfig(SECRET, public, f" {ADMIN.upper()} ,", per_client=per_client),
    )
    server = SlackServer(
        ("127.0.0.1", 0), None, "", engine, pages=pages, pages_max_body=settings.web_max_body
    )
    server.start_in_thread()
    try:
        yield Console(server.url, settings.var_dir / "outbox", clock, world.plan_id, other_id, public)
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def console(engine, clock, settings) -> Iterator[Console]:
    with _console(engine, clock, settings) as site:
        yield site


def test_sign_in_by_emailed_link_then_plans_with_the_rounds_figures(console, engine):
    b = console.sign_in(PRIYA)
    home = b.get("/console")
    assert home.status == 200
    assert "Equality Action Plan" in home.body and "Signed in as priya@harbourside.gov.uk" in home.body
    assert "Other &lt;b&gt;plan&lt;/b&gt;" not in home.body  # not hers
    with session_scope(engine, read_only=True) as s:
        figures = round_figures(s, plan_rounds(s, console.plan_id)[-1])
        expected, answered = figures.expected, figures.answered
    assert expected > 0
    assert f"{answered} of {expected}" in home.body
    plan = b.get(f"/console/plans/{console.plan_id}")
    assert plan.status == 200
    for text in (
        "1.1",
        "1.2",
        "2.3",
        "Jo Baker",
        "Human Resources",
        "March 2027",
        "None reported",
        "On track",
    ):
        assert text in plan.body, text
    assert "1.5" not in re.findall(r'<th scope="row"[^>]*>([^<]+)</th>', plan.body)  # retired: not shown


def test_a_link_works_once(console):
    b = console.sign_in(PRIYA)
    link = console.links(PRIYA)[-1]
    again = console.browser().get(link[len(PUBLIC) :])
    assert again.status == 404 and "no longer works" in again.body
    assert again.headers.get("set-cookie") is None
    assert b.get("/console").status == 200  # the first session is unaffected


def test_opening_a_link_spends_nothing_so_a_mail_scanner_cannot_use_it_up(console):
    b = console.browser()
    b.post("/signin", {"csrf": b.csrf(), "email": PRIYA})
    path = console.wait_for(PRIYA, 1)[-1][len(PUBLIC) :]
    scanner = console.browser()
    assert scanner.get(path).status == 200 and scanner.get(path).status == 200
    assert scanner.get("/console").status == 303  # fetching the link signed the scanner in to nothing
    assert b.get(path).status == 200
    assert b.post(path, {"csrf": b.csrf(path)}).status == 303
    assert b.get("/console").status == 200
    assert scanner.get(path).status == 404  # spent once pressed


def test_pressing_the_button_needs_the_pages_form_token(console):
    b = console.browser()
    b.post("/signin", {"csrf": b.csrf(), "email": PRIYA})
    path = console.wait_for(PRIYA, 1)[-1][len(PUBLIC) :]
    assert b.post(path, {}).status == 403
    assert b.get("/console").status == 303
    assert b.get(path).status == 200  # the refused press did not spend the link


def test_an_expired_link_is_refused(console):
    b = console.browser()
    b.post("/signin", {"csrf": b.csrf(), "email": PRIYA})
    link = console.wait_for(PRIYA, 1)[-1]
    path = link[len(PUBLIC) :]
    token = b.csrf(path)  # the page was opened in time ...
    console.clock.advance(timedelta(minutes=15, seconds=1))
    answer = b.post(path, {"csrf": token})  # ... the button pressed too late
    assert answer.status == 404 and "no longer works" in answer.body
    assert b.get(path).status == 404
    assert b.get("/console").status == 303


def test_an_unknown_token_is_the_same_dead_page(console):
    answer = console.browser().get("/signin/not-a-token")
    assert answer.status == 404 and "no longer works" in answer.body


def test_every_address_gets_the_same_answer_and_only_a_known_one_mail(console, engine):
    b = console.browser()
    known = b.post("/signin", {"csrf": b.csrf(), "email": PRIYA})
    console.wait_for(PRIYA, 1)
    before = sorted(console.outbox.glob("*.eml"))
    unknown = b.post("/signin", {"csrf": b.csrf(), "email": "nobody@example.org"})
    lead = b.post("/signin", {"csrf": b.csrf(), "email": "jo.baker@harbourside.gov.uk"})  # a lead, not coord.
    assert known.status == unknown.status == lead.status == 200
    assert known.body == unknown.body == lead.body
    time.sleep(0.5)  # time enough for a mail that should not come
    assert sorted(console.outbox.glob("*.eml")) == before
    with session_scope(engine, read_only=True) as s:
        assert list(s.scalars(select(SigninToken.email))) == [PRIYA]


def test_only_the_tokens_hash_is_stored(console, engine):
    console.sign_in(PRIYA)
    token = console.links(PRIYA)[-1].rsplit("/", 1)[1]
    with session_scope(engine, read_only=True) as s:
        hashed, used = s.execute(select(SigninToken.token_sha256, SigninToken.used_at)).one()
    assert token not in hashed and len(hashed) == 64 and used is not None


def test_forms_without_the_csrf_token_are_refused(console):
    b = console.browser()
    b.csrf()
    assert b.post("/signin", {"email": PRIYA}).status == 403
    assert b.post("/signin", {"email": PRIYA, "csrf": "forged"}).status == 403
    time.sleep(0.3)
    assert console.links(PRIYA) == []
    signed = console.sign_in(PRIYA)
    assert signed.post("/signout", {}).status == 403
    assert signed.get("/console").status == 200  # still signed in
    token = signed.csrf("/console")
    out = signed.post("/signout", {"csrf": token})
    assert out.status == 200 and "signed out" in out.body
    assert signed.get("/console").status == 303


def test_a_coordinator_cannot_open_another_plan_and_an_admin_sees_all(console):
    priya = console.sign_in(PRIYA)
    assert priya.get(f"/console/plans/{console.other_plan_id}").status == 403
    assert priya.get("/console/plans/999999").status == 403  # unknown or not hers: the same
    olu = console.sign_in(OTHER)
    assert olu.get(f"/console/plans/{console.plan_id}").status == 403
    assert olu.get(f"/console/plans/{console.other_plan_id}").status == 200
    admin = console.sign_in(ADMIN)
    home = admin.get("/console")
    assert "Equality Action Plan" in home.body and "Other &lt;b&gt;plan&lt;/b&gt;" in home.body
    assert "<b>plan</b>" not in home.body
    assert admin.get(f"/console/plans/{console.other_plan_id}").status == 200


def test_the_session_cookie_flags_and_lifetime(console):
    b = console.sign_in(PRIYA)
    cookie = next(c for c in b.set_cookies if c.startswith("console_session="))
    flags = {part.strip().split("=")[0].lower(): part for part in cookie.split(";")}
    assert "httponly" in flags and "secure" in flags
    assert flags["samesite"].strip().lower() == "samesite=lax"
    assert flags["max-age"].strip() == "Max-Age=28800"
    assert b.get("/console").status == 200
    console.clock.advance(timedelta(hours=8))
    assert b.get("/console").status == 303


def test_signed_out_pages_send_to_sign_in(console):
    b = console.browser()
    for path in ("/console", f"/console/plans/{console.plan_id}"):
        answer = b.get(path)
        assert answer.status == 303 and answer.headers["location"] == "/signin"


def test_sign_in_requests_are_rate_limited_per_address(console):
    b = console.browser()
    answers = [b.post("/signin", {"csrf": b.csrf(), "email": PRIYA}).status for _ in range(6)]
    assert answers == [200] * 5 + [429]
    console.wait_for(PRIYA, 5)
    time.sleep(0.3)
    assert len(console.links(PRIYA)) == 5


def test_no_secure_flag_under_plain_http(engine, clock, settings):
    with _console(engine, clock, settings, public="http://progress.harbourside.test") as site:
        b = site.browser()
        b.csrf()
        cookie = next(c for c in b.set_cookies if c.startswith("console_session="))
    assert "secure" not in cookie.lower() and "httponly" in cookie.lower()


def test_pages_carry_the_safety_headers(console):
    answer = console.browser().get("/signin")
    assert answer.headers["referrer-policy"] == "no-referrer"
    assert "default-src 'none'" in answer.headers["content-security-policy"]
    assert answer.headers["cache-control"] == "no-store"


def test_the_rate_limit_window_slides():
    limit = RateLimit(2, 60.0)
    assert [limit.allow("a", t) for t in (0.0, 1.0, 2.0)] == [True, True, False]
    assert limit.allow("b", 2.0)  # each key its own
    assert limit.allow("a", 60.5) and not limit.allow(
        "a", 60.6
    )  # the first has left the window, not the second


def test_serve_web_wires_the_console_from_the_settings(engine, clock, settings):
    """`serve web` builds its pages with wiring.web_pages: the console is there, ADMIN_EMAILS is read."""
    with session_scope(engine) as s:
        personas.build(s, clock)
    admin_settings = settings.model_copy(update={"admin_emails": ADMIN})
    pages = web_pages(admin_settings, engine, clock)
    assert pages is not None
    server = SlackServer(
        ("127.0.0.1", 0), None, "", engine, pages=pages, pages_max_body=settings.web_max_body
    )
    server.start_in_thread()
    try:
        site = Console(server.url, settings.var_dir / "outbox", clock, 0, 0)
        home = site.sign_in(ADMIN).get("/console")
        assert home.status == 200 and "Equality Action Plan" in home.body
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)  # nothing here differs by database
def test_one_client_is_held_to_its_own_limit_before_the_backstop(engine, clock, settings):
    with _console(engine, clock, settings) as site:
        b = site.browser()
        token = b.csrf()
        statuses = [
            b.post("/signin", {"csrf": token, "email": f"n{i}@example.org"}).status for i in range(31)
        ]
    assert statuses == [200] * 30 + [429]


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)  # nothing here differs by database
def test_the_process_wide_backstop_refuses_a_spray_of_addresses(engine, clock, settings):
    # every request here comes from one loopback client: lift its own limit to reach the backstop
    with _console(engine, clock, settings, per_client=1000) as site:
        b = site.browser()
        token = b.csrf()
        statuses = [
            b.post("/signin", {"csrf": token, "email": f"n{i}@example.org"}).status for i in range(301)
        ]
    assert statuses == [200] * 300 + [429]


def test_other_paths_keep_the_lead_pages_plain_404(console):
    b = console.browser()
    answers = [b.get("/elsewhere"), b.get("/u/nothing-at-all"), b.get("/console/plans/not-a-number")]
    assert {a.status for a in answers} == {404}
    assert len({a.body for a in answers}) == 1
    assert b.post("/console", {}).status == 404  # a console path, the wrong method
