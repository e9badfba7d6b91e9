"""`collector serve`: the long-running processes: the scheduler, the mail server and the Slack app (web)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Protocol

import typer

from .context import Runtime, console, runtime

if TYPE_CHECKING:
    from bot.server import SlackServer
    from collector.core.settings import Settings


class _Connection(Protocol):
    """What serving uses of slack_bolt's SocketModeHandler (untyped there): connect once, close at the end."""

    def connect(self) -> None: ...

    def close(self) -> None: ...


app = typer.Typer(help="Run the long-running processes: scheduler, mail, web.", no_args_is_help=True)


@app.command()
def scheduler(
    ctx: typer.Context,
    interval: int = typer.Option(60, "--interval", min=5, help="Seconds between ticks."),
    once: bool = typer.Option(
        False, "--once", help="Run one tick (if this process gets the lease) and exit."
    ),
) -> None:
    """Open rounds on their cadence and send prompts, reminders and escalations; stop with Ctrl-C/SIGTERM.

    Only one scheduler acts at a time (a lease in the database); a second one stands by and takes over
    when the first stops or dies.
    """
    from collector.channels.registry import close_channels, describe
    from collector.cli.wiring import channels_for
    from collector.rounds.scheduler import SchedulerJob, serve

    rt = runtime(ctx)
    _logging(rt.settings)
    channels = channels_for(rt.settings, rt.clock)
    lease = timedelta(seconds=rt.settings.delivery_lease)
    job = SchedulerJob(rt.engine, channels, rt.clock, timezone=rt.settings.timezone, delivery_lease=lease)
    try:
        if once:
            report = job()
            job.release()
            console.print(
                report.summary() if report is not None else "Another scheduler holds the lease: nothing done."
            )
            return
        logging.getLogger(__name__).info("channels: %s", describe(channels))
        serve(job, interval=interval)
    finally:
        close_channels(channels)


@app.command()
def mail(
    ctx: typer.Context,
    interval: float = typer.Option(1.0, "--interval", min=0.1, help="Seconds between processing passes."),
    grace: float = typer.Option(30.0, "--grace", min=0, help="Seconds in-flight sessions get at shutdown."),
) -> None:
    """Receive replies by SMTP on MAIL_LISTEN and/or from MAILBOX_URL's mailbox and turn them into updates;
    stop with Ctrl-C/SIGTERM.

    Each message is stored (raw, committed) before it is answered 250, then processed; on start, messages a
    crash left unprocessed are picked up first.
    """
    import asyncio

    from collector.channels.registry import close_channels, describe
    from collector.cli.wiring import channels_for
    from mailin.inbound.imap_serve import serve_mail  # SMTP, the mailbox (MAILBOX_URL), or both

    rt = runtime(ctx)
    _logging(rt.settings)
    channels = channels_for(rt.settings, rt.clock)
    logging.getLogger(__name__).info("channels: %s", describe(channels))
    try:
        asyncio.run(serve_mail(rt.engine, channels, rt.settings, rt.clock, interval=interval, grace=grace))
    finally:
        close_channels(channels)


@app.command()
def web(
    ctx: typer.Context,
    host: str = typer.Option("0.0.0.0", "--host", help="Interface to listen on (HTTP mode)."),
    sweep_every: float = typer.Option(
        60.0, "--sweep-every", min=1, help="Seconds between housekeeping passes."
    ),
    workers: int = typer.Option(
        8, "--workers", min=1, max=256, help="Slack requests handled at once (HTTP); more wait, or get 503."
    ),
) -> None:
    """The Slack app: HTTP on PORT (/slack/events, /healthz), or Socket Mode when SLACK_APP_TOKEN is set.

    Needs SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET; without them only /healthz is served. Starts while
    Slack's Web API is down: the token is checked in the background and /healthz says whether Slack is
    reachable. With PUBLIC_URL and WEB_SECRET set, the same server serves the leads' update pages (/u/...,
    docs/web.md). Stop with Ctrl-C/SIGTERM.
    """
    import signal

    from bot.client import install_token_filter
    from bot.server import SlackServer
    from bot.sweep import every
    from collector.channels.registry import close_channels, describe
    from collector.cli.wiring import slack_app, web_pages

    rt = runtime(ctx)
    _logging(rt.settings)
    install_token_filter()
    settings = rt.settings
    if not settings.slack_bot_token or not settings.slack_signing_secret:
        _health_only(rt, host)
        return
    bolt, bot = slack_app(settings, rt.engine, rt.clock)
    log = logging.getLogger(__name__)
    log.info("channels: %s", describe(bot.channels))
    stop = threading.Event()
    every(bot, sweep_every, stop)
    try:
        if settings.slack_app_token:
            from slack_bolt.adapter.socket_mode import SocketModeHandler

            # ping every 3 s: a connection dropped without a close is noticed (and reopened) in seconds
            for signum in (signal.SIGTERM, signal.SIGINT):
                signal.signal(signum, lambda *_: stop.set())
            assert bot.link is not None  # build_app always makes one
            bot.link.start()
            handler: _Connection = SocketModeHandler(bolt, settings.slack_app_token, ping_interval=3)
            if _connect_until_stopped(handler, stop):
                log.info("Slack app in Socket Mode")
            stop.wait()  # until SIGTERM or Ctrl-C; the sweep thread stops on the same event
            log.info("closing the Socket Mode connection")
            handler.close()
            bot.link.stop()
            return
        server = SlackServer(
            (host, settings.port),
            bolt,
            settings.slack_signing_secret,
            rt.engine,
            link=bot.link,
            workers=workers,
            pages=web_pages(settings, rt.engine, rt.clock),
            pages_max_body=settings.web_max_body,
        )
        log.info("Slack app listening on %s:%d (/slack/events, /healthz)", host, settings.port)
        _until_sigterm(server)
    finally:
        stop.set()
        close_channels(bot.channels)


