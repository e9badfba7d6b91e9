"""build_app: the slack-bolt App with our listeners, and the middleware that runs before any of them.

Signature verification stays on (bolt's RequestVerification; bot/precheck.py is the front check bolt lacks).
bolt's start-up `auth.test` is not made: the App authorizes with bot.link.SlackLink, which checks the token
in the background, so the app starts, and acknowledges requests, while Slack's Web API is down.
Two middlewares of ours, in order:
  teams        a request from a workspace not on SLACK_ALLOWED_TEAMS is refused (when the list is set);
  store_first  a person's DM (message.im) is stored raw, committed, BEFORE bolt acks it: bolt acks events
               itself and runs the listener after the 200, so a crash there would otherwise lose the message
               (docs/reliability.md F5). A storage failure, or a database locked for longer than
               ingest.ACK_BUDGET, answers 503 inside Slack's 3 seconds, so Slack retries; a redelivery (the
               same event_id, X-Slack-Retry-Num 1-3) answers 200 and stops.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltResponse
from slack_bolt.request import BoltRequest
from slack_sdk import WebClient
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from bot import ingest
from bot.channel import slack_channel
from bot.client import install_token_filter, make_client
from bot.context import Bot
from bot.link import SlackLink
from bot.listeners import register
from collector.channels.linking import LinkingChannel
from collector.channels.protocol import Channel
from collector.core.clock import Clock
from collector.core.links import lead_links
from collector.core.settings import Settings

log = logging.getLogger(__name__)


def build_app(
    settings: Settings, engine: Engine, clock: Clock, *, others: dict[str, Channel]
) -> tuple[App, Bot]:
    """The App and its context. `others`: the installation's other channels (collector.cli.wiring builds
    them); Slack's is built here, on this engine and the app's own client."""
    if not settings.slack_bot_token or not settings.slack_signing_secret:
        raise ValueError("Slack needs SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET")
    install_token_filter()
    client = make_client(settings)
    channels = dict(others)
    slack = slack_channel(settings, clock, engine=engine, client=client, fallback=others.get("email"))
    directory = slack.directory
    # prompts and reminders sent on a listener's behalf carry the lead's link, as the CLI's channels do
    link_for = lead_links(settings)
    channels["slack"] = LinkingChannel(slack, link_for) if link_for else slack
    link = SlackLink(client)
    bot = Bot(settings, engine, clock, client, directory, channels, link)
    app = App(
        # no token here: bolt would call auth.test now and raise if Slack is down. Each request's client
        # gets the token from link.authorize; the per-request clients copy this one's URL and retries.
        client=WebClient(
            base_url=client.base_url, timeout=client.timeout, retry_handlers=client.retry_handlers
        ),
        # a plain function: bolt passes arguments by the names it finds, and would find `self` on a method
        authorize=lambda enterprise_id, team_id, user_id: link.authorize(enterprise_id, team_id, user_id),
        signing_secret=settings.slack_signing_secret,
        logger=logging.getLogger("slack_bolt.App"),
        # the socket-mode handler and our HTTP server both ack before listeners run long work
        process_before_response=False,
    )
    app.middleware(_teams(settings))
    app.middleware(_store_first(bot))
    register(app, bot)

    @app.error
    def on_error(error: Exception, body: dict[str, Any]) -> None:
        log.error(
            "listener failed for a %s request: %r", (body or {}).get("type", "?"), error, exc_info=error
        )

    return app, bot


def _teams(settings: Settings) -> Callable[..., Any]:
    allowed = {t.strip() for t in settings.slack_allowed_teams.split(",") if t.strip()}

    def teams(body: dict[str, Any], next: Callable[[], BoltResponse]) -> BoltResponse | None:
        team = body.get("team_id") or (body.get("team") or {}).get("id") if isinstance(body, dict) else None
        if allowed and team not in allowed:
            log.warning("request from workspace %s refused: not in SLACK_ALLOWED_TEAMS", team)
            return BoltResponse(status=200, body="This app is not set up for your workspace.")
        return next()

    return teams


def _is_dm(body: dict[str, Any]) -> bool:
    event = body.get("event") or {}
    return (
        body.get("type") == "event_callback"
        and event.get("type") == "message"
        and event.get("channel_type") == "im"
        and not event.get("subtype")
        and not event.get("bot_id")
        and bool(event.get("user"))
        and bool(body.get("event_id"))
    )


def _store_first(bot: Bot) -> Callable[..., Any]:
    def store_first(
        body: dict[str, Any],
        request: BoltRequest,
        context: dict[str, Any],
        next: Callable[[], BoltResponse],
    ) -> BoltResponse | None:
        if not isinstance(body, dict) or not _is_dm(body):
            return next()
        retries = request.headers.get("x-slack-retry-num") or []
        retry = retries[0] if retries else None
        try:
            stored = ingest.store(
                bot.engine,
                bot.clock,
                ingest.event_id(body),
                body,
                kind="event",
                user=body["event"]["user"],
                retry_num=retry,
                timeout=ingest.ACK_BUDGET,
            )
        except SQLAlchemyError:
            log.exception("%s: could not be stored; answering 503 so Slack retries", ingest.event_id(body))
            return BoltResponse(status=503, body="")
        if stored.duplicate:
            log.info(
                "%s: redelivery (retry %s), already stored as inbound %d",
                stored.external_id,
                retry,
                stored.id,
            )
            return BoltResponse(status=200, body="")
        context["inbound_id"] = stored.id
        return next()

    return store_first
