"""SIGKILL, again and again, while a process sends through a real relay on loopback: every message arrives,
a copy only for the one in flight at each kill, and the copy has the same Message-ID (at least once)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from email import message_from_bytes
from email.policy import default
from pathlib import Path

import pytest

from collector.rounds.delivery import DEFAULT_LEASE
from mailin.outbound.channel import message_id
from tests.rounds.helpers import deliveries

ROOT = Path(__file__).resolve().parents[2]
N, KILLS = 120, 5


def _worker(database_url: str, relay, at, person_id: int, *, read: bool = False) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    args = [database_url, relay.url, at.isoformat(), str(N), str(person_id)]
    return subprocess.Popen(
        [sys.executable, "-m", "tests.rounds.kill_worker", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE if read else subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@pytest.mark.slow
def test_sends_killed_with_sigkill_are_all_delivered_with_at_most_one_copy_per_kill(
    engine, database_url, world, clock, relay
):
    rng, at = random.Random(13), clock.now()
    for _ in range(KILLS):
        worker = _worker(database_url, relay, at, world.people["Jo"])
        started = len(relay.delivered)
        deadline = time.monotonic() + 60
        while len(relay.delivered) < started + rng.randint(5, 30) and time.monotonic() < deadline:
            time.sleep(0.005)  # wait until it is sending, then kill it somewhere in the middle
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
        at += DEFAULT_LEASE + DEFAULT_LEASE  # the next process starts after the lease: it takes over
    for _ in range(2):  # and then runs to the end
        worker = _worker(database_url, relay, at, world.people["Jo"], read=True)
        assert worker.communicate(timeout=300)[0].strip() == b"done"
        at += DEFAULT_LEASE + DEFAULT_LEASE

    rows = [d for d in deliveries(engine, "notice")]
    ids = Counter(message_from_bytes(c, policy=default)["Message-ID"] for *_, c, _s in relay.delivered)
    expected = {message_id(d.send_id, "progress.example.org") for d in rows}
    assert len(rows) == N and {d.state for d in rows} == {"sent"}
    assert set(ids) == expected  # none lost, nothing else sent
    copies = sum(ids.values()) - N
    assert copies <= KILLS and all(n <= 2 for n in ids.values())
    print(f"{N} notices, {KILLS} SIGKILLs: {copies} copies, each with its original's Message-ID")
