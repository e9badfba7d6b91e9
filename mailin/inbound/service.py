"""`collector serve mail`: the SMTP listener (mailin.inbound.server) and the loop that processes what it
stored,
in one process, until SIGTERM/SIGINT."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from sqlalchemy import Engine

from collector.core.clock import Clock
from mailin.inbound.server import MailHandler, MailServer
from mailin.inbound.store import GroupCommitter

log = logging.getLogger(__name__)


def check_durable(engine: Engine) -> None:
    """Refuse to run when a commit would not be durable (reliability.md M1): a 250 must mean "on disk"."""
    if engine.dialect.name != "postgresql":
        return  # SQLite: store.db sets synchronous=FULL on every connection
    with engine.connect() as connection:
        for setting in ("synchronous_commit", "fsync"):
            value = connection.exec_driver_sql(f"SHOW {setting}").scalar()
            if value != "on":
                raise RuntimeError(f"PostgreSQL {setting} is {value!r}: mail would not be durable at 250")


async def serve(
    engine: Engine,
    channels: dict[str, Any],
    settings: Any,
    clock: Clock,
    *,
    interval: float = 1.0,
    grace: float = 30,
    stop: asyncio.Event | None = None,
) -> None:
    """`collector serve mail`: the SMTP listener on settings.mail_listen and the processing loop, until
    SIGTERM/SIGINT (or `stop`). Processing runs at start (a crash left 'new' messages), every `interval`
    seconds, and as soon as a message was stored."""
    import signal

    from mailin.inbound.process import process_pending

    check_durable(engine)
    loop = asyncio.get_running_loop()
    stop = stop or asyncio.Event()
    wake = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, stop.set)
    host, _, port = settings.mail_listen.rpartition(":")
    committer = GroupCommitter(engine, clock)
    handler = MailHandler(
        engine, settings.mail_domain, clock, store=committer, on_stored=lambda _stored: wake.set()
    )
    stopped_dead = asyncio.Event()
    server = MailServer(handler, host or "127.0.0.1", int(port), max_per_peer=settings.mail_max_per_peer)

    async def processing() -> None:
        while True:
            wake.clear()
            try:
                counts = await asyncio.to_thread(
                    process_pending, engine, channels, settings, clock, busy=committer.busy
                )
                if counts:
                    log.info("processed: %s", ", ".join(f"{v} {k}" for k, v in sorted(counts.items())))
            except Exception:
                log.exception("processing pass failed; trying again in %s s", interval)
            if stop.is_set():
                return
            if not committer.alive():  # cannot happen by design; if it does, exit so a supervisor restarts
                log.critical("the mail commit thread is gone: stopping, mail cannot be stored")
                stopped_dead.set()
                stop.set()
                return
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), interval)

    await server.start()
    worker = asyncio.create_task(processing())
    await stop.wait()
    log.info("stopping: no new connections; letting sessions in a transaction finish")
    await server.stop(grace)
    await asyncio.to_thread(committer.close)  # sessions are done: their batches have committed
    wake.set()
    with contextlib.suppress(Exception):
        await asyncio.wait_for(worker, grace)
    log.info("mail process stopped")
    if stopped_dead.is_set():
        raise RuntimeError("the mail commit thread stopped: restart `collector serve mail`")
