"""A named lease in the database, so only one scheduler acts at a time (docs/reliability.md section 4, C1).

Taking it is one conditional UPDATE ("mine already, or expired") and, when no row exists yet, an INSERT
whose primary key makes a second taker fail. It works the same on SQLite and PostgreSQL and under a frozen
clock, unlike an advisory lock or a lock file. The holder renews it while working; if the holder dies, the
lease expires and a standby takes over. It is the first guard only: the unique keys on rounds and
deliveries still make a twin's work harmless if two ever act at once.
"""

from __future__ import annotations

import os
import socket
import uuid
from datetime import timedelta

from sqlalchemy import Engine, delete, or_, select, update
from sqlalchemy.exc import IntegrityError

from collector.core.clock import Clock
from store.db import changed_rows, session_scope
from store.models.rounds import SchedulerLease


def holder_id() -> str:
    """Who this process is, for logs and the lease row: host, pid and a random part (pids get reused)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def acquire(engine: Engine, name: str, holder: str, clock: Clock, ttl: timedelta) -> bool:
    """Take or renew the lease `name` for `ttl`; False when another holder has it and it has not expired."""
    now = clock.now()
    try:
        with session_scope(engine) as session:
            taken = changed_rows(
                session,
                update(SchedulerLease)
                .where(
                    SchedulerLease.name == name,
                    or_(SchedulerLease.holder == holder, SchedulerLease.expires_at <= now),
                )
                .values(holder=holder, expires_at=now + ttl),
            )
            if taken == 1:
                return True
            if session.scalar(select(SchedulerLease.name).where(SchedulerLease.name == name)) is not None:
                return False
            session.add(SchedulerLease(name=name, holder=holder, expires_at=now + ttl))
            session.flush()
            return True
    except IntegrityError:  # another process inserted the row between our UPDATE and INSERT
        return False


def release(engine: Engine, name: str, holder: str) -> None:
    """Give the lease up at once (a clean shutdown), so a standby need not wait for it to expire."""
    with session_scope(engine) as session:
        session.execute(
            delete(SchedulerLease).where(SchedulerLease.name == name, SchedulerLease.holder == holder)
        )


def holder_of(engine: Engine, name: str) -> tuple[str, object] | None:
    """(holder, expires_at) of the lease, or None when nobody holds it."""
    with session_scope(engine, read_only=True) as session:
        row = session.get(SchedulerLease, name)
        return (row.holder, row.expires_at) if row else None
