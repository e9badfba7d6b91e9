"""`collector serve mail` with a mailbox: the mailbox reader, the SMTP server, or both, sharing one store.

MAILBOX_URL set: a MailboxReader thread reads the organisation's mailbox; MAIL_LISTEN=off then runs it alone,
any other MAIL_LISTEN runs our SMTP server beside it (mailin/inbound/server.py). MAILBOX_URL unset: the SMTP
server
alone, as before. Both receivers store raw through mailin.inbound.store and apply through process_pending.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import threading
from typing import Any

from sqlalchemy import Engine

from collector.core.clock import Clock
from collector.core.errors import UserError
from collector.core.settings import Settings
from mailin.inbound.imap_auth import token_source
from mailin.inbound.imap_config import parse_mailbox_url
from mailin.inbound.imap_reader import MailboxReader

log = logging.getLogger(__name__)

SMTP_OFF = ("", "off", "none")


def smtp_enabled(settings: Settings) -> bool:
    return settings.mail_listen.strip().lower() not in SMTP_OFF


def build_reader(
    engine: Engine, settings: Settings, clock: Clock, *, on_stored: Any, stop: threading.Event
) -> MailboxReader:
    """The reader MAILBOX_URL and its companions describe. Raises UserError on a setting that cannot work."""
    if not settings.mailbox_url:
        raise UserError("MAILBOX_URL is not set")
    config = parse_mailbox_url(settings.mailbox_url, settings.mailbox_done)
    tokens = token_source(settings, config.user)
    password = settings.mailbox_password.get_secret_value() if settings.mailbox_password else None
    if tokens is None and password is None:
        raise UserError("MAILBOX_URL needs MAILBOX_PASSWORD or MAILBOX_OAUTH (microsoft or google)")
    return MailboxReader(
        engine,
        config,
        settings.mail_domain,
        clock,
        password=password,
        tokens=tokens,
        on_stored=on_stored,
        stop=stop,
        poll=settings.mailbox_poll,
        idle_slice=min(25.0, settings.mailbox_poll),
    )


async def serve_mail(
    engine: Engine,
    channels: dict[str, Any],
    settings: Settings,
    clock: Clock,
    *,
    interval: float = 1.0,
    grace: float = 30,
    stop: asyncio.Event | None = None,
) -> None:
    """Run what the settings ask for until SIGTERM/SIGINT (or `stop`)."""
    from mailin.inbound.process import process_pending
    from mailin.inbound.service import check_durable, serve

    if not settings.mailbox_url:
        if not smtp_enabled(settings):
            raise UserError("MAIL_LISTEN=off leaves nothing to receive mail: set MAILBOX_URL too")
        await serve(engine, channels, settings, clock, interval=interval, grace=grace, stop=stop)
        return
    check_durable(engine)
    stop = stop or asyncio.Event()
    halt = threading.Event()
    applying = threading.Lock()

    def apply() -> None:
        """Process what is new; the reader calls it after a pass stored mail (and once at start)."""
        with applying:
            try:
                counts = process_pending(engine, channels, settings, clock)
                if counts:
                    log.info("processed: %s", ", ".join(f"{v} {k}" for k, v in sorted(counts.items())))
            except Exception:
                log.exception("processing pass failed; the messages stay new and are tried again")

    reader = build_reader(engine, settings, clock, on_stored=apply, stop=halt)
    apply()  # a crash may have left stored messages unprocessed

    def run() -> None:
        reader.run()

    thread = threading.Thread(target=run, name="mailbox-reader", daemon=True)
    thread.start()
    try:
        if smtp_enabled(settings):
            await serve(engine, channels, settings, clock, interval=interval, grace=grace, stop=stop)
        else:
            loop = asyncio.get_running_loop()
            for signum in (signal.SIGTERM, signal.SIGINT):
                with contextlib.suppress(NotImplementedError, RuntimeError):
                    loop.add_signal_handler(signum, stop.set)
            await stop.wait()
    finally:
        log.info("stopping the mailbox reader")
        halt.set()
        await asyncio.to_thread(thread.join, grace)
        log.info("mailbox reader stopped")
