"""reliability.md S12: the app in Socket Mode (what `collector serve web` runs when SLACK_APP_TOKEN is set),
against a real WebSocket server on loopback, through slack_sdk's built-in client and bolt's handler.

Envelopes are acked on the socket and land once: Slack redelivers an envelope it thinks was not acked
(`retry_attempt`), and bolt deduplicates nothing, so the store's unique ids must.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from slack_bolt.adapter.socket_mode import SocketModeHandler
from sqlalchemy import func, select

from bot.context import Bot
from collector.cli.wiring import slack_app
from store.db import session_scope
from store.models.records import InboundMessage
from store.models.updates import Update
from tests.bot import slack
from tests.bot.conftest import PRIYA, SAM, wait_for
from tests.fakes.slack_api import APP_TOKEN, TOKEN, SlackStandIn
from tests.fakes.socket_mode import SocketModeStandIn


@dataclass
class SocketApp:
    bot: Bot
    api: SlackStandIn
    socket: SocketModeStandIn
    handler: SocketModeHandler


@pytest.fixture
def socket_app(settings, engine, clock, api: SlackStandIn) -> Iterator[SocketApp]:
    socket = SocketModeStandIn().start()
    api.socket_url = lambda: socket.url
    settings.slack_app_token = APP_TOKEN
    app, bot = slack_app(settings, engine, clock)
    handler = SocketModeHandler(app, settings.slack_app_token)  # as collector/cli/serve.py builds it
    handler.connect()  # what handler.start() does before it blocks
    try:
        yield SocketApp(bot, api, socket, handler)
    finally:
        socket.stop()  # first: the client's reader then wakes at once instead of at its 3 s recv timeout
        handler.close()
        app.listener_runner.listener_executor.shutdown(wait=True)


def _count(engine, pattern: str) -> int:
    with session_scope(engine, read_only=True) as s:
        query = (
            select(func.count()).select_from(InboundMessage).where(InboundMessage.external_id.like(pattern))
        )
        return s.scalar(query)


def _updates(engine) -> list[tuple[str | None, str]]:
    with session_scope(engine, read_only=True) as s:
        query = select(Update).where(Update.via == "slack").order_by(Update.id)
        return [(u.status, u.via) for u in s.scalars(query)]


def _start_round(sm: SocketApp) -> dict:
    """The coordinator's slash command over the socket; Sam's prompt message once it is sent."""
    fields = slack.command(PRIYA, "start harbourside 2027-03-31", sm.api.url + "/response")
    sm.socket.envelope("slash_commands", fields, "env-command-1")
    ack = sm.socket.wait_ack("env-command-1")
    assert "Working on" in ack["payload"]["text"]
    wait_for(lambda: any("Sent" in r.get("text", "") for r in sm.api.state.responses))
    return wait_for(lambda: sm.api.posts_to(SAM))[0]


def _section(message: dict, ref: str) -> dict:
    return next(
        b for b in message["blocks"] if b["type"] == "section" and b["text"]["text"].startswith(f"*{ref}*")
    )


def test_the_socket_connects_with_the_app_token_from_apps_connections_open(socket_app):
    socket_app.socket.wait_connected()
    (opened,) = socket_app.api.calls("apps.connections.open")
    assert opened.status == 200 and opened.answer["ok"]
    assert socket_app.socket.paths[0].startswith("/link/?ticket=t1")


def test_a_click_over_the_socket_is_acked_and_lands_once_even_when_redelivered(socket_app, world, engine):
    sm = socket_app
    message = _start_round(sm)
    pick = slack.select_status(_section(message, "1.2"), "on_track")
    payload = slack.block_action(SAM, pick, sm.api.url + "/response", message=message)
    sm.socket.envelope("interactive", payload, "env-click-1")
    assert sm.socket.wait_ack("env-click-1") == {"envelope_id": "env-click-1"}
    wait_for(lambda: _updates(engine))
    # Slack did not see the ack in time and delivers the same envelope again
    sm.socket.envelope("interactive", payload, "env-click-1", retry_attempt=1, retry_reason="timeout")
    sm.socket.wait_ack("env-click-1", count=2)
    wait_for(lambda: sm.api.calls("chat.update"))
    assert _updates(engine) == [("on_track", "slack")]
    assert _count(engine, "action:%") == 1
    assert _count(engine, "command:%") == 1


def test_a_dm_envelope_redelivered_is_stored_once_and_answered_once(socket_app, world, engine):
    sm = socket_app
    _start_round(sm)
    event = slack.event(slack.dm(SAM, "Sorry, I'm on leave until next week, will reply then"), "Ev0SOCKET1")
    sm.socket.envelope("events_api", event, "env-dm-1")
    sm.socket.wait_ack("env-dm-1")
    said = wait_for(lambda: [m for m in sm.api.posts_to(SAM) if "coordinator will look" in m["text"]])
    for attempt in (1, 2):
        sm.socket.envelope("events_api", event, f"env-dm-1-r{attempt}", retry_attempt=attempt)
        sm.socket.wait_ack(f"env-dm-1-r{attempt}")
    assert _count(engine, "event:Ev0SOCKET1") == 1
    with session_scope(engine, read_only=True) as s:
        stored = s.scalar(select(InboundMessage).where(InboundMessage.external_id == "event:Ev0SOCKET1"))
        assert stored.state == "needs_review" and stored.envelope["kind"] == "event"
    assert len([m for m in sm.api.posts_to(SAM) if "coordinator will look" in m["text"]]) == len(said) == 1


@pytest.mark.slow  # about 4 s: the client swaps connections only after its reader's 3 s recv timeout
def test_a_disconnect_message_makes_the_client_reconnect_and_envelopes_still_land(socket_app, world, engine):
    sm = socket_app
    sm.socket.wait_connected()
    sm.socket.disconnect()
    sm.socket.wait_connected(count=2)
    assert len(sm.api.calls("apps.connections.open")) == 2  # a new URL for the new connection
    message = _start_round(sm)
    pick = slack.select_status(_section(message, "1.2"), "completed")
    sm.socket.envelope(
        "interactive", slack.block_action(SAM, pick, sm.api.url + "/response", message=message), "e2"
    )
    sm.socket.wait_ack("e2")
    wait_for(lambda: _updates(engine))
    assert _updates(engine) == [("completed", "slack")]


@pytest.mark.slow
def test_serve_web_in_socket_mode_connects_and_stops_cleanly_on_sigterm(tmp_path, api: SlackStandIn):
    import os
    import signal
    import subprocess
    import sys
    from pathlib import Path

    socket = SocketModeStandIn().start()
    api.socket_url = lambda: socket.url
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'var' / 'collector.db'}",
        "VAR_DIR": str(tmp_path / "var"),
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": "8f14e45fceea167a5a36dedd4bea2543",
        "SLACK_APP_TOKEN": APP_TOKEN,
        "SLACK_API_URL": api.api_url,
    }
    code = "import sys; from collector.cli.app import app; sys.argv[0] = 'collector'; app()"
    root = Path(__file__).resolve().parents[2]
    log = tmp_path / "web.log"
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [sys.executable, "-c", code, "serve", "web"],
            env=env,
            cwd=root,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        socket.wait_connected(timeout=20)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(20) == 0, log.read_text()[-2000:]
    finally:
        if proc.poll() is None:
            proc.kill()
        socket.stop()
    assert "closing the Socket Mode connection" in log.read_text()
