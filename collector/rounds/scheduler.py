"""APScheduler wiring only: one interval job that takes the lease and runs the tick
(collector/rounds/tick.py).

Everything that is due (cron openings included) is derived from the database by the tick, so APScheduler
keeps no state of ours: a MemoryJobStore, no persistent job store (docs/reliability.md F7: SQLAlchemyJobStore
pickles jobs and silently deletes one it cannot unpickle), and a missed run is simply the next run.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from types import FrameType

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.blocking import BlockingScheduler
from sqlalchemy import Engine

from collector.channels.protocol import Channel
from collector.core.clock import Clock
from collector.rounds import lease
from collector.rounds.delivery import DEFAULT_LEASE
from collector.rounds.tick import TickReport, tick

log = logging.getLogger(__name__)

LEASE = "scheduler"
INTERVAL = 60  # seconds between ticks
# APScheduler's default grace is 1 s (F7): a run that starts a little late (a busy machine, a slow previous
# tick) would be skipped silently. Two intervals is deliberate: a late run still happens, and anything later
# than that is coalesced into the next one, which finds the same work in the database anyway.
MISFIRE_GRACE = 2 * INTERVAL


class SchedulerJob:
    """The periodic job: hold the lease (renewing it while working) and run one tick."""

    def __init__(
        self,
        engine: Engine,
        channels: dict[str, Channel],
        clock: Clock,
        *,
        timezone: str,
        holder: str | None = None,
        ttl: timedelta = timedelta(seconds=3 * INTERVAL),
        delivery_lease: timedelta = DEFAULT_LEASE,
    ):
        self.engine, self.channels, self.clock, self.timezone = engine, channels, clock, timezone
        self.delivery_lease = delivery_lease
        self.holder = holder or lease.holder_id()
        self.ttl = ttl
        self.stopping = threading.Event()
        self._renewed: datetime | None = None

    def __call__(self) -> TickReport | None:
        """One run: None when another scheduler holds the lease (this one stands by)."""
        if self.stopping.is_set() or not self._renew(force=True):
            return None
        try:
            report = tick(
                self.engine,
                self.channels,
                self.clock,
                timezone=self.timezone,
                keep_going=self._keep_going,
                lease=self.delivery_lease,
            )
        except Exception:  # a bug or a database outage: log it, stay up, try again next interval (C7)
            log.exception("tick failed")
            return None
        if report.summary() != "nothing due":
            log.info("tick: %s", report.summary())
        return report

    def _keep_going(self) -> bool:
        """Between items: stop on shutdown, or as soon as the lease cannot be kept."""
        return not self.stopping.is_set() and self._renew()

    def _renew(self, *, force: bool = False) -> bool:
        now = self.clock.now()
        if not force and self._renewed is not None and now - self._renewed < self.ttl / 3:
            return True
        if lease.acquire(self.engine, LEASE, self.holder, self.clock, self.ttl):
            if self._renewed is None:
                log.info("scheduler %s holds the lease", self.holder)
            self._renewed = now
            return True
        if self._renewed is not None or force:
            held = lease.holder_of(self.engine, LEASE)
            log.info(
                "scheduler %s is standing by: the lease is held by %s", self.holder, held[0] if held else "?"
            )
        self._renewed = None
        return False

    def release(self) -> None:
        lease.release(self.engine, LEASE, self.holder)
        self._renewed = None
        log.info("scheduler %s released the lease", self.holder)


def build_scheduler(job: Callable[[], object], *, interval: int = INTERVAL) -> BlockingScheduler:
    """A BlockingScheduler with the one tick job, first run at once."""
    scheduler = BlockingScheduler(
        jobstores={"default": MemoryJobStore()}, executors={"default": ThreadPoolExecutor(1)}, timezone=UTC
    )
    scheduler.add_job(
        job,
        "interval",
        seconds=interval,
        id="tick",
        name="tick",
        next_run_time=datetime.now(UTC),
        coalesce=True,  # runs missed while busy or asleep become one run
        max_instances=1,  # a long tick is never overlapped by the next (C9: the skip is logged)
        misfire_grace_time=max(MISFIRE_GRACE, 2 * interval),
    )
    return scheduler


def serve(job: SchedulerJob, *, interval: int = INTERVAL) -> None:
    """Run until SIGTERM or SIGINT: then stop between items, wait for the running tick, release the lease."""
    scheduler = build_scheduler(job, interval=interval)

    def stop(signum: int, _frame: FrameType | None) -> None:
        log.info("signal %s: stopping after the item in hand", signal.Signals(signum).name)
        job.stopping.set()
        if scheduler.running:
            scheduler.shutdown(wait=True)

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    log.info("scheduler %s ticking every %d s", job.holder, interval)
    try:
        scheduler.start()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        job.release()
