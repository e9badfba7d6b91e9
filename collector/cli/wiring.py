"""The one place that builds the concrete channels (EmailChannel, SlackChannel, the outbox) and the Slack
app, from settings. Everything below the CLI receives channels; nothing below it constructs one.

It is also the one place the bot is joined to reports (siblings that may not import each other): the Slack
app's `/progress report` gets a ReportSender that calls reports.send on the bot's own client.
"""

from __future__ import annotations

from slack_bolt import App
from slack_sdk import WebClient
from sqlalchemy import Engine

from bot.app import build_app
from bot.channel import slack_channel
from bot.context import Bot, Posted, ReportSender
from bot.server import Asgi
from collector.channels.linking import LinkingChannel
from collector.channels.outbox import OutboxChannel, sweep_partials
from collector.channels.protocol import Channel
from collector.channels.registry import FALLBACK, OutboxStandIn
from collector.core.clock import Clock
from collector.core.errors import UserError
from collector.core.links import lead_links
from collector.core.settings import Settings
from mailin.outbound.channel import EmailChannel


def channels_for(settings: Settings, clock: Clock | None = None, *, slack: bool = True) -> dict[str, Channel]:
    """Every channel these settings configure, by name; the outbox alone when none is. `slack=False`
    leaves Slack out for a caller that builds it on its own client (`slack_app`)."""
    channels: dict[str, Channel] = {}
    if settings.smtp_url:
        channels["email"] = linked(settings, EmailChannel(settings, clock))
    if settings.slack_bot_token and slack:
        channels["slack"] = linked(settings, slack_channel(settings, clock, fallback=channels.get("email")))
    if not channels and not settings.slack_bot_token:
        directory = settings.var_dir / "outbox"
        sweep_partials(directory)  # a process starting: finish off what a crash left half-written
        text = OutboxChannel(directory, clock=clock, sender=settings.sender, mail_domain=settings.mail_domain)
        channels[FALLBACK] = linked(settings, OutboxStandIn(EmailChannel(settings, clock), text))
    return channels


def linked(settings: Settings, channel: Channel) -> Channel:
    """`channel`, its prompts and reminders carrying the lead's update-page link when PUBLIC_URL and
    WEB_SECRET are both set (docs/web.md); unchanged otherwise."""
    link_for = lead_links(settings)
    return channel if link_for is None else LinkingChannel(channel, link_for)


def web_pages(settings: Settings, engine: Engine, clock: Clock) -> Asgi | None:
    """The lead's update page as an ASGI app for bot/server.py to serve beside Slack's endpoint; None
    unless PUBLIC_URL and WEB_SECRET are both set (the links only exist then). Receipts go through these
    settings' own channels."""
    web_secret, public_url = settings.web_secret, settings.public_url
    if lead_links(settings) is None or web_secret is None or public_url is None:  # the last two narrow types
        return None
    from web.app import WebConfig, build_app
    from web.console import ConsoleConfig

    secret = web_secret.get_secret_value()
    config = WebConfig(
        secret,
        settings.lead_link_grace_days,
        evidence_dir=settings.var_dir / "evidence",
        evidence_max_bytes=settings.evidence_max_bytes,
    )
    console = ConsoleConfig(secret, public_url, settings.admin_emails)
    return build_app(engine, channels_for(settings, clock), clock, config, console)


def slack_app(settings: Settings, engine: Engine, clock: Clock) -> tuple[App, Bot]:
    """The bolt App and its context, with every configured channel; Slack's on the app's own client."""
    app, bot = build_app(settings, engine, clock, others=channels_for(settings, clock, slack=False))
    bot.send_report = report_sender(settings, engine, clock, bot.client)
    return app, bot


def report_sender(settings: Settings, engine: Engine, clock: Clock, client: WebClient) -> ReportSender:
    """Slack's `/progress report`: reports.send_report posting (not emailing) to the committee channel."""

    def send(plan: str | None, *, actor: str) -> Posted:
        # WeasyPrint is heavy: reports are loaded when one is asked for
        from reports.send import SendRequest, send_report

        sent = send_report(
            engine, SendRequest(plan, email=False), settings=settings, clock=clock, actor=actor, slack=client
        )
        if sent.posted is None:  # cannot happen: a Slack-only send with a client posts or raises
            raise UserError("the report was built but not posted")
        return Posted(sent.posted, len(sent.files))

    return send
