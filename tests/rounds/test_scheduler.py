"""The lease that lets one scheduler act at a time, and the APScheduler wiring around the tick."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from apscheduler.jobstores.memory import MemoryJobStore
from sqlalchemy.exc import OperationalError

from collector.rounds import lease
from collector.rounds.scheduler import LEASE, MISFIRE_GRACE, SchedulerJob, build_scheduler
from store.db import make_engine
from tests.rounds.helpers import open_harbourside

TTL = timedelta(minutes=3)


def test_a_second_scheduler_cannot_take_a_lease_that_is_held(engine, clock):
    assert lease.acquire(engine, LEASE, "first", clock, TTL)
    assert not lease.acquire(engine, LEASE, "second", clock, TTL)
    assert lease.acquire(engine, LEASE, "first", clock, TTL)  # renewing is taking it again
    assert lease.holder_of(engine, LEASE) == ("first", clock.now() + TTL)


def test_a_standby_takes_over_once_the_lease_expires(engine, clock):
    lease.acquire(engine, LEASE, "first", clock, TTL)
    clock.advance(TTL - timedelta(seconds=1))
    assert not lease.acquire(engine, LEASE, "second", clock, TTL)

    clock.advance(timedelta(seconds=1))

    assert lease.acquire(engine, LEASE, "second", clock, TTL)
    assert not lease.acquire(engine, LEASE, "first", clock, TTL)


def test_releasing_the_lease_lets_a_standby_in_at_once(engine, clock):
    lease.acquire(engine, LEASE, "first", clock, TTL)
    lease.release(engine, LEASE, "first")

    assert lease.holder_of(engine, LEASE) is None
    assert lease.acquire(engine, LEASE, "second", clock, TTL)


def test_the_job_ticks_only_while_it_holds_the_lease(engine, world, clock, channel, channels):
    open_harbourside(engine, world, clock)
    leader = SchedulerJob(engine, channels, clock, timezone="Europe/London", holder="leader")
    standby = SchedulerJob(engine, channels, clock, timezone="Europe/London", holder="standby")

    assert leader().prompts_sent == 4
    assert standby() is None
    leader.release()
    assert standby() is not None and lease.holder_of(engine, LEASE)[0] == "standby"


def test_a_stopping_job_does_nothing(engine, world, clock, channel, channels):
    open_harbourside(engine, world, clock)
    job = SchedulerJob(engine, channels, clock, timezone="Europe/London", holder="leader")
    job.stopping.set()

    assert job() is None and channel.sent == []


def test_the_scheduler_has_one_coalescing_tick_job_in_memory_with_a_deliberate_grace():
    scheduler = build_scheduler(lambda: None, interval=60)
    [job] = scheduler.get_jobs()

    assert (job.id, job.coalesce, job.max_instances, job.misfire_grace_time) == (
        "tick",
        True,
        1,
        MISFIRE_GRACE,
    )
    assert job.trigger.interval == timedelta(seconds=60)
    assert isinstance(scheduler._jobstores["default"], MemoryJobStore)


def test_serve_scheduler_stops_cleanly_on_sigterm_and_gives_the_lease_back(tmp_path):
    database = tmp_path / "var" / "collector.db"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "VAR_DIR": str(tmp_path / "var")}
    command = [str(Path(sys.executable).parent / "collector"), "serve", "scheduler", "--interval", "5"]
    process = subprocess.Popen(
        command, env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        engine = None
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            time.sleep(0.2)
            if database.exists():
                engine = engine or make_engine(f"sqlite:///{database}")
                with contextlib.suppress(OperationalError):  # the schema may not be there yet
                    if lease.holder_of(engine, LEASE):
                        break
        assert engine is not None and lease.holder_of(engine, LEASE) is not None

        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=20)

        assert process.returncode == 0, stderr
        assert lease.holder_of(engine, LEASE) is None
        assert "holds the lease" in stderr and "signal SIGTERM" in stderr and "released the lease" in stderr
        engine.dispose()
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