def _connect_until_stopped(handler: _Connection, stop: threading.Event) -> bool:
    """Open the Socket Mode connection, retrying with backoff while Slack cannot be reached (a Slack outage
    at deploy time must not end the process); False if stopped first."""
    log = logging.getLogger(__name__)
    delay = 1.0
    while not stop.is_set():
        try:
            handler.connect()
            return True
        except Exception as exc:
            log.warning("Socket Mode: cannot connect yet (%s); retrying in %.0f s", type(exc).__name__, delay)
            stop.wait(delay)
            delay = min(delay * 2, 60.0)
    return False


def _logging(settings: Settings) -> None:
    """One line per event (JSON with LOG_FORMAT=json), secrets masked: collector/core/logs.py."""
    from collector.core.logs import configure_logging

    configure_logging(settings.log_format, settings.log_level)


@app.command("all")
def all_(
    ctx: typer.Context,
    interval: int = typer.Option(60, "--interval", min=5, help="Seconds between scheduler ticks."),
    grace: float = typer.Option(
        30.0, "--grace", min=0, help="Seconds in-flight SMTP sessions get at shutdown."
    ),
    host: str = typer.Option("0.0.0.0", "--host", help="Interface the Slack app listens on."),
) -> None:
    """The scheduler, the SMTP server and (when Slack is configured) the Slack app, in one process: for a
    laptop or a small site. SIGTERM or Ctrl-C stops each cleanly: SMTP sessions in a transaction finish or
    get a 421, the tick in hand finishes and the scheduler's lease is released, the web server stops."""
    import asyncio

    from collector.channels.registry import close_channels, describe
    from collector.cli.wiring import channels_for
    from collector.rounds.scheduler import SchedulerJob, build_scheduler
    from mailin.inbound.imap_serve import serve_mail  # SMTP, the mailbox (MAILBOX_URL), or both

    rt = runtime(ctx)
    settings = rt.settings
    _logging(settings)
    log = logging.getLogger(__name__)
    channels = channels_for(settings, rt.clock)
    log.info("channels: %s", describe(channels))
    lease = timedelta(seconds=settings.delivery_lease)
    job = SchedulerJob(rt.engine, channels, rt.clock, timezone=settings.timezone, delivery_lease=lease)
    scheduler = build_scheduler(job, interval=interval)
    ticking = threading.Thread(target=scheduler.start, name="scheduler", daemon=True)
    web = _web_in_thread(rt, host)
    ticking.start()
    try:
        asyncio.run(serve_mail(rt.engine, channels, settings, rt.clock, interval=1.0, grace=grace))
    finally:
        log.info("stopping the scheduler after the item in hand")
        job.stopping.set()
        if scheduler.running:
            scheduler.shutdown(wait=True)
        job.release()
        if web is not None:
            web()
        close_channels(channels)
        log.info("all services stopped")


def _web_in_thread(rt: Runtime, host: str) -> Callable[[], None] | None:
    """The Slack app's HTTP server in a thread, when Slack is configured for HTTP; a function that stops it
    (None when Slack is off or in Socket Mode, which `serve web` runs)."""

    settings = rt.settings
    log = logging.getLogger(__name__)
    if not settings.slack_bot_token or not settings.slack_signing_secret:
        log.info("Slack is off (no SLACK_BOT_TOKEN/SLACK_SIGNING_SECRET): no web server")
        return None
    if settings.slack_app_token:
        log.warning("Socket Mode is run by `collector serve web`, not `serve all`: no web server")
        return None
    from bot.client import install_token_filter
    from bot.server import SlackServer
    from bot.sweep import every
    from collector.channels.registry import close_channels
    from collector.cli.wiring import slack_app, web_pages

    install_token_filter()
    bolt, bot = slack_app(settings, rt.engine, rt.clock)
    pages = web_pages(settings, rt.engine, rt.clock)
    server = SlackServer(
        (host, settings.port), bolt, settings.slack_signing_secret, rt.engine, link=bot.link,
        pages=pages, pages_max_body=settings.web_max_body,
    )  # fmt: skip
    swept = threading.Event()
    every(bot, 60.0, swept)
    server.start_in_thread()
    log.info("Slack app listening on %s:%d (/slack/events, /healthz)", host, settings.port)

    def stop() -> None:
        swept.set()
        server.shutdown()
        server.server_close()
        close_channels(bot.channels)

    return stop


def _health_only(rt: Runtime, host: str) -> None:
    """Slack is not configured: keep the web process up for /healthz (a Procfile runner stops every process
    when one exits), say so once, and stop on SIGTERM."""

    from bot.server import SlackServer

    log = logging.getLogger(__name__)
    log.warning(
        "Slack is off (set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET, README: Slack): serving /healthz only"
    )
    from collector.cli.wiring import web_pages

    pages = web_pages(rt.settings, rt.engine, rt.clock)
    server = SlackServer(
        (host, rt.settings.port), None, "", rt.engine, pages=pages, pages_max_body=rt.settings.web_max_body
    )
    log.info("listening on %s:%d (/healthz)", host, rt.settings.port)
    _until_sigterm(server)


def _until_sigterm(server: SlackServer) -> None:
    """Serve HTTP until SIGTERM (shutdown from another thread: serve_forever waits for it) or Ctrl-C."""
    import signal

    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
