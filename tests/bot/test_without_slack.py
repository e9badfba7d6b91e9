"""Starting without Slack: the web process comes up, answers /healthz and acknowledges signed requests while
Slack's Web API cannot be reached, checks the token in the background, and says so once Slack is back."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.client import make_client
from bot.link import SlackLink
from store.db import session_scope
from store.models.records import InboundMessage
from tests.bot import slack
from tests.bot.conftest import SAM, running, wait_for
from tests.bot.test_requests import CHALLENGE
from tests.fakes.slack_api import TEAM, TOKEN, SlackStandIn

ROOT = Path(__file__).resolve().parents[2]


def test_with_slack_down_the_app_starts_reports_it_and_still_verifies_and_acks(
    settings, engine, clock, api, world
):
    api.down()
    with running(settings, engine, clock, api) as h:
        status, report = wait_for(lambda: (r := h.health())[1]["slack"]["checked_at"] and r)
        assert status == 200 and report["ok"] is True
        assert report["slack"]["reachable"] is False
        assert "cannot reach Slack's Web API" in report["slack"]["reason"]

        challenge = slack.post(h.events, json.dumps(CHALLENGE).encode(), "application/json")
        assert challenge.status == 200 and challenge.json() == {"challenge": CHALLENGE["challenge"]}
        forged = slack.post(h.events, json.dumps(CHALLENGE).encode(), "application/json", ts="1", signed=True)
        assert forged.status == 401  # still verified: a stale timestamp is refused
        dm = h.event(slack.event(slack.dm(SAM, "On track, survey sent"), event_id="Ev0DOWN01"))
        assert dm.status == 200 and dm.seconds < 3
        with session_scope(engine, read_only=True) as s:
            stored = s.scalars(select(InboundMessage.external_id)).all()
        assert "event:Ev0DOWN01" in stored  # stored before the ack, Slack or no Slack

        api.up()
        status, report = wait_for(lambda: (r := h.health())[1]["slack"]["reachable"] and r)
        assert status == 200 and report["slack"]["reason"] is None
        assert api.calls("auth.test", ok=True)


def test_a_failing_auth_test_is_reported_with_its_reason_and_retried_no_sooner_than_asked(settings):
    api = SlackStandIn().start()
    try:
        link = SlackLink(make_client(settings.model_copy(update={"slack_api_url": api.api_url})))
        api.fail("auth.test", status=429, retry_after=7)
        assert link.check() == 7.0 and link.reach.reason == "auth.test: HTTP 429"
        api.fail("auth.test", status=503)
        assert link.check() == 0.0 and link.reach.reason == "auth.test: HTTP 503"
        api.fail("auth.test", error="invalid_auth")
        assert link.check() == 0.0 and link.reach.reason == "auth.test: invalid_auth"
        assert not link.reach.reachable
        assert link.check() is None and link.reach.reachable
        granted = link.authorize(None, None, SAM)
        assert granted.bot_token == TOKEN and granted.team_id == TEAM and granted.bot_user_id == "U0BOT"
    finally:
        api.stop()


@pytest.mark.slow
def test_collector_serve_web_starts_while_slack_is_down_and_becomes_healthy_when_it_returns(tmp_path):
    from tests.mail_in.test_kill import _free_port
    from tests.test_serve_all import _wait

    api = SlackStandIn().start().down()
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("SLACK_")},
        "DATABASE_URL": f"sqlite:///{tmp_path / 'var' / 'collector.db'}",
        "VAR_DIR": str(tmp_path / "var"),
        "PORT": str(port),
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": slack.SECRET,
        "SLACK_API_URL": api.api_url,
    }
    log = tmp_path / "web.log"
    code = "import sys; from collector.cli.app import app; sys.argv[0] = 'collector'; app()"
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [sys.executable, "-c", code, "serve", "web", "--host", "127.0.0.1"],
            env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}"

        def health() -> dict:
            import urllib.request

            with urllib.request.urlopen(url + "/healthz", timeout=2) as answer:
                return json.loads(answer.read())

        report = _wait(lambda: (r := health())["slack"]["checked_at"] and r, "/healthz", proc, log)
        assert report["ok"] is True and report["slack"]["reachable"] is False
        answer = slack.post(url + "/slack/events", json.dumps(CHALLENGE).encode(), "application/json")
        assert answer.status == 200
        time.sleep(0.5)
        assert proc.poll() is None, log.read_text()[-3000:]
        api.up()
        _wait(lambda: health()["slack"]["reachable"], "Slack reachable on /healthz", proc, log, timeout=20)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(30) == 0, log.read_text()[-3000:]
    finally:
        if proc.poll() is None:
            proc.kill()
        api.stop()
